// `ikelab run` / `ikelab cleanup` as a user runs them, with real daemons.

#include "lab/daemons/charon/render_swanctl.hpp"
#include "base/text_file.hpp"
#include "lab/scenario/scenario_values.hpp"
#include "netns/lab_state.hpp"
#include "netns/leftovers.hpp"
#include "netns/process.hpp"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <unistd.h>

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace ikelab;
using namespace std::chrono_literals;

namespace {

netns::CommandResult ikelab(std::vector<std::string> args, std::chrono::milliseconds timeout = 120s) {
  args.insert(args.begin(), IKELAB_BINARY);
  netns::CommandOptions options;
  options.timeout = timeout;
  return netns::run_command(args, options);
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / fmt::format("ikelab-run-test-{}-{}", getpid(),
                                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(IkelabRunLab, BaselinesEstablishForBothIkeVersions) {
  auto r = ikelab({"run", "baseline_psk", "baseline_cert", "baseline_pubkey"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* scenario : {"baseline_psk", "baseline_cert", "baseline_pubkey"})
    for (int version : {1, 2}) {
      std::regex row(fmt::format("\\n{} +{}  established +pass ", scenario, version));
      EXPECT_TRUE(std::regex_search(r.output, row)) << scenario << " IKEv" << version << "\n" << r.output;
    }
  EXPECT_NE(r.output.find("6 cases: 6 passed, 0 failed"), std::string::npos) << r.output;
}

TEST(IkelabRunLab, OutDirKeepsEverythingAndSecretsStayOffTheConsole) {
  TempDir out;
  auto r = ikelab({"run", "baseline_psk", "quoting_odd_ids_and_psk", "--ike", "2", "--out", out.path.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find(harness::base_secret), std::string::npos);
  EXPECT_EQ(r.output.find("p\"s}k"), std::string::npos);
  fs::path c = out.path / "baseline_psk" / "ike2";
  for (const char* side : {"initiator", "responder"})
    for (const char* file : {"charon.log", "charon-cfg2.log", "swanctl.conf", "strongswan.conf", "list-sas.txt"})
      EXPECT_GT(fs::file_size(c / side / file), 0u) << side << "/" << file;
  EXPECT_GT(fs::file_size(c / "ike.pcap"), 200u);
  EXPECT_EQ(harness::read_text_file(c / "outcome.txt").find(harness::base_secret), std::string::npos);
  EXPECT_NE(harness::read_text_file(c / "initiator" / "list-sas.txt").find("ESTABLISHED"), std::string::npos);
  EXPECT_FALSE(fs::exists(out.path / "baseline_psk" / "ike1"));  // --ike 2 only
  // Configs kept in --out have their secrets redacted.
  for (const char* scenario : {"baseline_psk", "quoting_odd_ids_and_psk"})
    for (const char* side : {"initiator", "responder"}) {
      const std::string conf = harness::read_text_file(out.path / scenario / "ike2" / side / "swanctl.conf");
      EXPECT_NE(conf.find("secret = <redacted>"), std::string::npos) << scenario << " " << side << "\n" << conf;
      EXPECT_EQ(conf.find(harness::base_secret), std::string::npos) << conf;
      EXPECT_EQ(conf.find(harness::values::secret_hex(harness::base_secret)), std::string::npos) << conf;
    }
}

// --keep-secrets keeps them, in files only root can read.
TEST(IkelabRunLab, KeepSecretsKeepsConfigsWholeAndPrivate) {
  TempDir out;
  auto r = ikelab({"run", "baseline_psk", "pluto_baseline_psk", "--ike", "2", "--out", out.path.string(), "--keep-secrets"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find(harness::base_secret), std::string::npos);  // never on the console
  const fs::path conf = out.path / "baseline_psk" / "ike2" / "initiator" / "swanctl.conf";
  EXPECT_NE(harness::read_text_file(conf).find("secret = "), std::string::npos);
  EXPECT_EQ(harness::read_text_file(conf).find("<redacted>"), std::string::npos);
  EXPECT_EQ(fs::status(conf).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  const fs::path secrets = out.path / "pluto_baseline_psk" / "ike2" / "responder" / "ipsec.secrets";
  ASSERT_TRUE(fs::exists(secrets));
  EXPECT_EQ(fs::status(secrets).permissions(), fs::perms::owner_read | fs::perms::owner_write);
}

TEST(IkelabRunLab, AnOutcomeOtherThanExpectedFailsTheRun) {
  TempDir expected;
  harness::write_text_file(expected.path / "baseline_psk.yaml", "ike2: {outcome: phase1_failed}\n");
  auto r = ikelab({"run", "baseline_psk", "--ike", "2", "--expected", expected.path.string()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL baseline_psk IKEv2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAIL: baseline_psk IKEv2 (1 of 1)"), std::string::npos) << r.output;  // the progress line
  EXPECT_NE(r.output.find("expected phase1_failed, got established"), std::string::npos) << r.output;
}

// A glob and --filter choose one scenario; --json - puts the JSON alone on
// standard output (the report goes to standard error); -v and --color always
// make the progress line green and give the outcome.
TEST(IkelabRunLab, GlobFilterJsonToStdoutVerboseColour) {
  bp::ipstream out, err;
  bp::child run(bp::exe = IKELAB_BINARY,
                bp::args = {"run", "baseline_p*", "--filter", "psk$", "--ike", "2", "--json", "-", "-v", "--color", "always"},
                bp::std_out > out, bp::std_err > err);
  std::string out_text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  std::string err_text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  run.wait();
  EXPECT_EQ(run.exit_code(), 0) << err_text;
  nlohmann::json summary;
  ASSERT_NO_THROW(summary = nlohmann::json::parse(out_text)) << "standard output is not JSON alone:\n" << out_text;
  ASSERT_EQ(summary["cases"].size(), 1u) << out_text;
  EXPECT_EQ(summary["cases"][0]["scenario"], "baseline_psk");
  EXPECT_EQ(summary["cases"][0]["ike_version"], 2);
  EXPECT_NE(err_text.find("\x1b[32mPASS:\x1b[0m baseline_psk IKEv2 (1 of 1) established "), std::string::npos) << err_text;
  EXPECT_NE(err_text.find("1 case: 1 passed, 0 failed"), std::string::npos) << err_text;
}

TEST(IkelabRunLab, BadInputIsAUsageError) {
  auto unknown = ikelab({"run", "no_such_scenario"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("no scenario named 'no_such_scenario'"), std::string::npos) << unknown.output;
  TempDir expected;
  harness::write_text_file(expected.path / "baseline_psk.yaml", "ike2: {outcome: maybe}\n");
  auto bad = ikelab({"run", "baseline_psk", "--expected", expected.path.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("baseline_psk.yaml:1:17: outcome 'maybe'"), std::string::npos) << bad.output;
}

TEST(IkelabRunLab, KeepLeavesTheLabUpUntilForcedCleanup) {
  auto r = ikelab({"run", "baseline_psk", "--ike", "2", "--keep"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("ikelab cleanup --force ([0-9]+)"))) << r.output;
  pid_t owner = std::stoi(m[1]);
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("swanctl --list-sas --uri (unix://\\S+)"))) << r.output;
  std::string uri = m[1];
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(fmt::format("ip netns exec (ikl{}-[0-9]+-1i)", owner))))
      << r.output;
  const std::string initiator_ns = m[1];

  // The daemons outlived ikelab and still hold the tunnel.
  auto sas = netns::run_command({"swanctl", "--list-sas", "--uri", uri});
  EXPECT_NE(sas.output.find("ESTABLISHED"), std::string::npos) << sas.output;

  auto plain = ikelab({"cleanup"});
  EXPECT_NE(plain.output.find(fmt::format("kept: run {}", owner)), std::string::npos) << plain.output;
  EXPECT_TRUE(fs::exists("/run/netns/" + initiator_ns));

  auto forced = ikelab({"cleanup", "--force", std::to_string(owner)});
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_NE(forced.output.find(fmt::format("removed: run {}", owner)), std::string::npos) << forced.output;
  for (const auto& run : netns::find_runs()) EXPECT_NE(run.owner, owner);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(netns::state_root(), ec))
    EXPECT_FALSE(entry.path().filename().string().starts_with(fmt::format("{}-", owner))) << entry.path();
}

}  // namespace
