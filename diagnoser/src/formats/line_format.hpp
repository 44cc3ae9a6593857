#pragma once
// Recognises the prefix a log line carries (timestamps, syslog host/ident,
// charon thread and IKE_SA name, pluto connection/state, logcat, journald)
// and returns the message behind it. Pure string work, no allocation.

#include <cstddef>
#include <string_view>

namespace ikelab::diag {

// whack: pluto's console output (`ipsec whack --initiate`, `ipsec auto --up`),
// each line `NNN "conn" #N: message` with whack's numeric reply code.
enum class Format { unknown, filelog, syslog, journald, console, livelog, pluto, logcat, whack };
inline constexpr size_t kFormatCount = static_cast<size_t>(Format::whack) + 1;
const char* format_name(Format format);

enum class Dialect { unknown, charon, pluto };
const char* dialect_name(Dialect dialect);

// `s` without trailing CR, spaces and tabs.
inline std::string_view trim_end(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct LineInfo {
  Format format = Format::unknown;
  Dialect dialect = Dialect::unknown;
  std::string_view message;      // the text behind all prefixes (no CR)
  double time = -1;              // seconds within the year, -1 when absent
  int thread = -1;               // charon thread number
  std::string_view ike_name;     // charon `<name|N>` prefix
  int ike_id = -1;
  std::string_view pluto_conn;   // pluto `"conn"[inst]` (with the instance)
  int pluto_state = -1;          // pluto `#N`
  std::string_view pluto_peer;   // pluto's address after the connection name
  bool livelog_marker = false;   // the `IPSec |` row of a firewall's live log
  bool has_prefix = false;       // any recognised prefix (timestamp, thread, ...)
};

LineInfo parse_line(std::string_view line);

}  // namespace ikelab::diag
