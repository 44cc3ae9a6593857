#include "diagnoser/src/input/engine.hpp"

#include "diagnoser/src/input/paste_repair.hpp"

#include "diagnoser/src/input/scanner.hpp"
#include "diagnoser/src/tracking/tracker.hpp"
#include "diagnoser/src/tracking/verdict.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ikelab::diag {

namespace {

constexpr size_t kSampleBytes = 256 * 1024;
constexpr size_t kReadBytes = 4 * 1024 * 1024;
constexpr size_t kMinLinesForWidth = 8;  // lines of 20+ characters needed to guess a paste's wrap width
std::atomic<size_t> backward_block_bytes{kReadBytes};
std::atomic<size_t> forward_block_bytes{kReadBytes};

// Hands `bytes` to the scanner in forward_block_bytes pieces (one piece in production).
void feed_forward(Scanner& scanner, std::string_view bytes) {
  const size_t block = std::clamp<size_t>(forward_block_bytes.load(), 1, kReadBytes);
  for (size_t at = 0; at < bytes.size(); at += block) scanner.feed(bytes.substr(at, block));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ > 2) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Fills up to `want` bytes through `read_at(got)` (fewer only at end of
// input), retrying after signals.
template <typename ReadAt>
size_t read_full(ReadAt read_at, size_t want, const std::string& name) {
  size_t got = 0;
  while (got < want) {
    ssize_t n = read_at(got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}


// Newest-first text already in memory: replayed from its last line (the
// oldest) to its first, each line with its number in the text.
void feed_newest_first(Scanner& scanner, std::string_view text) {
  scanner.set_reversed(true);
  std::uint64_t total = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') ++total;
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // the final newline ends the last line
  std::uint64_t number = total;
  while (number > 0) {
    size_t nl = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
    size_t start = nl == std::string_view::npos ? 0 : nl + 1;
    scanner.feed_line(text.substr(start, end - start), number--);
    if (nl == std::string_view::npos) break;
    end = nl;
  }
}

size_t pread_some(int fd, char* data, size_t want, off_t offset, const std::string& name) {
  return read_full([&](size_t got) { return ::pread(fd, data + got, want - got, offset + static_cast<off_t>(got)); },
                   want, name);
}

void write_all(int fd, const char* data, size_t size, const std::string& name) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(fmt::format("{}: cannot spill standard input to a temporary file: {}", name,
                                   std::strerror(errno)));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Copies `already_read` and the rest of the input (`read_block`: a pipe, a
// decompressed or rotated log) to a temporary file that is unlinked at once;
// returns its descriptor. `buffer` is scratch.
template <typename ReadBlock>
int spill_to_unlinked_file(ReadBlock read_block, std::string_view already_read, std::string& buffer,
                           const std::string& name) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/ikelab-diagnose-XXXXXX";
  Fd spill(::mkstemp(pattern.data()));
  if (spill.get() < 0)
    throw InputError(fmt::format("{}: cannot create a temporary file to read newest-first input: {}", name,
                                 std::strerror(errno)));
  ::unlink(pattern.c_str());
  write_all(spill.get(), already_read.data(), already_read.size(), name);
  for (;;) {
    size_t n = read_block(buffer.data(), kReadBytes);
    if (n == 0) break;
    write_all(spill.get(), buffer.data(), n, name);
  }
  return spill.release();
}

// Newest-first input in a regular file (`size` bytes): read from its end to
// its start in blocks, each line handed to the scanner from the last (the
// oldest) to the first, with its line number. Memory: one block plus the
// longest line (cut at Scanner::kMaxLine, as forward reading does); never the
// whole file.
void feed_file_backwards(Scanner& scanner, int fd, off_t size, const std::string& name, std::string& buffer) {
  scanner.set_reversed(true);
  if (size <= 0 || buffer.empty()) return;
  char* block = buffer.data();
  const size_t block_size = std::clamp<size_t>(backward_block_bytes.load(), 1, buffer.size());
  // Line numbers count from the top: count the lines first (one read, like wc -l).
  std::uint64_t total = 0;
  char last = '\n';
  for (off_t at = 0; at < size;) {
    size_t n = pread_some(fd, block, std::min<size_t>(block_size, static_cast<size_t>(size - at)), at, name);
    if (n == 0) break;
    total += static_cast<std::uint64_t>(std::count(block, block + n, '\n'));
    last = block[n - 1];
    at += static_cast<off_t>(n);
  }
  if (last != '\n') ++total;
  std::uint64_t number = total;
  std::string tail;  // the known end of a line that starts in an earlier block (first kMaxLine bytes kept)
  std::string joined;
  off_t end = size;
  bool skip_final_newline = last == '\n';
  while (end > 0 && number > 0) {
    size_t n = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(block_size), end));
    off_t at = end - static_cast<off_t>(n);
    if (pread_some(fd, block, n, at, name) != n)
      throw InputError(fmt::format("{}: the file shrank while it was read", name));
    size_t seg_end = n;  // the current line ends here (exclusive) within the block
    if (skip_final_newline) {
      if (seg_end > 0 && block[seg_end - 1] == '\n') --seg_end;
      skip_final_newline = false;
    }
    for (;;) {
      const void* nl = seg_end == 0 ? nullptr : memrchr(block, '\n', seg_end);
      if (!nl) break;
      size_t start = static_cast<size_t>(static_cast<const char*>(nl) - block) + 1;
      std::string_view piece(block + start, seg_end - start);
      if (tail.empty()) {
        scanner.feed_line(piece, number--);
      } else {
        joined.assign(piece.substr(0, Scanner::kMaxLine));
        if (joined.size() < Scanner::kMaxLine) joined.append(tail, 0, Scanner::kMaxLine - joined.size());
        scanner.feed_line(joined, number--);
        tail.clear();
      }
      seg_end = start - 1;
    }
    // What is left of the block starts a line that began in an earlier block.
    std::string head(block, seg_end);
    if (head.size() < Scanner::kMaxLine) head.append(tail, 0, Scanner::kMaxLine - head.size());
    else head.resize(Scanner::kMaxLine);
    tail.swap(head);
    end = at;
  }
  if (number > 0) scanner.feed_line(tail, number);
}

double monotonic_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

// A stream that stays open (a pipe from `journalctl -f`): fed as bytes come,
// attempts settled by wall clock as StreamDiagnoser does for --follow, until
// the input ends.
static void scan_live(const Catalogue& catalogue, Source& source, std::string_view sample, std::string& buffer,
               const LiveSettings& live, const std::function<void(Attempt&&)>& sink,
               const std::function<void(const SampleFacts&)>& on_facts) {
  SampleFacts facts = inspect_sample(sample);
  facts.newest_first = false;  // a live stream is oldest first
  if (on_facts) on_facts(facts);
  Tracker tracker(catalogue, sink);
  Scanner scanner(catalogue, tracker);
  scanner.set_join_wrapped(facts.join_wrapped, facts.wrap_width);
  tracker.set_wall(monotonic_seconds());
  scanner.feed(std::string(sample));
  for (;;) {
    const double now = monotonic_seconds();
    tracker.set_wall(now);
    long n = source.read_ready(buffer.data(), buffer.size(), 100);
    if (n == 0) break;
    if (n > 0) {
      scanner.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
    } else {
      scanner.release_held();  // quiet: the last message need not wait for more
    }
    tracker.settle_by_wall(now, live.settle_seconds, live.idle_seconds);
  }
  scanner.finish();
  tracker.finish();
}

void set_backward_block_bytes(size_t bytes) { backward_block_bytes = bytes ? bytes : kReadBytes; }
void set_forward_block_bytes(size_t bytes) { forward_block_bytes = bytes ? bytes : kReadBytes; }

SampleFacts inspect_sample(std::string_view sample) {
  SampleFacts facts;
  std::array<int, kFormatCount> votes{};
  int charon = 0, pluto = 0, livelog = 0, up = 0, down = 0;
  double last = -1;
  // Content order: an attempt's first words come before its last ones.
  static constexpr std::array<std::string_view, 4> early = {"initiating ", "responding to Main Mode",
                                                            "Starting IKE charon daemon", "Starting Pluto"};
  static constexpr std::array<std::string_view, 7> late = {" established", "processing failed", "giving up after",
                                                           "error notify", "notify error", "deleting ",
                                                           "sending NO_PROPOSAL_CHOSEN"};
  long first_early = -1, last_early = -1, first_late = -1, last_late = -1;
  // Packet order: charon logs "generating" just before "sending packet" and
  // "received packet" just before "parsed"; reversed, the pairs swap.
  int order_up = 0, order_down = 0;
  std::string_view previous;
  size_t pos = 0;
  int lines = 0;
  std::vector<size_t> lengths;
  while (pos < sample.size() && lines < 4000) {
    size_t nl = sample.find('\n', pos);
    if (nl == std::string_view::npos) nl = sample.size();
    const std::string_view raw = trim_end(sample.substr(pos, nl - pos));
    // A line without a space is one word no wrap could break (it sticks out
    // past the width): in a short paste it would set the width itself.
    if (raw.size() >= 20 && raw.find(' ') != std::string_view::npos) lengths.push_back(raw.size());
    LineInfo info = parse_line(raw);
    pos = nl + 1;
    ++lines;
    if (info.livelog_marker) ++livelog;
    if (info.format != Format::unknown) ++votes[static_cast<size_t>(info.format)];
    if (info.dialect == Dialect::charon) ++charon;
    if (info.dialect == Dialect::pluto) ++pluto;
    if (info.time >= 0 && info.dialect != Dialect::unknown) {  // only the IKE daemon's own lines
      if (last >= 0 && info.time > last) ++up;
      if (last >= 0 && info.time < last) ++down;
      last = info.time;
    }
    auto has_any = [&](const auto& words) {
      return std::any_of(words.begin(), words.end(),
                         [&](std::string_view w) { return info.message.find(w) != std::string_view::npos; });
    };
    if (has_any(early)) {
      if (first_early < 0) first_early = lines;
      last_early = lines;
    }
    if (has_any(late)) {
      if (first_late < 0) first_late = lines;
      last_late = lines;
    }
    if (info.dialect != Dialect::unknown) {
      auto has = [](std::string_view text, std::string_view word) { return text.find(word) != std::string_view::npos; };
      const std::string_view now = info.message;
      if ((has(previous, "generating ") && has(now, "sending packet")) ||
          (has(previous, "received packet") && has(now, "parsed ")))
        ++order_up;
      if ((has(previous, "sending packet") && has(now, "generating ")) ||
          (has(previous, "parsed ") && has(now, "received packet")))
        ++order_down;
      previous = now;
    }
  }
  if (livelog > 0) {
    facts.format = Format::livelog;
  } else {
    size_t best = 0;
    for (size_t i = 1; i < votes.size(); ++i)
      if (votes[i] > votes[best]) best = i;
    facts.format = votes[best] > 0 ? static_cast<Format>(best) : Format::unknown;
  }
  facts.dialect = charon >= pluto ? (charon ? Dialect::charon : Dialect::unknown) : Dialect::pluto;
  if (up + down >= 2) {
    facts.newest_first = down > 2 * up;
  } else if (order_up + order_down >= 2) {
    facts.newest_first = order_down > 2 * order_up;
  } else {
    // No usable clock: newest first when an attempt's end words lead and its
    // start words trail.
    facts.newest_first = first_early >= 0 && first_late >= 0 && first_late < first_early && last_early > last_late;
  }
  facts.join_wrapped = charon == 0;
  // The column a paste was wrapped at: nearly every line is shorter (a few
  // unbreakable words stick out). A handful of lines tells no width: the
  // longest of three would pass for it, and every line after it for its
  // wrapped rest (real-log corpus 018, 049: three and four whole messages).
  if (lengths.size() >= kMinLinesForWidth) {
    auto at = lengths.begin() + static_cast<long>(lengths.size() * 95 / 100);
    std::nth_element(lengths.begin(), at, lengths.end());
    facts.wrap_width = *at;
  }
  return facts;
}

SampleFacts scan_input(const Catalogue& catalogue, const LogInput& input,
                       const std::function<void(Attempt&&)>& sink,
                       const std::function<void(const SampleFacts&)>& on_facts, const LiveSettings* live) {
  const std::string& name = input.name;
  for (const auto& part : input.parts) {
    std::error_code ec;
    if (part != "-" && std::filesystem::is_directory(part, ec))
      throw InputError(fmt::format("{}: is a directory", part.string()));
  }
  Source source(input);
  auto read_block = [&](char* data, size_t want) {
    size_t got = 0;
    while (got < want) {
      size_t n = source.read(data + got, want - got);
      if (n == 0) break;
      got += n;
    }
    return got;
  };
  std::string buffer(std::max(kReadBytes, kSampleBytes), '\0');
  size_t got = 0;
  bool stalled = false;  // a live stream went quiet before the sample was full
  if (live && source.is_stream()) {
    const int stall_ms = static_cast<int>(live->stall_seconds * 1000);
    while (got < kSampleBytes) {
      long n = source.read_ready(buffer.data() + got, kSampleBytes - got, stall_ms);
      if (n == 0) break;
      if (n > 0) {
        got += static_cast<size_t>(n);
        continue;
      }
      if (std::memchr(buffer.data(), '\n', got)) {
        stalled = true;
        break;
      }
    }
  } else {
    got = read_block(buffer.data(), kSampleBytes);
  }
  if (std::string why = binary_reason(std::string_view(buffer.data(), std::min<size_t>(got, 64 * 1024)));
      !why.empty())
    throw InputError(fmt::format("{}: {}", input.parts.front().string(), why));
  auto finish_notes = [&](SampleFacts& facts, std::uint64_t lines) {
    facts.notes.bytes = source.bytes();
    facts.notes.lines = lines;
  };
  if (stalled && !looks_pasted(std::string_view(buffer.data(), got))) {
    scan_live(catalogue, source, std::string_view(buffer.data(), got), buffer, *live, sink, on_facts);
    SampleFacts facts = inspect_sample(std::string_view(buffer.data(), 0));
    facts.notes.bytes = source.bytes();
    return facts;
  }
  if (looks_pasted(std::string_view(buffer.data(), got))) {
    // A paste from a forum or mail (small): read whole, repaired, scanned from memory.
    std::string text(buffer.data(), got);
    for (;;) {
      size_t n = read_block(buffer.data(), kReadBytes);
      if (n == 0) break;
      text.append(buffer.data(), n);
    }
    std::vector<Attempt> attempts;
    SampleFacts facts = scan_text(catalogue, text, [&](Attempt&& a) { attempts.push_back(std::move(a)); });
    facts.lines = source.line_map();
    if (on_facts) on_facts(facts);
    for (auto& a : attempts) sink(std::move(a));
    finish_notes(facts, static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) +
                            (!text.empty() && text.back() != '\n'));
    return facts;
  }
  SampleFacts facts = inspect_sample(std::string_view(buffer.data(), got));
  facts.lines = source.line_map();
  if (on_facts) on_facts(facts);

  Tracker tracker(catalogue, sink);
  Scanner scanner(catalogue, tracker);
  scanner.set_join_wrapped(facts.join_wrapped, facts.wrap_width);
  if (facts.newest_first) {
    // Replay from the oldest (last) line, reading the file backwards; a pipe
    // is first spilled to an unlinked temporary file.
    struct stat st {};
    int fd = source.plain_fd();
    std::optional<Fd> spill;
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || ::lseek(fd, 0, SEEK_CUR) < 0) {
      spill.emplace(spill_to_unlinked_file(read_block, std::string_view(buffer.data(), got), buffer, name));
      fd = spill->get();
      if (::fstat(fd, &st) != 0)
        throw InputError(fmt::format("{}: cannot read the temporary file: {}", name, std::strerror(errno)));
    }
    feed_file_backwards(scanner, fd, st.st_size, name, buffer);
  } else {
    feed_forward(scanner, std::string_view(buffer.data(), got));
    for (;;) {
      size_t n = read_block(buffer.data(), kReadBytes);
      if (n == 0) break;
      feed_forward(scanner, std::string_view(buffer.data(), n));
    }
  }
  scanner.finish();
  tracker.finish();
  facts.notes = {scanner.cut_lines(), tracker.forced_settles()};
  finish_notes(facts, scanner.lines());
  return facts;
}

