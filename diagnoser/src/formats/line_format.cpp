#include "diagnoser/src/formats/line_format.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ikelab::diag {

const char* format_name(Format format) {
  switch (format) {
    case Format::filelog: return "charon-filelog";
    case Format::syslog: return "syslog";
    case Format::journald: return "journald";
    case Format::console: return "console";
    case Format::livelog: return "livelog-table";
    case Format::pluto: return "pluto";
    case Format::logcat: return "logcat";
    case Format::filelog_json: return "charon-filelog-json";
    case Format::whack: return "whack";
    case Format::gui: return "gui";
    case Format::unknown: break;
  }
  return "unknown";
}

const char* dialect_name(Dialect dialect) {
  switch (dialect) {
    case Dialect::charon: return "charon";
    case Dialect::pluto: return "pluto";
    case Dialect::unknown: break;
  }
  return "unknown";
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

// Reads digits at s[pos..], returns -1 when none.
int read_int(std::string_view s, size_t& pos, size_t max_digits = 9) {
  size_t start = pos;
  int value = 0;
  while (pos < s.size() && is_digit(s[pos]) && pos - start < max_digits) value = value * 10 + (s[pos++] - '0');
  return pos == start ? -1 : value;
}

void skip_spaces(std::string_view s, size_t& pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
}

// HH:MM:SS(.frac)? at pos; returns seconds or -1.
double read_clock(std::string_view s, size_t& pos) {
  size_t p = pos;
  int h = read_int(s, p, 2);
  if (h < 0 || p >= s.size() || s[p] != ':') return -1;
  ++p;
  int m = read_int(s, p, 2);
  if (m < 0 || p >= s.size() || s[p] != ':') return -1;
  ++p;
  int sec = read_int(s, p, 2);
  if (sec < 0) return -1;
  double value = h * 3600.0 + m * 60.0 + sec;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    double scale = 0.1;
    while (p < s.size() && is_digit(s[p])) {
      value += (s[p++] - '0') * scale;
      scale /= 10;
    }
  }
  pos = p;
  return value;
}

int month_index(std::string_view s) {
  static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < months.size(); ++i)
    if (s == months[i]) return static_cast<int>(i);
  return -1;
}

// "Nov  5 10:54:40" / "Nov 5 10:54:40.123"
double read_bsd_time(std::string_view s, size_t& pos) {
  if (s.size() < pos + 15) return -1;
  int month = month_index(s.substr(pos, 3));
  if (month < 0 || s[pos + 3] != ' ') return -1;
  size_t p = pos + 4;
  skip_spaces(s, p);
  int day = read_int(s, p, 2);
  if (day < 0 || p >= s.size() || s[p] != ' ') return -1;
  ++p;
  double clock = read_clock(s, p);
  if (clock < 0) return -1;
  pos = p;
  return (month * 31.0 + day) * 86400.0 + clock;
}

// "2026-11-22T13:00:00.123456+00:00" or "2026-11-22 13:00:00"
double read_iso_time(std::string_view s, size_t& pos) {
  size_t p = pos;
  int year = read_int(s, p, 4);
  if (year < 1000 || p >= s.size() || s[p] != '-') return -1;
  ++p;
  int month = read_int(s, p, 2);
  if (month < 1 || p >= s.size() || s[p] != '-') return -1;
  ++p;
  int day = read_int(s, p, 2);
  if (day < 1 || p >= s.size() || (s[p] != 'T' && s[p] != ' ')) return -1;
  ++p;
  double clock = read_clock(s, p);
  if (clock < 0) return -1;
  if (p < s.size() && s[p] == 'Z') ++p;
  if (p < s.size() && (s[p] == '+' || s[p] == '-') && p + 1 < s.size() && is_digit(s[p + 1])) {
    ++p;
    while (p < s.size() && (is_digit(s[p]) || s[p] == ':')) ++p;
  }
  pos = p;
  return ((month - 1) * 31.0 + day) * 86400.0 + clock;
}

