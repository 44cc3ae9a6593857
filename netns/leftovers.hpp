#pragma once

// Finding and removing what lab runs left behind: namespaces named ikl<pid>-...,
// the processes inside them, and their state directories. Only runs whose
// owner is dead are touched; only ikelab's names are ever looked at.

#include <string>
#include <sys/types.h>
#include <vector>

namespace ikelab::netns {

struct RunLeftovers {
  pid_t owner = 0;
  bool owner_alive = false;
  bool kept = false;  // ended with --keep: removed only when forced
  std::vector<std::string> namespaces;
  std::vector<pid_t> processes;  // processes inside those namespaces
  bool has_state_dir = false;
};

// Everything of every ikelab run on this machine, grouped by owner pid.
std::vector<RunLeftovers> find_runs();

// Removes one dead run's processes (SIGKILL), namespaces and state directory.
// Refuses (returns false) when the owner is alive. Returns true when all gone.
bool remove_run(const RunLeftovers& run, std::string& problems);

// The pids of the processes whose network namespace is the named one.
std::vector<pid_t> processes_in_namespace(const std::string& name);

}  // namespace ikelab::netns
