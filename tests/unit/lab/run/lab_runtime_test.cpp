#include "check/expectations.hpp"
#include "lab/daemons/lab_peer.hpp"
#include "lab/run/lab_run.hpp"
#include "lab/daemons/log_follower.hpp"
#include "check/outcome.hpp"
#include "lab/run/redact.hpp"
#include "lab/report/run_report.hpp"
#include "base/text_file.hpp"

#include <gtest/gtest.h>

#include "base/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

using ikelab::testing::TempDir;

fs::path write(const TempDir& dir, const std::string& name, const std::string& text) {
  write_text_file(dir.path() / name, text);
  return dir.path() / name;
}

}  // namespace

TEST(Outcome, RoundTripsEveryValue) {
  for (Outcome o : {Outcome::established, Outcome::phase1_failed, Outcome::phase2_failed, Outcome::error})
    EXPECT_EQ(parse_outcome(to_string(o)), o);
  EXPECT_FALSE(parse_outcome("failed").has_value());
}

TEST(Expectations, ReadsOutcomePerVersion) {
  TempDir dir("ikelab-unit");
  auto file = write(dir, "x.yaml", "ike1: {outcome: phase1_failed}\nike2:\n  outcome: established\n  note: a remark\n");
  auto e = load_expectations(file);
  EXPECT_EQ(e.versions.at(1).outcome, Outcome::phase1_failed);
  EXPECT_EQ(e.versions.at(2).outcome, Outcome::established);
  EXPECT_TRUE(judge_outcome(e, 2, Outcome::established).pass);
  auto v = judge_outcome(e, 1, Outcome::established);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.reason, "expected phase1_failed, got established");
}

TEST(Expectations, MissingFileOrVersionIsAFailNotAPass) {
  TempDir dir("ikelab-unit");
  EXPECT_FALSE(find_expectations(dir.path(), "absent").has_value());
  EXPECT_FALSE(judge_outcome(std::nullopt, 1, Outcome::established).pass);
  auto e = load_expectations(write(dir, "only2.yaml", "ike2: {outcome: established}\n"));
  EXPECT_FALSE(judge_outcome(e, 1, Outcome::established).pass);
}

