#include "bench/loggen/log_template.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <regex>
#include <stdexcept>

namespace ikelab::bench {
namespace {

// The lab's names and addresses (see lab/scenario/lab_addresses.hpp and the
// handrun README): these are what the slots replace.
constexpr const char* kCharonConnection = "site1";
constexpr const char* kInitiatorAddress = "192.0.2.1";

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open", path));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// "Nov 22 13:38:51" -> milliseconds since the start of the month's day 1 of
// a year; only differences are used, so the year does not matter.
std::int64_t parse_syslog_time(const std::string& s, const std::string& path, std::size_t line_no) {
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = -1;
  for (int m = 0; m < 12; ++m)
    if (s.compare(0, 3, months[static_cast<std::size_t>(m)]) == 0) month = m;
  int day = 0, h = 0, mi = 0, sec = 0;
  if (month < 0 || std::sscanf(s.c_str() + 3, "%d %d:%d:%d", &day, &h, &mi, &sec) != 4)
    throw std::runtime_error(fmt::format("{}:{}: no timestamp in '{}'", path, line_no, s));
  std::int64_t days = month * 31 + day;
  return ((days * 24 + h) * 60 + mi) * 60'000LL + sec * 1000LL;
}

struct SlotBuilder {
  LogTemplate& t;
  bool local_is_initiator;
  std::map<std::string, int> spi_index;

  void add_literal(std::vector<Piece>& out, const std::string& text) {
    if (text.empty()) return;
    if (!out.empty() && out.back().slot == Slot::literal)
      out.back().text += text;
    else
      out.push_back({Slot::literal, 0, text});
  }
  void add_slot(std::vector<Piece>& out, Slot slot, int k = 0) {
    out.push_back({slot, k, {}});
    if (slot == Slot::sa_id) t.sa_ids = std::max(t.sa_ids, k);
    if (slot == Slot::child_id) t.child_ids = std::max(t.child_ids, k);
    if (slot == Slot::state) t.states = std::max(t.states, k);
    if (slot == Slot::instance) t.instances = std::max(t.instances, k);
  }
  void add_address(std::vector<Piece>& out, const std::string& addr) {
    bool is_initiator = addr == kInitiatorAddress;
    add_slot(out, is_initiator == local_is_initiator ? Slot::local_addr : Slot::peer_addr);
  }

  std::vector<Piece> charon_message(const std::string& msg) {
    static const std::regex re(
        "(site1)\\[([0-9]+)\\]|(net1)\\{([0-9]+)\\}|\\b(site1|net1)\\b|\\b(192\\.0\\.2\\.[12])\\b(?![0-9]|\\.[0-9])|"
        "\\b([0-9a-f]{8})_([io])\\b");
    std::vector<Piece> out;
    auto begin = msg.cbegin();
    for (std::sregex_iterator it(msg.begin(), msg.end(), re), end; it != end; ++it) {
      const std::smatch& m = *it;
      add_literal(out, std::string(begin, m[0].first));
      begin = m[0].second;
      if (m[1].matched) {
        add_slot(out, Slot::connection);
        add_literal(out, "[");
        add_slot(out, Slot::sa_id, std::stoi(m[2]));
        add_literal(out, "]");
      } else if (m[3].matched) {
        add_slot(out, Slot::child);
        add_literal(out, "{");
        add_slot(out, Slot::child_id, std::stoi(m[4]));
        add_literal(out, "}");
      } else if (m[5].matched) {
        add_slot(out, m[5] == kCharonConnection ? Slot::connection : Slot::child);
      } else if (m[6].matched) {
        add_address(out, m[6]);
      } else {
        auto [pos, inserted] = spi_index.emplace(m[7], static_cast<int>(spi_index.size()) + 1);
        (void)inserted;
        out.push_back({Slot::spi, pos->second, {}});
        t.spis = std::max(t.spis, pos->second);
        add_literal(out, "_" + m[8].str());
      }
    }
    add_literal(out, std::string(begin, msg.cend()));
    return out;
  }

  std::vector<Piece> charon_prefix(const std::string& ike_name) {
    static const std::regex re("<(?:(site1)\\|)?([0-9]+)>");
    std::smatch m;
    std::vector<Piece> out;
    if (ike_name.empty()) return out;
    if (!std::regex_match(ike_name, m, re)) {
      add_literal(out, ike_name);
      return out;
    }
    add_literal(out, "<");
    if (m[1].matched) {
      add_slot(out, Slot::connection);
      add_literal(out, "|");
    }
    add_slot(out, Slot::sa_id, std::stoi(m[2]));
    add_literal(out, ">");
    return out;
  }

