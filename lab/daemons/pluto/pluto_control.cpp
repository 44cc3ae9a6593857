#include "lab/daemons/pluto/pluto_control.hpp"

#include "lab/daemons/pluto/pluto_daemon.hpp"

namespace ikelab::harness {
namespace {

netns::CommandResult run_in(const std::string& netns, const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) {
  netns::CommandOptions options;
  options.netns = netns;
  options.timeout = timeout;
  options.stop_on_interrupt = true;
  return netns::run_command(argv, options);
}

}  // namespace

netns::CommandResult PlutoControl::add_connection(const std::filesystem::path& ipsec_conf, const std::string& name) const {
  return run_in(netns,
                {libreswan_program("addconn").string(), "--ctlsocket", ctl_socket.string(), "--config",
                 ipsec_conf.string(), name},
                std::chrono::milliseconds(10000));
}

netns::CommandResult PlutoControl::initiate(const std::string& name, std::chrono::milliseconds timeout) const {
  return run_in(netns, {libreswan_program("whack").string(), "--ctlsocket", ctl_socket.string(), "--name", name, "--initiate"},
                timeout);
}

netns::CommandResult PlutoControl::rekey_child(const std::string& name) const {
  return run_in(netns, {libreswan_program("whack").string(), "--ctlsocket", ctl_socket.string(), "--asynchronous", "--name", name,
                        "--rekey-ipsec"},
                std::chrono::milliseconds(10000));
}

netns::CommandResult PlutoControl::status() const {
  return run_in(netns, {libreswan_program("whack").string(), "--ctlsocket", ctl_socket.string(), "--status"},
                std::chrono::milliseconds(5000));
}

Outcome pluto_initiate_outcome(const std::string& whack_output) {
  // IKEv1: "IPsec SA established tunnel mode", IKEv2: "initiator established Child SA".
  if (whack_output.find("IPsec SA established") != std::string::npos ||
      whack_output.find("established Child SA") != std::string::npos) {
    return Outcome::established;
  }
  // IKEv1 XAuth is part of phase 1: pluto logs "IKE SA established" before the
  // XAuth exchange, then "XAUTH: aborting entire IKE Exchange" when it fails.
  if (whack_output.find("XAUTH: aborting entire IKE Exchange") != std::string::npos) return Outcome::phase1_failed;
  // IKEv1: "IKE SA established {auth=...", IKEv2: "initiator established IKE SA".
  if (whack_output.find("IKE SA established") != std::string::npos ||
      whack_output.find("established IKE SA") != std::string::npos) {
    return Outcome::phase2_failed;
  }
  return Outcome::phase1_failed;
}

}  // namespace ikelab::harness