// logcat threadtime "11-22 13:00:00.123"
double read_logcat_time(std::string_view s, size_t& pos) {
  size_t p = pos;
  int month = read_int(s, p, 2);
  if (month < 1 || p >= s.size() || s[p] != '-') return -1;
  ++p;
  int day = read_int(s, p, 2);
  if (day < 1 || p >= s.size() || s[p] != ' ') return -1;
  ++p;
  double clock = read_clock(s, p);
  if (clock < 0) return -1;
  pos = p;
  return ((month - 1) * 31.0 + day) * 86400.0 + clock;
}

// charon "13[IKE] " (thread) or "[IKE] " (console, thread < 0)
bool read_charon_group(std::string_view s, size_t& pos, int& thread) {
  size_t p = pos;
  int t = read_int(s, p, 4);
  if (p >= s.size() || s[p] != '[') return false;
  ++p;
  size_t letters = 0;
  while (p < s.size() && is_upper(s[p]) && letters < 5) ++p, ++letters;
  if (letters < 2 || p >= s.size() || s[p] != ']') return false;
  ++p;
  if (p < s.size() && s[p] != ' ') return false;
  skip_spaces(s, p);
  thread = t;
  pos = p;
  return true;
}

// charon ike_name "<conn|12> "
void read_ike_name(std::string_view s, size_t& pos, LineInfo& info) {
  if (pos >= s.size() || s[pos] != '<') return;
  size_t close = s.find('>', pos);
  if (close == std::string_view::npos || close - pos > 200) return;
  size_t bar = s.find('|', pos);
  if (bar == std::string_view::npos || bar > close) bar = pos;  // "<5>": no name yet
  size_t p = bar + 1;
  int id = read_int(s, p, 9);
  if (id < 0 || p != close) return;
  info.ike_name = bar > pos ? s.substr(pos + 1, bar - pos - 1) : std::string_view();
  info.ike_id = id;
  pos = close + 1;
  skip_spaces(s, pos);
}

