// `ikelab diagnose`: names the fault of every connection attempt in IKE logs.
#include "cli/commands.hpp"
#include "cli/diagnose_html.hpp"

#include "base/terminal_text.hpp"
#include "cli/diagnose_follow.hpp"
#include "cli/output_format.hpp"
#include "cli/diagnose_journal.hpp"
#include "cli/diagnose_vici.hpp"
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

// Everything a log or the command line put into a diagnosis goes to the
// terminal through visible() (an escape sequence in a connection name or a
// log line is shown as \x1b..., never sent raw); --json escapes by itself.
std::string visible(const std::string& text) { return base::visible_text(text); }

std::string describe_peers(const diag::Diagnosis& d) {
  std::string out;
  if (!d.connection.empty()) out += fmt::format("connection '{}'", visible(d.connection));
  std::string local = d.local.empty() ? "this host" : visible(d.local);
  std::string remote = d.remote.empty() ? "peer" : visible(d.remote);
  if (!out.empty()) out += ", ";
  out += fmt::format("{} ({}) <-> {}", local, diag::to_string(d.role), remote);
  if (d.ike_version) out += fmt::format(", IKEv{}", d.ike_version);
  return out;
}

void print_text(const diag::Diagnosis& d, size_t index, const Style& style) {
  const char* colour = d.fault == "none" ? "1;32" : d.fault == "unknown" ? "1;33" : "1;31";
  std::string phase = d.phase ? fmt::format("phase {}", d.phase) : std::string("-");
  fmt::print("{} {}  {}\n", style("1", fmt::format("[{}]", index)), style(colour, visible(d.fault)),
             style("2", fmt::format("({}, {} confidence)", phase, visible(d.confidence))));
  fmt::print("    {}\n", describe_peers(d));
  fmt::print("    {}\n", visible(d.summary));
  if (d.excerpt) {
    std::string list;
    for (const auto& m : d.missing) list += (list.empty() ? "" : "; ") + m;
    fmt::print("    {} {}\n", style("33", "excerpt, missing to be sure:"), visible(list));
  }
  if (!d.candidates.empty()) {
    std::string list;
    for (const auto& c : d.candidates) list += (list.empty() ? "" : ", ") + c;
    fmt::print("    {} {}\n", style("33", "could also be:"), visible(list));
  }
  if (d.fault != "none") fmt::print("    {} {}\n", style("36", "fix:"), visible(d.fix));
  if (!d.evidence.empty()) {
    fmt::print("    {}\n", style("2", "evidence:"));
    for (const auto& e : d.evidence) {
      std::string text = e.text.size() > 200 ? e.text.substr(0, 200) + " ..." : e.text;
      fmt::print("      {} {}\n", style("2", fmt::format("{}:{}", visible(e.file), e.line)), visible(text));
    }
  }
  fmt::print("\n");
}

// Exit statuses (documented in --help and docs/inputs.md).
constexpr int kExitOk = 0, kExitFault = 1, kExitError = 2, kExitNothing = 3;

