#pragma once

// Runs many cases in parallel (-j) and reports progress as they finish.

#include "lab/run/case_runner.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <optional>
#include <vector>

namespace ikelab::harness {

struct LabRunOptions {
  int jobs = 1;
  // Seconds each case took last time (same order as the cases; may be empty):
  // the longest start first, so no long case is left running alone at the end.
  std::vector<double> expected_seconds;
  std::optional<std::filesystem::path> out_dir;  // <out>/<scenario>/ike<v>/ per case
  bool keep = false;
  bool keep_secrets = false;  // artefacts keep the configs' secrets (0600) instead of redacting them
};

struct LabProgress {
  size_t total = 0;
  size_t finished = 0;
  std::vector<std::string> running;  // "scenario ikeN"
  const CaseResult* just_finished = nullptr;
};

// Results in the order of `cases`. Cases not started because of an interrupt
// are left out. `on_progress` is called (serialised) whenever a case starts or ends.
std::vector<CaseResult> run_cases(const std::vector<CaseRequest>& cases, const LabRunOptions& options,
                                  const std::function<void(const LabProgress&)>& on_progress);

// What each case took in earlier runs, kept in <state root>/durations.txt
// ("scenario ike seconds" per line). A missing or garbled file gives no data.
class CaseDurations {
 public:
  static CaseDurations load();
  double expected(const std::string& scenario, int ike_version, double unknown = 1.0) const;
  void record(const std::vector<CaseResult>& results);
  void save() const;  // atomically (write + rename), so parallel runs never see half a file

 private:
  std::map<std::pair<std::string, int>, double> seconds_;
};

// The -j when none is given. A case mostly waits (daemon start-up, IKE
// retransmits, timeouts), so more cases than cores run at once: four per
// core up to 8, and never fewer than the cores (docs/cli.md has the
// figures behind it).
int default_lab_jobs(unsigned cores);

enum class Verbosity { quiet, normal, verbose };

struct ProgressStyle {
  bool terminal = false;  // rewrite a "running:" status line below the finished cases
  bool color = false;     // PASS green, FAIL red
  Verbosity verbosity = Verbosity::normal;
};

// Prints progress on `stream`, lit-style: one line per finished case,
// "PASS: baseline_psk IKEv2 (3 of 40)" or "FAIL: ...", with -v its outcome,
// seconds and why it failed, with -q only the failures. A case cut short by
// Ctrl-C gets one "INTERRUPTED: name IKEvN" line. On a terminal a status
// line below says what is running.
class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* stream, ProgressStyle style) : stream_(stream), style_(style) {}
  // A case started or ended (the status line only).
  void running(const LabProgress& progress);
  // `progress.just_finished` was judged: pass or fail with `reason`.
  void finished(const LabProgress& progress, bool pass, const std::string& reason);
  void interrupted(const LabProgress& progress);
  void finish();  // clears the status line

  // The line for a finished case (no newline), as finished() prints it.
  static std::string case_line(const CaseResult& result, size_t position, size_t total, bool pass,
                               const std::string& reason, const ProgressStyle& style);

 private:
  void emit(const std::string& text);
  void print_line(const std::string& line, const LabProgress& progress);

  std::FILE* stream_;
  ProgressStyle style_;
  bool line_open_ = false;
  bool lost_ = false;
};

}  // namespace ikelab::harness
