// A value from a scenario means exactly its characters to both daemons,
// proven with real charon and pluto daemons: a PSK "0x41424344" is ten
// characters, not the four bytes "ABCD" (both daemons decode 0x / 0s
// secrets), and an ID "%any" is a name, not charon's wildcard.

#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/run/case_runner.hpp"
#include "lab/run/credentials.hpp"
#include "lab/scenario/scenario.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

struct Pairing {
  const char* scenario;  // baseline_psk: charon-charon; pluto_baseline_psk: charon initiator, pluto responder
  int version;
};

std::string name_of(const ::testing::TestParamInfo<Pairing>& p) {
  return std::string(p.param.scenario) + "_IKEv" + std::to_string(p.param.version);
}

class LiteralValuesLab : public ::testing::TestWithParam<Pairing> {
 protected:
  // Runs the scenario with the settings changed by `change`.
  CaseResult run(const std::function<void(Scenario&)>& change) {
    const fs::path work = fs::temp_directory_path() /
                          ("ikelab-literal-lab-" + std::to_string(getpid()) + "-" + name_of({GetParam(), 0}));
    fs::remove_all(work);
    const Credentials credentials(work / "pki");
    Scenario scenario = load_scenario(fs::path(IKELAB_SCENARIOS_DIR) / (std::string(GetParam().scenario) + ".yaml"));
    change(scenario);
    const int version = GetParam().version;
    CaseRequest request{scenario.name, version, [&](const HostPaths& i, const HostPaths& r) {
                          return render_case(scenario, version, i, r, credentials);
                        }, {}, {}};
    CaseResult result = run_case(request, CaseOptions{});
    fs::remove_all(work);
    return result;
  }
};

TEST_P(LiteralValuesLab, AHexLookingPskIsNotItsDecodedBytes) {
  const CaseResult result = run([](Scenario& s) {
    s.initiator.secret = "0x41424344";
    s.responder.secret = "ABCD";
  });
  EXPECT_EQ(result.outcome, Outcome::phase1_failed) << result.detail;
  const CaseResult base64 = run([](Scenario& s) {
    s.initiator.secret = "0sQUJDRA==";  // base64 of ABCD
    s.responder.secret = "ABCD";
  });
  EXPECT_EQ(base64.outcome, Outcome::phase1_failed) << base64.detail;
}

// The same characters on both sides do agree (the control for the test above).
TEST_P(LiteralValuesLab, TheSameHexLookingPskOnBothSidesEstablishes) {
  const CaseResult result = run([](Scenario& s) {
    s.initiator.secret = "0x41424344";
    s.responder.secret = "0x41424344";
  });
  EXPECT_EQ(result.outcome, Outcome::established) << result.detail;
}

// "%any" reaches the renderer only past the scenario parser (which refuses
// it); even then charon takes it as the name "%any", which the initiator's
// identity is not, and pluto's renderer refuses it.
TEST_P(LiteralValuesLab, AnIdPercentAnyIsNoWildcard) {
  const CaseResult result = run([](Scenario& s) { s.responder.remote_id = "%any"; });
  EXPECT_NE(result.outcome, Outcome::established) << result.detail;
}

INSTANTIATE_TEST_SUITE_P(Daemons, LiteralValuesLab,
                         ::testing::Values(Pairing{"baseline_psk", 1}, Pairing{"baseline_psk", 2},
                                           Pairing{"pluto_baseline_psk", 1}, Pairing{"pluto_baseline_psk", 2}),
                         name_of);

}  // namespace
