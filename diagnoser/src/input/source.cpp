#include "diagnoser/src/input/source.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ikelab::diag {

std::pair<std::string, std::uint64_t> LineMap::locate(std::uint64_t line) const {
  // The last part that starts before `line`.
  auto it = std::upper_bound(parts_.begin(), parts_.end(), line,
                             [](std::uint64_t l, const Part& p) { return l <= p.lines_before; });
  if (it == parts_.begin()) return {parts_.empty() ? std::string() : parts_.front().file, line};
  --it;
  return {it->file, line - it->lines_before};
}

void LineMap::apply(Diagnosis& diagnosis, const std::string& name) const {
  for (auto& e : diagnosis.evidence) {
    if (e.file != name) continue;
    auto [file, line] = locate(e.line);
    e.file = file;
    e.line = line;
  }
}

std::string_view compression_of(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b")) return "gzip";
  if (starts(std::string_view("\xfd" "7zXZ\0", 6))) return "xz";
  if (starts("\x28\xb5\x2f\xfd")) return "zstd";
  // "BZh", the block size digit, then a block (pi) or the end-of-stream (sqrt pi) magic.
  if (head.size() >= 10 && starts("BZh") && head[3] >= '1' && head[3] <= '9' &&
      (head.substr(4, 6) == "\x31\x41\x59\x26\x53\x59" || head.substr(4, 6) == "\x17\x72\x45\x38\x50\x90"))
    return "bzip2";
  return "";
}

std::string binary_reason(std::string_view sample) {
  if (sample.empty()) return "";
  size_t control = 0, nul_at[2] = {0, 0};
  for (size_t i = 0; i < sample.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(sample[i]);
    if (c == 0) ++nul_at[i % 2];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b) || c == 0x7f)
      ++control;
  }
  // UTF-16 text (a log saved on Windows): NUL in nearly every other byte, few in the rest.
  const size_t half = sample.size() / 2;
  for (int parity : {0, 1})
    if (half >= 8 && nul_at[parity] * 10 >= half * 9 && nul_at[1 - parity] * 10 < half)
      return "binary data: it looks like UTF-16 text (convert it with iconv -f UTF-16 -t UTF-8)";
  // Text logs have (nearly) no control bytes; random or packed data has about 1 in 10.
  if (control * 20 > sample.size())
    return fmt::format("binary data, not a text log ({} control bytes in its first {} bytes)", control, sample.size());
  return "";
}