// pluto `"conn"[1] 1.2.3.4 #1: `, `"conn" #1: `, `"conn": `, `packet from 1.2.3.4:500: `
bool read_pluto_prefix(std::string_view s, size_t& pos, LineInfo& info) {
  if (pos < s.size() && s[pos] == '"') {
    size_t close = s.find('"', pos + 1);
    if (close == std::string_view::npos || close - pos > 200) return false;
    // A connection name is one word, followed by its instance, peer, state
    // or ':' (a sentence quoted in "..." is not a pluto prefix).
    if (s.substr(pos + 1, close - pos - 1).find(' ') != std::string_view::npos || close + 1 >= s.size() ||
        std::string_view("[ :").find(s[close + 1]) == std::string_view::npos)
      return false;
    size_t p = close + 1;
    if (p < s.size() && s[p] == '[') {
      size_t end = s.find(']', p);
      if (end == std::string_view::npos || end - p > 12) return false;
      p = end + 1;
    }
    std::string_view conn = s.substr(pos + 1, p - pos - 1);
    if (!conn.empty() && conn.back() == '"') conn.remove_suffix(1);
    info.pluto_conn = s.substr(pos, p - pos);
    (void)conn;
    skip_spaces(s, p);
    // optional peer address
    if (p < s.size() && s[p] != '#' && s[p] != ':') {
      size_t end = s.find_first_of(" :", p);
      if (end != std::string_view::npos && s[end] == ' ' && end + 1 < s.size() && s[end + 1] == '#') {
        info.pluto_peer = s.substr(p, end - p);
        p = end + 1;
      }
    }
    if (p < s.size() && s[p] == '#') {
      ++p;
      info.pluto_state = read_int(s, p, 9);
    }
    if (p < s.size() && s[p] == ':') ++p;
    skip_spaces(s, p);
    pos = p;
    return true;
  }
  if (s.substr(pos, 12) == "packet from ") {
    // keep the "packet from" in the message: rules use it.
    return true;
  }
  return false;
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// After a syslog "host ident[pid]: " returns the ident (without pid).
bool read_host_ident(std::string_view s, size_t& pos, std::string_view& ident) {
  size_t p = pos;
  size_t host_end = s.find(' ', p);
  if (host_end == std::string_view::npos || host_end == p || host_end - p > 255) return false;
  p = host_end + 1;
  size_t colon = s.find(": ", p);
  size_t space = s.find(' ', p);
  if (colon == std::string_view::npos || (space != std::string_view::npos && space < colon) || colon - p > 64)
    return false;
  ident = s.substr(p, colon - p);
  size_t bracket = ident.find('[');
  if (bracket != std::string_view::npos) ident = ident.substr(0, bracket);
  pos = colon + 2;
  return true;
}

void read_message(std::string_view s, size_t pos, LineInfo& info) {
  int thread = -1;
  if (read_charon_group(s, pos, thread)) {
    info.thread = thread;
    info.dialect = Dialect::charon;
    info.has_prefix = true;
    if (info.format == Format::unknown) info.format = thread < 0 ? Format::console : Format::filelog;
    read_ike_name(s, pos, info);
  } else if (read_pluto_prefix(s, pos, info)) {
    info.dialect = Dialect::pluto;
    info.has_prefix = true;
    if (info.format == Format::unknown) info.format = Format::pluto;
  } else if (size_t after = pos + 7; s.substr(pos, 8) == "ERROR: \"" && read_pluto_prefix(s, after, info)) {
    // pluto's `ERROR: "conn" #2: netlink response for Add SA ...`: the state
    // in it ties the line to its attempt (on a busy gateway the latest
    // attempt is someone else's).
    pos = after;
    info.dialect = Dialect::pluto;
    info.has_prefix = true;
    if (info.format == Format::unknown) info.format = Format::pluto;
  }
  info.message = s.substr(pos);
}

// The raw value of `"key":` in a one-line JSON object: a string's content
// (escapes kept) or a bare number; npos-free empty view when absent.
std::string_view json_value(std::string_view s, std::string_view key) {
  for (size_t at = s.find(key); at != std::string_view::npos; at = s.find(key, at + 1)) {
    if (at == 0 || s[at - 1] != '"' || at + key.size() >= s.size() || s[at + key.size()] != '"') continue;
    size_t p = at + key.size() + 1;
    skip_spaces(s, p);
    if (p >= s.size() || s[p] != ':') continue;
    ++p;
    skip_spaces(s, p);
    if (p < s.size() && s[p] == '"') {
      size_t end = ++p;
      while (end < s.size() && s[end] != '"') end += (s[end] == '\\') ? 2 : 1;
      return s.substr(p, std::min(end, s.size()) - p);
    }
    size_t end = p;
    while (end < s.size() && (is_digit(s[end]) || s[end] == '-')) ++end;
    return s.substr(p, end - p);
  }
  return {};
}

// strongSwan 6's `json = yes` file log:
// {"time":"Dec  2 07:10:00","thread":12,"group":"IKE","level":1,"ikesa-name":"site1","ikesa-uniqueid":1,"msg":"..."}
bool read_charon_json(std::string_view s, size_t pos, LineInfo& info) {
  if (s[pos] != '{' || s.find("\"msg\"", pos) == std::string_view::npos || s.find("\"group\"", pos) == std::string_view::npos)
    return false;
  info.format = Format::filelog_json;
  info.dialect = Dialect::charon;
  info.has_prefix = true;
  info.message = json_value(s, "msg");
  if (auto thread = json_value(s, "thread"); !thread.empty()) {
    size_t p = 0;
    info.thread = read_int(thread, p, 4);
  }
  info.ike_name = json_value(s, "ikesa-name");
  if (auto id = json_value(s, "ikesa-uniqueid"); !id.empty()) {
    size_t p = 0;
    info.ike_id = read_int(id, p, 9);
  }
  if (auto time = json_value(s, "time"); !time.empty()) {
    size_t p = 0;
    double t = read_bsd_time(time, p);
    if (t < 0) {
      p = 0;
      t = read_iso_time(time, p);
    }
    info.time = t;
  }
  return true;
}

// --- the recognisers: one per format, tried in order by parse_line --------

// Each looks at `s` from `pos` (past a BOM and indentation) and, when the line
// is of its format, fills `info` (message included) and returns true.
using Recogniser = bool (*)(std::string_view s, size_t pos, LineInfo& info);

// The live-log table row that announces the message on the next line.
bool livelog_row(std::string_view s, size_t pos, LineInfo& info) {
  if (s.substr(pos, 5) != "IPSec" || s.find('|', pos) == std::string_view::npos || s.size() - pos > 8) return false;
  info.livelog_marker = true;
  info.format = Format::livelog;
  info.message = {};
  return true;
}

// journald export (MESSAGE=...).
bool journald_export(std::string_view s, size_t pos, LineInfo& info) {
  if (s.substr(pos, 8) != "MESSAGE=") return false;
  info.format = Format::journald;
  info.has_prefix = true;
  read_message(s, pos + 8, info);
  return true;
}

// journalctl -o json, charon's JSON file log: the message of "MESSAGE" (or "msg").
bool json_record(std::string_view s, size_t pos, LineInfo& info) {
  if (s[pos] != '{') return false;
  size_t key = s.find("\"MESSAGE\":\"", pos);
  if (key == std::string_view::npos) return false;
  size_t start = key + 11;
  info.format = Format::journald;
  info.has_prefix = true;
  size_t end = start;
  while (end < s.size() && s[end] != '"') end += (s[end] == '\\') ? 2 : 1;
  read_message(s.substr(0, std::min(end, s.size())), start, info);
  return true;
}

// A month as a BSD timestamp writes it in another language ("тра", "Okt",
// "Mai"): a word of 2 to 12 bytes without digits, then day and clock.
double read_any_month_time(std::string_view s, size_t& pos) {
  size_t p = pos;
  while (p < s.size() && p - pos <= 12 && s[p] != ' ' && s[p] != '\t' && !is_digit(s[p])) ++p;
  if (p - pos < 2 || p - pos > 12 || p >= s.size() || s[p] != ' ') return -1;
  skip_spaces(s, p);
  int day = read_int(s, p, 2);
  if (day < 0 || p >= s.size() || s[p] != ' ') return -1;
  ++p;
  double clock = read_clock(s, p);
  if (clock < 0) return -1;
  pos = p;
  return day * 86400.0 + clock;
}

double read_timestamp(std::string_view s, size_t& pos) {
  double time = read_bsd_time(s, pos);
  if (time < 0) time = read_iso_time(s, pos);
  if (time < 0) time = read_any_month_time(s, pos);
  return time;
}

// Separators GUI log views put between their columns.
bool skip_columns(std::string_view s, size_t& pos) {
  bool gui = false;
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '|')) {
    if (s[pos] != ' ') gui = true;
    ++pos;
  }
  return gui;
}

