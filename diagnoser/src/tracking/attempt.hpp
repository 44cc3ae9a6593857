#pragma once
// A connection attempt: the lines (hits of catalogue patterns) that belong to
// one IKE_SA / pluto state from its start until it settles.

#include "ikelab/diagnoser.hpp"
#include "diagnoser/src/formats/line_format.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::diag {

struct Hit {
  int pattern = -1;
  std::uint64_t line = 0;
  std::string text;  // the log line as written (truncated)
  std::vector<std::pair<std::string, std::string>> captures;
};

struct Attempt {
  std::uint64_t seq = 0;  // order of the attempt's first line
  std::uint64_t first_line = 0, last_line = 0;
  double first_time = -1, last_time = -1;
  double last_wall = 0;      // wall clock of the last line (--follow)
  std::uint64_t last_hit_counter = 0;  // tracker's hit count at the last line
  Role role = Role::unknown;
  int ike_version = 0;
  Dialect dialect = Dialect::unknown;
  std::string sa_key;      // "name|N"
  std::string connection;  // IKE_SA or pluto connection name
  std::string local, remote;
  std::string pluto_key;
  int pluto_state = 0;     // highest pluto state number (#N) seen
  bool started = false, terminal = false, ike_up = false, child_up = false, failed = false;
  bool significant = false;  // worth a diagnosis
  bool superseded = false;   // replaced by a retry on a new IKE_SA (not reported)
  bool daemon = false;       // the daemon's own lines (start-up, config loading), no connection
  std::vector<Hit> hits;
  // The sizes of the first IKE messages sent and received (charon's packet
  // lines, repeats of a retransmit once): the same datagrams have the same
  // sizes in the peer's log (pairing.cpp).
  static constexpr size_t kMaxPacketSizes = 4;
  std::vector<std::uint32_t> sent_sizes, received_sizes;
  std::vector<std::pair<int, int>> pattern_counts;  // pattern -> hits seen (caps storage)

  int count(int pattern) const {
    for (const auto& [p, n] : pattern_counts)
      if (p == pattern) return n;
    return 0;
  }
};

}  // namespace ikelab::diag