SampleFacts scan_text(const Catalogue& catalogue, std::string_view text, const std::function<void(Attempt&&)>& sink) {
  // A paste is repaired first (same line count); its wrapped lines are joined.
  std::string repaired;
  const bool pasted = looks_pasted(text.substr(0, kSampleBytes));
  if (pasted) {
    repaired = repair_paste(text);
    text = repaired;
  }
  SampleFacts facts = inspect_sample(text.substr(0, kSampleBytes));
  facts.pasted = pasted;
  Tracker tracker(catalogue, sink);
  Scanner scanner(catalogue, tracker);
  scanner.set_join_wrapped(facts.join_wrapped, facts.wrap_width);
  if (facts.newest_first) feed_newest_first(scanner, text);
  else feed_forward(scanner, text);
  scanner.finish();
  tracker.finish();
  facts.notes = {scanner.cut_lines(), tracker.forced_settles()};
  return facts;
}

Diagnosis diagnose_attempt(const Catalogue& catalogue, const Attempt& attempt, const std::string& name,
                           const SampleFacts& facts) {
  Diagnosis d = decide(catalogue, attempt, name);
  if (facts.lines) facts.lines->apply(d, name);
  d.format = format_name(facts.format);
  if (d.dialect == "unknown" && facts.dialect != Dialect::unknown) d.dialect = dialect_name(facts.dialect);
  return d;
}

