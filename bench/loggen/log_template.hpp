// A real daemon log turned into a reusable connection attempt: its lines are
// kept verbatim except for the values that make one attempt distinct on a
// busy gateway (connection name, addresses, IKE_SA/CHILD_SA unique ids, pluto
// state numbers, thread numbers, SPIs), which become slots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ikelab::bench {

enum class Dialect { charon, pluto };

enum class Slot : std::uint8_t {
  literal,
  connection,   // charon IKE config name / pluto conn name
  child,        // charon CHILD_SA config name
  sa_id,        // charon IKE_SA unique id (template value k)
  child_id,     // charon CHILD_SA unique id
  state,        // pluto state number #k
  instance,     // pluto instance number "conn"[k]
  local_addr,   // the logging host's own address
  peer_addr,    // the other peer's address
  spi,          // charon CHILD_SA SPI (k-th distinct SPI of the template)
};

struct Piece {
  Slot slot = Slot::literal;
  int k = 0;
  std::string text;  // for literal pieces
};

struct TemplateLine {
  std::int64_t offset_ms = 0;  // since the attempt's first line
  int thread = -1;             // charon thread number in the template, -1 if none
  std::string group;           // charon log group, e.g. "IKE"
  std::vector<Piece> prefix;   // charon ike_name (<conn|N>) or empty
  std::vector<Piece> message;
};

struct LogTemplate {
  std::string path;
  std::string name;  // as the manifest lists it
  Dialect dialect = Dialect::charon;
  // What this log alone must be diagnosed as, written as in expected/
  // ("psk_mismatch", or "[a, b]": each listed id is the fault or a candidate).
  std::string fault;
  bool known_gap = false;  // expected/ lists this side in xfail (a known diagnoser gap)
  int weight = 1;
  // Connection attempts the real log holds (a peer that retried logs two).
  int attempts = 1;
  std::string role;  // initiator or responder: the part the logging host played
  int ike_version = 0;
  std::vector<TemplateLine> lines;
  int sa_ids = 0, child_ids = 0, states = 0, instances = 0, spis = 0;
  int max_thread = 0;
};

struct DaemonHeader {
  std::vector<TemplateLine> lines;  // start-up lines, emitted once
};

// Reads one captured log; throws std::runtime_error naming the file on error.
LogTemplate load_template(const std::string& path, Dialect dialect, const std::string& fault, int weight);

// Start-up lines of a daemon (everything before the first attempt line).
DaemonHeader load_header(const std::string& path, Dialect dialect);

}  // namespace ikelab::bench
