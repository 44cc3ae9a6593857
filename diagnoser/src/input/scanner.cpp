#include "diagnoser/src/input/scanner.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

namespace ikelab::diag {

namespace {

std::atomic<unsigned> scan_thread_setting{0};
// A block is cut into chunks of about this size, scanned `threads_` at a
// time: what waits for the tracker stays small whatever the block size.
constexpr size_t kChunkBytes = 512 * 1024;
std::atomic<size_t> chunk_bytes{kChunkBytes};

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
  // A line that ends the way charon's messages end (a closing bracket or
  // quote, a number, an upper-case algorithm name) is a whole message, and a
  // lower-case line after it starts the next one (console output of `ipsec
  // up`, a bare excerpt: real-log corpus 018, 032).
  const char last = prev.back();
  const bool ends_message = last == ')' || last == ']' || last == '\'' || last == '"' || (last >= '0' && last <= '9') ||
                            (last >= 'A' && last <= 'Z') || last == '_';
  if (!full && !(lower && looks_cut && (cut || !ends_message))) return false;
  // A line that ends in "..." is an elision ("PRF_HMAC_SHA2_256...",
  // "NO_EXT_SEQ ...", real-log corpus 018, 049), unless the second half of an
  // address pair "A...B" goes on, whose first word is an address or host
  // (seed 001: "[CN=server-vpn]...\n192.168.1.200[CN=client1]===...").
  if (prev.size() >= 3 && prev.substr(prev.size() - 3) == "...") {
    const std::string_view first = cur.substr(0, cur.find(' '));
    if (first.find_first_of(".:[%") == std::string_view::npos && !(c >= '0' && c <= '9')) return false;
  }
  if (cur.rfind("packet from", 0) == 0) return false;
  return !parse_line(cur).has_prefix;
}

}  // namespace

void set_scan_threads(unsigned threads) { scan_thread_setting = threads; }
void set_scan_chunk_bytes(size_t bytes) { chunk_bytes = bytes ? bytes : kChunkBytes; }

unsigned scan_threads() {
  unsigned set = scan_thread_setting.load();
  if (set) return set;
  return std::max(1u, std::thread::hardware_concurrency());
}

Scanner::Scanner(const Catalogue& catalogue, Tracker& tracker)
    : catalogue_(catalogue), tracker_(tracker), threads_(scan_threads()) {
  scratches_.push_back(std::make_unique<Scratch>(catalogue));
  for (const auto& p : catalogue.patterns) {
    readers_.push_back(fixed_reader_for(p.regex));
    captures_.push_back(std::any_of(p.group_names.begin(), p.group_names.end(),
                                    [](const std::string& g) { return !g.empty(); }));
  }
}

Scanner::~Scanner() = default;

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
      ++cut_lines_;
      carry_.push_back('\n');
      process_block(carry_.data(), carry_.size(), next_line_number());
      carry_.clear();
      skipping_ = true;
    }
  }
}

void Scanner::feed_line(std::string_view line, std::uint64_t line_number) {
  if (line.size() > kMaxLine) ++cut_lines_;
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
  const char* end = begin + size;
  const size_t chunk = chunk_bytes.load();
  const size_t threads = size >= 2 * chunk ? threads_ : 1;
  while (scratches_.size() < threads) scratches_.push_back(std::make_unique<Scratch>(catalogue_));
  if (chunks_.size() < threads) chunks_.resize(threads);
  std::uint64_t line = first_line;
  // Rounds of up to `threads` chunks of about kChunkBytes, each cut at a line
  // end: where a chunk ends depends on the bytes only, never on `threads`.
  std::vector<std::pair<const char*, size_t>> parts;
  for (const char* at = begin; at < end;) {
    parts.clear();
    for (size_t t = 0; t < threads && at < end; ++t) {
      const char* stop = at + std::min<size_t>(chunk, static_cast<size_t>(end - at));
      if (stop < end) stop = line_end(stop - 1, end) + 1;  // whole lines (the block ends with one)
      if (stop > end) stop = end;
      parts.emplace_back(at, static_cast<size_t>(stop - at));
      at = stop;
    }
    std::vector<std::thread> workers;
    for (size_t t = 1; t < parts.size(); ++t)
      workers.emplace_back([this, &parts, t] {
        scan_chunk(parts[t].first, parts[t].second, scratches_[t]->get(), chunks_[t]);
      });
    scan_chunk(parts[0].first, parts[0].second, scratches_[0]->get(), chunks_[0]);
    for (auto& w : workers) w.join();
    for (size_t t = 0; t < parts.size(); ++t) {
      track_chunk(chunks_[t], line, first_line);
      line += chunks_[t].newlines;
    }
  }
  return line - first_line;
}

