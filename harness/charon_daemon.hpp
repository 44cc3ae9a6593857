#pragma once

// One charon inside a host's network namespace, with a private /run (charon
// hardcodes /var/run/charon.pid), its own strongswan.conf (STRONGSWAN_CONF)
// and a vici socket at RUNDIR/charon.vici. Started with Boost.Process, never
// through a shell; dies with the orchestrator unless kept.

#include <boost/process/child.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace ikelab::harness {

inline constexpr const char* charon_binary = "/usr/lib/ipsec/charon";

class CharonDaemon {
 public:
  struct Paths {
    std::filesystem::path strongswan_conf;
    std::filesystem::path rundir;
    std::filesystem::path output;  // charon's own stdout/stderr
  };

  CharonDaemon(std::string netns, Paths paths, bool die_with_parent = true);
  ~CharonDaemon();  // SIGKILL if still running (stop() is the orderly way)
  CharonDaemon(const CharonDaemon&) = delete;
  CharonDaemon& operator=(const CharonDaemon&) = delete;

  // Throws std::system_error if the process cannot be started at all.
  void start();
  // Waits until the vici socket accepts a connection. False if the daemon
  // exited or the deadline passed (see failure()).
  bool wait_ready(std::chrono::steady_clock::time_point deadline);
  bool running();
  // Graceful: SIGTERM, wait up to `grace`, then SIGKILL. Same way every time.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  // SIGKILL now (a peer that dies, for dead peer detection).
  void kill_now();
  // Leaves the daemon running when this object dies (--keep).
  void detach();

  std::string vici_uri() const;  // unix://RUNDIR/charon.vici
  std::filesystem::path vici_socket() const;
  int pid() const;
  // Why it is not running / not ready, with its output.
  const std::string& failure() const { return failure_; }
  std::string output() const;
  // Seconds from exec to the vici socket answering (0 before ready).
  double startup_seconds() const { return startup_seconds_; }

 private:
  std::string netns_;
  Paths paths_;
  bool die_with_parent_;
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
