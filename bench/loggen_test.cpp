// Unit tests of the benchmark's log generator and truth check (no daemons).
#include "bench/loggen/generator.hpp"
#include "bench/loggen/log_template.hpp"
#include "bench/loggen/manifest.hpp"
#include "bench/loggen/rule_patterns.hpp"
#include "bench/loggen/truth_check.hpp"

#include "ikelab/diagnoser.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace {

using namespace ikelab::bench;

const std::string kBenchDir = IKELAB_BENCH_DIR;

std::vector<LogTemplate> manifest_templates(Dialect dialect) {
  return load_manifest(kBenchDir + "/templates/manifest.yaml", dialect, IKELAB_EXPECTED_DIR);
}

struct Generated {
  std::string log, truth;
  GeneratorResult result;
};

Generated run(Dialect dialect, std::uint64_t bytes, std::uint64_t seed) {
  auto templates = manifest_templates(dialect);
  auto header = load_header(templates.front().path, dialect);
  GeneratorOptions o;
  o.dialect = dialect;
  o.target_bytes = bytes;
  o.seed = seed;
  std::FILE* log = std::tmpfile();
  std::FILE* truth = std::tmpfile();
  Generated g;
  g.result = generate(templates, header, o, log, truth);
  for (auto [f, s] : {std::pair{log, &g.log}, std::pair{truth, &g.truth}}) {
    std::fflush(f);
    std::rewind(f);
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s->append(buf, n);
    std::fclose(f);
  }
  return g;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(LogTemplates, EveryManifestLogHoldsOneAttemptWithRoleAndVersion) {
  for (auto dialect : {Dialect::charon, Dialect::pluto}) {
    auto templates = manifest_templates(dialect);
    ASSERT_FALSE(templates.empty());
    for (const auto& t : templates) {
      EXPECT_FALSE(t.lines.empty()) << t.path;
      EXPECT_TRUE(t.role == "initiator" || t.role == "responder") << t.path;
      EXPECT_TRUE(t.ike_version == 1 || t.ike_version == 2) << t.path;
      for (std::size_t i = 1; i < t.lines.size(); ++i) EXPECT_GE(t.lines[i].offset_ms, t.lines[i - 1].offset_ms) << t.path;
    }
  }
}

TEST(LogTemplates, MissingFileIsAnErrorNamingIt) {
  try {
    load_template("/nonexistent/x.log", Dialect::charon, "none", 1);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.log"), std::string::npos);
  }
}

TEST(Manifest, ScenarioVersionAndSideComeFromThePath) {
  auto c = template_origin("bench/templates/charon/psk_mismatch/ike2-initiator.log");
  EXPECT_EQ(c.scenario, "psk_mismatch");
  EXPECT_EQ(c.ike_version, 2);
  EXPECT_EQ(c.side, "initiator");
  auto p = template_origin("tests/data/logs/pluto/pluto_resp_psk_mismatch/ike1/responder/pluto.log");
  EXPECT_EQ(p.scenario, "pluto_resp_psk_mismatch");
  EXPECT_EQ(p.ike_version, 1);
  EXPECT_EQ(p.side, "responder");
  EXPECT_THROW(template_origin("some/gateway.log"), std::runtime_error);
}

// The truth is what expected/ says of that side's view, list or id, and its xfail.
TEST(Manifest, TruthIsReadFromExpected) {
  auto t = expected_truth(IKELAB_EXPECTED_DIR, {"psk_mismatch", 2, "initiator"});
  EXPECT_EQ(t.text, "[psk_mismatch]");  // an initiator told AUTHENTICATION_FAILED cannot tell
  EXPECT_FALSE(t.known_gap);
  EXPECT_EQ(expected_truth(IKELAB_EXPECTED_DIR, {"psk_mismatch", 2, "responder"}).text, "psk_mismatch");
  EXPECT_THROW(expected_truth(IKELAB_EXPECTED_DIR, {"no_such_scenario", 1, "initiator"}), std::runtime_error);
  // daemon_start_failed: the initiator never started an attempt (no_attempt).
  EXPECT_THROW(expected_truth(IKELAB_EXPECTED_DIR, {"daemon_start_failed", 2, "initiator"}), std::runtime_error);
}

TEST(Manifest, EveryTemplateTruthMatchesItsExpectedFile) {
  for (auto dialect : {Dialect::charon, Dialect::pluto})
    for (const auto& t : manifest_templates(dialect)) {
      auto origin = template_origin(t.path);
      EXPECT_EQ(t.fault, expected_truth(IKELAB_EXPECTED_DIR, origin).text) << t.path;
      EXPECT_EQ(t.role, origin.side) << t.path;
      EXPECT_EQ(t.ike_version, origin.ike_version) << t.path;
    }
}

TEST(Manifest, AFaultKeyIsAnErrorNamingTheLine) {
  auto dir = std::filesystem::temp_directory_path() / ("ikl-manifest-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.yaml") << "charon:\n  - {log: " << kBenchDir
                                << "/templates/charon/psk_mismatch/ike2-responder.log, fault: none}\n";
  try {
    load_manifest((dir / "m.yaml").string(), Dialect::charon, IKELAB_EXPECTED_DIR);
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("m.yaml:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected/"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(Generator, CharonSyslogLinesInTimeOrderWithDistinctAttempts) {
  auto g = run(Dialect::charon, 400'000, 7);
  ASSERT_GT(g.result.attempts, 50u);
  static const std::regex line_re(
      R"(^([A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}) gw1 charon\[[0-9]+\]: ([0-9]{2})\[[A-Z]+\] (<(?:([^|>]+)\|)?([0-9]+)> )?.*$)");
  std::map<std::string, std::string> sa_owner;  // IKE_SA unique id -> connection
  std::set<std::string> threads, connections, peers;
  std::string last_time;
  std::size_t n = 0;
  static const std::regex peer_re(R"(\b(100\.[0-9]+\.[0-9]+\.[0-9]+)\b)");
  for (const auto& l : lines_of(g.log)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, line_re)) << "line " << n + 1 << ": " << l;
    if (n++ > 0) {
      EXPECT_LE(last_time, m[1].str()) << l;  // same day: text order is time order
    }
    last_time = m[1];
    threads.insert(m[2]);
    if (m[4].matched) {
      connections.insert(m[4]);
      auto [it, fresh] = sa_owner.emplace(m[5], m[4]);
      if (!fresh) {
        EXPECT_EQ(it->second, m[4].str()) << "IKE_SA id " << m[5] << " shared: " << l;
      }
    }
    for (std::sregex_iterator it(l.begin(), l.end(), peer_re), end; it != end; ++it) peers.insert((*it)[1]);
    EXPECT_EQ(l.find("192.0.2."), std::string::npos) << "lab address left: " << l;
  }
  EXPECT_EQ(n, g.result.lines);
  EXPECT_EQ(g.log.size(), g.result.bytes);
  EXPECT_GE(g.result.bytes, 400'000u);
  EXPECT_GT(threads.size(), 10u);
  // Every attempt has its own peer address (the truth's key) and shows it.
  auto truth = lines_of(g.truth);
  std::set<std::string> truth_peers;
  for (const auto& t : truth) {
    std::istringstream in(t);
    std::string nr, remote;
    std::getline(in, nr, '\t');
    std::getline(in, remote, '\t');
    truth_peers.insert(remote);
  }
  EXPECT_EQ(truth_peers.size(), g.result.attempts);
  EXPECT_EQ(peers, truth_peers);
  EXPECT_GT(connections.size(), g.result.attempts / 2);  // responders that fail early never name one
}

TEST(Generator, PlutoSyslogStatesBelongToOneConnection) {
  auto g = run(Dialect::pluto, 200'000, 3);
  ASSERT_GT(g.result.attempts, 20u);
  static const std::regex line_re(R"(^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} gw1 pluto\[[0-9]+\]: (.*)$)");
  static const std::regex state_re(R"re(^"([^"]+)"(?:\[[0-9]+\])?(?: [0-9.]+)? #([0-9]+): )re");
  std::map<std::string, std::string> state_owner;
  for (const auto& l : lines_of(g.log)) {
    std::smatch m, s;
    ASSERT_TRUE(std::regex_match(l, m, line_re)) << l;
    std::string msg = m[1];
    if (std::regex_search(msg, s, state_re)) {
      auto [it, fresh] = state_owner.emplace(s[2], s[1]);
      if (!fresh) {
        EXPECT_EQ(it->second, s[1].str()) << "state #" << s[2] << " shared: " << l;
      }
    }
    EXPECT_EQ(msg.find("192.0.2."), std::string::npos) << "lab address left: " << l;
  }
  EXPECT_GT(state_owner.size(), g.result.attempts);
}

TEST(Generator, SameSeedSameLogOtherSeedOtherLog) {
  auto a = run(Dialect::charon, 100'000, 11), b = run(Dialect::charon, 100'000, 11), c = run(Dialect::charon, 100'000, 12);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.truth, b.truth);
  EXPECT_NE(a.log, c.log);
}

TEST(RulePatterns, Re2SyntaxBecomesEre) {
  EXPECT_EQ(re2_to_ere(R"(from (?P<remote>[0-9.]+?):[0-9]+)"), R"(from ([0-9.]+):[0-9]+)");
  EXPECT_EQ(re2_to_ere(R"((?:Main|Aggressive) Mode)"), R"((Main|Aggressive) Mode)");
  EXPECT_EQ(re2_to_ere(R"(a\?b [?(]x)"), R"(a\?b [?(]x)");
  EXPECT_EQ(re2_to_ere(R"(x{2,3}?y)"), R"(x{2,3}y)");
}

class TruthCheck : public ::testing::Test {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("ikl-truth-" + std::to_string(::getpid()));
  void SetUp() override {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "t.tsv") << "# n\tremote\tconnection\trole\tike\ttruth\ttemplate\tgap\n"
                                 << "1\t100.64.0.1\tsite1\tresponder\t2\tpsk_mismatch\ta.log\t-\n"
                                 << "2\t100.64.0.2\tbranch2\tinitiator\t1\t[wrong_id_initiator]\tb.log\txfail\n"
                                 << "# attempts 2\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  TruthReport check(const std::string& json) {
    std::ofstream(dir / "d.json") << json;
    return check_truth((dir / "t.tsv").string(), (dir / "d.json").string());
  }
};

TEST_F(TruthCheck, AllRightWithExactFaultOrListedCandidate) {
  auto r = check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"100.64.0.1","evidence":[{"file":"x","line":1,"text":"t"}]},
    {"fault":"psk_mismatch","candidates":["wrong_id_initiator"],"remote":"100.64.0.2"}]})");
  EXPECT_TRUE(r.all_right());
  EXPECT_EQ(r.exact, 1u);
  EXPECT_EQ(r.via_candidates, 1u);
}

TEST_F(TruthCheck, ScalarTruthIsExactListTruthNeedsEveryIdAmongFaultAndCandidates) {
  // psk_mismatch (scalar): a candidate is not enough.
  auto r = check(R"({"diagnoses":[{"fault":"wrong_id_initiator","candidates":["psk_mismatch"],"remote":"100.64.0.1"},
    {"fault":"wrong_id_initiator","remote":"100.64.0.2"}]})");
  EXPECT_FALSE(r.all_right());
  EXPECT_EQ(r.right(), 1u);
  EXPECT_EQ(r.by_template["a.log"].wrong.size(), 1u);
  EXPECT_EQ(r.wrong_known_gap, 0u);
  EXPECT_TRUE(meets_truth("[a, b]", "a", {"b"}));
  EXPECT_TRUE(meets_truth("[a, b]", "c", {"b", "a"}));
  EXPECT_FALSE(meets_truth("[a, b]", "a", {"c"}));
  EXPECT_FALSE(meets_truth("a", "b", {"a"}));
  EXPECT_TRUE(meets_truth("none", "none", {}));
}

TEST_F(TruthCheck, WrongInAKnownGapIsCountedApart) {
  auto r = check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"100.64.0.1"},{"fault":"none","remote":"100.64.0.2"}]})");
  EXPECT_FALSE(r.all_right());
  EXPECT_EQ(r.wrong_known_gap, 1u);
  EXPECT_TRUE(r.by_template["b.log"].known_gap);
  EXPECT_EQ(r.by_template["b.log"].wrong["none"], 1u);
}

