#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Result {
  int exit_code;
  std::string output;
};

Result run(const std::string& args) {
  std::string command = std::string(IKELAB_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST(Cli, VersionPrintsProgramNameAndExitsZero) {
  Result r = run("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("ikelab "), std::string::npos);
}

TEST(Cli, UnknownSubcommandIsAUsageError) {
  Result r = run("no-such-command");
  EXPECT_EQ(r.exit_code, 2);
}

// A value the chosen daemon cannot take is refused when the scenario is read
// (file:line), not later when a case is rendered.
TEST(Cli, ListRefusesALibreswanIdWithAQuoteNamingFileAndLine) {
  const std::string file = std::string(IKELAB_TEST_DATA_DIR) + "/list_libreswan_quote/libreswan_id_quote.yaml";
  Result r = run(std::string("list --scenarios ") + IKELAB_TEST_DATA_DIR + "/list_libreswan_quote");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(file + ":7:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot be written for libreswan"), std::string::npos) << r.output;
}

TEST(Cli, AMistypedCommandGetsASuggestion) {
  Result r = run("diagnos x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command 'diagnos' (did you mean diagnose?)"), std::string::npos) << r.output;
  Result far = run("frobnicate");
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.output.find("unknown command 'frobnicate'"), std::string::npos) << far.output;
  EXPECT_EQ(far.output.find("did you mean"), std::string::npos) << far.output;
}

// An empty scenario folder is named, for list and run alike (run checks it before it needs root).
TEST(Cli, AnEmptyScenarioFolderIsAClearError) {
  char dir[] = "/tmp/ikelab-cli-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  for (const char* command : {"list", "run"}) {
    Result r = run(std::string(command) + " --scenarios " + dir);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.output.find(std::string(dir) + ": no scenario in this folder"), std::string::npos) << r.output;
  }
  ::rmdir(dir);
}

TEST(Cli, RunSuggestsScenarioNamesAndTakesGlobs) {
  Result typo = run("run baseline_pks");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("no scenario named 'baseline_pks' (did you mean baseline_psk"), std::string::npos)
      << typo.output;
  Result glob = run("run 'zzz_*'");
  EXPECT_EQ(glob.exit_code, 2);
  EXPECT_NE(glob.output.find("no scenario matches 'zzz_*'"), std::string::npos) << glob.output;
  Result filter = run("run 'baseline_*' --filter 'no_such'");
  EXPECT_EQ(filter.exit_code, 2);
  EXPECT_NE(filter.output.find("--filter 'no_such' matches no chosen scenario"), std::string::npos) << filter.output;
}

TEST(Cli, RunRefusesBadColourAndQuietWithVerbose) {
  EXPECT_EQ(run("run baseline_psk --color sometimes").exit_code, 2);
  Result both = run("run baseline_psk -q -v");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.output.find("excludes"), std::string::npos) << both.output;
}

// A name that holds a terminal escape (ESC [ 2 J clears the screen): shown as
// "\x1b[2J", never sent raw. The log is a real lab capture, unchanged; only
// the name of the file the test copies it to holds the escape (connection
// names in scenarios are validated, so a lab log cannot carry one).
const std::string escape = "\x1b[2J";
const std::string shown_escape = "\\x1b[2J";

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("ikelab-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Cli, DiagnoseShowsATerminalEscapeFromItsInputVisibly) {
  const auto dir = scratch_dir();
  const auto log = dir / ("resp" + escape + "onder.log");
  std::filesystem::copy_file(std::string(IKELAB_SOURCE_DIR) + "/tests/data/logs/psk_mismatch/ike2/responder.log", log,
                             std::filesystem::copy_options::overwrite_existing);
  Result text = run("diagnose '" + log.string() + "'");
  EXPECT_EQ(text.exit_code, 1) << text.output;  // a failure is diagnosed
  EXPECT_EQ(text.output.find('\x1b'), std::string::npos) << "a raw escape reached the terminal";
  EXPECT_NE(text.output.find(shown_escape), std::string::npos) << text.output;
  // JSON stays JSON: the writer escapes the control itself, and the name reads back whole.
  Result json = run("diagnose --json '" + log.string() + "'");
  EXPECT_EQ(json.output.find('\x1b'), std::string::npos);
  auto parsed = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json.output;
  EXPECT_NE(json.output.find("\\u001b[2J"), std::string::npos) << json.output;
  std::filesystem::remove_all(dir);
}

TEST(Cli, ListShowsATerminalEscapeInAScenarioFileNameVisibly) {
  const auto dir = scratch_dir() / "scenarios";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::string(IKELAB_TEST_DATA_DIR) + "/scenarios/valid_everything.yaml",
                             dir / ("bad" + escape + ".yaml"), std::filesystem::copy_options::overwrite_existing);
  Result r = run("list --scenarios '" + dir.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << "a raw escape reached the terminal";
  EXPECT_NE(r.output.find("bad" + shown_escape), std::string::npos) << r.output;
  std::filesystem::remove_all(dir.parent_path());
}

}  // namespace
