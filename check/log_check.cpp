#include "check/log_check.hpp"

#include "base/text_file.hpp"

#include <fmt/core.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <memory>
#include <set>

namespace ikelab::harness {

std::string to_string(Peer peer) { return peer == Peer::initiator ? "initiator" : "responder"; }
std::string check_prefix(Peer peer) { return peer == Peer::initiator ? "INIT" : "RESP"; }

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool valid_name(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// The end of a regex that runs until "]]" outside a character class.
size_t capture_end(const std::string& text, size_t from) {
  int depth = 0;
  for (size_t i = from; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      if (depth > 0) --depth;
      else if (i + 1 < text.size() && text[i + 1] == ']') return i;
    }
  }
  return std::string::npos;
}

std::vector<PatternPart> parse_pattern(const std::string& text, const std::string& where) {
  std::vector<PatternPart> parts;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) parts.push_back({PatternPart::Kind::literal, literal, ""});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") == 0) {
      size_t end = text.find("}}", i + 2);
      if (end == std::string::npos) throw CheckSyntaxError(fmt::format("{}: '{{{{' without '}}}}'", where));
      while (end + 2 < text.size() && text[end + 2] == '}') ++end;  // {{x{8}}}: the last "}}" closes
      std::string regex = text.substr(i + 2, end - i - 2);
      if (regex.empty()) throw CheckSyntaxError(fmt::format("{}: empty regex '{{{{}}}}'", where));
      flush();
      parts.push_back({PatternPart::Kind::regex, regex, ""});
      i = end + 2;
    } else if (text.compare(i, 2, "[[") == 0) {
      size_t colon = text.find(':', i + 2);
      size_t close = text.find("]]", i + 2);
      if (close == std::string::npos) throw CheckSyntaxError(fmt::format("{}: '[[' without ']]'", where));
      flush();
      if (colon != std::string::npos && colon < close) {
        std::string name = text.substr(i + 2, colon - i - 2);
        size_t end = capture_end(text, colon + 1);
        if (end == std::string::npos) throw CheckSyntaxError(fmt::format("{}: '[[' without ']]'", where));
        std::string regex = text.substr(colon + 1, end - colon - 1);
        if (!valid_name(name))
          throw CheckSyntaxError(fmt::format("{}: '{}' is not a capture name (letters, digits, _)", where, name));
        if (regex.empty()) throw CheckSyntaxError(fmt::format("{}: capture '{}' has an empty regex", where, name));
        parts.push_back({PatternPart::Kind::define, regex, name});
        i = end + 2;
      } else {
        std::string name = text.substr(i + 2, close - i - 2);
        if (!valid_name(name))
          throw CheckSyntaxError(fmt::format("{}: '{}' is not a capture name (letters, digits, _)", where, name));
        parts.push_back({PatternPart::Kind::use, "", name});
        i = close + 2;
      }
    } else {
      literal += text[i++];
    }
  }
  flush();
  return parts;
}

std::string build_regex(const std::vector<PatternPart>& parts, const std::map<std::string, std::string>& captures) {
  std::string regex;
  for (const auto& part : parts) {
    switch (part.kind) {
      case PatternPart::Kind::literal: regex += RE2::QuoteMeta(part.text); break;
      case PatternPart::Kind::regex: regex += "(?:" + part.text + ")"; break;
      case PatternPart::Kind::define: regex += "(?P<" + part.name + ">" + part.text + ")"; break;
      case PatternPart::Kind::use: {
        auto it = captures.find(part.name);
        regex += RE2::QuoteMeta(it == captures.end() ? std::string() : it->second);
        break;
      }
    }
  }
  return regex;
}

RE2::Options regex_options() {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingLatin1);  // logs may hold any bytes
  return options;
}

}  // namespace