TEST_F(TruthCheck, AttemptWithoutRemoteIsFoundByConnection) {
  auto r = check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"","connection":"site1"},
    {"fault":"wrong_id_initiator","connection":"branch2"}]})");
  EXPECT_TRUE(r.all_right());
  EXPECT_FALSE(check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"","connection":"other"},
    {"fault":"wrong_id_initiator","connection":"branch2"}]})").all_right());
}

TEST_F(TruthCheck, WrongMissingExtraAndDuplicateAreCaught) {
  EXPECT_FALSE(check(R"({"diagnoses":[{"fault":"none","remote":"100.64.0.1"},{"fault":"wrong_id_initiator","remote":"100.64.0.2"}]})").all_right());
  auto missing = check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"100.64.0.1"}]})");
  EXPECT_FALSE(missing.all_right());
  EXPECT_EQ(missing.found, 1u);
  auto extra = check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"100.64.0.1"},{"fault":"wrong_id_initiator","remote":"100.64.0.2"},{"fault":"none","remote":"9.9.9.9"}]})");
  EXPECT_FALSE(extra.all_right());
  EXPECT_EQ(extra.unmatched, 1u);
  auto dup = check(R"({"diagnoses":[{"fault":"psk_mismatch","remote":"100.64.0.1"},{"fault":"psk_mismatch","remote":"100.64.0.1"},{"fault":"wrong_id_initiator","remote":"100.64.0.2"}]})");
  EXPECT_FALSE(dup.all_right());
  EXPECT_EQ(dup.duplicates, 1u);
}

