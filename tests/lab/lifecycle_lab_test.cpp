// Whatever happens to `ikelab run` (kill -9, Ctrl-C, a second run at the same
// time), no namespace, link, daemon or file of it stays behind.

#include "lab/daemons/charon/charon_daemon.hpp"
#include "netns/lab_state.hpp"
#include "netns/leftovers.hpp"
#include "netns/process.hpp"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
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

// A state directory <root>/<pid>-<start> of this pid.
bool state_dir_left(pid_t owner) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(netns::state_root(), ec))
    if (entry.path().filename().string().starts_with(fmt::format("{}-", owner))) return true;
  return false;
}

void expect_nothing_left(pid_t owner) {
  auto run = run_of(owner);
  EXPECT_FALSE(run.has_value()) << "namespaces " << (run ? run->namespaces.size() : 0) << ", processes "
                                << (run ? run->processes.size() : 0) << ", state dir "
                                << (run && run->has_state_dir);
  EXPECT_FALSE(state_dir_left(owner));
}

// The temporary artefact folders (/tmp/ikelab-run-<pid>-<start>-XXXXXX) of a run.
std::vector<fs::path> artefact_dirs_of(pid_t owner) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec))
    if (entry.path().filename().string().starts_with(fmt::format("ikelab-run-{}-", owner))) dirs.push_back(entry.path());
  return dirs;
}

TEST(LifecycleLab, KillNineThenCleanupLeavesNothing) {
  bp::ipstream out;
  bp::child driver = start_matrix(out);
  pid_t owner = driver.id();
  auto daemons = wait_for_daemons(owner);
  ASSERT_FALSE(daemons.empty()) << "ikelab run never had daemons up";
  const auto artefacts = artefact_dirs_of(owner);
  ASSERT_EQ(artefacts.size(), 1u) << "the run has no temporary artefact folder of its own name";
  EXPECT_TRUE(fs::exists(artefacts.front() / ".unfinished"));
  ::kill(owner, SIGKILL);
  driver.wait();
  // Daemons die with their orchestrator (PR_SET_PDEATHSIG)...
  EXPECT_TRUE(all_gone(daemons));
  // ... but its namespaces and files stay until cleanup, the temporary artefact folder too.
  EXPECT_TRUE(fs::exists(artefacts.front()));
  auto cleanup = netns::run_command({IKELAB_BINARY, "cleanup"});
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.output;
  EXPECT_NE(cleanup.output.find(fmt::format("removed: run {}", owner)), std::string::npos) << cleanup.output;
  EXPECT_NE(cleanup.output.find(artefacts.front().string()), std::string::npos) << cleanup.output;
  expect_nothing_left(owner);
  EXPECT_FALSE(fs::exists(artefacts.front())) << artefacts.front() << " stayed after cleanup";
}

// A run that ended by itself leaves its temporary folder only with failed
// cases in it, and no longer marked unfinished: cleanup leaves those logs alone.
TEST(LifecycleLab, CleanupLeavesTheLogsOfAFinishedRunAlone) {
  // An expected folder without the scenario's file fails the case honestly ("no expected file").
  const fs::path expected = fs::temp_directory_path() / fmt::format("ikelab-no-expected-{}", getpid());
  fs::create_directories(expected);
  netns::CommandOptions options;
  options.timeout = 60s;
  auto run = netns::run_command({IKELAB_BINARY, "run", "baseline_psk", "--ike", "2", "--expected", expected.string()},
                                options);
  fs::remove_all(expected);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(run.output, m, std::regex("(/[^ \n]*ikelab-run-[0-9]+-[0-9]+-[A-Za-z0-9]{6})"))) << run.output;
  const fs::path kept = m[1].str();
  ASSERT_TRUE(fs::exists(kept)) << kept;
  EXPECT_FALSE(fs::exists(kept / ".unfinished"));
  auto cleanup = netns::run_command({IKELAB_BINARY, "cleanup"});
  EXPECT_TRUE(fs::exists(kept)) << "cleanup removed the failure logs a finished run pointed to";
  fs::remove_all(kept);  // the folder of the run this test made
}