void Scanner::scan_chunk(const char* begin, size_t size, hs_scratch* scratch, ChunkScan& out) const {
  out.raw.clear();
  out.records.clear();
  out.matches.clear();
  out.newlines = static_cast<std::uint64_t>(std::count(begin, begin + size, '\n'));
  if (catalogue_.database)
    hs_scan(catalogue_.database, begin, static_cast<unsigned>(std::min<size_t>(size, 0xffffffffu)), 0, scratch,
            on_match, &out.raw);
  std::stable_sort(out.raw.begin(), out.raw.end(), [](const auto& a, const auto& b) { return a.second < b.second; });

  // The line holding each hit, found by walking forward once (hits come in
  // order of their end): linear in the chunk, however long its lines.
  bool have = false;
  size_t line_begin = 0, line_stop = 0;  // the current line: [line_begin, line_stop), line_stop at its newline
  std::uint64_t index = 0;
  out.ids.clear();
  auto flush = [&] {
    if (!have || out.ids.empty()) return;
    std::sort(out.ids.begin(), out.ids.end());
    out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
    confirm_line(std::string_view(begin + line_begin, line_stop - line_begin), index, out);
    out.ids.clear();
  };
  for (const auto& [id, to] : out.raw) {
    size_t at = std::min(to, size);
    if (at > 0 && begin[at - 1] == '\n') --at;  // a match ending with the newline belongs to its line
    const size_t pos = at > 0 ? at - 1 : 0;    // the match's last character
    if (!have || pos > line_stop) {
      flush();
      const size_t from = have ? line_stop + 1 : 0;
      const void* nl = pos > from ? memrchr(begin + from, '\n', pos - from) : nullptr;
      const size_t start = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) + 1 : from;
      index = (have ? index + 1 : 0) + static_cast<std::uint64_t>(std::count(begin + from, begin + start, '\n'));
      line_begin = start;
      line_stop = static_cast<size_t>(line_end(begin + start, begin + size) - begin);
      have = true;
    }
    out.ids.push_back(id);
  }
  flush();
}

void Scanner::confirm_line(std::string_view line, std::uint64_t index, ChunkScan& out) const {
  LineInfo info = parse_line(line);
  if (info.livelog_marker) return;
  const auto first = static_cast<std::uint32_t>(out.matches.size());
  re2::StringPiece input(info.message.data(), info.message.size());
  for (unsigned id : out.ids) {
    const Pattern& p = catalogue_.patterns[id];
    if (p.dialect != Dialect::unknown && info.dialect != Dialect::unknown && p.dialect != info.dialect) continue;
    Match m;
    m.pattern = static_cast<int>(id);
    if (readers_[id] != FixedReader::none) {
      if (!read_fixed(readers_[id], info.message, m.captures)) continue;
    } else if (!captures_[id]) {
      if (!p.re->Match(input, 0, input.size(), RE2::UNANCHORED, nullptr, 0)) continue;
    } else {
      out.groups.assign(p.group_names.size() + 1, re2::StringPiece());
      if (!p.re->Match(input, 0, input.size(), RE2::UNANCHORED, out.groups.data(),
                       static_cast<int>(out.groups.size())))
        continue;
      for (size_t g = 0; g < p.group_names.size(); ++g)
        if (!p.group_names[g].empty() && out.groups[g + 1].data())
          m.captures.emplace_back(p.group_names[g], std::string(out.groups[g + 1].data(), out.groups[g + 1].size()));
    }
    out.matches.push_back(std::move(m));
  }
  const auto count = static_cast<std::uint32_t>(out.matches.size()) - first;
  if (count == 0) return;
  std::string_view shown = line;
  while (!shown.empty() && (shown.back() == '\r' || shown.back() == '\n')) shown.remove_suffix(1);
  out.records.push_back({index, info, shown, first, count});
}

void Scanner::track_chunk(ChunkScan& chunk, std::uint64_t base, std::uint64_t block_first_line) {
  for (auto& r : chunk.records) {
    std::uint64_t number = base + r.line;
    if (!line_map_.empty() && number >= block_first_line && number - block_first_line < line_map_.size())
      number = line_map_[number - block_first_line];
    matches_.clear();
    for (std::uint32_t i = 0; i < r.count; ++i) matches_.push_back(std::move(chunk.matches[r.first + i]));
    tracker_.on_record(number, r.info, r.text, matches_);
  }
}

}  // namespace ikelab::diag
