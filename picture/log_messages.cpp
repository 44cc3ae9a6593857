#include "picture/log_messages.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>

namespace ikelab::picture {
namespace {

struct Patterns {
  // "Nov 22 14:29:11" (charon filelog, syslog), "Nov 22 14:29:02.833857:" (pluto),
  // "2026-11-22T14:29:11.123+00:00" (journal, RFC 5424).
  RE2 time{R"(^((?:[A-Z][a-z]{2} +\d+ |\d{4}-\d\d-\d\dT)(\d\d):(\d\d):(\d\d)(\.\d+)?))"};
  RE2 charon{R"((generating|parsed) ([A-Z][A-Z0-9_]*) (request|response) (\d+) \[ ?(.*?) ?\])"};
  RE2 charon_sa{R"(\[[A-Z]{3}\] <([^>]+)> )"};
  RE2 pluto_sa{R"("[^"]+"(?:\[\d+\])?(?: [0-9a-fA-F.:]+)? (#\d+): (.*)$)"};
  // pluto IKEv2
  RE2 p_sent{R"(^sent (IKE_SA_INIT|IKE_AUTH|CREATE_CHILD_SA|INFORMATIONAL|IKE_INTERMEDIATE) (request|reply|response))"};
  RE2 p_decrypted{R"(^processing decrypted ([A-Z_]+) (request|response): SK\{(.*)\})"};
  RE2 p_responding{R"(^responding to ([A-Z_]+) message \(ID (\d+)\) from \S+ with (?:encrypted |unencrypted )?notification ([A-Z0-9_]+))"};
  RE2 p_rejected{R"(^IKE SA authentication request rejected by peer: ([A-Z0-9_]+))"};
  RE2 p_child_rejected{R"(^([A-Z_]+) response rejected Child SA with ([A-Z0-9_]+))"};
  RE2 p_established{R"(^(initiator|responder) established IKE SA)"};  // IKE_AUTH's response came / went
  RE2 p_delete_sent{R"(^deleting state \(STATE_[A-Z0-9_]+\) .* and sending notification)"};
  // pluto IKEv1
  RE2 p_v1_sent{R"(^sent (Main|Aggressive|Quick) Mode (request|reply|I\d|R\d))"};
  RE2 p_v1_responding{R"(^responding to (Main|Aggressive|Quick) Mode)"};
  RE2 p_delete{R"(^received Delete SA)"};
};

const Patterns& patterns() {
  static const Patterns p;
  return p;
}

std::vector<std::string> split_payloads(std::string_view list, char separator) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  for (char c : list) {
    if (c == '(' || c == '{') ++depth;
    if (c == ')' || c == '}') --depth;
    if (c == separator && depth == 0) {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

void collect_notifies(LogMessage& m) {
  for (const auto& p : m.payloads)
    if (p.size() > 3 && p.starts_with("N(") && p.back() == ')') m.notifies.push_back(p.substr(2, p.size() - 3));
}

std::string v1_exchange(const std::string& mode) {
  if (mode == "Main") return "ID_PROT";
  if (mode == "Aggressive") return "AGGRESSIVE";
  return "QUICK_MODE";
}

void read_time(std::string_view line, LogMessage& m) {
  std::string stamp, h, mi, s, frac;
  if (!RE2::PartialMatch(line, patterns().time, &stamp, &h, &mi, &s, &frac)) return;
  m.time = stamp;
  m.seconds = std::stoi(h) * 3600.0 + std::stoi(mi) * 60.0 + std::stoi(s) + (frac.empty() ? 0.0 : std::stod("0" + frac));
}

bool read_charon(std::string_view line, LogMessage& m) {
  std::string verb, exchange, kind, id, payloads;
  if (!RE2::PartialMatch(line, patterns().charon, &verb, &exchange, &kind, &id, &payloads)) return false;
  m.daemon = "charon";
  m.sent = verb == "generating";
  m.exchange = exchange;
  m.kind = kind;
  m.message_id = std::stoll(id.substr(0, 10));
  m.payloads = split_payloads(payloads, ' ');
  RE2::PartialMatch(line, patterns().charon_sa, &m.sa);
  return true;
}

bool read_pluto(std::string_view line, LogMessage& m) {
  std::string state, rest;
  if (!RE2::PartialMatch(line, patterns().pluto_sa, &state, &rest)) return false;
  const auto& p = patterns();
  std::string a, b, c;
  m.daemon = "pluto";
  m.sa = state;
  if (RE2::PartialMatch(rest, p.p_sent, &a, &b)) {
    m.sent = true;
    m.exchange = a;
    m.kind = b == "request" ? "request" : "response";
  } else if (RE2::PartialMatch(rest, p.p_decrypted, &a, &b, &c)) {
    m.exchange = a;
    m.kind = b;
    m.payloads = split_payloads(c, ',');
  } else if (RE2::PartialMatch(rest, p.p_responding, &a, &b, &c)) {
    m.sent = true;
    m.exchange = a;
    m.kind = "response";
    m.message_id = std::stoll(b.substr(0, 10));
    m.payloads = {"N(" + c + ")"};
  } else if (RE2::PartialMatch(rest, p.p_rejected, &a)) {
    m.exchange = "IKE_AUTH";
    m.kind = "response";
    m.payloads = {"N(" + a + ")"};
  } else if (RE2::PartialMatch(rest, p.p_child_rejected, &a, &b)) {
    m.exchange = a;
    m.kind = "response";
    m.payloads = {"N(" + b + ")"};
  } else if (RE2::PartialMatch(rest, p.p_established, &a)) {
    m.sent = a == "responder";
    m.exchange = "IKE_AUTH";
    m.kind = "response";
  } else if (RE2::PartialMatch(rest, p.p_delete_sent)) {
    m.sent = true;
    m.exchange = rest.find("STATE_V2_") != std::string::npos ? "INFORMATIONAL" : "INFORMATIONAL_V1";
    m.kind = "request";
    m.payloads = {"D"};
  } else if (RE2::PartialMatch(rest, p.p_v1_sent, &a, &b)) {
    m.sent = true;
    m.exchange = v1_exchange(a);
    m.kind = (b == "request" || b.starts_with("I")) ? "request" : "response";
  } else if (RE2::PartialMatch(rest, p.p_v1_responding, &a)) {
    m.exchange = v1_exchange(a);
    m.kind = "request";
  } else if (RE2::PartialMatch(rest, p.p_delete)) {
    m.exchange = "INFORMATIONAL";
    m.kind = "request";
    m.payloads = {"D"};
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::vector<LogMessage> read_log_messages(std::string_view text) {
  std::vector<LogMessage> out;
  std::uint64_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    ++number;
    LogMessage m;
    if (!read_charon(line, m) && !read_pluto(line, m)) continue;
    m.line = number;
    m.text = std::string(line.substr(0, 1024));
    read_time(line, m);
    collect_notifies(m);
    out.push_back(std::move(m));
  }
  return out;
}

bool is_error_notify(std::string_view name) {
  static constexpr std::array<std::string_view, 15> marks = {
      "FAIL", "INVAL", "NO_PROP", "UNACCEPT", "NOT_FOUND", "SINGLE_PAIR", "NO_ADD", "CRIT",
      "NOT_SUPP", "UNSUPP", "BAD_", "REJECT", "TEMP_FAIL", "ATTRIBUTES_NOT", "MAL"};
  return std::any_of(marks.begin(), marks.end(), [&](std::string_view m) { return name.find(m) != std::string_view::npos; });
}

}  // namespace ikelab::picture