std::vector<Diagnosis> diagnose_text(std::string_view text, const std::string& name, const Catalogue& catalogue) {
  std::vector<Attempt> attempts;
  SampleFacts facts = scan_text(catalogue, text, [&](Attempt&& a) { attempts.push_back(std::move(a)); });
  std::vector<Diagnosis> out;
  for (const auto& a : attempts) out.push_back(diagnose_attempt(catalogue, a, name, facts));
  return out;
}

DiagnoseResult diagnose_inputs(const std::vector<std::filesystem::path>& args, const Catalogue& catalogue,
                               double max_skew_seconds) {
  if (args.empty()) throw InputError("diagnose takes at least one log");
  if (std::count(args.begin(), args.end(), std::filesystem::path("-")) > 1)
    throw InputError("only one log can be standard input");
  InputPlan plan = plan_inputs(args);
  DiagnoseResult result;
  result.notes = std::move(plan.notes);
  result.logs = plan.logs;
  std::vector<ScannedLog> scanned;
  for (const auto& input : plan.logs) {
    ScannedLog log;
    log.name = input.name;
    log.facts = scan_input(catalogue, input, [&](Attempt&& a) { log.attempts.push_back(std::move(a)); });
    scanned.push_back(std::move(log));
  }
  if (scanned.size() == 2) {
    result.two_peers = true;
    result.diagnoses = pair_and_merge(catalogue, scanned[0], scanned[1], max_skew_seconds, result.pairing);
    for (const auto& log : scanned) {
      result.counts.push_back(static_cast<size_t>(
          std::count_if(result.diagnoses.begin(), result.diagnoses.end(), [&](const Diagnosis& d) {
            return std::find(d.sources.begin(), d.sources.end(), log.name) != d.sources.end();
          })));
    }
    return result;
  }
  for (const auto& log : scanned) {
    for (const auto& a : log.attempts) result.diagnoses.push_back(diagnose_attempt(catalogue, a, log.name, log.facts));
    result.counts.push_back(log.attempts.size());
  }
  return result;
}

