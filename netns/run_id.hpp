#pragma once

// Names of everything a lab run creates. Every name starts with "ikl" and
// carries the owner's pid and start time, so `ikelab cleanup` can tell whose
// it is, parallel cases / parallel ikelab processes never collide, and a
// later process that got the same pid never meets an earlier run's names.

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace ikelab::netns {

inline constexpr std::string_view name_prefix = "ikl";

struct RunId {
  pid_t owner = 0;
  unsigned long long owner_start = 0;  // the owner's start time (/proc/PID/stat field 22)
  unsigned counter = 0;

  std::string str() const;  // "<pid>-<start>-<counter>"
  // Network namespace of one host: "ikl<pid>-<start>-<counter><host>", host 'i' or 'r'.
  std::string namespace_name(char host) const;
};

// A fresh id for this process: owner = getpid() and its start time, counter increments.
RunId next_run_id();

// Who made an ikelab namespace: pid, and start time (0 for the older
// "ikl<pid>-<counter><host>" names, which carry none). Nothing if not ikelab's.
struct NamespaceOwner {
  pid_t pid = 0;
  unsigned long long start = 0;
};
std::optional<NamespaceOwner> owner_of_namespace(std::string_view name);

// Parses "<pid>", "<pid>-<start>" or "<pid>-<start>-<counter>" (as printed by
// RunId::str()); the parts not given are 0.
std::optional<RunId> parse_run_id(std::string_view text);

}  // namespace ikelab::netns
