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

}  // namespace
