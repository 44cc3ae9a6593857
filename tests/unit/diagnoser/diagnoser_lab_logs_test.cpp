// Logs the lab captured from real daemons (tests/data/logs/<scenario>/ike<N>/,
// see the README there): diagnose names the scenario's injected fault from
// both peers' logs, and from each side's log alone (or, where one side's log
// cannot tell, lists it among the candidates).
#include "test_support.hpp"

#include <yaml-cpp/yaml.h>

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kLogs = kData / "logs";
const std::filesystem::path kScenarios = IKELAB_SCENARIOS_DIR;
const std::filesystem::path kExpected = IKELAB_EXPECTED_DIR;

struct LabCase {
  std::string scenario;
  std::string ike;  // "ike1" / "ike2"
  std::filesystem::path dir;
};

std::vector<LabCase> lab_cases() {
  std::vector<LabCase> out;
  if (!std::filesystem::is_directory(kLogs)) return out;
  for (const auto& s : std::filesystem::directory_iterator(kLogs)) {
    if (!s.is_directory() || !std::filesystem::exists(kScenarios / (s.path().filename().string() + ".yaml"))) continue;
    for (const auto& v : std::filesystem::directory_iterator(s.path()))
      if (v.is_directory() && std::filesystem::exists(v.path() / "initiator.log"))
        out.push_back({s.path().filename().string(), v.path().filename().string(), v.path()});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.dir < b.dir; });
  return out;
}

std::string injected_fault(const std::string& scenario) {
  return YAML::LoadFile((kScenarios / (scenario + ".yaml")).string())["fault"].as<std::string>();
}

// expected/ says the case establishes: the fault is tolerated by that IKE
// version (e.g. an IKEv2 PFS mismatch builds the first CHILD_SA) or comes
// later (dead peer detection), so "none" is also right.
bool establishes(const std::string& scenario, const std::string& ike) {
  auto expected = YAML::LoadFile((kExpected / (scenario + ".yaml")).string());
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

class LabLogs : public ::testing::TestWithParam<LabCase> {};

TEST_P(LabLogs, NameTheInjectedFault) {
  const auto& c = GetParam();
  const std::string fault = injected_fault(c.scenario);
  const bool tolerated = establishes(c.scenario, c.ike);
  auto init = c.dir / "initiator.log", resp = c.dir / "responder.log";
  auto both = diagnose_files({init, resp}, catalogue());
  const Diagnosis* pair = verdict(both);
  ASSERT_NE(pair, nullptr) << "no attempt found";
  EXPECT_TRUE(names(*pair, fault) || (tolerated && pair->fault == "none")) << "both logs: " << describe(both);
  for (const auto& side : {init, resp}) {
    if (!has_ike_lines(side)) continue;  // e.g. no daemon ever answered on that side
    auto alone = diagnose_files({side}, catalogue());
    const Diagnosis* d = verdict(alone);
    if (!d) {  // this side's log holds no recognised attempt: only the pair can tell
      EXPECT_NE(pair->fault, "none") << side.filename() << " has no attempt";
      continue;
    }
    // A side whose own log shows only success (the peer rejected it after
    // establishing, e.g. a responder whose certificate the initiator refused)
    // may say "none"; the pair above must still name the fault.
    bool saw_only_success = d->fault == "none" && (pair->fault != "none" || tolerated);
    EXPECT_TRUE(names(*d, fault) || saw_only_success) << side.filename() << " alone: " << describe(alone);
  }
}

INSTANTIATE_TEST_SUITE_P(Captured, LabLogs, ::testing::ValuesIn(lab_cases()),
                         [](const auto& param_info) { return param_info.param.scenario + "_" + param_info.param.ike; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LabLogs);

}  // namespace
}  // namespace ikelab::diag::test
