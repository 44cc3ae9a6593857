#pragma once
// One log's bytes as one stream: a plain file, standard input, a compressed
// file (gzip, xz, bzip2, zstd: recognised by its first bytes, never by its
// name; libarchive decompresses) or a rotation set (syslog.2.gz, syslog.1,
// syslog) read oldest part first. A plain single file is read with read(2)
// directly, so the plain path costs what it did before.

#include "ikelab/diagnoser.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ikelab::diag {

// Where each part of a rotation set starts in the joined stream's line
// numbering; maps a joined line number back to (part, its own line number).
class LineMap {
 public:
  void start_part(std::string file, std::uint64_t lines_before) { parts_.push_back({lines_before, std::move(file)}); }
  std::pair<std::string, std::uint64_t> locate(std::uint64_t line) const;
  // Rewrites evidence that names `name` to the part and line it came from.
  void apply(Diagnosis& diagnosis, const std::string& name) const;

 private:
  struct Part {
    std::uint64_t lines_before;
    std::string file;
  };
  std::vector<Part> parts_;
};

// The compression a file's first bytes announce ("" when none).
std::string_view compression_of(std::string_view head);

// Why `sample` (the first bytes of a decompressed input) is not a text log,
// or "" when it is text. A few stray control bytes (a NUL run after a crash)
// are tolerated; random or structured binary data is not.
std::string binary_reason(std::string_view sample);

class Source {
 public:
  explicit Source(const LogInput& input);
  ~Source();
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  // Up to `want` bytes (fewer only at the end of the whole input). Throws InputError.
  size_t read(char* data, size_t want);
  // The descriptor of a single plain (uncompressed) input, for seekable
  // reading; -1 for compressed input and rotation sets.
  int plain_fd() const;
  // The line map of a rotation set (null for a single part).
  std::shared_ptr<const LineMap> line_map() const { return map_; }
  // A single plain input that is no regular file (a pipe, a terminal): it
  // may stay open without sending, so it is read as bytes become ready.
  bool is_stream() const;
  // What is ready within `timeout_ms`: bytes (at most `want`), 0 at the end
  // of input, -1 when nothing came in time. Only for is_stream().
  long read_ready(char* data, size_t want, int timeout_ms);
  std::uint64_t bytes() const { return bytes_; }

 private:
  struct Part;
  bool open_next();
  LogInput input_;
  size_t next_part_ = 0;
  std::unique_ptr<Part> part_;
  std::shared_ptr<LineMap> map_;
  std::uint64_t lines_ = 0;  // newlines delivered so far (rotation sets only)
  char last_ = '\n';         // the last byte delivered
  bool pending_newline_ = false;
  std::uint64_t bytes_ = 0;
};

}  // namespace ikelab::diag