TEST_F(TruthCheck, BadJsonIsAnErrorNamingTheFile) {
  try {
    check("{not json");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("d.json"), std::string::npos);
  }
}

}  // namespace

namespace {

// A busy gateway built by the generator from real captured logs only, more
// than one 4 MiB read long, at `rate` new attempts per second; every attempt
// must be diagnosed once and as expected/ says.
TruthReport busy_gateway(Dialect dialect, const std::vector<std::string>& logs, double rate) {
  auto dir = std::filesystem::temp_directory_path() / ("ikl-busy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream m(dir / "m.yaml");
    m << (dialect == Dialect::charon ? "charon:\n" : "pluto:\n");
    for (const auto& l : logs) m << "  - {log: " << kBenchDir << "/templates/" << l << "}\n";
  }
  auto templates = load_manifest((dir / "m.yaml").string(), dialect, IKELAB_EXPECTED_DIR);
  auto header = load_header(templates.front().path, dialect);
  GeneratorOptions o;
  o.dialect = dialect;
  o.target_bytes = 9'000'000;
  o.attempts_per_second = rate;
  std::FILE* log = std::fopen((dir / "gw.log").c_str(), "w");
  std::FILE* truth = std::fopen((dir / "gw.truth").c_str(), "w");
  generate(templates, header, o, log, truth);
  std::fclose(log);
  std::fclose(truth);
  auto diagnoses = ikelab::diag::diagnose_files({dir / "gw.log"});
  std::ofstream(dir / "gw.json") << ikelab::diag::dump_json(ikelab::diag::to_json(diagnoses));
  auto report = check_truth((dir / "gw.truth").string(), (dir / "gw.json").string());
  std::filesystem::remove_all(dir);
  return report;
}

std::string wrong_templates(const TruthReport& r) {
  std::string out;
  for (const auto& [name, t] : r.by_template)
    if (t.right != t.total || t.duplicates) {
      out += fmt::format("{}: {} of {} right, {} again;", name, t.right, t.total, t.duplicates);
      for (const auto& [got, n] : t.wrong) out += fmt::format(" {}x {}", n, got);
      out += "\n";
    }
  return out;
}

}  // namespace

