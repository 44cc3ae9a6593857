#pragma once

// One charon inside a host's network namespace, with a private /run (charon
// hardcodes /var/run/charon.pid), its own strongswan.conf (STRONGSWAN_CONF)
// and a vici socket at RUNDIR/charon.vici. Started with Boost.Process, never
// through a shell; dies with the orchestrator unless kept.

#include "lab/daemons/daemon_process.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace ikelab::harness {

inline constexpr const char* charon_binary = "/usr/lib/ipsec/charon";

class CharonDaemon : public DaemonProcess {
 public:
  struct Paths {
    std::filesystem::path strongswan_conf;
    std::filesystem::path rundir;
    std::filesystem::path output;  // charon's own stdout/stderr
  };

  CharonDaemon(std::string netns, Paths paths, bool die_with_parent = true);

  // Throws std::system_error if the process cannot be started at all.
  void start();
  // Waits until the vici socket accepts a connection. False if the daemon
  // exited or the deadline passed (see failure()).
  bool wait_ready(std::chrono::steady_clock::time_point deadline);

  std::string vici_uri() const;  // unix://RUNDIR/charon.vici
  std::filesystem::path vici_socket() const;

 private:
  std::string netns_;
  Paths paths_;
  bool die_with_parent_;
};

}  // namespace ikelab::harness
