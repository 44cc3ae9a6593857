#pragma once

// What charon and pluto have in common in the lab: one process started with
// Boost.Process (never through a shell) inside a host's network namespace,
// ready once its control socket answers, stopped the same way every time,
// killed with the orchestrator unless kept.

#include "netns/process.hpp"

#include <boost/process/child.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace ikelab::harness {

class DaemonProcess {
 public:
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  bool running();
  // Graceful: SIGTERM, wait up to `grace`, then SIGKILL.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  // SIGKILL now (a peer that dies, for dead peer detection).
  void kill_now();
  // Leaves the daemon running when this object dies (--keep).
  void detach();

  int pid() const;
  // Why it is not running / not ready.
  const std::string& failure() const { return failure_; }
  // The daemon's own stdout/stderr.
  std::string output() const;
  // Seconds from exec to the control socket answering (0 before ready).
  double startup_seconds() const { return startup_seconds_; }

 protected:
  explicit DaemonProcess(std::filesystem::path output) : output_(std::move(output)) {}
  ~DaemonProcess();  // SIGKILL if still running (stop() is the orderly way)

  // Throws std::system_error if the process cannot be started at all.
  void launch(const std::vector<std::string>& argv, netns::LaunchOptions options);
  // Waits until `socket` accepts a connection; false (and failure()) if the
  // daemon exited or the deadline passed. `what`: "charon's vici socket".
  bool wait_for_socket(const std::filesystem::path& socket, const std::string& daemon, const std::string& what,
                       std::chrono::steady_clock::time_point deadline);

 private:
  std::filesystem::path output_;
  boost::process::child child_;
  bool started_ = false;
  bool detached_ = false;
  std::string failure_;
  std::chrono::steady_clock::time_point started_at_{};
  double startup_seconds_ = 0;
};

// True when a unix stream socket at `path` accepts a connection.
bool unix_socket_answers(const std::filesystem::path& path);

}  // namespace ikelab::harness
