#pragma once

// One libreswan 4.10 pluto inside a host's network namespace, the lab's twin
// of CharonDaemon. pluto insists on /usr/libexec/ipsec/addconn at its
// compiled-in path, which does not exist on these machines (libreswan is
// unpacked into a private prefix by scripts/install-libreswan.sh): in the
// daemon's own mount namespace the prefix's /usr/libexec is laid over
// /usr/libexec (read-only overlay); nothing outside that namespace changes.
// Its own NSS database, rundir (pluto.ctl, pluto.pid), secrets and log file.
// Started with Boost.Process, never through a shell; dies with the
// orchestrator unless kept.

#include "lab/daemons/daemon_process.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace ikelab::harness {

// Where scripts/install-libreswan.sh unpacked libreswan (CMake: IKELAB_LIBRESWAN_PREFIX).
std::filesystem::path libreswan_prefix();
// PREFIX/usr/libexec/ipsec/NAME (pluto, addconn, whack).
std::filesystem::path libreswan_program(const std::string& name);
// Empty if libreswan is installed, else what is missing and how to get it.
std::string libreswan_missing();

class PlutoDaemon : public DaemonProcess {
 public:
  struct Paths {
    std::filesystem::path ipsec_conf;
    std::filesystem::path ipsec_secrets;
    std::filesystem::path ipsecdir;  // pluto's ipsec.d (policies); created if missing
    std::filesystem::path nssdir;    // an NSS database (pluto_nss.hpp prepares it)
    std::filesystem::path rundir;    // pluto.ctl, pluto.pid; also the daemon's private /run
    std::filesystem::path logfile;   // pluto's log (--logfile)
    std::filesystem::path output;    // pluto's own stdout/stderr
  };

  // xfrm_standin: preload lab/daemons/pluto/pluto_xfrm_standin.cpp (see there).
  PlutoDaemon(std::string netns, Paths paths, bool xfrm_standin, bool die_with_parent = true);

  // Throws std::system_error if the process cannot be started at all.
  void start();
  // Waits until pluto.ctl accepts a connection. False if pluto exited or the
  // deadline passed (see failure()). stop() sends SIGTERM first: "Pluto is
  // shutting down", DELETEs to the peer.
  bool wait_ready(std::chrono::steady_clock::time_point deadline);

  std::filesystem::path ctl_socket() const;  // RUNDIR/pluto.ctl
  const Paths& paths() const { return paths_; }

 private:
  std::string netns_;
  Paths paths_;
  bool xfrm_standin_;
  bool die_with_parent_;
};

}  // namespace ikelab::harness