// Live sources (--follow, --journal, --vici): bytes into a StreamDiagnoser,
// each attempt printed the moment it settles.
int diagnose_live(const std::string& name, std::shared_ptr<const diag::Catalogue> catalogue, bool json,
                  const Style& style, const FollowOptions& options,
                  const std::function<int(const Feed&, const std::function<void()>&)>& run) {
  size_t count = 0;
  bool failed = false;
  diag::StreamDiagnoser stream(std::move(catalogue), name, [&](const diag::Diagnosis& d) {
    failed = failed || is_failure(d);
    ++count;
    if (json) fmt::print("{}\n", diag::dump_json(diag::to_json(std::vector<diag::Diagnosis>{d})));
    else print_text(d, count, style);
    std::fflush(stdout);
  });
  int rc = run([&](std::string_view bytes) { stream.feed(bytes); },
               [&]() { stream.tick(now_seconds(), options.settle, options.idle); });
  stream.finish();
  if (rc != 0) return rc;
  if (count == 0) {
    fmt::print(stderr, "ikelab diagnose: no IKE connection attempt seen in {}\n", name);
    return kExitNothing;
  }
  return failed ? kExitFault : kExitOk;
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

// Why nothing was found, in words: an empty input, or lines without IKE.
std::string nothing_found(const std::string& log, const diag::ScanNotes& notes) {
  if (notes.bytes == 0) return fmt::format("no IKE connection attempt found in {}: it is empty", log);
  return fmt::format("no IKE connection attempt found in {}: none of its {} line(s) ({} bytes) is an IKE daemon's "
                     "connection attempt (strongSwan charon or libreswan/Openswan pluto)",
                     log, notes.lines, notes.bytes);
}

// One log: print each diagnosis as its attempt settles, so a gigabyte log is
// diagnosed in the memory of its open attempts. The JSON text is the same as
// dumping the whole {"diagnoses": [...]} with indent 2. A pipe that stays
// open (journalctl -f | ikelab diagnose -) is read as it comes.
int diagnose_one_streamed(const diag::LogInput& log, const diag::Catalogue& catalogue, bool json, const Style& style,
                          const diag::LiveSettings& live) {
  size_t count = 0;
  bool failed = false;
  std::string item;
  diag::ScanNotes notes;
  try {
    notes = diag::diagnose_file_stream(
        log, catalogue,
        [&](const diag::Diagnosis& d) {
          failed = failed || is_failure(d);
          ++count;
          if (!json) {
            print_text(d, count, style);
            std::fflush(stdout);
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
          std::fflush(stdout);
        },
        &live);
  } catch (const diag::InputError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "ikelab diagnose: {}\n", visible(e.what()));
    return kExitError;
  }
  // Keys in nlohmann's (sorted) order, as dump_json(to_json(all)) writes them.
  if (json)
    fmt::print("{}\n  \"schema_version\": {}\n}}\n", count == 0 ? "{\n  \"diagnoses\": []," : "\n  ],",
               diag::kJsonSchemaVersion);
  print_scan_notes(log.name, notes);
  if (count == 0) {
    std::fflush(stdout);
    fmt::print(json ? stderr : stdout, "{}\n", visible(nothing_found(log.name, notes)));
    return kExitNothing;
  }
  return failed ? kExitFault : kExitOk;
}

// Two peers' logs (paired where their attempts match) or several logs.
int diagnose_many(const std::vector<std::filesystem::path>& paths, const diag::Catalogue& catalogue, bool json,
                  const Style& style, double max_skew) {
  diag::DiagnoseResult result;
  try {
    result = diag::diagnose_inputs(paths, catalogue, max_skew);
  } catch (const diag::InputError& e) {
    fmt::print(stderr, "ikelab diagnose: {}\n", visible(e.what()));
    return kExitError;
  }
  for (const auto& note : result.notes) fmt::print(stderr, "ikelab diagnose: note: {}\n", visible(note));
  if (json) {
    nlohmann::json j = diag::to_json(result.diagnoses);
    if (result.two_peers) j["pairing"] = diag::to_json(result.pairing);
    fmt::print("{}\n", diag::dump_json(j, 2));
  } else {
    if (result.two_peers && !result.pairing.reason.empty())
      fmt::print("{} {}\n\n", style(result.pairing.paired ? "33" : "1;33", "note:"), visible(result.pairing.reason));
    for (size_t i = 0; i < result.diagnoses.size(); ++i) print_text(result.diagnoses[i], i + 1, style);
  }
  std::fflush(stdout);
  for (size_t i = 0; i < result.logs.size(); ++i)
    if (result.counts[i] == 0 && result.logs.size() > 1)
      fmt::print(stderr, "ikelab diagnose: note: no IKE connection attempt found in {}\n", visible(result.logs[i].name));
  if (result.diagnoses.empty()) {
    std::string names;
    for (const auto& l : result.logs) names += (names.empty() ? "" : " ") + l.name;
    fmt::print(json ? stderr : stdout, "no IKE connection attempt found in {}\n", visible(names));
    return kExitNothing;
  }
  return std::any_of(result.diagnoses.begin(), result.diagnoses.end(), is_failure) ? kExitFault : kExitOk;
}

constexpr const char* kExitHelp =
    "Exit status: 0 every attempt succeeded; 1 a fault was diagnosed; 2 bad usage or an input that cannot be read\n"
    "(missing, binary, corrupt compressed data, bad rules); 3 no IKE connection attempt found (an empty input, or\n"
    "no IKE daemon's lines in it). Inputs: files, directories (the files in them), rotated sets (syslog.2.gz\n"
    "syslog.1 syslog: read oldest first), gzip/xz/bzip2/zstd by content, - for standard input. See docs/inputs.md.";

}  // namespace

