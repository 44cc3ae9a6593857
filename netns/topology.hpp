#pragma once

// Two hosts, initiator and responder, each a network namespace, joined by a
// veth link; each host has an inner subnet on a bridge interface of its own
// (this kernel has no dummy interfaces). IPv6 is off in both namespaces so no
// link-local addresses (and no MOBIKE/address events) appear in the logs.
// The veth is created directly inside the namespaces: nothing ever appears in
// the caller's namespace.

#include "netns/run_id.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::netns {

struct HostAddressing {
  std::string outer_cidr;  // on the veth, e.g. "192.0.2.1/24"
  std::string inner_cidr;  // on the inner bridge, e.g. "10.1.0.1/24"
};

struct TopologySpec {
  HostAddressing initiator;
  HostAddressing responder;
};

struct TopologyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Topology {
 public:
  static constexpr const char* outer_interface = "ikl-wan";
  static constexpr const char* inner_interface = "ikl-lan";

  // Creates both namespaces and links. Throws TopologyError (with the failing
  // command's output) and removes whatever it had created.
  Topology(const RunId& id, const TopologySpec& spec);
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  const RunId& id() const { return id_; }
  const std::string& initiator_ns() const { return initiator_ns_; }
  const std::string& responder_ns() const { return responder_ns_; }

  // Removes both namespaces (and with them the links). Idempotent. Processes
  // still inside must have been stopped by their owner first.
  void teardown();
  // Leaves everything in place when this object dies (ikelab run --keep).
  void release() { released_ = true; }

 private:
  RunId id_;
  std::string initiator_ns_;
  std::string responder_ns_;
  bool created_initiator_ = false;
  bool created_responder_ = false;
  bool released_ = false;
};

// Writes a sysctl file under /proc/sys/net (e.g. "ipv6/conf/all/disable_ipv6")
// as seen from inside the named namespace, without a shell. Returns false if
// the file does not exist (kernel without IPv6); throws on other errors.
bool write_netns_sysctl(const std::string& netns, const std::string& key, const std::string& value);

// Drops every inbound UDP packet to these ports in the namespace (an nftables
// table `ikelab` with an input-hook rule, `nft -f -`, no shell). Throws
// TopologyError if nft is missing or refuses the rule.
void drop_inbound_udp(const std::string& netns, const std::vector<int>& ports);

// Deletes a namespace by name ("ip netns delete"); true if it is gone.
bool delete_namespace(const std::string& name);

}  // namespace ikelab::netns
