#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

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

}  // namespace
