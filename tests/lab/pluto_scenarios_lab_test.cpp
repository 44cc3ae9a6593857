// Lab tests (root): every scenario with a libreswan side runs with real pluto
// and charon daemons, and its outcome must be the one in expected/. With
// IKELAB_PLUTO_LOG_OUT=DIR set, each case's artefacts (both logs, configs, pcap)
// are kept under DIR/<scenario>/ike<N>/ (how tests/data/logs/pluto/ was made).

#include "harness/case_runner.hpp"
#include "harness/expectations.hpp"
#include "harness/render.hpp"
#include "harness/scenario.hpp"

#include <gtest/gtest.h>

#include "tests/temp_dir.hpp"
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

struct PlutoCase {
  Scenario scenario;
  int ike_version;
};

bool uses_libreswan(const Scenario& s) {
  return s.initiator.implementation == Implementation::libreswan ||
         s.responder.implementation == Implementation::libreswan;
}

std::vector<PlutoCase> pluto_cases() {
  std::vector<PlutoCase> cases;
  for (const auto& scenario : load_scenarios(IKELAB_SCENARIOS_DIR)) {
    if (!uses_libreswan(scenario)) continue;
    for (int version : scenario.ike_versions) cases.push_back({scenario, version});
  }
  return cases;
}

const Credentials& lab_credentials() {
  static const ikelab::testing::TempDir dir("ikelab-pluto-lab-pki");
  static const Credentials credentials(dir.path());
  return credentials;
}

class PlutoScenario : public ::testing::TestWithParam<PlutoCase> {};

}  // namespace

namespace {
// gtest prints the parameter of a failed case: the name, not its bytes.
[[maybe_unused]] void PrintTo(const PlutoCase& c, std::ostream* os) { *os << c.scenario.name << " IKEv" << c.ike_version; }

}  // namespace

TEST_P(PlutoScenario, OutcomeIsTheExpectedOne) {
  const PlutoCase& c = GetParam();
  CaseRequest request;
  request.scenario = c.scenario.name;
  request.ike_version = c.ike_version;
  const Scenario scenario = c.scenario;
  const int version = c.ike_version;
  request.render = [scenario, version](const HostPaths& initiator, const HostPaths& responder) {
    return render_case(scenario, version, initiator, responder, lab_credentials());
  };
  CaseOptions options;
  if (const char* out = std::getenv("IKELAB_PLUTO_LOG_OUT")) {
    options.artefacts_dir = fs::path(out) / c.scenario.name / ("ike" + std::to_string(version));
  }
  const CaseResult result = run_case(request, options);
  const auto expected = find_expectations(IKELAB_EXPECTED_DIR, c.scenario.name);
  ASSERT_TRUE(expected.has_value()) << "no expected/" << c.scenario.name << ".yaml";
  const Verdict verdict = judge_outcome(expected, version, result.outcome);
  EXPECT_TRUE(verdict.pass) << verdict.reason << "\noutcome: " << to_string(result.outcome) << "\n" << result.detail;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, PlutoScenario, ::testing::ValuesIn(pluto_cases()),
                         [](const ::testing::TestParamInfo<PlutoCase>& param) {
                           std::string name = param.param.scenario.name + "_IKEv" + std::to_string(param.param.ike_version);
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });
