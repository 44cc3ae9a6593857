#include "diagnoser/src/input/paste_repair.hpp"

#include "diagnoser/src/formats/line_format.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace ikelab::diag {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// `> ` quote markers (mail, markdown), any depth; the indentation after them.
std::string_view strip_quotes(std::string_view s) {
  s = trim(s);
  while (!s.empty() && s.front() == '>') {
    s.remove_prefix(1);
    s = trim(s);
  }
  return s;
}

bool is_fence(std::string_view s) { return starts_with(s, "```") || starts_with(s, "~~~"); }

// A line that only says "something was left out here".
bool is_elision(std::string_view s) {
  static constexpr std::array<std::string_view, 12> marks = {
      "...", "[...]", "(...)", "\xE2\x80\xA6", "[\xE2\x80\xA6]", "-snip-", "--snip--", "[snip]", "<snip>", "snip", "<...>", "[..]"};
  for (auto m : marks)
    if (s == m) return true;
  // "... 40 lines removed ...", "[ ... snipped ... ]", "-- cut --"
  if (s.size() < 60 && (starts_with(s, "...") || starts_with(s, "[...") || starts_with(s, "[ ...")) &&
      (s.back() == '.' || s.back() == ']'))
    return true;
  return false;
}

// HTML entities a forum leaves in a copied log: charon's <conn|1> prefix and
// pluto's quotes depend on them.
void decode_entities(std::string& s) {
  static constexpr std::array<std::pair<std::string_view, char>, 7> entities = {{{"&lt;", '<'},
                                                                                 {"&gt;", '>'},
                                                                                 {"&quot;", '"'},
                                                                                 {"&#39;", '\''},
                                                                                 {"&#039;", '\''},
                                                                                 {"&apos;", '\''},
                                                                                 {"&amp;", '&'}}};
  if (s.find('&') == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&')
      for (const auto& [name, c] : entities)
        if (s.compare(i, name.size(), name) == 0) {
          out.push_back(c);
          i += name.size();
          replaced = true;
          break;
        }
    if (!replaced) out.push_back(s[i++]);
  }
  s.swap(out);
}

// Where a run of exactly two '*' (markdown bold) starts, npos if none; a
// longer run (`***`) is a redaction and stays.
size_t find_bold(std::string_view s, size_t from = 0) {
  for (size_t at = s.find("**", from); at != std::string_view::npos; at = s.find("**", at + 1)) {
    size_t end = at;
    while (end < s.size() && s[end] == '*') ++end;
    if (end - at == 2 && (at == 0 || s[at - 1] != '*')) return at;
    at = end - 1;
  }
  return std::string_view::npos;
}

// Markdown markup around (parts of) a log line: `**bold**`, a line quoted in
// single backticks.
void strip_markup(std::string& s) {
  for (size_t at = find_bold(s); at != std::string::npos; at = find_bold(s, at)) s.erase(at, 2);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
  // A markdown table's escaped column bar (OPNsense's <con1\|19>).
  for (size_t at = s.find("\\|"); at != std::string::npos; at = s.find("\\|", at)) s.erase(at, 1);
}

std::vector<std::string_view> split_lines(std::string_view text, size_t max_lines = SIZE_MAX) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size() && lines.size() < max_lines) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(trim_end(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return lines;
}

// A line a terminal or mail program cut at a fixed width (no word kept
// whole): the next line has no log prefix of its own.
bool cut_here(const std::vector<std::string_view>& lines, size_t i, size_t width) {
  return i + 1 < lines.size() && (lines[i].size() == width || lines[i].size() + 1 == width) && !lines[i + 1].empty() &&
         !parse_line(lines[i + 1]).has_prefix;
}

// The width a paste was hard-wrapped at (the longest line), 0 when it was
// not: at least two lines are cut there, and every line that another
// prefix-less line continues is cut there (a word wrap breaks lines of many
// lengths; the scanner's joiner mends those).
// A paste whose lines carry no log prefix at all (bare messages, console
// output) shows no wrap: any line may start a message there (real-log corpus
// 018, three bare messages whose longest two happen to end at the width).
size_t hard_wrap_width(const std::vector<std::string_view>& lines) {
  size_t width = 0;
  bool prefixed = false;
  for (auto line : lines) {
    width = std::max(width, line.size());
    if (!prefixed && !line.empty() && parse_line(line).has_prefix) prefixed = true;
  }
  if (width < 60 || !prefixed) return 0;
  int cuts = 0;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (cut_here(lines, i, width)) {
      ++cuts;
    } else if (!lines[i].empty() && !lines[i + 1].empty() && parse_line(lines[i]).has_prefix &&
               !parse_line(lines[i + 1]).has_prefix) {
      return 0;  // continued, but shorter than the width
    }
  }
  return cuts >= 2 ? width : 0;
}

}  // namespace

bool looks_pasted(std::string_view sample) {
  size_t pos = 0;
  int lines = 0, damaged = 0;
  while (pos < sample.size() && lines < 2000) {
    size_t nl = sample.find('\n', pos);
    if (nl == std::string_view::npos) nl = sample.size();
    std::string_view raw = sample.substr(pos, nl - pos);
    pos = nl + 1;
    ++lines;
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    if (line.front() == '>' || is_fence(line) || is_elision(line) || find_bold(line) != std::string_view::npos ||
        line.find("&lt;") != std::string_view::npos || line.find("&gt;") != std::string_view::npos ||
        line.find("&quot;") != std::string_view::npos || line.find("&#39;") != std::string_view::npos ||
        line.find("\\|") != std::string_view::npos || (line.front() == '`' && line.back() == '`'))
      ++damaged;
  }
  return damaged > 0 || hard_wrap_width(split_lines(sample, 2000)) > 0;
}

std::string repair_line(std::string_view line) {
  std::string_view s = strip_quotes(line);
  if (is_fence(s) || is_elision(s)) return {};
  std::string out(s);
  strip_markup(out);
  decode_entities(out);
  return std::string(trim(out));
}

std::string repair_paste(std::string_view text) {
  std::vector<std::string> repaired;
  for (auto line : split_lines(text)) repaired.push_back(repair_line(line));
  // Undo a hard wrap: the rest of a cut line joins it (with the space the
  // cut dropped when the line is one short), its own line stays empty.
  const std::vector<std::string> cut = repaired;  // the lines as cut, read while `repaired` changes
  const std::vector<std::string_view> views(cut.begin(), cut.end());
  if (size_t width = hard_wrap_width(views)) {
    for (size_t i = 0; i < cut.size(); ++i) {
      const size_t head = i;
      while (cut_here(views, i, width)) {
        if (cut[i].size() + 1 == width) repaired[head] += ' ';
        repaired[head] += cut[i + 1];
        repaired[i + 1].clear();
        ++i;
      }
    }
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < repaired.size(); ++i) {
    out += repaired[i];
    if (i + 1 < repaired.size() || (!text.empty() && text.back() == '\n')) out.push_back('\n');
  }
  return out;
}

}  // namespace ikelab::diag
