#pragma once

// Where a lab run keeps its files, and how a later `ikelab cleanup` knows
// whether the run that made them is still alive:
//   <root>/<pid>/owner   "<pid> <start time>" of the owning process
//   <root>/<pid>/kept    present when the run ended with --keep
//   <root>/<pid>/<n>/    one case's working files (configs, logs, /run)
// The root is outside /run on purpose: each daemon gets its own /run.

#include "netns/run_id.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>

namespace ikelab::netns {

// /tmp/ikelab, or $IKELAB_STATE_DIR.
std::filesystem::path state_root();

// Creates <root>/<pid>/owner for this process (once; thread-safe).
void register_this_process();

// Removes this process's state dir unless the run was kept. Runs at a normal
// exit by itself; call it before re-raising an interrupt signal.
void remove_own_state_dir();

// The directory of one case (created on demand).
std::filesystem::path case_dir(const RunId& id);

// Marks this process's run as kept: `ikelab cleanup` leaves it alone unless forced.
void mark_kept();
bool is_kept(pid_t owner);

// The start time (clock ticks since boot, /proc/PID/stat field 22) of a process.
std::optional<unsigned long long> process_start_time(pid_t pid);

// Whether the process that owns runs under `owner` is still the one that
// registered them (a reused pid does not count as alive).
bool owner_alive(pid_t owner);

}  // namespace ikelab::netns