namespace {

ssize_t read_retry(int fd, char* data, size_t want) {
  for (;;) {
    ssize_t n = ::read(fd, data, want);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

}  // namespace

// One file being read: plain, or decompressed through libarchive ("raw"
// format: a single compressed stream, concatenated gzip members included).
struct Source::Part {
  std::string name;
  int fd = -1;
  bool own_fd = false;
  std::string head;  // bytes read to sniff the compression, delivered first
  size_t head_at = 0;
  std::string compression;
  archive* ar = nullptr;
  std::string block;  // libarchive's input buffer
  std::string read_error;
  bool empty = false;  // compressed, and nothing inside

  ~Part() {
    if (ar) archive_read_free(ar);
    if (own_fd && fd >= 0) ::close(fd);
  }

  static la_ssize_t feed(archive*, void* self, const void** buffer) {
    auto* p = static_cast<Part*>(self);
    if (p->head_at < p->head.size()) {
      *buffer = p->head.data() + p->head_at;
      la_ssize_t n = static_cast<la_ssize_t>(p->head.size() - p->head_at);
      p->head_at = p->head.size();
      return n;
    }
    ssize_t n = read_retry(p->fd, p->block.data(), p->block.size());
    if (n < 0) {
      p->read_error = std::strerror(errno);
      return -1;
    }
    *buffer = p->block.data();
    return n;
  }

  void open() {
    if (name == "-") {
      fd = 0;
    } else {
      fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw InputError(fmt::format("{}: cannot open: {}", name, std::strerror(errno)));
      own_fd = true;
    }
    // Sniff the first bytes; a regular file is sniffed without moving its offset.
    char magic[10];
    struct stat st {};
    ssize_t n;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::lseek(fd, 0, SEEK_CUR) == 0) {
      n = ::pread(fd, magic, sizeof magic, 0);
      if (n < 0) throw InputError(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
      compression = std::string(compression_of(std::string_view(magic, static_cast<size_t>(n))));
      if (compression.empty()) return;  // plain: read(2) from offset 0
    } else {
      size_t got = 0;
      while (got < sizeof magic) {
        n = read_retry(fd, magic + got, sizeof magic - got);
        if (n < 0) throw InputError(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
        if (n == 0) break;
        got += static_cast<size_t>(n);
      }
      head.assign(magic, got);
      compression = std::string(compression_of(head));
      if (compression.empty()) return;  // plain: `head` first, then read(2)
    }
    ar = archive_read_new();
    archive_read_support_filter_gzip(ar);
    archive_read_support_filter_xz(ar);
    archive_read_support_filter_bzip2(ar);
    archive_read_support_filter_zstd(ar);
    archive_read_support_format_raw(ar);
    archive_read_support_format_empty(ar);  // a compressed empty file
    block.resize(1 << 16);
    archive_entry* entry = nullptr;
    if (archive_read_open(ar, this, nullptr, &Part::feed, nullptr) != ARCHIVE_OK)
      throw InputError(fmt::format("{}: cannot read its {} data: {}", name, compression, error()));
    int r = archive_read_next_header(ar, &entry);
    if (r == ARCHIVE_EOF) empty = true;
    else if (r != ARCHIVE_OK)
      throw InputError(fmt::format("{}: cannot read its {} data: {}", name, compression, error()));
  }

  std::string error() const {
    if (!read_error.empty()) return read_error;
    const char* e = ar ? archive_error_string(ar) : nullptr;
    return e ? e : "unknown error";
  }

  size_t read(char* data, size_t want) {
    if (ar) {
      if (empty) return 0;
      size_t got = 0;
      while (got < want) {
        la_ssize_t n = archive_read_data(ar, data + got, want - got);
        if (n < 0)
          throw InputError(fmt::format("{}: corrupt or truncated {} data after {} bytes: {}", name, compression,
                                       archive_filter_bytes(ar, -1), error()));
        if (n == 0) break;
        got += static_cast<size_t>(n);
      }
      return got;
    }
    size_t got = 0;
    if (head_at < head.size()) {
      got = std::min(want, head.size() - head_at);
      std::memcpy(data, head.data() + head_at, got);
      head_at += got;
    }
    while (got < want) {
      ssize_t n = read_retry(fd, data + got, want - got);
      if (n < 0) throw InputError(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    return got;
  }
};

Source::Source(const LogInput& input) : input_(input) {
  if (input_.parts.empty()) throw InputError(fmt::format("{}: nothing to read", input_.name));
  if (input_.parts.size() > 1) map_ = std::make_shared<LineMap>();
  open_next();
}

Source::~Source() = default;

bool Source::open_next() {
  if (next_part_ >= input_.parts.size()) {
    part_.reset();
    return false;
  }
  auto part = std::make_unique<Part>();
  part->name = input_.parts[next_part_++].string();
  part->open();
  part_ = std::move(part);
  if (map_) map_->start_part(part_->name, lines_);
  return true;
}

int Source::plain_fd() const {
  if (input_.parts.size() != 1 || !part_ || part_->ar || !part_->head.empty()) return -1;
  return part_->fd;
}

bool Source::is_stream() const {
  if (input_.parts.size() != 1 || !part_ || part_->ar) return false;
  struct stat st {};
  return ::fstat(part_->fd, &st) == 0 && !S_ISREG(st.st_mode);
}

long Source::read_ready(char* data, size_t want, int timeout_ms) {
  if (!part_ || want == 0) return 0;
  if (part_->head_at < part_->head.size()) {
    size_t n = part_->read(data, std::min(want, part_->head.size() - part_->head_at));
    bytes_ += n;
    return static_cast<long>(n);
  }
  pollfd p{part_->fd, POLLIN, 0};
  int r;
  do r = ::poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r == 0) return -1;
  ssize_t n = read_retry(part_->fd, data, want);
  if (n < 0) throw InputError(fmt::format("{}: cannot read: {}", part_->name, std::strerror(errno)));
  bytes_ += static_cast<std::uint64_t>(n);
  return n;
}

size_t Source::read(char* data, size_t want) {
  size_t got = 0;
  while (got < want && part_) {
    if (pending_newline_) {  // a part that did not end its last line
      data[got++] = '\n';
      ++lines_;
      last_ = '\n';
      pending_newline_ = false;
      continue;
    }
    size_t n = part_->read(data + got, want - got);
    if (n == 0) {
      if (map_ && last_ != '\n') {
        pending_newline_ = true;
        continue;
      }
      if (!open_next()) break;
      continue;
    }
    if (map_) {
      lines_ += static_cast<std::uint64_t>(std::count(data + got, data + got + n, '\n'));
      last_ = data[got + n - 1];
    }
    got += n;
    if (!map_) break;  // one part: hand over what came, as read(2) would
  }
  bytes_ += got;
  return got;
}

}  // namespace ikelab::diag
