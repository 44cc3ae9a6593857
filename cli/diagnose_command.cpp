// `ikelab diagnose`: names the fault of every connection attempt in IKE logs.
#include "cli/commands.hpp"

#include "ikelab/diagnoser.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ikelab::cli {

namespace {

struct Style {
  bool on = false;
  std::string operator()(const char* code, const std::string& text) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
  }
};

bool is_failure(const diag::Diagnosis& d) { return d.fault != "none"; }

std::string describe_peers(const diag::Diagnosis& d) {
  std::string out;
  if (!d.connection.empty()) out += fmt::format("connection '{}'", d.connection);
  std::string local = d.local.empty() ? "this host" : d.local;
  std::string remote = d.remote.empty() ? "peer" : d.remote;
  if (!out.empty()) out += ", ";
  out += fmt::format("{} ({}) <-> {}", local, diag::to_string(d.role), remote);
  if (d.ike_version) out += fmt::format(", IKEv{}", d.ike_version);
  return out;
}

void print_text(const diag::Diagnosis& d, size_t index, const Style& style) {
  const char* colour = d.fault == "none" ? "1;32" : d.fault == "unknown" ? "1;33" : "1;31";
  std::string phase = d.phase ? fmt::format("phase {}", d.phase) : std::string("-");
  fmt::print("{} {}  {}\n", style("1", fmt::format("[{}]", index)), style(colour, d.fault),
             style("2", fmt::format("({}, {} confidence)", phase, d.confidence)));
  fmt::print("    {}\n", describe_peers(d));
  fmt::print("    {}\n", d.summary);
  if (d.excerpt) {
    std::string list;
    for (const auto& m : d.missing) list += (list.empty() ? "" : "; ") + m;
    fmt::print("    {} {}\n", style("33", "excerpt, missing to be sure:"), list);
  }
  if (!d.candidates.empty()) {
    std::string list;
    for (const auto& c : d.candidates) list += (list.empty() ? "" : ", ") + c;
    fmt::print("    {} {}\n", style("33", "could also be:"), list);
  }
  if (d.fault != "none") fmt::print("    {} {}\n", style("36", "fix:"), d.fix);
  if (!d.evidence.empty()) {
    fmt::print("    {}\n", style("2", "evidence:"));
    for (const auto& e : d.evidence) {
      std::string text = e.text.size() > 200 ? e.text.substr(0, 200) + " ..." : e.text;
      for (auto& c : text)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = ' ';
      fmt::print("      {} {}\n", style("2", fmt::format("{}:{}", e.file, e.line)), text);
    }
  }
  fmt::print("\n");
}

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int follow(const std::string& path, std::shared_ptr<const diag::Catalogue> catalogue, bool json, const Style& style,
           double settle, double idle, double stop_after) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fmt::print(stderr, "ikelab diagnose: {}: cannot open: {}\n", path, std::strerror(errno));
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  size_t count = 0;
  bool failed = false;
  diag::StreamDiagnoser stream(std::move(catalogue), path, [&](const diag::Diagnosis& d) {
    failed = failed || is_failure(d);
    if (json) fmt::print("{}\n", diag::dump_json(diag::to_json(std::vector<diag::Diagnosis>{d})));
    else print_text(d, ++count, style);
    std::fflush(stdout);
  });
  std::string buffer(1 << 20, '\0');
  off_t offset = 0;
  double last_data = now_seconds();
  while (!g_stop) {
    double now = now_seconds();
    stream.tick(now, settle, idle);
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      stream.feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      offset += n;
      last_data = now;
      continue;
    }
    if (n < 0 && errno != EINTR) break;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size < offset) {  // truncated or rotated in place
      ::lseek(fd, 0, SEEK_SET);
      offset = 0;
    }
    if (stop_after > 0 && now - last_data >= stop_after) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stream.finish();
  ::close(fd);
  return failed ? 1 : 0;
}

// What the scan cut short to stay linear in time and bounded in memory, on
// standard error (the JSON on standard output keeps its contract).
void print_scan_notes(const std::string& log, const diag::ScanNotes& notes) {
  std::fflush(stdout);
  if (notes.cut_lines > 0)
    fmt::print(stderr, "ikelab diagnose: note: {}: {} line(s) longer than {} bytes were read only up to that length\n",
               log, notes.cut_lines, diag::kMaxLineBytes);
  if (notes.early_settles > 0)
    fmt::print(stderr,
               "ikelab diagnose: note: {}: {} attempt(s) were diagnosed early, oldest first, to keep memory bounded "
               "(more than {} attempts open at once, or their lines over 24 MiB)\n",
               log, notes.early_settles, diag::kMaxOpenAttempts);
}

