#include "check/diagnosis_match.hpp"

#include <algorithm>

namespace ikelab::harness {

FoundDiagnosis case_diagnosis(const std::vector<FoundDiagnosis>& found) {
  if (found.empty()) return {"no_attempt", {}, "no connection attempt found"};
  auto failed = std::find_if(found.begin(), found.end(), [](const FoundDiagnosis& d) { return d.fault != "none"; });
  return failed != found.end() ? *failed : found.front();
}

bool diagnosis_meets(const FaultExpectation& expected, const FoundDiagnosis& diagnosis) {
  auto named = [&](const std::string& id) {
    return diagnosis.fault == id ||
           std::find(diagnosis.candidates.begin(), diagnosis.candidates.end(), id) != diagnosis.candidates.end();
  };
  switch (expected.kind) {
    case FaultExpectation::Kind::no_attempt: return false;
    case FaultExpectation::Kind::exact: return !expected.faults.empty() && diagnosis.fault == expected.faults.front();
    case FaultExpectation::Kind::among_candidates:
      return !expected.faults.empty() && std::all_of(expected.faults.begin(), expected.faults.end(), named);
  }
  return false;
}

bool diagnosis_matches(const FaultExpectation& expected, const std::vector<FoundDiagnosis>& found) {
  if (expected.kind == FaultExpectation::Kind::no_attempt) return found.empty();
  return !found.empty() && diagnosis_meets(expected, case_diagnosis(found));
}

FaultExpectation fault_expectation_from_text(std::string_view text) {
  FaultExpectation expected;
  if (text.empty() || text.front() != '[') {
    expected.kind = text == "no_attempt" ? FaultExpectation::Kind::no_attempt : FaultExpectation::Kind::exact;
    expected.faults = {std::string(text)};
    return expected;
  }
  expected.kind = FaultExpectation::Kind::among_candidates;
  std::string_view inner = text.substr(1, text.size() >= 2 ? text.size() - 2 : 0);
  while (!inner.empty()) {
    const auto comma = inner.find(',');
    std::string_view id = inner.substr(0, comma);
    id.remove_prefix(std::min(id.find_first_not_of(' '), id.size()));
    id = id.substr(0, id.find_last_not_of(' ') + 1);
    if (!id.empty()) expected.faults.emplace_back(id);
    inner = comma == std::string_view::npos ? std::string_view{} : inner.substr(comma + 1);
  }
  return expected;
}

}  // namespace ikelab::harness
