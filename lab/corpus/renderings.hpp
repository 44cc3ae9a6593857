#pragma once

// Every rendering of a captured log that users send and the diagnoser reads
// (diagnoser/src/formats/line_format.hpp), each as the real tool writes it:
//
//   charon-filelog      charon's file logger (strongswan.conf filelog), as captured
//   pluto-log           pluto's own log file (logfile=), as captured
//   syslog              rsyslog's file output (Debian 12 default template
//                       RSYSLOG_TraditionalFileFormat) of the daemon's syslog lines
//   journald-export     `journalctl -o export` (one field a line, a blank line between entries)
//   journald-short-iso  `journalctl -o short-iso` (systemd 252: +0000 offsets)
//   livelog-table       a firewall GUI's live-log table copied as text (`IPSec |` row, message row)
//   newest-first        a GUI log viewer copied newest line first
//   swanctl-initiate    what `swanctl --initiate` printed (charon initiator), as captured
//   whack               what `whack --initiate` printed (pluto initiator), as captured
//
// Only the framing changes; every message is the daemon's own, in its order.

#include <optional>
#include <string>
#include <vector>

namespace ikelab::corpus {

enum class LogDaemon { charon, pluto };

struct RenderingInfo {
  std::string name;
  std::string extension;  // of the file in the corpus
  bool charon = true, pluto = true;
  bool console = false;  // from the tool's console output, not from the log
};

// In a fixed order (the manifest's order).
const std::vector<RenderingInfo>& known_renderings();
const RenderingInfo* find_rendering(const std::string& name);

// Who wrote the log line (the syslog/journald framing names it).
struct LogSource {
  LogDaemon daemon = LogDaemon::charon;
  std::string host = "gw";  // the host name syslog and journald show
  int pid = 4711;
  int year = 2026;          // the logs carry no year; journald needs one
  std::string boot_id;      // 32 hex digits
};

// The rendering `name` of the captured default log `captured`; nullopt when
// the rendering does not apply to this daemon or is a console capture.
std::optional<std::string> render_log(const std::string& name, const std::string& captured, const LogSource& source);

}  // namespace ikelab::corpus