// The process of the run's credential generation (pki), a child of `owner`.
pid_t wait_for_pki(pid_t owner) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& task : fs::directory_iterator(fmt::format("/proc/{}/task", owner), ec)) {
      std::ifstream children(task.path() / "children");
      for (pid_t child; children >> child;)
        if (fs::read_symlink(fmt::format("/proc/{}/exe", child), ec).filename() == "pki") return child;
    }
    std::this_thread::sleep_for(1ms);
  }
  return 0;
}

bool pki_gone(pid_t pid) {
  for (int i = 0; i < 300; ++i) {
    std::error_code ec;
    if (::kill(pid, 0) != 0 || fs::read_symlink(fmt::format("/proc/{}/exe", pid), ec).filename() != "pki") return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// `ikelab run` making the lab's credentials (a fresh run generates its keys
// with pki), in its own process group as a shell starts a job.
bp::child start_credential_run(bp::ipstream& err) {
  return bp::child(bp::exe = IKELAB_BINARY, bp::args = {"run", "baseline_cert", "--ike", "2"}, bp::std_out > bp::null,
                   bp::std_err > err, bp::extend::on_exec_setup = [](auto&) { ::setpgid(0, 0); });
}

// kill -9 of ikelab while pki runs: pki dies with it (PR_SET_PDEATHSIG). pki
// is stopped first (SIGSTOP, by its pid), so it cannot finish on its own and
// would stay behind as an orphan without the tie.
TEST(LifecycleLab, KillNineDuringCredentialGenerationLeavesNoPki) {
  bp::ipstream err;
  bp::child driver = start_credential_run(err);
  const pid_t owner = driver.id();
  const pid_t pki = wait_for_pki(owner);
  ASSERT_NE(pki, 0) << "no pki seen under ikelab run";
  ASSERT_EQ(::kill(pki, SIGSTOP), 0);
  ::kill(owner, SIGKILL);
  driver.wait();
  const bool gone = pki_gone(pki);
  if (!gone) ::kill(pki, SIGKILL);  // the orphan of the run this test started
  EXPECT_TRUE(gone) << "pki " << pki << " outlived ikelab (orphan)";
  auto cleanup = netns::run_command({IKELAB_BINARY, "cleanup"});
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.output;
  expect_nothing_left(owner);
}

// Ctrl-C at the terminal (SIGINT to the job's process group) while pki runs:
// pki is not in that group; ikelab stops it, removes its files and ends by
// the signal (a shell shows 130), not with "pki --gen failed" and exit 2.
TEST(LifecycleLab, CtrlCDuringCredentialGenerationEndsByTheSignal) {
  bp::ipstream err;
  bp::child driver = start_credential_run(err);
  const pid_t owner = driver.id();
  const pid_t pki = wait_for_pki(owner);
  ASSERT_NE(pki, 0) << "no pki seen under ikelab run";
  ASSERT_EQ(::kill(pki, SIGSTOP), 0);  // cannot finish by itself: ikelab must stop it
  ASSERT_EQ(::killpg(owner, SIGINT), 0);
  const bool ended = netns::wait_for_exit(driver, std::chrono::steady_clock::now() + 20s);
  if (!ended) {
    ::kill(pki, SIGKILL);
    ::kill(owner, SIGKILL);
  }
  ASSERT_TRUE(ended) << "ikelab run did not stop";
  const int status = driver.native_exit_code();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  std::string stderr_text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_EQ(stderr_text.find("failed"), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find("interrupted while making the lab's credentials"), std::string::npos) << stderr_text;
  EXPECT_TRUE(pki_gone(pki)) << "pki " << pki << " left running";
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

bool namespace_mounts_left(pid_t owner) {
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  const std::string name = fmt::format("/run/netns/ikl{}-", owner);
  while (std::getline(mounts, line))
    if (line.find(name) != std::string::npos) return true;
  return false;
}

// `ikelab run ... 2>&1 | head -n 2`: the reader goes away after two progress
// lines. The run tears everything down first, then ends by SIGPIPE.
TEST(LifecycleLab, AClosedPipeTearsDownBeforeExiting) {
  // The pipeline exactly as a user types it; the test finds its own ikelab as the shell's child.
  bp::child shell(bp::exe = "/bin/bash",
                  bp::args = {"-c", "\"$0\" run -j 2 2>&1 | head -n 2; wait", IKELAB_BINARY},
                  bp::std_out > bp::null, bp::std_err > bp::null, bp::std_in < bp::null);
  pid_t owner = 0;
  for (int i = 0; i < 500 && owner == 0; ++i) {
    std::ifstream children(fmt::format("/proc/{}/task/{}/children", shell.id(), shell.id()));
    for (pid_t child; children >> child;) {
      std::error_code ec;
      if (fs::read_symlink(fmt::format("/proc/{}/exe", child), ec) == fs::path(IKELAB_BINARY)) owner = child;
    }
    if (owner == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_NE(owner, 0) << "no ikelab in the pipeline";
  auto daemons = wait_for_daemons(owner);
  ASSERT_TRUE(netns::wait_for_exit(shell, std::chrono::steady_clock::now() + 90s)) << "the pipeline did not end";
  // bash reports a child ended by SIGPIPE as 141 (the last command, head, exits 0; the wait reaps ikelab).
  EXPECT_TRUE(all_gone(daemons));
  expect_nothing_left(owner);
  EXPECT_FALSE(namespace_mounts_left(owner));
}

// The temporary artefact folders of the run with pid `owner` (named
// ikelab-run-<pid>-<start>-XXXXXX), so that other runs on the machine (a
// parallel ctest) cannot make this test fail.
std::set<fs::path> temporary_artefact_dirs(pid_t owner) {
  std::set<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec))
    if (entry.path().filename().string().starts_with(fmt::format("ikelab-run-{}-", owner))) dirs.insert(entry.path());
  return dirs;
}

// Ctrl-C once a case has finished: the summary counts the finished cases
// (not 0), the cases cut short are no failures, and none of their logs stay.
TEST(LifecycleLab, AnInterruptReportsOnlyFinishedCasesAndKeepsNoPartialLogs) {
  bp::ipstream out, err;
  bp::child driver(bp::exe = IKELAB_BINARY, bp::args = {"run", "-j", "2"}, bp::std_out > out, bp::std_err > err);
  pid_t owner = driver.id();
  std::string line, progress;
  while (std::getline(err, line)) {
    progress += line + "\n";
    if (line.starts_with("PASS: ") || line.starts_with("FAIL: ")) break;
  }
  ASSERT_FALSE(line.empty()) << "no case finished:\n" << progress;
  ::kill(owner, SIGINT);  // the ikelab this test started
  std::string stdout_text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  std::string stderr_text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(netns::wait_for_exit(driver, std::chrono::steady_clock::now() + 20s));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(stderr_text, m, std::regex("interrupted after ([0-9]+) of ([0-9]+) cases"))) << stderr_text;
  EXPECT_GE(std::stoi(m[1]), 1) << stderr_text;
  EXPECT_EQ(stdout_text.find("interrupted"), std::string::npos) << stdout_text;  // no case reported as interrupted
  // No flood: after Ctrl-C, one INTERRUPTED line per case cut short (at most -j of them),
  // the lines of cases that still finished, and the one closing line.
  std::istringstream after(stderr_text);
  size_t cut = 0;
  while (std::getline(after, line)) {
    if (line.starts_with("INTERRUPTED: ")) ++cut;
    else
      EXPECT_TRUE(line.starts_with("PASS: ") || line.starts_with("FAIL: ") ||
                  line.starts_with("ikelab run: interrupted after "))
          << "unexpected line after Ctrl-C: " << line << "\n" << stderr_text;
  }
  // A case that had its outcome when Ctrl-C came ends normally (PASS/FAIL), so none may be cut.
  EXPECT_LE(cut, 2u) << stderr_text;
  for (const auto& dir : temporary_artefact_dirs(owner))  // the pid is new, so every such folder is this run's
    EXPECT_NE(stdout_text.find(dir.string()), std::string::npos) << dir << " stayed without a failed case in it";
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