Dialect dialect_of_ident(std::string_view ident) {
  if (ident.find("pluto") != std::string_view::npos || ident == "ipsec" || ident.find("libreswan") != std::string_view::npos)
    return Dialect::pluto;
  if (ident.find("charon") != std::string_view::npos || ident.find("strongswan") != std::string_view::npos ||
      ident == "swanctl")
    return Dialect::charon;
  return Dialect::unknown;
}

bool is_severity(std::string_view word) {
  for (std::string_view w : {"Informational", "Notice", "Warning", "Error", "Debug", "Critical", "Info", "info",
                             "notice", "warning", "error", "debug", "err", "warn"})
    if (word == w) return true;
  return false;
}

// A GUI view's columns after the time: `| charon: `, `\tcharon\t\t`,
// `\tInformational\tcharon\t`, `charon[123]: ` (no host). Up to three words
// (severity, process, pid) before a charon `NN[IKE]` group or after a word
// ending in ':'.
bool read_gui_columns(std::string_view s, size_t& pos, LineInfo& info, bool gui) {
  size_t p = pos;
  Dialect dialect = Dialect::unknown;
  for (int words = 0; words < 3 && p < s.size(); ++words) {
    int thread = -1;
    size_t probe = p;
    if (words > 0 && read_charon_group(s, probe, thread)) break;
    size_t end = p;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t' && s[end] != '|') ++end;
    std::string_view word = s.substr(p, end - p);
    bool ident_end = !word.empty() && word.back() == ':';
    if (ident_end) word.remove_suffix(1);
    std::string_view name = word.substr(0, word.find('['));
    if (Dialect d = dialect_of_ident(name); d != Dialect::unknown) dialect = d;
    else if (!is_severity(word) && !std::all_of(word.begin(), word.end(), is_digit) && !ident_end) return false;
    p = end;
    gui = skip_columns(s, p) || gui;
    if (ident_end) break;
  }
  if (dialect == Dialect::unknown) return false;
  info.format = gui ? Format::gui : Format::syslog;
  info.dialect = dialect;
  pos = p;
  return true;
}