std::vector<Diagnosis> diagnose_files(const std::vector<std::filesystem::path>& logs, const Catalogue& catalogue) {
  return diagnose_inputs(logs, catalogue).diagnoses;
}

ScanNotes diagnose_file_stream(const LogInput& log, const Catalogue& catalogue,
                               const std::function<void(const Diagnosis&)>& on_diagnosis, const LiveSettings* live) {
  SampleFacts facts;
  return scan_input(
             catalogue, log, [&](Attempt&& a) { on_diagnosis(diagnose_attempt(catalogue, a, log.name, facts)); },
             [&](const SampleFacts& f) { facts = f; }, live)
      .notes;
}

ScanNotes diagnose_file_stream(const std::filesystem::path& log, const Catalogue& catalogue,
                               const std::function<void(const Diagnosis&)>& on_diagnosis) {
  return diagnose_file_stream(LogInput{log.string(), {log}}, catalogue, on_diagnosis);
}

std::vector<Diagnosis> diagnose_files(const std::vector<std::filesystem::path>& logs) {
  static std::shared_ptr<const Catalogue> catalogue = load_catalogue();
  return diagnose_files(logs, *catalogue);
}

// --- streaming ------------------------------------------------------------

struct StreamDiagnoser::Impl {
  Impl(std::shared_ptr<const Catalogue> cat, std::string file, Callback cb)
      : catalogue(std::move(cat)),
        name(std::move(file)),
        callback(std::move(cb)),
        tracker(*catalogue, [this](Attempt&& a) { callback(diagnose_attempt(*catalogue, a, name, facts)); }),
        scanner(*catalogue, tracker) {}
  std::shared_ptr<const Catalogue> catalogue;
  std::string name;
  Callback callback;
  SampleFacts facts;
  bool inspected = false;
  // Bytes held until there is a sample to judge the format on (a live source
  // may deliver one line at a time): 64 lines, 64 KiB, or a second of waiting.
  std::string pending;
  double pending_since = -1;
  void inspect_and_feed() {
    facts = inspect_sample(std::string_view(pending).substr(0, kSampleBytes));
    facts.newest_first = false;  // a growing log is always oldest first
    scanner.set_join_wrapped(facts.join_wrapped, facts.wrap_width);
    inspected = true;
    scanner.feed(pending);
    pending.clear();
    pending.shrink_to_fit();
  }
  Tracker tracker;
  Scanner scanner;
};

