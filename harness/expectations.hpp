#pragma once

// expected/<scenario>.yaml: what each IKE version of a scenario must do.
//
//   ike1: {outcome: phase1_failed}
//   ike2: {outcome: established}
//
// Only `ike1`/`ike2` are allowed at the top. Inside a version, `outcome` is
// read here; other keys (diagnoses, evidence patterns) belong to the
// diagnosis checks and are kept in `details` for them.

#include "harness/outcome.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace ikelab::harness {

struct ExpectationError : std::runtime_error {
  using std::runtime_error::runtime_error;  // "FILE:LINE:COLUMN: why"
};

struct VersionExpectation {
  std::optional<Outcome> outcome;
  YAML::Node details;  // the whole mapping of this version
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
