// Logs the lab captured from real daemons (tests/data/logs/<scenario>/ike<N>/,
// and for the newer daemon builds <build>/<initiator-build>--<responder-build>/<scenario>/ike<N>/
// checked against expected/daemons/<pair>/<scenario>.yaml where the pair has its own; see the README there): diagnose names the scenario's injected fault from
// both peers' logs, and each view (pair, each side alone) says what
// expected/<scenario>.yaml demands of it, as `ikelab run` checks a live case
// (views marked xfail there, the known gaps, only have to name the fault or
// show nothing but success).
#include "test_support.hpp"

#include "check/diagnosis_match.hpp"
#include "base/yaml_reader.hpp"
#include "check/expectations.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <cctype>

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kLogs = kData / "logs";
const std::filesystem::path kScenarios = IKELAB_SCENARIOS_DIR;
const std::filesystem::path kExpected = IKELAB_EXPECTED_DIR;

struct LabCase {
  std::string scenario;
  std::string ike;  // "ike1" / "ike2"
  std::filesystem::path dir;
  std::filesystem::path expected;  // the expected file that applies to this capture
  std::string pair;                // "strongswan-6.0.1--libreswan-5.2"; empty: the default daemons
};

void add_versions(const std::filesystem::path& scenario_dir, const std::string& pair, std::vector<LabCase>& out) {
  const std::string scenario = scenario_dir.filename().string();
  if (!std::filesystem::exists(kScenarios / (scenario + ".yaml"))) return;
  auto expected = kExpected / (scenario + ".yaml");
  if (!pair.empty() && std::filesystem::exists(kExpected / "daemons" / pair / (scenario + ".yaml")))
    expected = kExpected / "daemons" / pair / (scenario + ".yaml");
  for (const auto& v : std::filesystem::directory_iterator(scenario_dir))
    if (v.is_directory() && std::filesystem::exists(v.path() / "initiator.log"))
      out.push_back({scenario, v.path().filename().string(), v.path(), expected, pair});
}

std::vector<LabCase> lab_cases() {
  std::vector<LabCase> out;
  if (!std::filesystem::is_directory(kLogs)) return out;
  for (const auto& s : std::filesystem::directory_iterator(kLogs)) {
    if (!s.is_directory()) continue;
    add_versions(s.path(), "", out);
    // A newer build's folder: its daemon pairs, each holding scenarios.
    for (const auto& pair : std::filesystem::directory_iterator(s.path())) {
      const std::string name = pair.path().filename().string();
      if (!pair.is_directory() || name.find("--") == std::string::npos) continue;
      for (const auto& scenario : std::filesystem::directory_iterator(pair.path()))
        if (scenario.is_directory()) add_versions(scenario.path(), name, out);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.dir < b.dir; });
  return out;
}

std::string injected_fault(const std::string& scenario) {
  return ikelab::base::load_yaml_file(kScenarios / (scenario + ".yaml"))["fault"].as<std::string>();
}

// expected/ says the case establishes: the fault is tolerated by that IKE
// version (e.g. an IKEv2 PFS mismatch builds the first CHILD_SA) or comes
// later (dead peer detection), so "none" is also right.
bool establishes(const std::filesystem::path& file, const std::string& ike) {
  auto expected = ikelab::base::load_yaml_file(file);
  return expected[ike] && expected[ike]["outcome"] && expected[ike]["outcome"].as<std::string>() == "established";
}

// The first attempt that failed, else the first attempt.
const Diagnosis* verdict(const std::vector<Diagnosis>& ds) {
  for (const auto& d : ds)
    if (d.fault != "none") return &d;
  return ds.empty() ? nullptr : &ds[0];
}

bool has_ike_lines(const std::filesystem::path& log) {
  auto text = read_file(log);
  return text.find("IKE_SA") != std::string::npos || text.find("Main Mode") != std::string::npos ||
         text.find("IKE SA") != std::string::npos;
}

// What expected/<scenario>.yaml demands of one view (pair, initiator,
// responder), as `ikelab run` checks it (check/diagnosis_match.hpp); nullptr
// when it gives none or marks the view `xfail` (a known gap).
const harness::FaultExpectation* view_expectation(const std::filesystem::path& file, const std::string& ike,
                                                  const std::string& view) {
  static std::map<std::string, harness::ScenarioExpectations> loaded;
  auto it = loaded.find(file.string());
  if (it == loaded.end()) it = loaded.emplace(file.string(), harness::load_expectations(file)).first;
  auto version = it->second.versions.find(ike == "ike1" ? 1 : 2);
  if (version == it->second.versions.end() || !version->second.diagnosis) return nullptr;
  const harness::DiagnosisExpectation& d = *version->second.diagnosis;
  if (std::find(d.xfail.begin(), d.xfail.end(), view) != d.xfail.end()) return nullptr;
  const harness::FaultExpectation& e = view == "pair" ? d.pair : view == "initiator" ? d.initiator : d.responder;
  return e.faults.empty() ? nullptr : &e;
}

bool meets(const harness::FaultExpectation& e, const std::vector<Diagnosis>& ds) {
  std::vector<harness::FoundDiagnosis> found;
  for (const auto& d : ds) found.push_back({d.fault, d.candidates, d.summary});
  return harness::diagnosis_matches(e, found);
}

class LabLogs : public ::testing::TestWithParam<LabCase> {};

TEST_P(LabLogs, NameTheInjectedFault) {
  const auto& c = GetParam();
  const std::string fault = injected_fault(c.scenario);
  const bool tolerated = establishes(c.expected, c.ike);
  auto init = c.dir / "initiator.log", resp = c.dir / "responder.log";
  auto both = diagnose_files({init, resp}, catalogue());
  const Diagnosis* pair = verdict(both);
  ASSERT_NE(pair, nullptr) << "no attempt found";
  EXPECT_TRUE(names(*pair, fault) || (tolerated && pair->fault == "none")) << "both logs: " << describe(both);
  if (const auto* e = view_expectation(c.expected, c.ike, "pair")) {
    EXPECT_TRUE(meets(*e, both)) << "both logs, as expected/ says: " << describe(both);
  }
  for (const auto& [view, side] : {std::pair{"initiator", init}, std::pair{"responder", resp}}) {
    auto alone = diagnose_files({side}, catalogue());
    // Views expected/ gives and does not mark as a known gap: exactly that.
    if (const auto* e = view_expectation(c.expected, c.ike, view)) {
      EXPECT_TRUE(meets(*e, alone)) << side.filename() << " alone, as expected/ says: " << describe(alone);
      continue;
    }
    if (!has_ike_lines(side)) continue;  // e.g. no daemon ever answered on that side
    const Diagnosis* d = verdict(alone);
    if (!d) {  // this side's log holds no recognised attempt: only the pair can tell
      EXPECT_NE(pair->fault, "none") << side.filename() << " has no attempt";
      continue;
    }
    // A known gap (xfail): a side whose own log shows only success may say
    // "none"; the pair above must still name the fault.
    bool saw_only_success = d->fault == "none" && (pair->fault != "none" || tolerated);
    EXPECT_TRUE(names(*d, fault) || saw_only_success) << side.filename() << " alone: " << describe(alone);
  }
}

INSTANTIATE_TEST_SUITE_P(Captured, LabLogs, ::testing::ValuesIn(lab_cases()),
                         [](const auto& param_info) {
                           std::string name = param_info.param.pair.empty() ? "" : param_info.param.pair + "_";
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name + param_info.param.scenario + "_" + param_info.param.ike;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LabLogs);

}  // namespace
}  // namespace ikelab::diag::test
