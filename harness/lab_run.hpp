#pragma once

// Runs many cases in parallel (-j) and reports progress as they finish.

#include "harness/case_runner.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace ikelab::harness {

struct LabRunOptions {
  int jobs = 1;
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
