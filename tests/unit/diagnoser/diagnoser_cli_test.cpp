// `ikelab diagnose`: exit codes, the --json contract of docs/json.md, plain text
// when piped, standard input, two logs, --follow.
#include "test_support.hpp"

#include <chrono>
#include <cstdio>
#include <sys/wait.h>
#include <thread>

namespace ikelab::diag::test {
namespace {

struct CliRun {
  int exit_code;
  std::string out;
};

CliRun run_cli(const std::string& args) {
  std::string command = std::string(IKELAB_BINARY) + " diagnose " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

std::string seed(const char* name) { return (kData / "seeds" / name).string(); }

TEST(DiagnoseCli, ExitCodes) {
  EXPECT_EQ(run_cli(seed("000-09-phase2-ok.both.log")).exit_code, 0);
  EXPECT_EQ(run_cli(seed("000-06-wrong-psk.responder.log")).exit_code, 1);
  EXPECT_EQ(run_cli("/nonexistent/log").exit_code, 2);
  EXPECT_EQ(run_cli("").exit_code, 2);
  EXPECT_EQ(run_cli("a b c").exit_code, 2);
  EXPECT_EQ(run_cli("--rules /nonexistent " + seed("000-06-wrong-psk.responder.log")).exit_code, 2);
}

TEST(DiagnoseCli, JsonFollowsTheContract) {
  CliRun r = run_cli("--json " + seed("000-02-proposal-mismatch.responder.log"));
  ASSERT_EQ(r.exit_code, 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("diagnoses"));
  EXPECT_EQ(j["schema_version"], 1);  // docs/diagnose.schema.json
  ASSERT_EQ(j["diagnoses"].size(), 1u);
  const auto& d = j["diagnoses"][0];
  EXPECT_EQ(d["fault"], "ike_proposal_mismatch");
  EXPECT_EQ(d["phase"], 1);
  EXPECT_EQ(d["role"], "responder");
  EXPECT_TRUE(d["connection"].is_string());
  EXPECT_TRUE(d["local"].is_string());
  EXPECT_TRUE(d["remote"].is_string());
  EXPECT_TRUE(d["ike_version"].is_number_integer());
  EXPECT_TRUE(d["confidence"] == "high" || d["confidence"] == "medium" || d["confidence"] == "low");
  EXPECT_TRUE(d["summary"].is_string());
  EXPECT_TRUE(d["fix"].is_string());
  ASSERT_TRUE(d["evidence"].is_array());
  ASSERT_FALSE(d["evidence"].empty());
  for (const auto& e : d["evidence"]) {
    EXPECT_EQ(e["file"], seed("000-02-proposal-mismatch.responder.log"));
    EXPECT_TRUE(e["line"].is_number_integer());
    EXPECT_TRUE(e["text"].is_string());
  }
  // The quoted evidence line is the file's line.
  auto lines = read_file(seed("000-02-proposal-mismatch.responder.log"));
  std::vector<std::string> all;
  std::stringstream ss(lines);
  for (std::string l; std::getline(ss, l);) all.push_back(l);
  for (const auto& e : d["evidence"]) {
    const std::string text = e["text"];
    EXPECT_EQ(all.at(static_cast<size_t>(e["line"]) - 1).rfind(text, 0), 0u) << text;  // long lines are cut
  }
  // Where the logs cannot decide, candidates list the others.
  auto g = nlohmann::json::parse(run_cli("--json " + seed("000-03-wrong-remote-gateway.responder.log")).out);
  EXPECT_EQ(g["diagnoses"][0]["candidates"], nlohmann::json::array({"ike_version_mismatch"}));
}

TEST(DiagnoseCli, TextIsPlainWhenPipedAndReadsStdin) {
  CliRun r = run_cli("- < " + seed("000-06-wrong-psk.responder.log"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("psk_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fix:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-:"), std::string::npos) << r.out;  // evidence names stdin as "-"
  EXPECT_EQ(r.out.find('\033'), std::string::npos) << "colour codes in piped output";
}

TEST(DiagnoseCli, TwoLogsGiveOneDiagnosisWithBothSides) {
  CliRun r = run_cli("--json " + seed("000-06-wrong-psk.initiator.log") + " " + seed("000-06-wrong-psk.responder.log"));
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["diagnoses"].size(), 1u) << r.out;
  EXPECT_EQ(j["diagnoses"][0]["fault"], "psk_mismatch");
  EXPECT_EQ(j["diagnoses"][0]["role"], "initiator");
  std::set<std::string> files;
  for (const auto& e : j["diagnoses"][0]["evidence"]) files.insert(e["file"]);
  EXPECT_EQ(files.size(), 2u);
}

TEST(DiagnoseCli, FollowPrintsEachAttemptWhenItSettles) {
  TempDir dir;
  auto log = dir.write("growing.log", "");
  std::string command = std::string(IKELAB_BINARY) + " diagnose --json --settle 0.3 --stop-after 3 --follow " +
                        log.string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::ofstream out(log, std::ios::app);
    out << read_file(kData / "seeds/000-06-wrong-psk.responder.log");
  }
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  auto first_line = output.substr(0, output.find('\n'));
  auto j = nlohmann::json::parse(first_line);
  EXPECT_EQ(j["diagnoses"][0]["fault"], "psk_mismatch");
}

}  // namespace
}  // namespace ikelab::diag::test
