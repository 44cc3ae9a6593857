#pragma once

// Names of everything a lab run creates. Every name starts with "ikl" and
// carries the owner's pid, so `ikelab cleanup` can tell whose it is and
// parallel cases / parallel ikelab processes never collide.

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace ikelab::netns {

inline constexpr std::string_view name_prefix = "ikl";

struct RunId {
  pid_t owner = 0;
  unsigned counter = 0;

  std::string str() const;  // "<pid>-<counter>"
  // Network namespace of one host: "ikl<pid>-<counter><host>", host 'i' or 'r'.
  std::string namespace_name(char host) const;
};

// A fresh id for this process: owner = getpid(), counter increments.
RunId next_run_id();

// The owner pid of an ikelab namespace name, or nothing if the name is not ikelab's.
std::optional<pid_t> owner_of_namespace(std::string_view name);

// Parses "<pid>" or "<pid>-<counter>" (as printed by RunId::str()).
std::optional<RunId> parse_run_id(std::string_view text);

}  // namespace ikelab::netns