// Everything that starts with a time: charon's file log, pluto's log file,
// syslog (`host ident[pid]: `), GUI log views; a second time right after the
// first (a collector's time before the daemon's) is skipped.
bool timestamped(std::string_view s, size_t pos, LineInfo& info) {
  size_t p = pos;
  double time = read_timestamp(s, p);
  if (time < 0) return false;
  info.time = time;
  info.has_prefix = true;
  bool gui = skip_columns(s, p);
  if (size_t again = p; read_timestamp(s, again) >= 0) {
    p = again;
    gui = skip_columns(s, p) || gui;
  }
  int thread = -1;
  if (size_t probe = p; read_charon_group(s, probe, thread)) {
    info.format = gui ? Format::gui : Format::filelog;
    read_message(s, p, info);
    return true;
  }
  if (p < s.size() && s[p] == ':') {  // pluto's own logfile "Nov 22 13:00:00: "
    ++p;
    skip_spaces(s, p);
    info.format = Format::pluto;
    read_message(s, p, info);
    info.dialect = Dialect::pluto;
    return true;
  }
  std::string_view ident;
  Dialect from_columns = Dialect::unknown;
  if (size_t q = p; read_host_ident(s, q, ident)) {
    info.format = gui ? Format::gui : Format::syslog;
    from_columns = dialect_of_ident(ident);
    p = q;
  } else if (read_gui_columns(s, p, info, gui)) {
    from_columns = info.dialect;
  }
  info.dialect = from_columns;
  read_message(s, p, info);
  if (info.dialect == Dialect::unknown) info.dialect = from_columns;
  return true;
}

// RFC 5424 syslog (or BSD syslog after its <PRI>): `<30>1 2024-06-08T00:46:22+02:00 host charon 51742 - [meta ...] msg`.
bool rfc5424(std::string_view s, size_t pos, LineInfo& info) {
  if (s[pos] != '<') return false;
  size_t p = pos + 1;
  if (read_int(s, p, 3) < 0 || p + 2 >= s.size() || s[p] != '>') return false;
  if (s[p + 1] != '1' || s[p + 2] != ' ') return timestamped(s, p + 1, info);  // BSD syslog with its <PRI>
  p += 3;
  double time = read_iso_time(s, p);
  if (time < 0) return false;
  // host, app, procid, msgid
  std::string_view app;
  for (int field = 0; field < 4; ++field) {
    skip_spaces(s, p);
    size_t end = s.find(' ', p);
    if (end == std::string_view::npos) return false;
    if (field == 1) app = s.substr(p, end - p);
    p = end;
  }
  skip_spaces(s, p);
  if (p < s.size() && s[p] == '[') {  // structured data, or "-"
    size_t close = s.find("] ", p);
    if (close == std::string_view::npos) return false;
    p = close + 2;
  } else if (p < s.size() && s[p] == '-') {
    ++p;
  }
  skip_spaces(s, p);
  info.time = time;
  info.has_prefix = true;
  info.format = Format::syslog;
  info.dialect = dialect_of_ident(app);
  Dialect from_app = info.dialect;
  read_message(s, p, info);
  if (info.dialect == Dialect::unknown) info.dialect = from_app;
  return true;
}