CheckScript parse_check_script(const std::string& text, const std::string& file, int first_line) {
  CheckScript script;
  std::set<std::string> defined;
  size_t start = 0;
  int number = first_line;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string raw = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string line = trim(raw);
    std::string where = fmt::format("{}:{}", file, number);
    if (!line.empty() && line[0] != '#') {
      size_t colon = line.find(':');
      std::string directive = colon == std::string::npos ? "" : line.substr(0, colon);
      CheckLine check;
      check.file = file;
      check.line = number;
      check.source = line;
      std::string prefix = directive.substr(0, directive.find('-'));
      std::string suffix = directive.find('-') == std::string::npos ? "" : directive.substr(directive.find('-') + 1);
      if (prefix == "INIT") check.peer = Peer::initiator;
      else if (prefix == "RESP") check.peer = Peer::responder;
      else
        throw CheckSyntaxError(fmt::format(
            "{}: a check line starts with INIT:, RESP:, INIT-NEXT:, RESP-NOT: ... (got '{}')", where, line));
      if (suffix.empty()) check.kind = CheckKind::check;
      else if (suffix == "NEXT") check.kind = CheckKind::next;
      else if (suffix == "NOT") check.kind = CheckKind::not_;
      else
        throw CheckSyntaxError(
            fmt::format("{}: unknown directive '{}' (known: {}:, {}-NEXT:, {}-NOT:)", where, directive, prefix, prefix, prefix));
      std::string pattern = trim(line.substr(colon + 1));
      if (pattern.empty()) throw CheckSyntaxError(fmt::format("{}: '{}:' needs a pattern", where, directive));
      check.parts = parse_pattern(pattern, where);
      std::set<std::string> here;
      std::map<std::string, std::string> probe;
      for (const auto& part : check.parts) {
        if (part.kind == PatternPart::Kind::use) {
          if (!defined.count(part.name) && !here.count(part.name))
            throw CheckSyntaxError(
                fmt::format("{}: capture '{}' is used before a line defines it ([[{}:regex]])", where, part.name, part.name));
          if (here.count(part.name))
            throw CheckSyntaxError(fmt::format("{}: capture '{}' is defined and used on the same line", where, part.name));
        }
        if (part.kind == PatternPart::Kind::define) {
          if (check.kind == CheckKind::not_)
            throw CheckSyntaxError(fmt::format("{}: a NOT line cannot define a capture ('{}')", where, part.name));
          if (!here.insert(part.name).second)
            throw CheckSyntaxError(fmt::format("{}: capture '{}' is defined twice on one line", where, part.name));
        }
      }
      RE2 compiled(build_regex(check.parts, probe), regex_options());
      if (!compiled.ok()) throw CheckSyntaxError(fmt::format("{}: bad regex: {}", where, compiled.error()));
      defined.insert(here.begin(), here.end());
      script.lines.push_back(std::move(check));
    }
    if (end == std::string::npos) break;
    start = end + 1;
    ++number;
  }
  return script;
}

LogText log_from_text(const std::string& text, std::string name) {
  LogText log;
  log.name = std::move(name);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    log.lines.push_back(std::move(line));
    start = end + 1;
  }
  return log;
}

LogText read_log(const std::filesystem::path& file, std::string name) {
  return log_from_text(read_text_file(file), std::move(name));
}

