#pragma once

// The contract between the scenario layer (parse + render) and the case
// runner (namespaces + daemons): everything needed to run one case.

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::harness {

enum class Side { initiator, responder };

// Which IKE daemon runs at a host.
enum class Implementation { strongswan, libreswan };

// What makes the fault show once both daemons are up.
enum class Action {
  initiate,     // swanctl --initiate of the child on the initiator
  rekey_child,  // initiate, then force a CHILD_SA rekey (e.g. IKEv2 PFS mismatch)
  dpd,          // initiate, then kill the responder and wait for dead peer detection
};

// Where the runner puts one host's files; the renderer writes these paths
// into strongswan.conf.
struct HostPaths {
  std::filesystem::path rundir;   // becomes the daemon's private /run: pid file, vici socket
  std::filesystem::path confdir;  // swanctl dir: swanctl.conf, x509/, x509ca/, private/, pubkey/
  std::filesystem::path logdir;   // charon.log (default levels), charon-cfg2.log (cfg = 2)
};

struct RenderedHost {
  Implementation implementation = Implementation::strongswan;
  std::string strongswan_conf;  // strongswan only
  std::string swanctl_conf;     // strongswan only
  std::string ipsec_conf;       // libreswan only: CONFDIR/ipsec.conf
  std::string ipsec_secrets;    // libreswan only: CONFDIR/ipsec.secrets (mode 600)
  // libreswan only: preload the XFRM stand-in (lab/daemons/pluto/pluto_xfrm_standin.cpp)
  // when this kernel cannot install ESP SAs; false: the real kernel path.
  bool xfrm_standin = true;
  // Credential and other files, path relative to HostPaths::confdir.
  std::vector<std::pair<std::string, std::string>> files;
  bool start_daemon = true;  // false: nothing answers at this host (peer_unreachable)
  // UDP ports whose inbound packets the runner drops in this host's namespace
  // (an nftables input rule, in place before the daemons start): nat_blocked.
  std::vector<int> drop_inbound_udp;
};

struct CaseConfig {
  std::string scenario;  // scenario name (file name without .yaml)
  int ike_version = 2;   // 1 or 2
  RenderedHost initiator;
  RenderedHost responder;
  std::string connection;  // name of the connection in swanctl.conf (both sides)
  std::string child;       // name of the child to initiate
  Action action = Action::initiate;
  std::chrono::seconds deadline{30};
};

}  // namespace ikelab::harness