// One log: print each diagnosis as its attempt settles, so a gigabyte log is
// diagnosed in the memory of its open attempts. The JSON text is the same as
// dumping the whole {"diagnoses": [...]} with indent 2.
int diagnose_one_streamed(const std::string& log, const diag::Catalogue& catalogue, bool json, const Style& style) {
  size_t count = 0;
  bool failed = false;
  std::string item;
  diag::ScanNotes notes;
  try {
    notes = diag::diagnose_file_stream(log, catalogue, [&](const diag::Diagnosis& d) {
      failed = failed || is_failure(d);
      ++count;
      if (!json) {
        print_text(d, count, style);
        return;
      }
      item = diag::dump_json(diag::to_json(d), 2);
      std::string nested;
      nested.reserve(item.size() + item.size() / 8);
      nested += count == 1 ? "{\n  \"diagnoses\": [\n    " : ",\n    ";
      for (char c : item) {
        nested += c;
        if (c == '\n') nested += "    ";
      }
      std::fwrite(nested.data(), 1, nested.size(), stdout);
    });
  } catch (const diag::InputError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "ikelab diagnose: {}\n", e.what());
    return 2;
  }
  // Keys in nlohmann's (sorted) order, as dump_json(to_json(all)) writes them.
  if (json)
    fmt::print("{}\n  \"schema_version\": {}\n}}\n", count == 0 ? "{\n  \"diagnoses\": []," : "\n  ],",
               diag::kJsonSchemaVersion);
  else if (count == 0) fmt::print("no IKE connection attempt found in {}\n", log);
  print_scan_notes(log, notes);
  return failed ? 1 : 0;
}

}  // namespace

void add_diagnose_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("diagnose", "Name the fault of every IKE connection attempt in strongSwan/pluto logs");
  struct Options {
    std::vector<std::string> logs;
    bool json = false;
    std::string rules;  // empty: diag::default_rules_dir()
    std::string follow;
    double settle = 2.0, idle = 30.0, stop_after = 0;
    unsigned threads = 0;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("logs", opts->logs, "LOG [PEER_LOG]: a log file, or - for standard input; optionally the peer's log")
      ->expected(0, 2);
  cmd->add_flag("--json", opts->json, "machine-readable output (the contract in docs/json.md)");
  cmd->add_option("--rules", opts->rules, "rule catalogue folder (default: $IKELAB_RULES, else the installed share/ikelab/rules, else the source tree)");
  cmd->add_option("--follow", opts->follow, "FILE: read a growing log like tail -f, print each attempt when it settles");
  cmd->add_option("--settle", opts->settle, "with --follow: seconds of quiet after a final line before diagnosing")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--idle", opts->idle, "with --follow: seconds after which a quiet attempt is diagnosed anyway")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stop-after", opts->stop_after, "with --follow: stop after this many seconds without new data");
  cmd->add_option("--threads", opts->threads,
                  "N: scan with N threads (default 0: one per core); the output is the same for every N");
  cmd->callback([opts, &exit_code]() {
    diag::set_scan_threads(opts->threads);
    Style style;
    style.on = !opts->json && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    if (opts->follow.empty() == opts->logs.empty()) {
      fmt::print(stderr, "ikelab diagnose: give LOG [PEER_LOG], or --follow FILE\n");
      exit_code = 2;
      return;
    }
    std::shared_ptr<const diag::Catalogue> catalogue;
    try {
      catalogue = opts->rules.empty() ? diag::load_catalogue() : diag::load_catalogue(opts->rules);
    } catch (const diag::RuleError& e) {
      fmt::print(stderr, "ikelab diagnose: bad rule catalogue: {}\n", e.what());
      exit_code = 2;
      return;
    }
    if (!opts->follow.empty()) {
      exit_code = follow(opts->follow, catalogue, opts->json, style, opts->settle, opts->idle, opts->stop_after);
      return;
    }
    if (opts->logs.size() == 1) {
      exit_code = diagnose_one_streamed(opts->logs[0], *catalogue, opts->json, style);
      return;
    }
    std::vector<std::filesystem::path> paths(opts->logs.begin(), opts->logs.end());
    std::vector<diag::Diagnosis> result;
    try {
      result = diag::diagnose_files(paths, *catalogue);
    } catch (const diag::InputError& e) {
      fmt::print(stderr, "ikelab diagnose: {}\n", e.what());
      exit_code = 2;
      return;
    }
    if (opts->json) {
      fmt::print("{}\n", diag::dump_json(diag::to_json(result), 2));
    } else if (result.empty()) {
      fmt::print("no IKE connection attempt found in {}\n", fmt::join(opts->logs, " "));
    } else {
      for (size_t i = 0; i < result.size(); ++i) print_text(result[i], i + 1, style);
    }
    exit_code = std::any_of(result.begin(), result.end(), is_failure) ? 1 : 0;
  });
}

}  // namespace ikelab::cli
