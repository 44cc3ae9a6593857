#pragma once
// Turns raw bytes into records and catalogue matches: splits lines without
// per-line allocation, scans whole blocks with one Hyperscan database, and
// only for lines that hit runs the prefix parser and RE2 (confirmation and
// captures). Overlong lines are cut, binary garbage simply matches nothing.

#include "diagnoser/src/catalogue/catalogue.hpp"
#include "diagnoser/src/tracking/tracker.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ikelab::diag {

class Scanner {
 public:
  static constexpr size_t kMaxLine = 1 << 20;  // longer lines are cut here

  Scanner(const Catalogue& catalogue, Tracker& tracker);

  // Pluto-style wrapped lines (a message continued on the next, unprefixed
  // line); `width` is where the sample's lines end (a paste wrapped at N
  // columns has few lines longer, and breaks a line only where the next word
  // did not fit).
  void set_join_wrapped(bool join, size_t width = 0) {
    join_wrapped_ = join;
    wrap_width_ = width;
  }
  void feed(std::string_view bytes);
  // One line with a known line number (used for newest-first input, replayed
  // from its last line to its first: call set_reversed(true) first).
  void feed_line(std::string_view line, std::uint64_t line_number);
  void set_reversed(bool reversed) {
    reversed_ = reversed;
    tracker_.set_reversed(reversed);
  }
  // Scans a message held back at the end of the last block (see held_) now:
  // for a growing log, when no more input has come for a while.
  void release_held();
  void finish();
  std::uint64_t lines() const { return line_number_; }

 private:
  void process_block(const char* begin, size_t size, std::uint64_t first_line);
  // process_block without the hold-back of wrapped messages.
  void process_lines(const char* begin, size_t size, std::uint64_t first_line);
  // The number of the next line to arrive (after the held-back ones).
  std::uint64_t next_line_number() const { return line_number_ + held_lines_ + 1; }
  // Joins wrapped lines of a block into `joined_` (one line per message);
  // false when the block has none.
  bool join_block(const char* begin, size_t size, std::uint64_t first_line);
  // Scans one block of complete lines; returns the number of newlines in it.
  std::uint64_t scan_block(const char* begin, size_t size, std::uint64_t first_line);
  // One log line (a wrapped message already joined) and the patterns that hit it.
  void process_record(std::string_view line, std::uint64_t line_number, const std::vector<unsigned>& ids);

  const Catalogue& catalogue_;
  Tracker& tracker_;
  Scratch scratch_;
  std::string carry_;
  bool skipping_ = false;  // inside the cut-off tail of an overlong line
  bool join_wrapped_ = false;
  bool reversed_ = false;  // lines come from the last to the first (feed_line)
  size_t wrap_width_ = 0;
  std::string joined_;                   // the block with wrapped lines joined
  // Joining wrapped lines: the last message of a block (its first line and
  // the lines that continue it) waits for the next block, whose first lines
  // may continue it too, so that the join does not depend on where a read
  // ends. held_lines_ complete lines, the first one numbered line_number_ + 1.
  std::string held_;
  std::uint64_t held_lines_ = 0;
  std::vector<std::uint64_t> line_map_;  // joined line index -> line number in the input
  std::uint64_t line_number_ = 0;  // lines completed so far
  std::vector<Match> matches_;
};

}  // namespace ikelab::diag
