// Compares `ikelab diagnose --json` on a generated log with the generator's
// truth: every attempt found once, every fault right.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ikelab::bench {

struct FaultTally {
  std::uint64_t total = 0, exact = 0, via_candidates = 0;
};

struct TruthReport {
  std::uint64_t attempts = 0;       // in the truth
  std::uint64_t diagnoses = 0;      // in ikelab's output
  std::uint64_t found = 0;          // attempts with a diagnosis
  std::uint64_t exact = 0;          // fault == truth
  std::uint64_t via_candidates = 0; // truth listed in candidates (logs cannot tell)
  std::uint64_t unmatched = 0;      // diagnoses whose remote is no attempt
  std::uint64_t duplicates = 0;     // second and later diagnoses of one attempt
  std::map<std::string, FaultTally> by_fault;
  std::vector<std::string> problems;  // first few, for people
  bool all_right() const {
    return attempts > 0 && found == attempts && exact + via_candidates == attempts && unmatched == 0 &&
           duplicates == 0;
  }
};

TruthReport check_truth(const std::string& truth_path, const std::string& json_path);

}  // namespace ikelab::bench
