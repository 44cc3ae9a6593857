#include "netns/topology.hpp"

#include "netns/process.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sched.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace ikelab::netns {
namespace {


void check(const std::vector<std::string>& argv, const CommandResult& r) {
  if (!r.ok())
    throw TopologyError(fmt::format("'{}' failed (exit {}{}): {}", describe_command(argv), r.exit_code,
                                    r.timed_out ? ", timed out" : "", r.output));
}

// Several `ip` commands in one process (ip -n NS -batch -): a case's set-up
// takes a few processes instead of a dozen.
void ip_batch(const std::string& netns, const std::vector<std::string>& commands) {
  CommandOptions options;
  for (const auto& c : commands) options.input += c + "\n";
  std::vector<std::string> argv{"ip"};
  if (!netns.empty()) argv.insert(argv.end(), {"-n", netns});
  argv.insert(argv.end(), {"-batch", "-"});
  check(argv, run_command(argv, options));
}

void configure_host(const std::string& ns, const HostAddressing& host, const std::string& first_command) {
  // Names and addresses here come from the lab's own constants, never from scenario files.
  const std::string outer = Topology::outer_interface;
  const std::string inner = Topology::inner_interface;
  std::vector<std::string> commands;
  if (!first_command.empty()) commands.push_back(first_command);
  for (std::string c : {std::string("link set lo up"), "addr add " + host.outer_cidr + " dev " + outer, "link set " + outer + " up",
                 "link add " + inner + " type bridge", "addr add " + host.inner_cidr + " dev " + inner,
                 "link set " + inner + " up"})
    commands.push_back(c);
  ip_batch(ns, commands);
}

void disable_ipv6(const std::string& ns) {
  // "default" first: interfaces created afterwards inherit it.
  for (const char* key : {"ipv6/conf/default/disable_ipv6", "ipv6/conf/all/disable_ipv6"})
    write_netns_sysctl(ns, key, "1");
}

}  // namespace

bool write_netns_sysctl(const std::string& netns, const std::string& key, const std::string& value) {
  // setns() affects only the calling thread, so a short-lived thread enters
  // the namespace, writes the file (resolved in that namespace) and ends.
  bool exists = true;
  std::error_code error;
  std::string failed_step;
  std::thread worker([&] {
    int ns_fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) {
      error = std::error_code(errno, std::system_category());
      failed_step = "open /run/netns/" + netns;
      return;
    }
    if (::setns(ns_fd, CLONE_NEWNET) != 0) {
      error = std::error_code(errno, std::system_category());
      failed_step = "setns " + netns;
      ::close(ns_fd);
      return;
    }
    ::close(ns_fd);
    std::string path = "/proc/sys/net/" + key;
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) exists = false;
      else {
        error = std::error_code(errno, std::system_category());
        failed_step = "open " + path;
      }
      return;
    }
    if (::write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
      error = std::error_code(errno, std::system_category());
      failed_step = "write " + path;
    }
    ::close(fd);
  });
  worker.join();
  if (error) throw TopologyError(fmt::format("{} (in namespace {}): {}", failed_step, netns, error.message()));
  return exists;
}

void drop_inbound_udp(const std::string& netns, const std::vector<int>& ports) {
  if (ports.empty()) return;
  std::string set;
  for (int port : ports) {
    if (port < 1 || port > 65535) throw TopologyError(fmt::format("UDP port {} out of range", port));
    set += (set.empty() ? "" : ", ") + std::to_string(port);
  }
  CommandOptions options;
  options.netns = netns;
  options.input = fmt::format(
      "add table inet ikelab\n"
      "add chain inet ikelab input {{ type filter hook input priority 0; policy accept; }}\n"
      "add rule inet ikelab input udp dport {{ {} }} counter drop\n",
      set);
  const std::vector<std::string> argv{"nft", "-f", "-"};
  CommandResult result;
  try {
    result = run_command(argv, options);
  } catch (const std::exception& e) {
    throw TopologyError(fmt::format("dropping inbound UDP {} needs nft (Debian package nftables, scripts/setup.sh): {}",
                                    set, e.what()));
  }
  check(argv, result);
}

bool delete_namespace(const std::string& name) {
  run_command({"ip", "netns", "delete", name});
  return !std::filesystem::exists("/run/netns/" + name);
}

Topology::Topology(const RunId& id, const TopologySpec& spec)
    : id_(id), initiator_ns_(id.namespace_name('i')), responder_ns_(id.namespace_name('r')) {
  try {
    // Marked first: a partly failed batch still gets torn down.
    created_initiator_ = created_responder_ = true;
    ip_batch("", {"netns add " + initiator_ns_, "netns add " + responder_ns_});
    disable_ipv6(initiator_ns_);
    disable_ipv6(responder_ns_);
    // The veth is made from inside the initiator's namespace, its peer end
    // placed straight into the responder's: it never exists in ours.
    configure_host(initiator_ns_, spec.initiator,
                   fmt::format("link add {} type veth peer name {} netns {}", outer_interface, outer_interface,
                               responder_ns_));
    configure_host(responder_ns_, spec.responder, "");
  } catch (...) {
    teardown();
    throw;
  }
}

Topology::~Topology() {
  if (!released_) teardown();
}

void Topology::teardown() {
  // Both in one `ip -batch` process (-force: the second goes even if the first fails).
  std::vector<std::string> names;
  if (created_initiator_) names.push_back(initiator_ns_);
  if (created_responder_) names.push_back(responder_ns_);
  if (names.empty()) return;
  CommandOptions options;
  for (const auto& name : names) options.input += "netns delete " + name + "\n";
  run_command({"ip", "-force", "-batch", "-"}, options);
  if (!std::filesystem::exists("/run/netns/" + initiator_ns_)) created_initiator_ = false;
  if (!std::filesystem::exists("/run/netns/" + responder_ns_)) created_responder_ = false;
}

}  // namespace ikelab::netns
