#include "diagnoser/src/formats/line_format.hpp"

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
    case Format::whack: return "whack";
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

  // The live-log table row that announces the message on the next line.
  if (s.substr(pos, 5) == "IPSec" && s.find('|', pos) != std::string_view::npos && s.size() - pos <= 8) {
    info.livelog_marker = true;
    info.format = Format::livelog;
    info.message = {};
    return info;
  }
  // journald export (MESSAGE=...) and JSON (journalctl -o json).
  if (s.substr(pos, 8) == "MESSAGE=") {
    info.format = Format::journald;
    info.has_prefix = true;
    read_message(s, pos + 8, info);
    return info;
  }
  if (s[pos] == '{') {
    size_t key = s.find("\"MESSAGE\":\"", pos);
    if (key != std::string_view::npos) {
      info.format = Format::journald;
      info.has_prefix = true;
      size_t start = key + 11;
      size_t end = start;
      while (end < s.size() && s[end] != '"') end += (s[end] == '\\') ? 2 : 1;
      read_message(s.substr(0, std::min(end, s.size())), start, info);
      return info;
    }
  }

  double time = -1;
  size_t p = pos;
  if ((time = read_bsd_time(s, p)) >= 0 || (time = read_iso_time(s, p)) >= 0) {
    info.time = time;
    info.has_prefix = true;
    skip_spaces(s, p);
    int thread = -1;
    size_t probe = p;
    if (read_charon_group(s, probe, thread)) {
      info.format = Format::filelog;
      read_message(s, p, info);
      return info;
    }
    if (p < s.size() && s[p] == ':') {  // pluto's own logfile "Nov 22 13:00:00: "
      ++p;
      skip_spaces(s, p);
      info.format = Format::pluto;
      read_message(s, p, info);
      info.dialect = Dialect::pluto;
      return info;
    }
    std::string_view ident;
    if (read_host_ident(s, p, ident)) {
      info.format = Format::syslog;
      if (ident.find("pluto") != std::string_view::npos || ident == "ipsec" || ident.find("libreswan") != std::string_view::npos)
        info.dialect = Dialect::pluto;
      else if (ident.find("charon") != std::string_view::npos)
        info.dialect = Dialect::charon;
      Dialect from_ident = info.dialect;
      read_message(s, p, info);
      if (info.dialect == Dialect::unknown) info.dialect = from_ident;
      return info;
    }
    read_message(s, p, info);
    return info;
  }
  // logcat threadtime: "11-22 13:00:00.123  123  456 I charon  : msg"
  p = pos;
  if ((time = read_logcat_time(s, p)) >= 0) {
    size_t colon = s.find(": ", p);
    if (colon != std::string_view::npos) {
      info.time = time;
      info.format = Format::logcat;
      info.has_prefix = true;
      read_message(s, colon + 2, info);
      return info;
    }
  }
  // logcat brief: "I/charon  ( 123): msg"
  if (s.size() > pos + 2 && std::string_view("VDIWEF").find(s[pos]) != std::string_view::npos && s[pos + 1] == '/') {
    size_t paren = s.find("): ", pos);
    if (paren != std::string_view::npos && paren - pos < 64) {
      info.format = Format::logcat;
      info.has_prefix = true;
      read_message(s, paren + 3, info);
      return info;
    }
  }
  // whack's console output: `002 "site1" #1: initiating IKEv1 Main Mode
  // connection`, a three-digit reply code before pluto's own prefix.
  if (s.size() > pos + 5 && is_digit(s[pos]) && is_digit(s[pos + 1]) && is_digit(s[pos + 2]) && s[pos + 3] == ' ' &&
      (s[pos + 4] == '"' || s.substr(pos + 4, 12) == "packet from " || s.substr(pos + 4, 8) == "ERROR: \"")) {
    size_t after = pos + 4;
    LineInfo whack;
    read_message(s, after, whack);
    if (whack.dialect == Dialect::pluto) {
      whack.format = Format::whack;
      return whack;
    }
  }
  read_message(s, pos, info);
  return info;
}

}  // namespace ikelab::diag
