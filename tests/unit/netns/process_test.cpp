// How the lab starts programs: what a command's end is called, and output
// files that are created new and private.

#include "netns/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ikelab;

namespace {

// A command killed by a signal is said as one, never as "status 9".
TEST(ProcessEnd, ASignalIsNamedNotTakenForAnExitStatus) {
  auto killed = netns::run_command({"/bin/sh", "-c", "kill -KILL $$"});
  EXPECT_EQ(netns::describe_wait_status(killed.wait_status), "killed by signal 9 (SIGKILL)");
  auto terminated = netns::run_command({"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(netns::describe_wait_status(terminated.wait_status), "killed by signal 15 (SIGTERM)");
  auto exited = netns::run_command({"/bin/sh", "-c", "exit 9"});
  EXPECT_EQ(netns::describe_wait_status(exited.wait_status), "exited with status 9");
  EXPECT_EQ(exited.exit_code, 9);
}

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("ikelab-process-test-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// pki's keys go to stdout_file: created 0600 and new; stderr stays apart.
TEST(ProcessOutput, StdoutFileIsNewPrivateAndApartFromStderr) {
  Scratch scratch;
  netns::CommandOptions options;
  options.stdout_file = scratch.dir / "key.pem";
  auto r = netns::run_command({"/bin/sh", "-c", "echo KEY; echo problem >&2"}, options);
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(r.output, "problem\n");
  std::ifstream in(options.stdout_file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "KEY\n");
  struct stat st {};
  ASSERT_EQ(::lstat(options.stdout_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // An existing file or a symlink in its place is never written through.
  fs::create_symlink(scratch.dir / "elsewhere", scratch.dir / "link.pem");
  options.stdout_file = scratch.dir / "link.pem";
  auto refused = netns::run_command({"/bin/sh", "-c", "echo KEY"}, options);
  EXPECT_FALSE(refused.ok());
  EXPECT_FALSE(fs::exists(scratch.dir / "elsewhere"));
}

}  // namespace
