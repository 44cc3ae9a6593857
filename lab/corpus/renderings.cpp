#include "lab/corpus/renderings.hpp"

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <sstream>

namespace ikelab::corpus {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// A captured line as its timestamp ("Nov 22 13:08:40") and the rest the
// daemon wrote behind it: charon "11[IKE] <site1|1> msg", pluto
// "\"site1\" #1: msg" (its own log adds ".400219: " to the time).
struct Line {
  std::string time;  // empty: the line has none (the previous line's time applies)
  std::string rest;
};

bool has_time(const std::string& l) {
  return l.size() >= 16 && l[3] == ' ' && l[6] == ' ' && l[9] == ':' && l[12] == ':';
}

Line split(const std::string& line, LogDaemon daemon) {
  if (!has_time(line)) return {"", line};
  Line out{line.substr(0, 15), ""};
  size_t pos = 15;
  if (daemon == LogDaemon::pluto && pos < line.size() && line[pos] == '.') {
    size_t colon = line.find(": ", pos);
    out.rest = colon == std::string::npos ? line.substr(pos) : line.substr(colon + 2);
    return out;
  }
  out.rest = pos + 1 <= line.size() ? line.substr(pos + 1) : "";
  return out;
}

// charon's "11[IKE] <site1|1> msg" without the `<name|N> ` part.
std::string without_ike_name(const std::string& rest) {
  size_t close = rest.find("] ");
  if (close == std::string::npos || close + 2 >= rest.size() || rest[close + 2] != '<') return rest;
  size_t gt = rest.find("> ", close + 2);
  if (gt == std::string::npos) return rest;
  return rest.substr(0, close + 2) + rest.substr(gt + 2);
}

// "Nov 22 13:08:40" in `year` as seconds since the epoch (UTC); -1 if garbled.
long long epoch_seconds(const std::string& time, int year) {
  static const std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i)
    if (time.compare(0, 3, months[static_cast<size_t>(i)]) == 0) tm.tm_mon = i;
  if (tm.tm_mon < 0) return -1;
  try {
    tm.tm_mday = std::stoi(time.substr(4, 2));
    tm.tm_hour = std::stoi(time.substr(7, 2));
    tm.tm_min = std::stoi(time.substr(10, 2));
    tm.tm_sec = std::stoi(time.substr(13, 2));
  } catch (const std::exception&) {
    return -1;
  }
  tm.tm_year = year - 1900;
  return static_cast<long long>(::timegm(&tm));
}

const char* ident(LogDaemon d) { return d == LogDaemon::charon ? "charon" : "pluto"; }

// Calls f(time, rest) for each line, with the last seen time for lines without one.
template <class F>
std::string each_line(const std::string& captured, LogDaemon daemon, F&& f) {
  std::string out, last_time = "Jan  1 00:00:00";
  for (const auto& l : lines_of(captured)) {
    Line line = split(l, daemon);
    if (line.time.empty()) line.time = last_time;
    last_time = line.time;
    out += f(line);
  }
  return out;
}

std::string syslog(const std::string& captured, const LogSource& s) {
  return each_line(captured, s.daemon, [&](const Line& l) {
    return fmt::format("{} {} {}[{}]: {}\n", l.time, s.host, ident(s.daemon), s.pid, l.rest);
  });
}

std::string short_iso(const std::string& captured, const LogSource& s) {
  return each_line(captured, s.daemon, [&](const Line& l) {
    const long long t = epoch_seconds(l.time, s.year);
    std::tm tm{};
    const std::time_t tt = static_cast<std::time_t>(t < 0 ? 0 : t);
    ::gmtime_r(&tt, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S+0000", &tm);
    return fmt::format("{} {} {}[{}]: {}\n", stamp, s.host, ident(s.daemon), s.pid, l.rest);
  });
}

std::string journald_export(const std::string& captured, const LogSource& s) {
  const bool charon = s.daemon == LogDaemon::charon;
  const char* unit = charon ? "strongswan-starter.service" : "ipsec.service";
  const char* exe = charon ? "/usr/lib/ipsec/charon" : "/usr/libexec/ipsec/pluto";
  long long seq = 0x1a2b;
  long long previous = 0;
  int same_second = 0;
  return each_line(captured, s.daemon, [&](const Line& l) {
    const long long t = epoch_seconds(l.time, s.year);
    same_second = t == previous ? same_second + 1 : 0;
    previous = t;
    const long long realtime = (t < 0 ? 0 : t) * 1000000 + same_second * 137 + 12;
    const long long monotonic = 86400000000LL + realtime % 86400000000LL;
    ++seq;
    return fmt::format(
        "__CURSOR=s={};i={:x};b={};m={:x};t={:x};x={:016x}\n__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP={}\n"
        "_BOOT_ID={}\n_TRANSPORT=syslog\nPRIORITY=6\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER={}\nSYSLOG_PID={}\n"
        "SYSLOG_TIMESTAMP={} \nMESSAGE={}\n_PID={}\n_UID=0\n_GID=0\n_COMM={}\n_EXE={}\n_CMDLINE={}\n"
        "_SYSTEMD_CGROUP=/system.slice/{}\n_SYSTEMD_UNIT={}\n_SYSTEMD_SLICE=system.slice\n_HOSTNAME={}\n"
        "_SOURCE_REALTIME_TIMESTAMP={}\n\n",
        s.boot_id, seq, s.boot_id, monotonic, realtime, static_cast<unsigned long long>(realtime) * 0x9e3779b1ull,
        realtime, monotonic, s.boot_id, ident(s.daemon), s.pid, l.time, l.rest, s.pid, ident(s.daemon), exe, exe, unit,
        unit, s.host, realtime - 5);
  });
}

std::string livelog_table(const std::string& captured, const LogSource& s) {
  return "Service |\nMessage\n|\n" +
         each_line(captured, s.daemon, [](const Line& l) { return "IPSec |\n" + without_ike_name(l.rest) + "\n|\n"; });
}

std::string newest_first(const std::string& captured) {
  auto lines = lines_of(captured);
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) out += *it + "\n";
  return out;
}

}  // namespace

const std::vector<RenderingInfo>& known_renderings() {
  static const std::vector<RenderingInfo> renderings = {
      {"charon-filelog", "log", true, false, false},
      {"pluto-log", "log", false, true, false},
      {"syslog", "log", true, true, false},
      {"journald-export", "export", true, true, false},
      {"journald-short-iso", "log", true, true, false},
      {"livelog-table", "txt", true, false, false},
      {"newest-first", "txt", true, true, false},
      {"swanctl-initiate", "txt", true, false, true},
      {"whack", "txt", false, true, true},
  };
  return renderings;
}

const RenderingInfo* find_rendering(const std::string& name) {
  for (const auto& r : known_renderings())
    if (r.name == name) return &r;
  return nullptr;
}

std::optional<std::string> render_log(const std::string& name, const std::string& captured, const LogSource& source) {
  const RenderingInfo* info = find_rendering(name);
  if (!info || info->console) return std::nullopt;
  if (source.daemon == LogDaemon::charon ? !info->charon : !info->pluto) return std::nullopt;
  if (name == "charon-filelog" || name == "pluto-log") return captured;
  if (name == "syslog") return syslog(captured, source);
  if (name == "journald-export") return journald_export(captured, source);
  if (name == "journald-short-iso") return short_iso(captured, source);
  if (name == "livelog-table") return livelog_table(captured, source);
  if (name == "newest-first") return newest_first(captured);
  return std::nullopt;
}

}  // namespace ikelab::corpus