// Interleaving bug (fixed in diagnoser/src/tracking/tracker.cpp): an attempt settled once
// 5000 lines of other attempts had passed. At 500 new attempts a second that
// is half a second of log time, so an established IKE_SA was closed before its
// DPD requests, its DPD timeout or the peer's DELETE a few seconds later; those
// lines became a second attempt (dpd_timeout diagnosed none, and a stray
// "none" per deleted SA). With timestamps, attempts now settle by log time.
TEST(BusyGateway, LateLinesOfAnEstablishedCharonSaStayWithTheirAttempt) {
  auto r = busy_gateway(Dialect::charon,
                        {"charon/dpd_timeout/ike1-initiator.log", "charon/dpd_timeout/ike2-initiator.log",
                         "charon/baseline_pubkey/ike1-responder.log", "charon/baseline_eap/ike2-responder.log",
                         "charon/psk_mismatch/ike1-responder.log", "charon/ts_mismatch/ike1-initiator.log"},
                        500);
  ASSERT_GT(r.attempts, 1000u);
  EXPECT_TRUE(r.all_right()) << wrong_templates(r);
  EXPECT_EQ(r.duplicates, 0u);
}

// Same bug, pluto: the responder's retransmitted Main Mode messages (real
// retransmissions a second apart) were split into two attempts.
TEST(BusyGateway, RetransmissionsOfAPlutoAttemptStayOneAttempt) {
  auto r = busy_gateway(Dialect::pluto,
                        {"../../tests/data/logs/pluto/pluto_guide_auth_method/ike1/responder/pluto.log",
                         "../../tests/data/logs/pluto/pluto_resp_wrong_remote_gateway/ike1/responder/pluto.log",
                         "../../tests/data/logs/pluto/pluto_baseline_psk/ike1/responder/pluto.log",
                         "../../tests/data/logs/pluto/pluto_init_baseline_psk/ike2/initiator/pluto.log"},
                        500);
  ASSERT_GT(r.attempts, 1000u);
  EXPECT_TRUE(r.all_right()) << wrong_templates(r);
  EXPECT_EQ(r.duplicates, 0u);
}

// Interleaving bug (fixed in diagnoser/src/formats/line_format.cpp): pluto writes the
// kernel's refusal as `ERROR: "conn" #2: netlink response for Add SA ...`;
// the state after `ERROR: ` was not read, so the line went to the latest
// attempt: on a busy gateway another peer's (diagnosed kernel_sa_install_failed)
// while the true attempt lost it.
TEST(BusyGateway, PlutoErrorLinesBelongToTheirState) {
  auto r = busy_gateway(Dialect::pluto,
                        {"../../tests/data/logs/pluto/pluto_init_kernel_sa_install_failed/ike1/initiator/pluto.log",
                         "../../tests/data/logs/pluto/pluto_init_kernel_sa_install_failed/ike2/initiator/pluto.log",
                         "../../tests/data/logs/pluto/pluto_baseline_psk/ike1/responder/pluto.log",
                         "../../tests/data/logs/pluto/pluto_init_baseline_psk/ike2/initiator/pluto.log",
                         "../../tests/data/logs/pluto/pluto_resp_psk_mismatch/ike2/responder/pluto.log"},
                        50);
  ASSERT_GT(r.attempts, 1000u);
  EXPECT_TRUE(r.all_right()) << wrong_templates(r);
}
