#pragma once

// The table `ikelab run` ends with: scenario, IKE version, outcome, verdict, seconds.

#include "lab/run/case_runner.hpp"
#include "check/expectations.hpp"

#include <string>
#include <vector>

namespace ikelab::harness {

struct JudgedCase {
  CaseResult result;
  Verdict verdict;
};

std::string format_table(const std::vector<JudgedCase>& cases);
// Below the table: why each failed case failed (its detail, daemon output).
std::string format_failures(const std::vector<JudgedCase>& cases);
// How to enter and remove the namespaces of kept cases.
std::string format_kept(const std::vector<JudgedCase>& cases);
// daemon start-up (exec until its control socket answers) and case times: median and max.
std::string format_timings(const std::vector<JudgedCase>& cases);
std::string format_summary(const std::vector<JudgedCase>& cases, double wall_seconds);

}  // namespace ikelab::harness