TEST(Expectations, BadFilesNameFileAndLine) {
  TempDir dir("ikelab-unit");
  struct Case {
    const char* text;
    const char* message;
  };
  for (auto [text, message] : {Case{"ike3: {outcome: established}\n", ":1:1: unknown key 'ike3'"},
                               Case{"ike1: {outcome: established}\nike2: {outcome: up}\n", ":2:17: outcome 'up'"},
                               Case{"ike1: established\n", ":1:7: 'ike1' must be a mapping"},
                               Case{"ike1: {outcome: [a\n", "bad.yaml:"},
                               Case{"- a\n- b\n", "expected a mapping"}}) {
    auto file = write(dir, "bad.yaml", text);
    try {
      load_expectations(file);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ExpectationError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
  }
}

TEST(LogFollower, SeesAppendedCompleteLinesOnly) {
  TempDir dir("ikelab-unit");
  auto file = dir.path() / "charon.log";
  LogFollower log(file);
  EXPECT_FALSE(log.poll());  // not there yet
  std::ofstream out(file);
  out << "07[IKE] <site|1> IKE_SA site[1] established between 192.0.2.1[a]...192.0.2.2[b]\n07[IKE] partial" << std::flush;
  EXPECT_TRUE(log.poll());
  EXPECT_TRUE(log.has_line_since(0, {"IKE_SA site[", "] established between"}));
  EXPECT_FALSE(log.has_line_since(0, {"partial"}));
  size_t mark = log.size();
  out << " line\n" << std::flush;
  EXPECT_TRUE(log.poll());
  EXPECT_FALSE(log.poll());
  EXPECT_EQ(log.count_lines_since(0, {"07[IKE]"}), 2u);
  EXPECT_FALSE(log.has_line_since(mark + 100, {"07[IKE]"}));
}

TEST(TextFile, LastLines) {
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(last_lines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(last_lines("a\n", 5), "a\n");
  EXPECT_EQ(last_lines("", 3), "");
}

TEST(RunReport, TableHasOneRowPerCaseAndFailuresExplainThemselves) {
  JudgedCase ok{CaseResult{}, Verdict{true, ""}};
  ok.result.scenario = "psk-baseline";
  ok.result.ike_version = 1;
  ok.result.outcome = Outcome::established;
  ok.result.seconds = 0.4;
  JudgedCase bad = ok;
  bad.result.scenario = "a-much-longer-scenario-name";
  bad.result.ike_version = 2;
  bad.result.outcome = Outcome::error;
  bad.result.detail = "responder charon: exited\nline two";
  bad.verdict = {false, "expected established, got error"};
  std::string table = format_table({ok, bad});
  EXPECT_NE(table.find("scenario                     IKE  outcome        verdict  seconds\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("psk-baseline                   1  established    pass        0.40\n"), std::string::npos)
      << table;
  EXPECT_NE(table.find("a-much-longer-scenario-name    2  error          FAIL        0.40\n"), std::string::npos)
      << table;
  std::string failures = format_failures({ok, bad});
  EXPECT_EQ(failures.find("psk-baseline"), std::string::npos);
  EXPECT_NE(failures.find("FAIL a-much-longer-scenario-name IKEv2: expected established, got error\n"
                          "  responder charon: exited\n  line two\n"),
            std::string::npos)
      << failures;
  EXPECT_EQ(format_summary({ok, bad}, 1.23), "2 cases: 1 passed, 1 failed (1.2 s)\n");
}

TEST(RunReport, KeptCasesSayHowToEnterAndRemoveThem) {
  JudgedCase kept{CaseResult{}, Verdict{true, ""}};
  kept.result.scenario = "baseline_psk";
  kept.result.kept = KeptCase{"4242-1", "ikl4242-1i", "ikl4242-1r", "unix:///tmp/ikelab/4242/1/initiator/run/charon.vici",
                              "unix:///tmp/ikelab/4242/1/responder/run/charon.vici", "/tmp/ikelab/4242/1"};
  std::string text = format_kept({kept, kept});
  EXPECT_NE(text.find("ip netns exec ikl4242-1i bash"), std::string::npos) << text;
  EXPECT_NE(text.find("swanctl --list-sas --uri unix:///tmp/ikelab/4242/1/responder/run/charon.vici"), std::string::npos);
  // One removal line per run, however many cases it kept.
  EXPECT_EQ(text.find("ikelab cleanup --force 4242"), text.rfind("ikelab cleanup --force 4242"));
  EXPECT_EQ(format_kept({JudgedCase{}}), "");
  kept.result.kept->responder_uri = "/tmp/ikelab/4242/1/responder/run/pluto.ctl";
  EXPECT_NE(format_kept({kept}).find("whack --ctlsocket /tmp/ikelab/4242/1/responder/run/pluto.ctl --status"),
            std::string::npos);
}

TEST(RunReport, TimingsGiveMedianAndMax) {
  std::vector<JudgedCase> cases(3);
  double seconds[] = {0.5, 4.5, 0.4};
  for (int i = 0; i < 3; ++i) {
    cases[i].result.seconds = seconds[i];
    cases[i].result.initiator_startup = 0.01 * (i + 1);
  }
  EXPECT_EQ(format_timings(cases),
            "case time: median 0.50 s, max 4.50 s; daemon start-up (exec until its control socket answers): median 0.02 s, "
            "max 0.03 s over 3 daemons\n");
}

TEST(Redact, SecretsOfRenderedConfigsNeverSurviveInText) {
  RenderedHost host;
  host.swanctl_conf =
      "secrets {\n  ike-lab {\n    id-1 = \"a\"\n    secret = \"p\\\"s}k\\\\{#\"\n  }\n  eap-user {\n"
      "    secret = \"user-pass-1\"\n  }\n}\n";
  host.ipsec_secrets = "@a @b : PSK 0x6c61622d707736\n@u : XAUTH \"xauth pass\"\n";
  auto secrets = secrets_of(host);
  std::string text = redact("key p\"s}k\\{# and user-pass-1, lab-pw6 / 0x6c61622d707736, xauth pass; a", secrets);
  EXPECT_EQ(text, "key <secret> and <secret>, <secret> / <secret>, <secret>; a");
}

TEST(CaseDurations, RememberWhatEachCaseTookAcrossRuns) {
  TempDir dir("ikelab-unit");
  ::setenv("IKELAB_STATE_DIR", dir.path().c_str(), 1);
  EXPECT_EQ(CaseDurations::load().expected("psk_mismatch", 1, 7.0), 7.0);  // nothing known yet
  CaseResult slow, quick;
  slow.scenario = "psk_mismatch";
  slow.ike_version = 1;
  slow.seconds = 4.75;
  quick.scenario = "psk_mismatch";
  quick.ike_version = 2;
  quick.seconds = 0.4;
  auto durations = CaseDurations::load();
  durations.record({slow, quick});
  durations.save();
  write_text_file(dir.path() / "garbage.txt", "x");
  auto loaded = CaseDurations::load();
  EXPECT_DOUBLE_EQ(loaded.expected("psk_mismatch", 1), 4.75);
  EXPECT_DOUBLE_EQ(loaded.expected("psk_mismatch", 2), 0.4);
  EXPECT_DOUBLE_EQ(loaded.expected("baseline_psk", 2), 1.0);
  write_text_file(dir.path() / "durations.txt", "half a line\npsk_mismatch 2\nbaseline_psk 1 0.3\n");
  EXPECT_DOUBLE_EQ(CaseDurations::load().expected("baseline_psk", 1), 0.3);
  EXPECT_DOUBLE_EQ(CaseDurations::load().expected("psk_mismatch", 2, 9.0), 9.0);
  ::unsetenv("IKELAB_STATE_DIR");
}

// A libreswan host keeps its log, its stdout, ipsec.conf and (an initiator)
// what whack --initiate printed; never ipsec.secrets.
TEST(PeerArtefacts, PlutoKeepsWhackOutputNeverSecrets) {
  RenderedHost host;
  host.implementation = Implementation::libreswan;
  PeerFiles files;
  files.dir = "/case/initiator";
  files.paths.confdir = "/case/initiator/swanctl";
  files.paths.logdir = "/case/initiator/log";
  bool whack = false;
  for (const auto& [from, to] : peer_artefacts(host, files)) {
    EXPECT_EQ(from.filename().string().find("secrets"), std::string::npos) << from;
    EXPECT_EQ(to.find("secrets"), std::string::npos) << to;
    if (to == "whack-initiate.txt") whack = from == whack_output_file(files);
  }
  EXPECT_TRUE(whack);
}
