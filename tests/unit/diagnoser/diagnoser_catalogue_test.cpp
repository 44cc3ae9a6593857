// The rule catalogue is data: it loads, covers the fault catalogue of
// docs/faults.md, and bad rule files are errors naming file and line.
#include "test_support.hpp"

#include "diagnoser/src/tracking/verdict.hpp"

namespace ikelab::diag::test {
namespace {

TEST(Catalogue, HasRulesForEveryFaultOfTheDesign) {
  auto ids = fault_ids(catalogue());
  for (const char* id :
       {"none", "psk_mismatch", "wrong_id_initiator", "wrong_id_responder", "wrong_rsa_key_initiator",
        "wrong_rsa_key_responder", "untrusted_ca", "certificate_expired", "ike_proposal_mismatch",
        "wrong_remote_gateway", "auth_method_mismatch", "ike_version_mismatch", "aggressive_mode_mismatch",
        "peer_unreachable", "esp_proposal_mismatch", "ts_mismatch", "pfs_mismatch", "psk_not_found",
        "local_credential_missing", "signature_hash_mismatch", "user_auth_failed", "virtual_ip_missing",
        "kernel_sa_install_failed", "nat_blocked", "dpd_timeout", "rekey_failed", "daemon_start_failed"})
    EXPECT_TRUE(std::count(ids.begin(), ids.end(), id)) << id;
}

std::string load_error(const std::string& file_text, const std::string& name = "bad.yaml") {
  TempDir dir;
  dir.write(name, file_text);
  try {
    load_catalogue(dir.path);
  } catch (const RuleError& e) {
    return e.what();
  }
  return "";
}

TEST(Catalogue, BadRuleFilesNameFileAndLine) {
  auto e1 = load_error("fault: x\nfix: y\npatterns:\n  a: 'unclosed ('\nrules:\n  - id: r\n    require: [a]\n    summary: s\n");
  EXPECT_NE(e1.find("bad.yaml:4"), std::string::npos) << e1;
  auto e2 = load_error("fault: x\nfix: y\nrules:\n  - id: r\n    require: [nope]\n    summary: s\n");
  EXPECT_NE(e2.find("bad.yaml:5"), std::string::npos) << e2;
  EXPECT_NE(e2.find("nope"), std::string::npos) << e2;
  auto e3 = load_error("fault: x\nfix: y\npatterns:\n  a: 'abc'\nrules:\n  - id: r\n    require: [a]\n    sumary: s\n");
  EXPECT_NE(e3.find("bad.yaml:8"), std::string::npos) << e3;
  EXPECT_NE(e3.find("sumary"), std::string::npos) << e3;
  auto e4 = load_error("fault: [x\n");
  EXPECT_NE(e4.find("bad.yaml:"), std::string::npos) << e4;
  auto e5 = load_error("fault: x\nfix: y\npatterns:\n  a: 'x*'\nrules:\n  - id: r\n    require: [a]\n    summary: s\n");
  EXPECT_NE(e5.find("empty"), std::string::npos) << e5;
  auto e6 = load_error("fault: x\nfix: y\npatterns:\n  a: 'abc'\nrules:\n  - id: r\n    role: boss\n    require: [a]\n    summary: s\n");
  EXPECT_NE(e6.find("bad.yaml:7"), std::string::npos) << e6;
  EXPECT_THROW(load_catalogue("/nonexistent/rules"), RuleError);
  // A repeated key (yaml-cpp keeps both entries silently) is refused by the one YAML reader.
  auto e9 = load_error("fault: x\nfix: y\nfix: z\n");
  EXPECT_NE(e9.find("/bad.yaml:3: duplicate key 'fix'"), std::string::npos) << e9;
  // A synthetic pattern (added by the tracker, never matched) takes no regex.
  auto e7 = load_error("fault: x\nfix: y\npatterns:\n  s:\n    synthetic: true\n    regex: 'abc'\nrules:\n  - id: r\n    require: [s]\n    summary: s\n");
  EXPECT_NE(e7.find("bad.yaml:5"), std::string::npos) << e7;
  auto e8 = load_error("fault: x\nfix: y\npatterns:\n  s:\n    synthetic: yes please\nrules:\n  - id: r\n    require: [s]\n    summary: s\n");
  EXPECT_NE(e8.find("bad.yaml:5"), std::string::npos) << e8;
  EXPECT_EQ(load_error("fault: x\nfix: y\npatterns:\n  s:\n    synthetic: true\n  a: 'abc'\nrules:\n  - id: r\n    require: [a, s]\n    summary: s\n"), "");
}

TEST(Catalogue, ASupportEngineersNewRuleWorksWithoutCode) {
  TempDir dir;
  dir.write("my_fault.yaml",
            "fault: my_fault\nphase: 1\nfix: do the thing\npatterns:\n"
            "  first:\n    regex: 'frobnication of (?P<what>\\w+) started'\n    event: start\n"
            "  second:\n    regex: 'frobnication failed'\n    event: [failure, terminal]\n"
            "rules:\n  - id: both\n    require: [first, second]\n    summary: \"{what} did not frobnicate\"\n");
  auto cat = load_catalogue(dir.path);
  auto result = diagnose_text("05[IKE] frobnication of widgets started\n05[IKE] frobnication failed\n", "t", *cat);
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].fault, "my_fault");
  EXPECT_EQ(result[0].summary, "widgets did not frobnicate");
  EXPECT_EQ(result[0].fix, "do the thing");
  EXPECT_EQ(result[0].evidence.size(), 2u);
  // In order only: the reverse order does not match the rule.
  auto reversed = diagnose_text("05[IKE] frobnication failed\n05[IKE] frobnication of widgets started\n", "t", *cat);
  for (const auto& d : reversed) EXPECT_NE(d.fault, "my_fault");
}

