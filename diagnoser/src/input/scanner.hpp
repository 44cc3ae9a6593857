#pragma once
// Turns raw bytes into records and catalogue matches: splits lines without
// per-line allocation, scans whole blocks with one Hyperscan database, and
// only for lines that hit runs the prefix parser and RE2 (confirmation and
// captures). Overlong lines are cut, binary garbage simply matches nothing.

#include "diagnoser/src/catalogue/catalogue.hpp"
#include "diagnoser/src/input/packet_reader.hpp"
#include "diagnoser/src/tracking/tracker.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ikelab::diag {

// The thread count in use (set_scan_threads in diagnoser.hpp; 0 there: one per core).
unsigned scan_threads();
// Chunk size (default 512 KiB; blocks below two chunks are scanned in the
// calling thread alone). Tests use tiny chunks so that small logs are
// scanned in parallel. 0 restores the default.
void set_scan_chunk_bytes(size_t bytes);

// What one chunk of a block holds once scanned: the lines that matched a
// pattern (confirmed, captures taken), in order. Scanning a chunk depends on
// its bytes only, so chunks are scanned in parallel and handed to the tracker
// in order afterwards.
struct ChunkScan {
  struct Record {
    std::uint64_t line = 0;  // lines before it in the chunk
    LineInfo info;
    std::string_view text;   // without CR/LF
    std::uint32_t first = 0, count = 0;  // its matches in `matches`
  };
  std::vector<std::pair<unsigned, size_t>> raw;  // Hyperscan hits: pattern, end offset
  std::vector<unsigned> ids;
  std::vector<re2::StringPiece> groups;
  std::vector<Record> records;
  std::vector<Match> matches;
  std::uint64_t newlines = 0;
};

class Scanner {
 public:
  static constexpr size_t kMaxLine = kMaxLineBytes;  // longer lines are cut here

  Scanner(const Catalogue& catalogue, Tracker& tracker);
  ~Scanner();

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
  std::uint64_t cut_lines() const { return cut_lines_; }

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
  // Hyperscan over one chunk of complete lines, then per hit line the prefix
  // parser and the confirmation (fixed reader or RE2). Const: thread-safe.
  void scan_chunk(const char* begin, size_t size, hs_scratch* scratch, ChunkScan& out) const;
  // One line and the patterns that hit it: a record in `out` if any is confirmed.
  void confirm_line(std::string_view line, std::uint64_t index, ChunkScan& out) const;
  // Hands a scanned chunk's records to the tracker; `base` is its first line's number.
  void track_chunk(ChunkScan& chunk, std::uint64_t base, std::uint64_t block_first_line);

  const Catalogue& catalogue_;
  Tracker& tracker_;
  unsigned threads_ = 1;
  std::vector<std::unique_ptr<Scratch>> scratches_;  // one per thread
  std::vector<ChunkScan> chunks_;
  std::vector<FixedReader> readers_;  // per pattern
  std::vector<bool> captures_;        // per pattern: has named groups
  std::uint64_t cut_lines_ = 0;
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
  std::vector<Match> matches_;  // one record's, handed to the tracker
};

}  // namespace ikelab::diag
