// Whatever happens to `ikelab run` (kill -9, Ctrl-C, a second run at the same
// time), no namespace, link, daemon or file of it stays behind.

#include "lab/daemons/charon/charon_daemon.hpp"
#include "netns/lab_state.hpp"
#include "netns/leftovers.hpp"
#include "netns/process.hpp"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sys/wait.h>
#include <thread>

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace ikelab;
using namespace std::chrono_literals;

namespace {

std::optional<netns::RunLeftovers> run_of(pid_t owner) {
  for (auto& run : netns::find_runs())
    if (run.owner == owner) return run;
  return std::nullopt;
}

// `ikelab run` over the whole matrix: long enough to be caught mid-case.
bp::child start_matrix(bp::ipstream& out) {
  return bp::child(bp::exe = IKELAB_BINARY, bp::args = {"run", "-j", "2"}, bp::std_out > out, bp::std_err > bp::null);
}

// Waits until the run has daemons up in its namespaces.
std::vector<pid_t> wait_for_daemons(pid_t owner) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto run = run_of(owner); run && run.value().processes.size() >= 2) return run->processes;
    std::this_thread::sleep_for(5ms);
  }
  return {};
}

bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  // A zombie or a reused pid is not our daemon any more.
  std::error_code ec;
  return fs::read_symlink(fmt::format("/proc/{}/exe", pid), ec).string() != harness::charon_binary;
}

bool all_gone(const std::vector<pid_t>& pids) {
  for (int i = 0; i < 500; ++i) {
    if (std::all_of(pids.begin(), pids.end(), process_gone)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

void expect_nothing_left(pid_t owner) {
  auto run = run_of(owner);
  EXPECT_FALSE(run.has_value()) << "namespaces " << (run ? run->namespaces.size() : 0) << ", processes "
                                << (run ? run->processes.size() : 0) << ", state dir "
                                << (run && run->has_state_dir);
  EXPECT_FALSE(fs::exists(netns::state_root() / std::to_string(owner)));
}

TEST(LifecycleLab, KillNineThenCleanupLeavesNothing) {
  bp::ipstream out;
  bp::child driver = start_matrix(out);
  pid_t owner = driver.id();
  auto daemons = wait_for_daemons(owner);
  ASSERT_FALSE(daemons.empty()) << "ikelab run never had daemons up";
  ::kill(owner, SIGKILL);
  driver.wait();
  // Daemons die with their orchestrator (PR_SET_PDEATHSIG)...
  EXPECT_TRUE(all_gone(daemons));
  // ... but its namespaces and files stay until cleanup.
  auto cleanup = netns::run_command({IKELAB_BINARY, "cleanup"});
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.output;
  EXPECT_NE(cleanup.output.find(fmt::format("removed: run {}", owner)), std::string::npos) << cleanup.output;
  expect_nothing_left(owner);
}

TEST(LifecycleLab, SigintLeavesNothingEvenWithoutCleanup) {
  bp::ipstream out;
  bp::child driver = start_matrix(out);
  pid_t owner = driver.id();
  auto daemons = wait_for_daemons(owner);
  ASSERT_FALSE(daemons.empty());
  ::kill(owner, SIGINT);
  ASSERT_TRUE(netns::wait_for_exit(driver, std::chrono::steady_clock::now() + 15s)) << "ikelab run did not stop";
  int status = 0;
  // Boost reaped it; its exit code carries the re-raised signal.
  status = driver.native_exit_code();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  EXPECT_TRUE(all_gone(daemons));
  expect_nothing_left(owner);
}

TEST(LifecycleLab, CleanupLeavesALiveRunAlone) {
  bp::ipstream out;
  bp::child driver = start_matrix(out);
  pid_t owner = driver.id();
  ASSERT_FALSE(wait_for_daemons(owner).empty());
  auto cleanup = netns::run_command({IKELAB_BINARY, "cleanup"});
  EXPECT_EQ(cleanup.output.find(fmt::format("removed: run {}", owner)), std::string::npos) << cleanup.output;
  auto run = run_of(owner);
  EXPECT_TRUE(run && run->owner_alive);
  ::kill(owner, SIGTERM);
  ASSERT_TRUE(netns::wait_for_exit(driver, std::chrono::steady_clock::now() + 15s));
  expect_nothing_left(owner);
}

TEST(LifecycleLab, TwoRunsAtTheSameTimeBothPass) {
  bp::ipstream out_a, out_b;
  const std::vector<std::string> args{"run", "baseline_psk", "baseline_cert", "baseline_pubkey", "psk_mismatch"};
  bp::child a(bp::exe = IKELAB_BINARY, bp::args = args, bp::std_out > out_a, bp::std_err > bp::null);
  bp::child b(bp::exe = IKELAB_BINARY, bp::args = args, bp::std_out > out_b, bp::std_err > bp::null);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  ASSERT_TRUE(netns::wait_for_exit(a, deadline));
  ASSERT_TRUE(netns::wait_for_exit(b, deadline));
  EXPECT_EQ(a.exit_code(), 0);
  EXPECT_EQ(b.exit_code(), 0);
  expect_nothing_left(a.id());
  expect_nothing_left(b.id());
}

}  // namespace
