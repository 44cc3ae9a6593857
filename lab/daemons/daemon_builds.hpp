#pragma once

// The IKE daemon builds the lab can run, in one table: which implementation
// (charon or pluto), which version, and where its files are. A build that
// lives in a private Debian root (scripts/install-trixie-root.sh) runs with
// that root's /usr and /etc laid over the machine's inside the daemon's own
// mount namespace (netns::LaunchOptions::system_root); its control tools
// (swanctl, addconn, whack) run the same way, so each daemon is driven by
// the tools of its own version.

#include "lab/run/case_config.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ikelab::harness {

struct DaemonBuild {
  std::string name;  // "strongswan-6.0.1": what `--initiator-daemon` and `list --daemons` say
  Implementation implementation = Implementation::strongswan;
  std::string version;  // upstream version, as the daemon's start-up line gives it
  // Empty: the machine's own files (Debian 12's strongSwan, libreswan 4.10's
  // private prefix); else a Debian root laid over /usr and /etc.
  std::filesystem::path system_root;
  std::string installed_by;  // the script that installs it

  // Empty when installed, else what is missing and how to get it.
  std::string missing() const;
  // Where it is installed, for `ikelab list --daemons`.
  std::string location() const;
};

// Every build the lab knows, the default of each implementation first.
const std::vector<DaemonBuild>& daemon_builds();
// nullptr if no build has this name.
const DaemonBuild* find_daemon_build(std::string_view name);
// The build `implementation:` means when nothing overrides it.
const DaemonBuild& default_daemon_build(Implementation implementation);
// "strongswan-5.9.8, strongswan-6.0.1, ..." for messages.
std::string daemon_build_names();

}  // namespace ikelab::harness
