#pragma once

// Starting programs without a shell (Boost.Process, argv vectors), optionally
// inside a network namespace with a private /run, dying with the orchestrator.

#include <boost/process/child.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::netns {

struct LaunchOptions {
  std::string netns;                   // empty: stay in the caller's network namespace
  std::filesystem::path private_run;   // non-empty: own mount namespace with this dir on /run
  // With private_run only: read-only overlays in that mount namespace, each
  // (dir, target) shows dir's files over target's (lab plutos need their
  // prefix's /usr/libexec/ipsec at the compiled-in path).
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> read_only_overlays;
  // Non-empty: in an own mount namespace, this root's /usr and /etc are laid
  // (read-only bind mounts) over the machine's: the program runs the root's
  // binaries and libraries (a Debian 13 daemon on a Debian 12 machine) while
  // every other path (/tmp, the lab's files, /dev, /proc) stays the machine's.
  std::filesystem::path system_root;
  bool die_with_parent = true;         // PR_SET_PDEATHSIG(SIGKILL)
  bool own_process_group = true;       // a terminal's Ctrl-C reaches only ikelab, which tears down in order
  std::vector<std::pair<std::string, std::string>> env;  // added to this process's environment
  std::filesystem::path output;        // stdout and stderr go to this file; empty: /dev/null
  std::filesystem::path working_dir;   // empty: inherit
};

// Absolute path of a program found in PATH (or the standard sbin dirs); throws if missing.
std::filesystem::path find_program(const std::string& name);

// Starts argv[0] (resolved with find_program unless absolute). Throws
// std::system_error naming the step that failed (setns, mount, exec, ...).
boost::process::child launch(const std::vector<std::string>& argv, const LaunchOptions& options);

struct CommandResult {
  int exit_code = -1;   // as Boost gives it (a signal's number for a killed command)
  int wait_status = -1;  // the wait(2) status: describe_wait_status(wait_status) says how it ended
  std::string output;  // stdout and stderr, interleaved
  bool timed_out = false;
  bool interrupted = false;  // stopped because ikelab got SIGINT/SIGTERM

  bool ok() const { return exit_code == 0 && !timed_out && !interrupted; }
};

struct CommandOptions {
  std::chrono::milliseconds timeout{10000};
  std::string netns;
  bool stop_on_interrupt = false;  // teardown commands must run even while interrupted
  std::vector<std::pair<std::string, std::string>> env;  // added to this process's environment
  std::string input;  // the command's standard input (from an unlinked file: nothing is left behind)
  std::filesystem::path system_root;  // as LaunchOptions::system_root (the daemon's own swanctl, whack, ...)
  // Non-empty: standard output goes to this new file (created 0600, O_EXCL|O_NOFOLLOW:
  // an existing file or link is an error) and only standard error is in `output`.
  std::filesystem::path stdout_file;
};

// Runs a command to completion and returns its output. Never hangs: the child
// is killed at the timeout. The child is tied to ikelab as the daemons are:
// its own process group (a terminal's Ctrl-C reaches only ikelab, which stops
// it in order) and PR_SET_PDEATHSIG(SIGKILL) (a kill -9 of ikelab leaves no orphan).
CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

// What a wait(2) status says, for messages: "exited with status 1",
// "killed by signal 9 (SIGKILL)" (never a signal's number as an exit status).
std::string describe_wait_status(int status);

// "a b 'c d'": for messages only, never executed.
std::string describe_command(const std::vector<std::string>& argv);

// Waits for a child to exit, polling (safe with many threads forking).
// Returns false if it is still running at the deadline or an interrupt arrived
// (when stop_on_interrupt).
bool wait_for_exit(boost::process::child& child, std::chrono::steady_clock::time_point deadline,
                   bool stop_on_interrupt = false);

}  // namespace ikelab::netns
