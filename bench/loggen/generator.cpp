#include "bench/loggen/generator.hpp"

#include <fmt/format.h>

#include <array>
#include <ctime>
#include <queue>
#include <random>
#include <stdexcept>

namespace ikelab::bench {
namespace {

constexpr std::array<const char*, 6> kNamePrefixes{"site", "branch", "rw", "partner", "dc", "store"};

struct Attempt {
  const LogTemplate* tmpl = nullptr;
  std::size_t next_line = 0;
  std::int64_t start_ms = 0;
  std::uint64_t sa_base = 0, child_base = 0, state_base = 0, instance_base = 0;
  std::string connection, child, peer_addr;
  std::vector<int> threads;          // template thread -> gateway thread
  std::vector<std::string> spis;     // k-1 -> 8 hex digits
};

struct Due {
  std::int64_t ms;
  std::uint64_t tiebreak;
  std::size_t attempt;
  bool operator>(const Due& o) const { return ms != o.ms ? ms > o.ms : tiebreak > o.tiebreak; }
};

// Peer addresses from 100.64.0.0/10 (shared address space, as behind carrier
// NAT), never .0 or .255, one per attempt.
std::string peer_address(std::uint64_t n) {
  std::uint64_t host = n / 254, last = n % 254 + 1;
  if (host >= (1u << 14)) throw std::runtime_error("more attempts than peer addresses");
  return fmt::format("100.{}.{}.{}", 64 + (host >> 8), host & 255, last);
}

class Writer {
 public:
  explicit Writer(std::FILE* f) : file_(f) { buf_.reserve(kFlushAt + 65536); }
  ~Writer() { flush(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  std::string& buf() { return buf_; }
  void line_done() {
    ++lines_;
    if (buf_.size() >= kFlushAt) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) throw std::runtime_error("write failed");
    bytes_ += buf_.size();
    buf_.clear();
  }
  std::uint64_t bytes() const { return bytes_ + buf_.size(); }
  std::uint64_t lines() const { return lines_; }

 private:
  static constexpr std::size_t kFlushAt = 4 << 20;
  std::FILE* file_;
  std::string buf_;
  std::uint64_t bytes_ = 0, lines_ = 0;
};

class SyslogClock {
 public:
  explicit SyslogClock(std::int64_t epoch) : epoch_(epoch) {}
  // "Nov  5 00:00:01", cached per second.
  const std::string& stamp(std::int64_t ms) {
    std::int64_t sec = epoch_ + ms / 1000;
    if (sec != cached_sec_) {
      std::time_t t = static_cast<std::time_t>(sec);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char out[32];
      std::strftime(out, sizeof out, "%b %e %H:%M:%S", &tm);
      cached_ = out;
      cached_sec_ = sec;
    }
    return cached_;
  }

 private:
  std::int64_t epoch_;
  std::int64_t cached_sec_ = -1;
  std::string cached_;
};

class Emitter {
 public:
  Emitter(const GeneratorOptions& o, Writer& w) : o_(o), w_(w), clock_(o.start_epoch) {
    pid_ = o.dialect == Dialect::charon ? 1187 : 2332;
    local_addr_ = "198.51.100.1";
  }

  void line(const TemplateLine& tl, const Attempt& a, std::int64_t ms) {
    std::string& b = w_.buf();
    b += clock_.stamp(ms);
    b += ' ';
    b += o_.host;
    if (o_.dialect == Dialect::charon) {
      fmt::format_to(std::back_inserter(b), " charon[{}]: {:02}[", pid_,
                     tl.thread >= 0 && static_cast<std::size_t>(tl.thread) < a.threads.size()
                         ? a.threads[static_cast<std::size_t>(tl.thread)]
                         : tl.thread);
      b += tl.group;
      b += "] ";
      if (!tl.prefix.empty()) {
        pieces(tl.prefix, a);
        b += ' ';
      }
    } else {
      fmt::format_to(std::back_inserter(b), " pluto[{}]: ", pid_);
    }
    pieces(tl.message, a);
    b += '\n';
    w_.line_done();
  }

