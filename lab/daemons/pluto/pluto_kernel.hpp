#pragma once

// Whether this kernel can install ESP SAs (the lab machines have XFRM netlink
// but no ESP module). Decides whether lab plutos get the XFRM stand-in, and
// what an "ok" case with pluto can expect.

#include <string>

namespace ikelab::harness {

// Tries `ip xfrm state add ... proto esp` once per process inside `netns` (a
// fresh lab namespace, before its daemon starts) and removes the state again
// if it was installed. The answer is cached: the kernel is the same for all.
bool kernel_installs_esp(const std::string& netns);

}  // namespace ikelab::harness
