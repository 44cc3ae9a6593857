// Lab tests of the case runner: real charon pairs in real namespaces.

#include "tests/lab/psk_case.hpp"

#include "base/text_file.hpp"
#include "lab/daemons/charon/charon_daemon.hpp"
#include "netns/lab_state.hpp"
#include "netns/leftovers.hpp"
#include "netns/topology.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ikelab;

namespace {

bool no_namespaces_of_this_process() {
  for (const auto& run : netns::find_runs())
    if (run.owner == getpid() && !run.namespaces.empty()) return false;
  return true;
}

labtest::PskCase version(int ike) {
  labtest::PskCase c;
  c.version = ike;
  return c;
}

harness::CaseOptions with_artefacts(const fs::path& out) {
  harness::CaseOptions options;
  options.artefacts_dir = out;
  return options;
}

class CaseRunnerLab : public ::testing::TestWithParam<int> {};

TEST_P(CaseRunnerLab, MatchingPskPairEstablishesAndLeavesNothingBehind) {
  auto result = harness::run_case(labtest::psk_request("psk-pair", version(GetParam())), {});
  EXPECT_EQ(result.outcome, harness::Outcome::established) << result.detail;
  EXPECT_GT(result.initiator_startup, 0);
  EXPECT_TRUE(no_namespaces_of_this_process());
}

TEST_P(CaseRunnerLab, DifferentPresharedKeysFailInPhaseOne) {
  labtest::PskCase c = version(GetParam());
  c.responder_secret = "another-secret";
  auto result = harness::run_case(labtest::psk_request("psk-differs", c), {});
  EXPECT_EQ(result.outcome, harness::Outcome::phase1_failed) << result.detail;
}

TEST_P(CaseRunnerLab, NoCommonEspProposalFailsInPhaseTwo) {
  labtest::PskCase c = version(GetParam());
  c.responder_esp = "aes256-sha512";
  auto result = harness::run_case(labtest::psk_request("esp-differs", c), {});
  EXPECT_EQ(result.outcome, harness::Outcome::phase2_failed) << result.detail;
}

TEST_P(CaseRunnerLab, OutDirKeepsLogsConfigsListSasAndCapture) {
  fs::path out = fs::temp_directory_path() / fmt::format("ikelab-lab-test-{}-{}", getpid(), GetParam());
  fs::remove_all(out);
  auto result = harness::run_case(labtest::psk_request("psk-out", version(GetParam())), with_artefacts(out));
  ASSERT_EQ(result.outcome, harness::Outcome::established) << result.detail;
  for (const char* side : {"initiator", "responder"}) {
    auto log = harness::read_text_file(out / side / "charon.log");
    EXPECT_NE(log.find("established"), std::string::npos) << side;
    EXPECT_NE(harness::read_text_file(out / side / "charon-cfg2.log").find("selected proposal"), std::string::npos);
    EXPECT_NE(harness::read_text_file(out / side / "swanctl.conf").find("connections"), std::string::npos);
    EXPECT_NE(harness::read_text_file(out / side / "strongswan.conf").find("filelog"), std::string::npos);
    EXPECT_NE(harness::read_text_file(out / side / "list-sas.txt").find("ESTABLISHED"), std::string::npos) << side;
    // IPv6 is off in the namespaces: no link-local address events.
    EXPECT_EQ(log.find("fe80:"), std::string::npos) << side;
  }
  EXPECT_GT(fs::file_size(out / "ike.pcap"), 100u);
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(IkeVersions, CaseRunnerLab, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& param) { return "IKEv" + std::to_string(param.param); });

TEST(CaseRunnerLabErrors, DaemonThatCannotStartIsAnErrorWithItsOutput) {
  labtest::PskCase c;
  c.broken_strongswan_conf = "charon {\n  load = random nonce\n  user = no-such-user-ikelab\n}\n";
  auto started = std::chrono::steady_clock::now();
  auto result = harness::run_case(labtest::psk_request("broken-daemon", c), {});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(result.outcome, harness::Outcome::error);
  EXPECT_NE(result.detail.find("responder charon"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("invalid uid/gid"), std::string::npos) << result.detail;
  EXPECT_LT(seconds, 5.0);
  EXPECT_TRUE(no_namespaces_of_this_process());
}

TEST(CaseRunnerLabErrors, MissingResponderEndsAfterRetransmitsAsPhaseOneFailure) {
  labtest::PskCase c;
  c.responder_daemon = false;
  auto result = harness::run_case(labtest::psk_request("no-responder", c), {});
  EXPECT_EQ(result.outcome, harness::Outcome::phase1_failed) << result.detail;
  EXPECT_LT(result.seconds, 10.0);
}

TEST(CaseRunnerLabActions, Ikev2PfsMismatchShowsOnlyAtTheForcedRekey) {
  labtest::PskCase c;
  c.action = harness::Action::rekey_child;
  c.initiator_esp = "aes128-sha256-modp2048";
  auto result = harness::run_case(labtest::psk_request("pfs-rekey", c), {});
  EXPECT_EQ(result.outcome, harness::Outcome::phase2_failed) << result.detail;
  EXPECT_NE(result.detail.find("rekey failed"), std::string::npos) << result.detail;
}

TEST(CaseRunnerLabActions, MatchingRekeySucceeds) {
  labtest::PskCase c;
  c.action = harness::Action::rekey_child;
  auto result = harness::run_case(labtest::psk_request("rekey-ok", c), {});
  EXPECT_EQ(result.outcome, harness::Outcome::established) << result.detail;
  EXPECT_NE(result.detail.find("rekey succeeded"), std::string::npos) << result.detail;
}

TEST(CaseRunnerLabActions, KilledResponderIsDeclaredDeadByDpd) {
  for (int ike : {1, 2}) {
    labtest::PskCase c = version(ike);
    c.action = harness::Action::dpd;
    c.dpd_delay = 1;
    auto result = harness::run_case(labtest::psk_request("dpd", c), {});
    EXPECT_EQ(result.outcome, harness::Outcome::established) << "IKEv" << ike << ": " << result.detail;
    EXPECT_NE(result.detail.find("DPD"), std::string::npos) << result.detail;
  }
}

}  // namespace

// A daemon that dies long after its control socket answered is reported as
// what happened: killed by signal 9 (SIGKILL) after it had answered, not "exited
// (status 9) before" (boost gives a signal's number as an exit status).
TEST(CaseRunnerLabErrors, ADaemonKilledAfterItAnsweredIsReportedAsKilledBySignal) {
  const netns::RunId id = netns::next_run_id();
  netns::TopologySpec spec;
  spec.initiator = {"192.0.2.1/24", "10.1.0.1/24"};
  spec.responder = {"192.0.2.2/24", "10.2.0.1/24"};
  netns::Topology topology(id, spec);
  const fs::path dir = netns::case_dir(id);
  const harness::HostPaths paths{dir / "run", dir / "swanctl", dir / "log"};
  for (const auto& d : {paths.rundir, paths.confdir, paths.logdir}) fs::create_directories(d);
  harness::write_text_file(dir / "strongswan.conf", labtest::strongswan_conf(paths));
  {
    harness::CharonDaemon charon(topology.initiator_ns(), {dir / "strongswan.conf", paths.rundir, paths.logdir / "out", {}});
    charon.start();
    ASSERT_TRUE(charon.wait_ready(std::chrono::steady_clock::now() + std::chrono::seconds(10))) << charon.failure();
    ASSERT_EQ(::kill(charon.pid(), SIGKILL), 0);  // the daemon this test started, by its pid
    for (int i = 0; i < 500 && charon.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_FALSE(charon.wait_ready(std::chrono::steady_clock::now()));
    EXPECT_NE(charon.failure().find("charon was killed by signal 9 (SIGKILL) after"), std::string::npos) << charon.failure();
    EXPECT_NE(charon.failure().find("after"), std::string::npos) << charon.failure();
    EXPECT_EQ(charon.failure().find("exited"), std::string::npos) << charon.failure();
  }
  topology.teardown();
}
