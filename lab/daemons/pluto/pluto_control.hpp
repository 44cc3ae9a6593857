#pragma once

// Driving a lab pluto over its control socket with libreswan's own tools,
// run inside the host's namespace with argument vectors (never a shell):
// addconn loads a connection from ipsec.conf, whack initiates and shows state.

#include "check/outcome.hpp"
#include "netns/process.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace ikelab::harness {

struct PlutoControl {
  std::string netns;
  std::filesystem::path ctl_socket;

  // addconn --ctlsocket CTL --config CONF NAME (works with auto=ignore).
  netns::CommandResult add_connection(const std::filesystem::path& ipsec_conf, const std::string& name) const;
  // whack --name NAME --initiate: returns once pluto reports an outcome
  // (keyingtries=1) or at the timeout.
  netns::CommandResult initiate(const std::string& name, std::chrono::milliseconds timeout) const;
  // whack --name NAME --rekey-ipsec: a CHILD_SA (IPsec SA) rekey, judged from the log.
  netns::CommandResult rekey_child(const std::string& name) const;
  // whack --status (connections and states), the counterpart of swanctl --list-sas.
  netns::CommandResult status() const;
};

// How far whack --initiate says the negotiation got. whack's exit code is no
// outcome (IKEv2 ends 0 even when the Child SA failed); its lines are.
Outcome pluto_initiate_outcome(const std::string& whack_output);

}  // namespace ikelab::harness