  std::vector<Piece> pluto_message(const std::string& msg) {
    static const std::regex re(
        "\"(?:lab|site1)\"\\[([0-9]+)\\]|(\"(?:lab|site1)\"|'(?:lab|site1)')|#([0-9]+)\\b|\\b(192\\.0\\.2\\.[12])\\b(?![0-9]|\\.[0-9])");
    std::vector<Piece> out;
    auto begin = msg.cbegin();
    for (std::sregex_iterator it(msg.begin(), msg.end(), re), end; it != end; ++it) {
      const std::smatch& m = *it;
      add_literal(out, std::string(begin, m[0].first));
      begin = m[0].second;
      if (m[1].matched) {
        add_literal(out, "\"");
        add_slot(out, Slot::connection);
        add_literal(out, "\"[");
        add_slot(out, Slot::instance, std::stoi(m[1]));
        add_literal(out, "]");
      } else if (m[2].matched) {
        std::string quote = m[2].str().substr(0, 1);
        add_literal(out, quote);
        add_slot(out, Slot::connection);
        add_literal(out, quote);
      } else if (m[3].matched) {
        add_literal(out, "#");
        add_slot(out, Slot::state, std::stoi(m[3]));
      } else {
        add_address(out, m[4]);
      }
    }
    add_literal(out, std::string(begin, msg.cend()));
    return out;
  }
};

// .../initiator/pluto.log, .../ike1-initiator.log, .../pluto-initiator.log
bool logged_by_initiator(const std::string& path) {
  auto base = path.substr(path.find_last_of('/') + 1);
  return base.find("initiator") != std::string::npos || path.find("/initiator/") != std::string::npos;
}

const std::regex& charon_line_re() {
  static const std::regex re("^([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}) ([0-9]{2})\\[([A-Z]+)\\] (<[^>]*> )?(.*)$");
  return re;
}
const std::regex& pluto_line_re() {
  static const std::regex re("^([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8})\\.([0-9]{6}): (.*)$");
  return re;
}

bool charon_startup_done(const std::string& msg) { return msg.rfind("spawning ", 0) == 0; }
bool charon_config_load(const std::string& msg) {
  return msg.rfind("loaded ", 0) == 0 || msg.rfind("added vici connection", 0) == 0;
}

bool pluto_attempt_line(const std::string& msg) {
  static const std::regex re("^(\"[^\"]+\"(\\[[0-9]+\\])?( [0-9a-fA-F.:]+)? #[0-9]+: |packet from )");
  return std::regex_search(msg, re);
}
bool pluto_attempt_over(const std::string& msg) {
  return msg.rfind("Pluto is shutting down", 0) == 0 || msg.find("which received a Delete/Notify but must remain up") != std::string::npos;
}

}  // namespace

LogTemplate load_template(const std::string& path, Dialect dialect, const std::string& fault, int weight) {
  LogTemplate t;
  t.path = path;
  t.dialect = dialect;
  t.fault = fault;
  t.weight = weight;
  SlotBuilder slots{t, logged_by_initiator(path), {}};
  t.role = slots.local_is_initiator ? "initiator" : "responder";
  static const std::regex version_re("(ike|-v)([12])[-/]");
  std::smatch vm;
  if (std::regex_search(path, vm, version_re)) t.ike_version = std::stoi(vm[2]);
  auto lines = read_lines(path);
  bool in_window = false;
  std::int64_t first_ms = -1;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (dialect == Dialect::charon) {
      if (!std::regex_match(lines[i], m, charon_line_re())) continue;
      std::string msg = m[5];
      if (!in_window) {
        in_window = charon_startup_done(msg);
        continue;
      }
      if (msg.rfind("SIGTERM received", 0) == 0) break;
      if (charon_config_load(msg)) continue;
      auto ms = parse_syslog_time(m[1], path, i + 1);
      if (first_ms < 0) first_ms = ms;
      TemplateLine tl;
      tl.offset_ms = ms - first_ms;
      tl.thread = std::stoi(m[2]);
      tl.group = m[3];
      std::string ike_name = m[4].matched ? m[4].str() : std::string();
      if (!ike_name.empty()) ike_name.pop_back();  // the space after >
      tl.prefix = slots.charon_prefix(ike_name);
      tl.message = slots.charon_message(msg);
      t.max_thread = std::max(t.max_thread, tl.thread);
      t.lines.push_back(std::move(tl));
    } else {
      if (!std::regex_match(lines[i], m, pluto_line_re())) continue;
      std::string msg = m[3];
      if (!in_window) in_window = pluto_attempt_line(msg);
      if (!in_window) continue;
      if (pluto_attempt_over(msg)) break;
      auto ms = parse_syslog_time(m[1], path, i + 1) + std::stoi(m[2]) / 1000;
      if (first_ms < 0) first_ms = ms;
      TemplateLine tl;
      tl.offset_ms = ms - first_ms;
      tl.message = slots.pluto_message(msg);
      t.lines.push_back(std::move(tl));
    }
  }
  if (t.lines.empty()) throw std::runtime_error(fmt::format("{}: no connection attempt found", path));
  return t;
}

DaemonHeader load_header(const std::string& path, Dialect dialect) {
  DaemonHeader h;
  LogTemplate scratch;
  SlotBuilder slots{scratch, logged_by_initiator(path), {}};
  auto lines = read_lines(path);
  for (const auto& line : lines) {
    std::smatch m;
    if (dialect == Dialect::charon) {
      if (!std::regex_match(line, m, charon_line_re())) continue;
      TemplateLine tl;
      tl.thread = std::stoi(m[2]);
      tl.group = m[3];
      tl.message = {{Slot::literal, 0, m[5].str()}};
      h.lines.push_back(std::move(tl));
      if (charon_startup_done(m[5])) break;
    } else {
      if (!std::regex_match(line, m, pluto_line_re())) continue;
      std::string msg = m[3];
      TemplateLine tl;
      tl.message = slots.pluto_message(msg);
      h.lines.push_back(std::move(tl));
      if (msg.rfind("loading secrets from", 0) == 0) break;
    }
  }
  return h;
}

}  // namespace ikelab::bench