namespace {

// Edit distance between `needle` and the best-matching substring of `hay`.
size_t substring_distance(const std::string& needle, const std::string& hay) {
  const size_t n = std::min<size_t>(needle.size(), 200), m = std::min<size_t>(hay.size(), 600);
  std::vector<size_t> prev(m + 1, 0), cur(m + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t substitute = prev[j - 1] + (needle[i - 1] == hay[j - 1] ? 0 : 1);
      cur[j] = std::min({substitute, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return *std::min_element(prev.begin(), prev.end());
}

// FileCheck's "possible intended match": the line in [from, to) closest to the
// pattern's fixed text (captures filled in), if any is reasonably close.
std::optional<size_t> nearest_line(const CheckLine& check, const std::map<std::string, std::string>& captures,
                                   const LogText& log, size_t from, size_t to) {
  std::vector<std::string> fixed;
  size_t fixed_size = 0;
  for (const auto& part : check.parts) {
    std::string text;
    if (part.kind == PatternPart::Kind::literal) text = part.text;
    if (part.kind == PatternPart::Kind::use && captures.count(part.name)) text = captures.at(part.name);
    if (!trim(text).empty()) {
      fixed_size += text.size();
      fixed.push_back(std::move(text));
    }
  }
  if (fixed.empty()) return std::nullopt;
  size_t best = std::numeric_limits<size_t>::max();
  std::optional<size_t> best_line;
  for (size_t i = from; i < to && i < log.lines.size(); ++i) {
    size_t score = 0;
    for (const auto& f : fixed) score += substring_distance(f, log.lines[i]);
    if (score < best) {
      best = score;
      best_line = i;
    }
  }
  if (best_line && best * 2 > fixed_size) return std::nullopt;  // more than half differs: nothing near
  return best_line;
}

struct Mark {
  char symbol;       // '^' matched, '>' scanning from here, '?' possible intended match, '!' excluded line found
  std::string note;
};

// FileCheck-like annotated input: numbered log lines with marks in a gutter.
std::string annotate(const LogText& log, const std::map<size_t, std::vector<Mark>>& marks, size_t context = 2) {
  if (marks.empty()) return fmt::format("  ({}: {} lines)\n", log.name, log.lines.size());
  std::set<size_t> shown;
  for (const auto& [index, unused] : marks) {
    size_t lo = index >= context ? index - context : 0;
    for (size_t i = lo; i <= index + context && i < log.lines.size(); ++i) shown.insert(i);
  }
  // A scan range between two marks is shown whole when short.
  auto first = marks.begin()->first, last = marks.rbegin()->first;
  if (last - first <= 24)
    for (size_t i = first; i <= last && i < log.lines.size(); ++i) shown.insert(i);
  std::string text = fmt::format("  annotated {}:\n", log.name);
  size_t previous = std::numeric_limits<size_t>::max();
  for (size_t i : shown) {
    if (previous != std::numeric_limits<size_t>::max() && i != previous + 1) text += "        ...\n";
    previous = i;
    auto it = marks.find(i);
    char symbol = it == marks.end() ? ' ' : it->second.front().symbol;
    std::string line = log.lines[i];
    if (line.size() > 160) line = line.substr(0, 157) + "...";
    text += fmt::format("  {:>5} {} {}\n", i + 1, symbol, line);
    if (it != marks.end())
      for (const auto& mark : it->second) text += fmt::format("          {} {}\n", mark.symbol, mark.note);
  }
  if (marks.rbegin()->first >= log.lines.size()) text += "        <end of log>\n";
  return text;
}

std::string capture_notes(const CheckLine& check, const std::map<std::string, std::string>& captures) {
  std::string text;
  std::set<std::string> seen;
  for (const auto& part : check.parts)
    if (part.kind == PatternPart::Kind::use && seen.insert(part.name).second)
      text += fmt::format("  with \"{}\" equal to \"{}\"\n", part.name,
                          captures.count(part.name) ? captures.at(part.name) : "");
  return text;
}

std::string tag(const CheckLine& check) { return fmt::format("{}:{}", check.file, check.line); }

class Checker {
 public:
  Checker(const std::optional<LogText>& initiator, const std::optional<LogText>& responder) {
    peers_[0].log = initiator ? &*initiator : nullptr;
    peers_[1].log = responder ? &*responder : nullptr;
  }

  CheckResult run(const CheckScript& script) {
    for (const auto& check : script.lines) {
      PeerState& peer = state(check.peer);
      if (peer.failed || !captures_ready(check)) continue;
      if (check.kind == CheckKind::not_) {
        peer.pending_not.push_back({&check, build_regex(check.parts, result_.captures)});
        continue;
      }
      if (!peer.log) {
        fail(check, peer, fmt::format("{}: there is no {} log", check.source, to_string(check.peer)), "");
        continue;
      }
      positive(check, peer);
    }
    for (auto& peer : peers_)
      if (!peer.failed && peer.log) check_nots(peer, peer.log->lines.size());
    return std::move(result_);
  }

 private:
  struct PendingNot {
    const CheckLine* check;
    std::string regex;
  };
  struct PeerState {
    const LogText* log = nullptr;
    size_t position = 0;                      // next line to scan
    std::optional<size_t> last_match;         // index of the last positive match
    const CheckLine* last_check = nullptr;
    std::vector<PendingNot> pending_not;
    bool failed = false;
  };

  PeerState& state(Peer peer) { return peers_[peer == Peer::initiator ? 0 : 1]; }

  bool captures_ready(const CheckLine& check) const {
    return std::all_of(check.parts.begin(), check.parts.end(), [&](const PatternPart& p) {
      return p.kind != PatternPart::Kind::use || result_.captures.count(p.name);
    });
  }

  void fail(const CheckLine& check, PeerState& peer, std::string what, std::string report) {
    peer.failed = true;
    result_.failures.push_back({&check, std::move(what), std::move(report)});
  }

  bool match(const RE2& regex, const std::string& line, std::map<std::string, std::string>* found) {
    const int groups = regex.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> sub(groups + 1);
    if (!regex.Match(line, 0, line.size(), RE2::UNANCHORED, sub.data(), groups + 1)) return false;
    if (found)
      for (const auto& [name, index] : regex.NamedCapturingGroups()) (*found)[name] = std::string(sub[index]);
    return true;
  }

  void positive(const CheckLine& check, PeerState& peer) {
    const LogText& log = *peer.log;
    RE2 regex(build_regex(check.parts, result_.captures), regex_options());
    std::map<std::string, std::string> found;
    std::optional<size_t> hit;
    if (check.kind == CheckKind::next) {
      size_t next = peer.last_match ? *peer.last_match + 1 : 0;
      if (next < log.lines.size() && match(regex, log.lines[next], &found)) hit = next;
    } else {
      for (size_t i = peer.position; i < log.lines.size() && !hit; ++i)
        if (match(regex, log.lines[i], &found)) hit = i;
    }
    if (!hit) {
      report_not_found(check, peer);
      return;
    }
    check_nots(peer, *hit);
    if (peer.failed) return;
    for (auto& [name, value] : found) result_.captures[name] = value;
    peer.last_match = hit;
    peer.last_check = &check;
    peer.position = *hit + 1;
  }

  // Pending NOT lines of this peer must match nothing in [position, end).
  void check_nots(PeerState& peer, size_t end) {
    const LogText& log = *peer.log;
    for (const auto& pending : peer.pending_not) {
      RE2 regex(pending.regex, regex_options());
      for (size_t i = peer.position; i < end && i < log.lines.size(); ++i) {
        if (!match(regex, log.lines[i], nullptr)) continue;
        std::map<size_t, std::vector<Mark>> marks;
        if (peer.last_match) marks[*peer.last_match].push_back({'^', fmt::format("{} matched here", tag(*peer.last_check))});
        marks[i].push_back({'!', fmt::format("{} excluded line found here", tag(*pending.check))});
        if (end < log.lines.size()) marks[end].push_back({'^', "the next positive match (end of the NOT range)"});
        std::string report = fmt::format("{}: error: {}: excluded line found in {}\n  {}\n{}", tag(*pending.check),
                                         check_prefix(pending.check->peer) + "-NOT", log.name, pending.check->source,
                                         capture_notes(*pending.check, result_.captures));
        report += fmt::format("  {}:{}: note: found here\n", log.name, i + 1);
        report += annotate(log, marks);
        fail(*pending.check, peer,
             fmt::format("{}: excluded line found at {}:{}", pending.check->source, log.name, i + 1), report);
        peer.pending_not.clear();
        return;
      }
    }
    peer.pending_not.clear();
  }

  void report_not_found(const CheckLine& check, PeerState& peer) {
    const LogText& log = *peer.log;
    bool next = check.kind == CheckKind::next;
    size_t from = next ? (peer.last_match ? *peer.last_match + 1 : 0) : peer.position;
    std::map<size_t, std::vector<Mark>> marks;
    if (peer.last_match) marks[*peer.last_match].push_back({'^', fmt::format("{} matched here", tag(*peer.last_check))});
    marks[from].push_back({'>', next ? "NEXT: this line should have matched" : "scanning from here"});
    // FileCheck looks for the intended match in the rest of the input; so do we
    // (from the previous match on, so an out-of-order line is found too).
    size_t look_from = peer.last_match ? *peer.last_match + 1 : 0;
    auto nearest = nearest_line(check, result_.captures, log, look_from, log.lines.size());
    if (nearest && *nearest != from) marks[*nearest].push_back({'?', "possible intended match"});
    else if (nearest) marks[from].push_back({'?', "possible intended match"});
    std::string report = fmt::format("{}: error: {}: {} in {}\n  {}\n{}", tag(check),
                                     check_prefix(check.peer) + (next ? "-NEXT" : ""),
                                     next ? "the next line does not match" : "expected line not found", log.name,
                                     check.source, capture_notes(check, result_.captures));
    report += fmt::format("  {}:{}: note: {}\n", log.name, from + 1,
                          from < log.lines.size() ? "scanning from here" : "scanning from the end of the log");
    if (nearest) report += fmt::format("  {}:{}: note: possible intended match here\n", log.name, *nearest + 1);
    report += annotate(log, marks);
    std::string what = fmt::format("{}: not found in {} (scanned from line {}{})", check.source, log.name, from + 1,
                                   nearest ? fmt::format(", nearest line {}", *nearest + 1) : "");
    fail(check, peer, what, report);
  }

  std::array<PeerState, 2> peers_;
  CheckResult result_;
};

}  // namespace

CheckResult run_checks(const CheckScript& script, const std::optional<LogText>& initiator,
                       const std::optional<LogText>& responder) {
  return Checker(initiator, responder).run(script);
}

}  // namespace ikelab::harness
