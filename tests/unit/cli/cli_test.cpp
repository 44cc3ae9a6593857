#include <gtest/gtest.h>

#include <cstdio>
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

}  // namespace
