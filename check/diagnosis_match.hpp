#pragma once

// The one rule for "does what the diagnoser said meet what expected/ says",
// used by `ikelab run` (lab/run/case_check), the benchmark's truth check
// (bench/loggen/truth_check) and the captured-log tests of the diagnoser:
//
//   an id:          the diagnosis's fault is exactly this id;
//   a list of ids:  each listed id is the diagnosis's fault or one of its
//                   candidates (the view cannot tell them apart);
//   no_attempt:     no connection attempt was found.
//
// Of several attempts, the one a case stands for is the first whose fault is
// not `none` (else the first): case_diagnosis().

#include "check/expectations.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ikelab::harness {

// What the diagnoser said about one connection attempt (the part the check needs).
struct FoundDiagnosis {
  std::string fault;
  std::vector<std::string> candidates;
  std::string summary;
};

// The diagnosis a view of a case stands for: the first attempt whose fault is
// not `none`; `none` when every attempt succeeded; `no_attempt` when there is none.
FoundDiagnosis case_diagnosis(const std::vector<FoundDiagnosis>& found);
// Whether one attempt's diagnosis meets an `exact` or `among_candidates`
// expectation (never a `no_attempt` one: that needs the whole list).
bool diagnosis_meets(const FaultExpectation& expected, const FoundDiagnosis& diagnosis);
// Whether the attempts found in a view satisfy `expected`.
bool diagnosis_matches(const FaultExpectation& expected, const std::vector<FoundDiagnosis>& found);

// The inverse of FaultExpectation::text(): "id", "[a, b]" or "no_attempt".
FaultExpectation fault_expectation_from_text(std::string_view text);

}  // namespace ikelab::harness
