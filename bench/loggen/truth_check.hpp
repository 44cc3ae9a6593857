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

// Per template (one real log): how its copies fared.
struct TemplateTally {
  std::string truth;       // as in expected/
  bool known_gap = false;  // expected/ marks this view xfail
  std::uint64_t total = 0, right = 0, missing = 0, duplicates = 0;
  std::map<std::string, std::uint64_t> wrong;  // diagnosed fault -> copies
};

struct TruthReport {
  std::uint64_t attempts = 0;       // in the truth
  std::uint64_t diagnoses = 0;      // in ikelab's output
  std::uint64_t found = 0;          // attempts with a diagnosis
  std::uint64_t exact = 0;          // fault == truth
  std::uint64_t via_candidates = 0; // truth listed in candidates (logs cannot tell)
  std::uint64_t wrong_known_gap = 0;  // wrong, and expected/ marks the view xfail
  std::uint64_t unmatched = 0;      // diagnoses whose remote is no attempt
  std::uint64_t duplicates = 0;     // second and later diagnoses of one attempt
  std::map<std::string, FaultTally> by_fault;  // key: the truth as written in expected/
  std::map<std::string, TemplateTally> by_template;
  std::vector<std::string> problems;  // first few, for people
  std::uint64_t right() const { return exact + via_candidates; }
  bool all_right() const {
    return attempts > 0 && found == attempts && right() == attempts && unmatched == 0 && duplicates == 0;
  }
};

// The truth, as written in expected/: "id" (the diagnosis's fault is exactly
// id) or "[a, b, ...]" (each listed id is the fault or one of the candidates).
// True when a diagnosis with this fault and these candidates meets it.
bool meets_truth(const std::string& truth, const std::string& fault, const std::vector<std::string>& candidates);

TruthReport check_truth(const std::string& truth_path, const std::string& json_path);

}  // namespace ikelab::bench
