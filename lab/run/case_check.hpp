#pragma once

// Checks one finished case against expected/: the outcome, the diagnoses
// (both logs together, each log alone) and the evidence patterns.

#include "check/diagnosis_match.hpp"
#include "check/expectations.hpp"
#include "lab/run/case_artefacts.hpp"
#include "lab/run/case_runner.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::harness {

// Diagnoses the given logs (one log, or the initiator's and the responder's).
using DiagnoseLogs = std::function<std::vector<FoundDiagnosis>(const std::vector<std::filesystem::path>& logs)>;
// Fault ids the diagnoser knows (to catch typos in expected files); empty: not checked.
using KnownFaults = std::vector<std::string>;

struct CheckItem {
  std::string kind;     // outcome | diagnosis | evidence | expected
  std::string message;  // one line
  std::string report;   // details (annotated input), may be empty
};

struct CaseCheck {
  bool pass() const { return failures.empty(); }
  std::vector<CheckItem> failures;
  std::vector<std::string> checked;  // what was checked, e.g. "outcome", "diagnosis pair"
  std::vector<std::pair<std::string, FoundDiagnosis>> diagnoses;
  std::vector<std::string> known_gaps;  // xfail views that still fail (what differed)  // view (pair, initiator, responder) -> case diagnosis
};

// Where a peer's log is among the case's artefacts (<dir>/<peer>/charon.log or pluto.log).
std::optional<std::filesystem::path> peer_log(const std::filesystem::path& case_dir, Peer peer);

struct CheckedCase {
  CaseResult result;
  std::optional<Outcome> expected_outcome;
  CaseCheck check;
  std::optional<std::filesystem::path> artefacts;  // where its logs and pcap are (if kept)
};

// `diagnose` may be empty: then the diagnoses are not checked (and that is said).
CaseCheck check_case(const CaseResult& result, const std::optional<ScenarioExpectations>& expected,
                     const std::filesystem::path& case_dir, const DiagnoseLogs& diagnose, const KnownFaults& known);

// Checks one finished case (run from `artefacts`) and settles its artefacts
// (a temporary folder keeps only failed cases).
CheckedCase check_case_result(const CaseResult& result,
                              const std::map<std::string, std::optional<ScenarioExpectations>>& expectations,
                              ArtefactsDir& artefacts, const DiagnoseLogs& diagnose, const KnownFaults& known);
// Below the table: what differed in each failed case and where its artefacts are.
std::string format_check_report(const std::vector<CheckedCase>& cases);

// The xfail views that still fail, one line each (empty when there are none).
std::string format_known_gaps(const std::vector<CheckedCase>& cases);

// One-line reason for the table's verdict and the full text for a failed case.
Verdict to_verdict(const CaseCheck& check);
std::string format_check_failures(const CaseCheck& check);

}  // namespace ikelab::harness
