#pragma once

// swanctl against one daemon's private vici socket (an argv vector, no shell).

#include "netns/process.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::harness {

struct Swanctl {
  explicit Swanctl(std::string vici_uri, std::string dir = {}) : uri(std::move(vici_uri)), swanctl_dir(std::move(dir)) {}

  std::string uri;  // unix://RUNDIR/charon.vici
  std::string swanctl_dir;  // SWANCTL_DIR: keeps swanctl away from /etc/swanctl (empty: unset)

  netns::CommandResult run(std::vector<std::string> args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  netns::CommandResult load_all(const std::string& swanctl_conf) const;
  // Blocks until charon reports the initiation's result (or the timeout).
  netns::CommandResult initiate(const std::string& child, std::chrono::milliseconds timeout) const;
  netns::CommandResult rekey_child(const std::string& child) const;
  netns::CommandResult list_sas() const;
};

}  // namespace ikelab::harness