 private:
  void pieces(const std::vector<Piece>& ps, const Attempt& a) {
    std::string& b = w_.buf();
    for (const auto& p : ps) {
      switch (p.slot) {
        case Slot::literal: b += p.text; break;
        case Slot::connection: b += a.connection; break;
        case Slot::child: b += a.child; break;
        case Slot::sa_id: fmt::format_to(std::back_inserter(b), "{}", a.sa_base + static_cast<unsigned>(p.k)); break;
        case Slot::child_id: fmt::format_to(std::back_inserter(b), "{}", a.child_base + static_cast<unsigned>(p.k)); break;
        case Slot::state: fmt::format_to(std::back_inserter(b), "{}", a.state_base + static_cast<unsigned>(p.k)); break;
        case Slot::instance: fmt::format_to(std::back_inserter(b), "{}", a.instance_base + static_cast<unsigned>(p.k)); break;
        case Slot::local_addr: b += local_addr_; break;
        case Slot::peer_addr: b += a.peer_addr; break;
        case Slot::spi: b += a.spis[static_cast<std::size_t>(p.k - 1)]; break;
      }
    }
  }

  const GeneratorOptions& o_;
  Writer& w_;
  SyslogClock clock_;
  int pid_;
  std::string local_addr_;
};

}  // namespace

GeneratorResult generate(const std::vector<LogTemplate>& templates, const DaemonHeader& header,
                         const GeneratorOptions& options, std::FILE* log, std::FILE* truth) {
  if (templates.empty()) throw std::runtime_error("no templates");
  std::mt19937_64 rng(options.seed);
  std::vector<int> weights;
  for (const auto& t : templates) weights.push_back(t.weight);
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  std::exponential_distribution<double> gap_s(options.attempts_per_second);
  std::uniform_int_distribution<int> thread_of(1, options.worker_threads);

  Writer writer(log);
  Emitter emit(options, writer);
  Attempt daemon;  // header lines use no per-attempt slot but the local address
  for (const auto& tl : header.lines) emit.line(tl, daemon, 0);

  std::vector<Attempt> attempts;  // slots reused once an attempt is done
  std::vector<std::size_t> free_slots;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due;
  std::uint64_t n = 0, sa_next = 1, child_next = 1, state_next = 1, instance_next = 1;
  std::int64_t next_start_ms = 1000;
  bool starting = true;

  for (;;) {
    if (starting && (due.empty() || next_start_ms <= due.top().ms)) {
      const LogTemplate& t = templates[pick(rng)];
      std::size_t slot;
      if (!free_slots.empty()) {
        slot = free_slots.back();
        free_slots.pop_back();
      } else {
        slot = attempts.size();
        attempts.emplace_back();
      }
      Attempt& a = attempts[slot];
      a.tmpl = &t;
      a.next_line = 0;
      a.start_ms = next_start_ms;
      a.sa_base = sa_next - 1;
      a.child_base = child_next - 1;
      a.state_base = state_next - 1;
      a.instance_base = instance_next - 1;
      sa_next += static_cast<unsigned>(t.sa_ids);
      child_next += static_cast<unsigned>(t.child_ids);
      state_next += static_cast<unsigned>(t.states);
      instance_next += static_cast<unsigned>(t.instances);
      a.connection = fmt::format("{}{}", kNamePrefixes[n % kNamePrefixes.size()], n + 1);
      a.child = a.connection + "-net";
      a.peer_addr = peer_address(n);
      a.threads.assign(static_cast<std::size_t>(t.max_thread) + 1, 0);
      for (std::size_t i = 1; i < a.threads.size(); ++i) a.threads[i] = thread_of(rng);
      a.spis.clear();
      for (int i = 0; i < t.spis; ++i) a.spis.push_back(fmt::format("{:08x}", static_cast<std::uint32_t>(rng())));
      fmt::print(truth, "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", n + 1, a.peer_addr, a.connection, t.role, t.ike_version,
                 t.fault, t.name, t.known_gap ? "xfail" : "-", t.attempts);
      ++n;
      due.push({a.start_ms + t.lines[0].offset_ms, rng(), slot});
      next_start_ms += 1 + static_cast<std::int64_t>(gap_s(rng) * 1000.0);
      continue;
    }
    if (due.empty()) break;
    Due d = due.top();
    due.pop();
    Attempt& a = attempts[d.attempt];
    emit.line(a.tmpl->lines[a.next_line], a, d.ms);
    if (++a.next_line < a.tmpl->lines.size())
      due.push({a.start_ms + a.tmpl->lines[a.next_line].offset_ms, rng(), d.attempt});
    else
      free_slots.push_back(d.attempt);
    if (writer.bytes() >= options.target_bytes) starting = false;
  }
  writer.flush();
  return {writer.bytes(), writer.lines(), n};
}

}  // namespace ikelab::bench
