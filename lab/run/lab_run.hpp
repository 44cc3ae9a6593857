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

// Prints progress on `stream`: one rewritten line on a terminal, one line per
// finished case otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* stream, bool terminal) : stream_(stream), terminal_(terminal) {}
  void operator()(const LabProgress& progress);
  void finish();  // clears the terminal line

 private:
  std::FILE* stream_;
  bool terminal_;
  bool line_open_ = false;
};

}  // namespace ikelab::harness
