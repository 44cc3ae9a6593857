#include "lab/daemons/charon/charon_daemon.hpp"

namespace ikelab::harness {

CharonDaemon::CharonDaemon(std::string netns, Paths paths, bool die_with_parent)
    : DaemonProcess(paths.output), netns_(std::move(netns)), paths_(std::move(paths)), die_with_parent_(die_with_parent) {}

void CharonDaemon::start() {
  netns::LaunchOptions options;
  options.netns = netns_;
  options.private_run = paths_.rundir;
  options.die_with_parent = die_with_parent_;
  options.env = {{"STRONGSWAN_CONF", paths_.strongswan_conf.string()}};
  launch({charon_binary}, std::move(options));
}

std::filesystem::path CharonDaemon::vici_socket() const { return paths_.rundir / "charon.vici"; }

std::string CharonDaemon::vici_uri() const { return "unix://" + vici_socket().string(); }

bool CharonDaemon::wait_ready(std::chrono::steady_clock::time_point deadline) {
  return wait_for_socket(vici_socket(), "charon", "charon's vici socket", deadline);
}

}  // namespace ikelab::harness