// Candidates are ordered by how often each is the cause in the corpus
// (_candidates.yaml), and the summary names the line that decides each.
TEST(Catalogue, CandidatesAreRankedByCorpusFrequencyAndTheSummarySaysWhatDecides) {
  TempDir dir;
  const std::string fault_file = [](const std::string& id) {
    return "fault: " + id + "\nfix: f\npatterns:\n  " + id + "_line:\n    regex: '" + id +
           " happened'\n    event: [failure, terminal]\nrules:\n  - id: r\n    require: [" + id +
           "_line]\n    confidence: medium\n    candidates: [rare, common]\n    summary: s\n";
  }("likely");
  dir.write("likely.yaml", fault_file);
  dir.write("rare.yaml", "fault: rare\nfix: f\n");
  dir.write("common.yaml", "fault: common\nfix: f\n");
  dir.write("_candidates.yaml",
            "frequency:\n  common: 7\n  rare: 1\npeer_line:\n  common: \"the peer says C\"\n"
            "  likely: \"the peer says L\"\n");
  auto cat = load_catalogue(dir.path);
  auto result = diagnose_text("05[IKE] likely happened\n", "t", *cat);
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].fault, "likely");  // the rule's choice stays first
  EXPECT_EQ(result[0].candidates, (std::vector<std::string>{"common", "rare"}));
  EXPECT_EQ(result[0].summary, "s; what decides: likely: the peer says L; common: the peer says C");
  // Without candidates the summary is the rule's own.
  dir.write("likely.yaml", "fault: likely\nfix: f\npatterns:\n  l:\n    regex: 'likely happened'\n"
                           "    event: [failure, terminal]\nrules:\n  - id: r\n    require: [l]\n    summary: s\n");
  EXPECT_EQ(diagnose_text("05[IKE] likely happened\n", "t", *load_catalogue(dir.path))[0].summary, "s");
}

