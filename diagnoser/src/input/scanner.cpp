#include "diagnoser/src/input/scanner.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <cstring>

namespace ikelab::diag {

namespace {

int on_match(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/, void* context) {
  auto* raw = static_cast<std::vector<std::pair<unsigned, size_t>>*>(context);
  if (raw->size() < (1u << 20)) raw->emplace_back(id, static_cast<size_t>(to));
  return 0;
}

std::string_view trim(std::string_view s) {
  s = trim_end(s);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// A wrap that keeps its break character: after a '-' or "...".
bool ends_cut(std::string_view line) {
  return !line.empty() && (line.back() == '-' || (line.size() >= 3 && line.substr(line.size() - 3) == "..."));
}

// The end of the line starting at `start` (its newline, or `end`).
const char* line_end(const char* start, const char* end) {
  const void* nl = std::memchr(start, '\n', static_cast<size_t>(end - start));
  return nl ? static_cast<const char*>(nl) : end;
}

// Is `cur` the wrapped rest of `prev` (pluto guides and pasted syslog)? A
// paste wrapped at `width` columns breaks only where the next word did not
// fit: at a space (dropped), after a '-' or after "..." (kept); the rest of
// the line carries no prefix of its own. `before` is the line that `prev`
// itself continues (empty if `prev` starts its message): that line was broken
// where its next word did not fit, so the paste's width is at least its
// length, and a next word that fits on `prev` within it was not wrapped there
// (seed 001-09: "to insecure key_len ... \"esp\" string", 60 columns after a
// 68-column first line, is followed by "no acceptable Proposal in IPsec SA",
// the guide's next log line, not the message's rest).
bool continues(std::string_view prev, std::string_view cur, size_t width, std::string_view before = {}) {
  prev = trim_end(prev);
  cur = trim(cur);
  if (prev.empty() || cur.empty()) return false;
  const bool cut = ends_cut(prev);
  size_t word = cur.find(' ');
  size_t hyphen = cur.find('-');
  if (hyphen != std::string_view::npos && hyphen + 1 < word) word = hyphen + 1;
  if (word == std::string_view::npos) word = cur.size();
  before = trim_end(before);
  if (!before.empty() && prev.size() + (cut ? 0 : 1) + word <= before.size()) return false;
  // The next word would not have fit on the line: any continuation.
  const bool full = width > 0 && prev.size() + (cut ? 0 : 1) + word > width;
  // Pasted guides glue prose onto lines, so the longest line says little
  // there: a lower-case continuation of a long or cut line.
  const char c = cur.front();
  const bool lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  const bool looks_cut =
      prev.size() >= 20 && (cut || (prev.size() >= 40 && prev.back() != '.' && prev.back() != ':' && prev.back() != '|'));
  if (!full && !(lower && looks_cut)) return false;
  if (cur.rfind("packet from", 0) == 0) return false;
  return !parse_line(cur).has_prefix;
}

}  // namespace

Scanner::Scanner(const Catalogue& catalogue, Tracker& tracker)
    : catalogue_(catalogue), tracker_(tracker), scratch_(catalogue) {}

void Scanner::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (skipping_) {
      const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
      if (!nl) return;
      bytes.remove_prefix(static_cast<size_t>(static_cast<const char*>(nl) - bytes.data()) + 1);
      skipping_ = false;
      continue;
    }
    // Complete lines straight from the caller's buffer when nothing is carried.
    const char* last_nl = static_cast<const char*>(memrchr(bytes.data(), '\n', bytes.size()));
    if (carry_.empty() && last_nl) {
      size_t size = static_cast<size_t>(last_nl - bytes.data()) + 1;
      process_block(bytes.data(), size, next_line_number());
      bytes.remove_prefix(size);
      continue;
    }
    const void* first_nl = std::memchr(bytes.data(), '\n', bytes.size());
    size_t take = first_nl ? static_cast<size_t>(static_cast<const char*>(first_nl) - bytes.data()) + 1 : bytes.size();
    carry_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    if (first_nl) {
      process_block(carry_.data(), carry_.size(), next_line_number());
      carry_.clear();
    } else if (carry_.size() >= kMaxLine) {
      carry_.push_back('\n');
      process_block(carry_.data(), carry_.size(), next_line_number());
      carry_.clear();
      skipping_ = true;
    }
  }
}