StreamDiagnoser::StreamDiagnoser(std::shared_ptr<const Catalogue> catalogue, std::string name, Callback on_diagnosis)
    : impl_(std::make_unique<Impl>(std::move(catalogue), std::move(name), std::move(on_diagnosis))) {}

StreamDiagnoser::~StreamDiagnoser() = default;

void StreamDiagnoser::feed(std::string_view bytes) {
  if (!impl_->inspected) {
    if (bytes.empty()) return;
    impl_->pending.append(bytes);
    if (impl_->pending.size() >= 64 * 1024 ||
        std::count(impl_->pending.begin(), impl_->pending.end(), '\n') >= 64)
      impl_->inspect_and_feed();
    return;
  }
  impl_->scanner.feed(bytes);
}

void StreamDiagnoser::tick(double now, double settle_seconds, double idle_seconds) {
  if (!impl_->inspected && !impl_->pending.empty()) {
    if (impl_->pending_since < 0 || impl_->pending_since == 0) impl_->pending_since = now;
    if (now - impl_->pending_since >= 1.0) impl_->inspect_and_feed();
  }
  impl_->tracker.set_wall(now);
  impl_->scanner.release_held();  // a growing log's last message need not wait for more input
  impl_->tracker.settle_by_wall(now, settle_seconds, idle_seconds);
}

void StreamDiagnoser::finish() {
  if (!impl_->inspected && !impl_->pending.empty()) impl_->inspect_and_feed();
  impl_->scanner.finish();
  impl_->tracker.finish();
}

}  // namespace ikelab::diag
