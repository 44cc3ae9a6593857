// Lab tests of the scenario layer: values that try to break out of their
// place in swanctl.conf reach real charon daemons intact. The YAML parser
// already refuses control characters in IDs and secrets; these values go
// straight into the renderer to show that escaping alone holds.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lab/run/case_runner.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class ScenarioLab : public ::testing::TestWithParam<int> {};

TEST_P(ScenarioLab, HostileIdsAndSecretsReachCharonIntact) {
  const int version = GetParam();
  const fs::path work = fs::temp_directory_path() / ("ikelab-scenario-lab-" + std::to_string(getpid()) + "-" + std::to_string(version));
  fs::remove_all(work);
  const Credentials credentials(work / "pki");
  const Scenario scenario = load_scenario(fs::path(IKELAB_SCENARIOS_DIR) / "baseline_psk.yaml");
  const std::string id = R"(evil" } } secrets { ike-x { secret = pwned } } connections { x { # \ {)";
  const std::string secret = "line1\nline2\t\"quoted\" } { # \\ end\r";

  CaseRequest request{"hostile-values", version, [&](const HostPaths& i, const HostPaths& r) {
    CaseConfig c = render_case(scenario, version, i, r, credentials);
    HostConfig initiator = resolve_host(scenario, Side::initiator, version);
    initiator.local_id = id;
    initiator.secret = secret;
    HostConfig responder = resolve_host(scenario, Side::responder, version);
    responder.remote_id = id;
    responder.secret = secret;
    c.initiator.swanctl_conf = render_swanctl(initiator, i, credentials).swanctl_conf;
    c.responder.swanctl_conf = render_swanctl(responder, r, credentials).swanctl_conf;
    return c;
  }, {}, {}};
  CaseOptions options;
  options.artefacts_dir = work / "out";
  const CaseResult result = run_case(request, options);
  // The same PSK bytes on both sides, read through the escapes: both phases come up.
  ASSERT_EQ(result.outcome, Outcome::established) << result.detail;

  const std::string responder_sas = read(work / "out" / "responder" / "list-sas.txt");
  EXPECT_NE(responder_sas.find("remote '" + id + "'"), std::string::npos) << responder_sas;
  const std::string initiator_sas = read(work / "out" / "initiator" / "list-sas.txt");
  EXPECT_NE(initiator_sas.find("local  '" + id + "'"), std::string::npos) << initiator_sas;
  for (const char* side : {"initiator", "responder"}) {
    const std::string log = read(work / "out" / side / "charon.log");
    // One secret and one connection were loaded: nothing came out of the values.
    EXPECT_EQ(count(log, "loaded IKE shared key"), 1u) << side;
    EXPECT_EQ(count(log, "added vici connection"), 1u) << side;
    EXPECT_NE(log.find("loaded IKE shared key with id 'ike-lab'"), std::string::npos) << side;
    EXPECT_EQ(log.find("with id 'ike-x'"), std::string::npos) << side;
  }
  fs::remove_all(work);
}

INSTANTIATE_TEST_SUITE_P(IkeVersions, ScenarioLab, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& p) { return "IKEv" + std::to_string(p.param); });

}  // namespace