void Scanner::feed_line(std::string_view line, std::uint64_t line_number) {
  std::string copy(line.substr(0, kMaxLine));
  copy.push_back('\n');
  bool join = join_wrapped_;
  join_wrapped_ = false;  // neighbours are not in order here
  process_block(copy.data(), copy.size(), line_number);
  join_wrapped_ = join;
}

void Scanner::finish() {
  if (!carry_.empty()) {
    carry_.push_back('\n');
    process_block(carry_.data(), carry_.size(), next_line_number());
    carry_.clear();
  }
  release_held();
  skipping_ = false;
  tracker_.settle_by_log(line_number_);
}

void Scanner::release_held() {
  if (held_.empty()) return;
  std::string held;
  held.swap(held_);
  held_lines_ = 0;
  process_lines(held.data(), held.size(), line_number_ + 1);
}

void Scanner::process_block(const char* begin, size_t size, std::uint64_t first_line) {
  if (!join_wrapped_ || reversed_) {
    process_lines(begin, size, first_line);
    return;
  }
  // The block holds complete lines. Lines at its start that continue the
  // held message join it; the message is then complete and scanned alone.
  const char* end = begin + size;
  if (!held_.empty()) {
    std::string_view held(held_);
    held.remove_suffix(1);  // its final newline
    const size_t last_start = held.rfind('\n');
    std::string_view prev = last_start == std::string_view::npos ? held : held.substr(last_start + 1);
    const char* p = begin;
    std::uint64_t taken = 0;
    while (p < end) {
      const char* e = line_end(p, end);
      std::string_view cur(p, static_cast<size_t>(e - p));
      if (!continues(prev, cur, wrap_width_)) break;
      prev = cur;
      p = e + 1;
      ++taken;
    }
    if (p > end) p = end;
    held_.append(begin, static_cast<size_t>(p - begin));
    held_lines_ += taken;
    if (p == end && held_.size() < kMaxLine) return;  // it may go on in the next block
    release_held();
    first_line = line_number_ + 1;
    begin = p;
    if (begin == end) return;
  }
  // Hold back the block's last message: from the last line that does not
  // continue the line before it (a message longer than kMaxLine is not held).
  const char* last = end - 1;  // the final newline
  const char* start = static_cast<const char*>(memrchr(begin, '\n', static_cast<size_t>(last - begin)));
  start = start ? start + 1 : begin;
  while (start > begin && static_cast<size_t>(end - start) < kMaxLine) {
    const char* prev_start = static_cast<const char*>(memrchr(begin, '\n', static_cast<size_t>(start - 1 - begin)));
    prev_start = prev_start ? prev_start + 1 : begin;
    std::string_view prev(prev_start, static_cast<size_t>(start - 1 - prev_start));
    std::string_view cur(start, static_cast<size_t>(line_end(start, end) - start));
    if (!continues(prev, cur, wrap_width_)) break;
    start = prev_start;
  }
  if (static_cast<size_t>(end - start) >= kMaxLine) {
    process_lines(begin, size, first_line);
    return;
  }
  if (start > begin) process_lines(begin, static_cast<size_t>(start - begin), first_line);
  held_.assign(start, static_cast<size_t>(end - start));
  held_lines_ = static_cast<std::uint64_t>(std::count(start, end, '\n'));
}

void Scanner::process_lines(const char* begin, size_t size, std::uint64_t first_line) {
  std::uint64_t lines = 0;  // newlines in the block
  if (join_wrapped_ && join_block(begin, size, first_line)) {
    scan_block(joined_.data(), joined_.size(), first_line);
    line_map_.clear();
    lines = static_cast<std::uint64_t>(std::count(begin, begin + size, '\n'));
  } else {
    lines = scan_block(begin, size, first_line);
  }
  // Reversed input comes one line at a time: the position is that line.
  line_number_ = reversed_ ? first_line : std::max(line_number_, first_line + lines - 1);
  // Settle after every block (a read of up to 4 MiB): open attempts, and so
  // memory, stay bounded by what one block and the quiet window hold.
  tracker_.settle_by_log(line_number_);
}

