#pragma once

// expected/<scenario>.yaml: what each IKE version of a scenario must do
// (format and semantics: expected/README.md).
//
//   ike1:
//     outcome: phase1_failed
//     diagnosis: {pair: psk_mismatch, initiator: [psk_mismatch], responder: psk_mismatch}
//     evidence: |
//       RESP: tried 1 shared key for ...
//   ike2: {outcome: established}
//
// Only `ike1`/`ike2` at the top; inside a version only outcome, diagnosis,
// evidence and note. Every error names file and line.

#include "check/log_check.hpp"
#include "check/outcome.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::harness {

struct ExpectationError : std::runtime_error {
  using std::runtime_error::runtime_error;  // "FILE:LINE:COLUMN: why"
};

// What the diagnoser must say about one view of a case (both logs, or one).
//   a scalar id: the diagnosis's fault is exactly this id;
//   a list of ids: each listed id is the diagnosis's fault or one of its
//     candidates (the view cannot tell them apart);
//   no_attempt: the diagnoser finds no connection attempt in the log(s).
struct FaultExpectation {
  enum class Kind { exact, among_candidates, no_attempt } kind = Kind::exact;
  std::vector<std::string> faults;
  int line = 0;  // where it is written
  std::string text() const;  // as written, e.g. "[psk_mismatch, wrong_id_initiator]"
};

struct DiagnosisExpectation {
  FaultExpectation pair, initiator, responder;
  // Views (pair, initiator, responder) the diagnoser is known to get wrong
  // today: still checked; a failure there is reported as a known gap, a pass
  // fails the case (XPASS: remove the view from xfail).
  std::vector<std::string> xfail;
  int xfail_line = 0;
};

struct VersionExpectation {
  std::optional<Outcome> outcome;
  std::optional<DiagnosisExpectation> diagnosis;
  CheckScript evidence;  // empty when the file has none
  int line = 0;          // where ikeN: is written
  YAML::Node details;    // the whole mapping of this version
};

struct ScenarioExpectations {
  std::filesystem::path file;
  std::map<int, VersionExpectation> versions;  // key: IKE version
};

// Parses one expected file; throws ExpectationError naming file and line.
ScenarioExpectations load_expectations(const std::filesystem::path& file);
// expected_dir/<scenario>.yaml, or nothing if there is no such file.
std::optional<ScenarioExpectations> find_expectations(const std::filesystem::path& expected_dir,
                                                      const std::string& scenario);

struct Verdict {
  bool pass = false;
  std::string reason;  // empty on pass
};

Verdict judge_outcome(const std::optional<ScenarioExpectations>& expected, int ike_version, Outcome actual);

}  // namespace ikelab::harness