// logcat threadtime: "11-22 13:00:00.123  123  456 I charon  : msg"
bool logcat_threadtime(std::string_view s, size_t pos, LineInfo& info) {
  size_t p = pos;
  double time = read_logcat_time(s, p);
  size_t colon = s.find(": ", p);
  if (time < 0 || colon == std::string_view::npos) return false;
  info.time = time;
  info.format = Format::logcat;
  info.has_prefix = true;
  read_message(s, colon + 2, info);
  return true;
}

// logcat brief: "I/charon  ( 123): msg"
bool logcat_brief(std::string_view s, size_t pos, LineInfo& info) {
  if (s.size() <= pos + 2 || std::string_view("VDIWEF").find(s[pos]) == std::string_view::npos || s[pos + 1] != '/')
    return false;
  size_t paren = s.find("): ", pos);
  if (paren == std::string_view::npos || paren - pos >= 64) return false;
  info.format = Format::logcat;
  info.has_prefix = true;
  read_message(s, paren + 3, info);
  return true;
}

// whack's console output: `002 "site1" #1: initiating IKEv1 Main Mode
// connection`, a three-digit reply code before pluto's own prefix.
bool whack_reply(std::string_view s, size_t pos, LineInfo& info) {
  if (s.size() <= pos + 5 || !is_digit(s[pos]) || !is_digit(s[pos + 1]) || !is_digit(s[pos + 2]) || s[pos + 3] != ' ' ||
      !(s[pos + 4] == '"' || s.substr(pos + 4, 12) == "packet from " || s.substr(pos + 4, 8) == "ERROR: \""))
    return false;
  LineInfo whack;
  read_message(s, pos + 4, whack);
  if (whack.dialect != Dialect::pluto) return false;
  whack.format = Format::whack;
  info = whack;
  return true;
}

// A daemon's syslog ident without time or host, as `grep pluto` or
// OpenWrt's logread leave it: `pluto[123]: msg`, `daemon.info ipsec: 10[KNL] msg`.
bool ident_only(std::string_view s, size_t pos, LineInfo& info) {
  size_t p = pos;
  size_t space = s.find(' ', p);
  if (space != std::string_view::npos && space - p < 24 && s.substr(p, space - p).find('.') != std::string_view::npos &&
      s.substr(p, space - p).find(':') == std::string_view::npos)
    p = space + 1;  // logread's facility.level
  size_t colon = s.find(": ", p);
  if (colon == std::string_view::npos || colon - p > 40) return false;
  std::string_view ident = s.substr(p, colon - p);
  if (ident.find(' ') != std::string_view::npos) return false;
  Dialect dialect = dialect_of_ident(ident.substr(0, ident.find('[')));
  if (dialect == Dialect::unknown) return false;
  info.format = Format::syslog;
  info.has_prefix = true;
  read_message(s, colon + 2, info);
  if (info.dialect == Dialect::unknown) info.dialect = dialect;
  return true;
}

// In order: the first that takes the line decides its format.
constexpr std::array<Recogniser, 10> kRecognisers = {livelog_row,  read_charon_json, json_record,       journald_export,
                                                    rfc5424,      timestamped,       logcat_threadtime,
                                                    logcat_brief, whack_reply,       ident_only};

}  // namespace

LineInfo parse_line(std::string_view line) {
  LineInfo info;
  std::string_view s = rtrim(line);
  size_t pos = 0;
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF && static_cast<unsigned char>(s[1]) == 0xBB &&
      static_cast<unsigned char>(s[2]) == 0xBF)
    pos = 3;
  skip_spaces(s, pos);
  if (pos >= s.size()) {
    info.message = s.substr(pos);
    return info;
  }
  for (Recogniser recognise : kRecognisers) {
    LineInfo attempt;
    if (recognise(s, pos, attempt)) return attempt;
  }
  read_message(s, pos, info);
  return info;
}

}  // namespace ikelab::diag