TEST(Catalogue, BadCandidateDataIsAnError) {
  EXPECT_NE(load_error("frequency:\n  psk_mismatch: many\n", "_candidates.yaml").find("must be a count"),
            std::string::npos);
  EXPECT_NE(load_error("fault: x\nfix: y\nfrequency:\n  x: 1\n").find("belong in a file without 'fault'"),
            std::string::npos);
  TempDir dir;
  dir.write("x.yaml", "fault: x\nfix: y\npatterns:\n  a: 'abc'\nrules:\n  - id: r\n    require: [a]\n    summary: s\n");
  dir.write("_candidates.yaml", "peer_line:\n  nosuch: \"text\"\n");
  try {
    load_catalogue(dir.path);
    ADD_FAILURE() << "a peer_line for an unknown fault loaded";
  } catch (const RuleError& e) {
    EXPECT_NE(std::string(e.what()).find("'nosuch'"), std::string::npos) << e.what();
  }
}

TEST(Catalogue, AbsentLineVetoesARule) {
  TempDir dir;
  dir.write("f.yaml",
            "fault: f\nfix: x\npatterns:\n  a: 'alpha'\n  b: 'beta'\n"
            "rules:\n  - id: r\n    require: [a]\n    absent: [b]\n    summary: s\n");
  auto cat = load_catalogue(dir.path);
  EXPECT_EQ(diagnose_text("alpha\n", "t", *cat).at(0).fault, "f");
  EXPECT_EQ(diagnose_text("alpha\nbeta\n", "t", *cat).at(0).fault, "none");
}

TEST(Catalogue, TemplatesFillCapturesAndDefaults) {
  EXPECT_EQ(render_template("id '{id}' at {addr|unknown}", {{"id", "blubb"}}), "id 'blubb' at unknown");
  EXPECT_EQ(render_template("no braces", {}), "no braces");
  EXPECT_EQ(render_template("open {brace", {}), "open {brace");
}

TEST(Catalogue, KnownNoiseDoesNotChangeTheVerdict) {
  const std::string psk = read_file(kData / "seeds/000-06-wrong-psk.responder.log");
  auto plain = diagnose_text(psk, "t", catalogue());
  // Noise in the daemons' wording (LAB-NOTES, libreswan source); written for
  // this test, not captured output.
  std::string noisy = "14[IKE] remote host is behind NAT\n14[IKE] faking NAT situation to enforce UDP encapsulation\n" + psk +
                      "netlink_expire got message with length 60 < 232 bytes; ignore message\n";
  auto with_noise = diagnose_text(noisy, "t", catalogue());
  ASSERT_EQ(with_noise.size(), plain.size());
  for (size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(with_noise[i].fault, plain[i].fault);
}

// The same on real logs: every captured log that holds noise the daemons wrote
// (pluto's netlink_expire complaint, kernel-libipsec's faked NAT) gives the
// same faults with those lines taken out.
TEST(Catalogue, RealNoiseLinesDoNotChangeTheVerdict) {
  static const char* const noise[] = {"netlink_expire got message with length",
                                      "faking NAT situation to enforce UDP encapsulation"};
  auto is_noise = [](const std::string& line) {
    return std::any_of(std::begin(noise), std::end(noise),
                       [&](const char* n) { return line.find(n) != std::string::npos; });
  };
  auto faults = [](const std::vector<Diagnosis>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.fault + " " + to_string(d.role));
    return out;
  };
  int with_noise = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kData / "logs")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
    const std::string text = read_file(entry.path());
    std::string quiet;
    bool noisy = false;
    for (const auto& line : lines_of(text)) {
      if (is_noise(line)) noisy = true;
      else quiet += line + "\n";
    }
    if (!noisy) continue;
    ++with_noise;
    EXPECT_EQ(faults(diagnose_text(quiet, "log", catalogue())), faults(diagnose_text(text, "log", catalogue())))
        << entry.path();
  }
  EXPECT_GT(with_noise, 50);
}

}  // namespace
}  // namespace ikelab::diag::test