bool Scanner::join_block(const char* begin, size_t size, std::uint64_t first_line) {
  const char* end = begin + size;
  bool any = false;
  std::string_view prev;
  for (const char* p = begin; p < end;) {
    const char* e = line_end(p, end);
    std::string_view cur(p, static_cast<size_t>(e - p));
    if (continues(prev, cur, wrap_width_)) {
      any = true;
      break;
    }
    prev = cur;
    p = e + 1;
  }
  if (!any) return false;
  joined_.clear();
  line_map_.clear();
  std::string_view last;    // the physical line before, for the join test
  std::string_view before;  // the line `last` continues, if it was joined to one
  std::uint64_t line = first_line;
  for (const char* p = begin; p < end; ++line) {
    const char* e = line_end(p, end);
    std::string_view cur(p, static_cast<size_t>(e - p));
    if (!line_map_.empty() && continues(last, cur, wrap_width_, before)) {
      before = last;
      joined_.resize(trim_end(joined_).size());
      if (!ends_cut(trim(last))) joined_.push_back(' ');
      joined_.append(trim(cur));
    } else {
      if (!line_map_.empty()) joined_.push_back('\n');
      joined_.append(cur);
      line_map_.push_back(line);
      before = {};
    }
    last = cur;
    p = e + 1;
  }
  joined_.push_back('\n');
  return true;
}

std::uint64_t Scanner::scan_block(const char* begin, size_t size, std::uint64_t first_line) {
  std::vector<std::pair<unsigned, size_t>> raw;
  raw.reserve(256);
  if (catalogue_.database)
    hs_scan(catalogue_.database, begin, static_cast<unsigned>(std::min<size_t>(size, 0xffffffffu)), 0, scratch_.get(),
            on_match, &raw);
  std::stable_sort(raw.begin(), raw.end(), [](const auto& a, const auto& b) { return a.second < b.second; });

  const char* end = begin + size;
  const char* cursor = begin;  // start of the line `line` refers to
  std::uint64_t line = first_line;
  auto line_start_of = [&](const char* p) {
    if (p <= begin) return begin;
    const void* nl = memrchr(begin, '\n', static_cast<size_t>(p - begin));
    return nl ? static_cast<const char*>(nl) + 1 : begin;
  };

  std::vector<unsigned> ids;
  const char* record_start = nullptr;
  std::uint64_t record_line = 0;
  auto flush = [&]() {
    if (!record_start || ids.empty()) return;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const char* first_end = line_end(record_start, end);
    process_record(std::string_view(record_start, static_cast<size_t>(first_end - record_start)), record_line, ids);
    ids.clear();
  };

  for (const auto& [id, to] : raw) {
    const char* at = begin + std::min(to, size);
    if (at > begin && at[-1] == '\n') --at;  // a match ending with the newline belongs to its line
    const char* start = line_start_of(at > begin ? at - 1 : at);
    if (start != record_start) {
      flush();
      if (start >= cursor) {
        line += static_cast<std::uint64_t>(std::count(cursor, start, '\n'));
        cursor = start;
        record_line = line;
      } else {
        record_line = line - static_cast<std::uint64_t>(std::count(start, cursor, '\n'));
      }
      record_start = start;
      if (!line_map_.empty() && record_line >= first_line && record_line - first_line < line_map_.size())
        record_line = line_map_[record_line - first_line];
    }
    ids.push_back(id);
  }
  flush();
  line += static_cast<std::uint64_t>(std::count(cursor, end, '\n'));
  return line - first_line;
}

void Scanner::process_record(std::string_view line, std::uint64_t line_number, const std::vector<unsigned>& ids) {
  LineInfo info = parse_line(line);
  if (info.livelog_marker) return;
  matches_.clear();
  re2::StringPiece input(info.message.data(), info.message.size());
  std::vector<re2::StringPiece> groups;
  for (unsigned id : ids) {
    const Pattern& p = catalogue_.patterns[id];
    if (p.dialect != Dialect::unknown && info.dialect != Dialect::unknown && p.dialect != info.dialect) continue;
    groups.assign(p.group_names.size() + 1, re2::StringPiece());
    if (!p.re->Match(input, 0, input.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())))
      continue;
    Match m;
    m.pattern = static_cast<int>(id);
    for (size_t g = 0; g < p.group_names.size(); ++g)
      if (!p.group_names[g].empty() && groups[g + 1].data())
        m.captures.emplace_back(p.group_names[g], std::string(groups[g + 1].data(), groups[g + 1].size()));
    matches_.push_back(std::move(m));
  }
  if (matches_.empty()) return;
  std::string_view shown = line;
  while (!shown.empty() && (shown.back() == '\r' || shown.back() == '\n')) shown.remove_suffix(1);
  tracker_.on_record(line_number, info, shown, matches_);
}

}  // namespace ikelab::diag