void add_diagnose_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("diagnose", "Name the fault of every IKE connection attempt in strongSwan/pluto logs");
  cmd->footer(kExitHelp);
  struct Options {
    std::vector<std::string> logs;
    bool json = false;
    std::string rules;  // empty: diag::default_rules_dir()
    std::string follow;
    std::string journal_unit, journal_file, vici;
    double settle = 2.0, idle = 30.0, stop_after = 0, max_skew = 5.0;
    unsigned threads = 0;
    std::string html;  // --html FILE
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("logs", opts->logs,
                  "LOG...: files or directories, - for standard input; rotated parts of one log are joined oldest "
                  "first; two logs are the two peers' (paired where their attempts match)");
  cmd->add_flag("--json", opts->json, "machine-readable output (the contract in docs/json.md); the same as --format json");
  auto format = OutputFormat::add_to(cmd);
  cmd->add_option("--rules", opts->rules, "rule catalogue folder (default: $IKELAB_DATA_DIR/rules, else the installed share/ikelab/rules, else the source tree)");
  cmd->add_option("--follow", opts->follow,
                  "FILE or -: follow a growing log like tail -F (renames, truncation, a file not there yet, pipes); "
                  "print each attempt when it settles");
  auto* journal = cmd->add_option("--journal", opts->journal_unit,
                                  "[UNIT]: read the systemd journal (sd-journal), UNIT's entries only if given "
                                  "(_SYSTEMD_UNIT or SYSLOG_IDENTIFIER), oldest first, then follow it like journalctl -f")
                      ->expected(0, 1);
  cmd->add_option("--journal-file", opts->journal_file,
                  "FILE: with --journal, read this journal file instead of the system's");
  cmd->add_option("--vici", opts->vici,
                  "URI: attach to a running charon (unix://PATH of its vici socket, as swanctl --uri) and diagnose "
                  "its log as it happens");
  cmd->add_option("--settle", opts->settle, "live input: seconds of quiet after a final line before diagnosing")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--idle", opts->idle, "live input: seconds after which a quiet attempt is diagnosed anyway")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stop-after", opts->stop_after, "with --follow: stop after this many seconds without new data");
  cmd->add_option("--max-skew", opts->max_skew,
                  "two logs: seconds the peers' clocks may differ for attempts to be paired (default 5)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", opts->threads,
                  "N: scan with N threads (default 0: one per core); the output is the same for every N");
  cmd->add_option("--html", opts->html,
                  "FILE: also write a self-contained HTML report (a sequence diagram per attempt, evidence linked to the log)");
  cmd->callback([opts, journal, format, &exit_code]() {
    const bool json = format->json(opts->json);
    diag::set_scan_threads(opts->threads);
    Style style;
    style.on = !json && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    const bool use_journal = journal->count() > 0 || !opts->journal_file.empty();
    const int live_sources = !opts->follow.empty() + use_journal + !opts->vici.empty();
    if (live_sources + !opts->logs.empty() != 1) {
      fmt::print(stderr, "ikelab diagnose: give LOG..., or one of --follow FILE, --journal [UNIT], --vici URI\n");
      exit_code = kExitError;
      return;
    }
    std::shared_ptr<const diag::Catalogue> catalogue;
    try {
      catalogue = opts->rules.empty() ? diag::load_catalogue() : diag::load_catalogue(opts->rules);
    } catch (const diag::RuleError& e) {
      fmt::print(stderr, "ikelab diagnose: bad rule catalogue: {}\n", e.what());
      exit_code = kExitError;
      return;
    }
    FollowOptions follow{opts->settle, opts->idle, opts->stop_after};
    if (use_journal) {
      const std::string name = opts->journal_file.empty() ? "journal" : opts->journal_file;
      exit_code = diagnose_live(name, catalogue, json, style, follow,
                                [&](const Feed& feed, const std::function<void()>& tick) {
                                  return follow_journal(opts->journal_unit, opts->journal_file, follow, feed, tick);
                                });
      return;
    }
    if (!opts->vici.empty()) {
      exit_code = diagnose_live(opts->vici, catalogue, json, style, follow,
                                [&](const Feed& feed, const std::function<void()>& tick) {
                                  return follow_vici(opts->vici, follow, feed, tick);
                                });
      return;
    }
    if (!opts->html.empty()) {
      if (!opts->follow.empty()) {
        fmt::print(stderr, "ikelab diagnose: --html takes LOG [PEER_LOG], not --follow\n");
        exit_code = 2;
        return;
      }
      if (int rc = write_diagnose_html(opts->logs, *catalogue, opts->html); rc != 0) {
        exit_code = rc;
        return;
      }
    }
    if (!opts->follow.empty()) {
      exit_code = diagnose_live(opts->follow, catalogue, json, style, follow,
                                [&](const Feed& feed, const std::function<void()>& tick) {
                                  return follow_file(opts->follow, follow, feed, tick);
                                });
      return;
    }
    std::vector<std::filesystem::path> paths(opts->logs.begin(), opts->logs.end());
    diag::InputPlan plan;
    try {
      plan = diag::plan_inputs(paths);
    } catch (const diag::InputError& e) {
      fmt::print(stderr, "ikelab diagnose: {}\n", visible(e.what()));
      exit_code = kExitError;
      return;
    }
    if (plan.logs.size() == 1) {
      for (const auto& note : plan.notes) fmt::print(stderr, "ikelab diagnose: note: {}\n", visible(note));
      diag::LiveSettings live;
      live.settle_seconds = opts->settle;
      live.idle_seconds = opts->idle;
      exit_code = diagnose_one_streamed(plan.logs[0], *catalogue, json, style, live);
      return;
    }
    exit_code = diagnose_many(paths, *catalogue, json, style, opts->max_skew);
  });
}

}  // namespace ikelab::cli
