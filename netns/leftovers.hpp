#pragma once

// Finding and removing what lab runs left behind: namespaces named ikl<pid>-...,
// the processes inside them, and their state directories. Only runs whose
// owner is dead are touched; only ikelab's names are ever looked at.

#include "netns/lab_state.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ikelab::netns {

struct RunLeftovers {
  pid_t owner = 0;
  unsigned long long owner_start = 0;  // 0: only known from an older name without it
  bool owner_alive = false;
  bool kept = false;  // ended with --keep: removed only when forced
  std::vector<std::string> namespaces;
  std::vector<pid_t> processes;  // processes inside those namespaces
  bool has_state_dir = false;    // <state root>/<pid>-<start>, verified private
  // Unfinished temporary artefact folders of the run (full paths, verified private, ".unfinished" in them).
  std::vector<std::filesystem::path> artefact_dirs;
};

// Everything of every ikelab run on this machine, one entry per owner (pid and start time).
std::vector<RunLeftovers> find_runs();

// Removes one dead run's processes (SIGKILL), namespaces and state directory.
// Refuses (returns false) when the owner is alive. Returns true when all gone.
bool remove_run(const RunLeftovers& run, std::string& problems);

// The pids of the processes whose network namespace is the named one.
std::vector<pid_t> processes_in_namespace(const std::string& name);

}  // namespace ikelab::netns
