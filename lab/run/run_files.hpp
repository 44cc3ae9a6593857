#pragma once

// Machine-readable results of `ikelab run`: JUnit XML (--junit) and a JSON
// summary (--json).

#include "lab/run/case_check.hpp"
#include "lab/run/case_runner.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ikelab::harness {

struct RunSummary {
  double wall_seconds = 0;
  int jobs = 1;
  size_t cases_planned = 0;  // more than cases.size() after an interrupt
};

std::string junit_xml(const std::vector<CheckedCase>& cases, const RunSummary& summary);
std::string json_summary(const std::vector<CheckedCase>& cases, const RunSummary& summary);

}  // namespace ikelab::harness
