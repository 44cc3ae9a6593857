#pragma once

// Where a lab run keeps its files, and how a later `ikelab cleanup` knows
// whether the run that made them is still alive:
//   <root>/<pid>-<start>/owner   "<pid> <start time>" of the owning process
//   <root>/<pid>-<start>/kept    present when the run ended with --keep
//   <root>/<pid>-<start>/<n>/    one case's working files (configs, logs, /run)
//   <root>/durations.txt         what each case took last time
// The root is a private directory (see private_dir.hpp): root-owned, 0700,
// refused if anybody else made it. It is outside /run on purpose: each
// daemon gets its own /run. The run's directory name carries the owner's
// start time, so a later process with the same pid never takes it for its own.

#include "base/private_dir.hpp"
#include "netns/run_id.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace ikelab::netns {

using base::PrivateDir;
using base::PrivateDirError;

// /var/lib/ikelab, or $IKELAB_STATE_DIR (either must be private or creatable as such).
std::filesystem::path state_root();
// The verified state root (opened once; throws PrivateDirError when it is not private).
const PrivateDir& state_root_dir();

// A run's owner: its pid and that process's start time.
struct RunOwner {
  pid_t pid = 0;
  unsigned long long start = 0;
  std::string dir_name() const;  // "<pid>-<start>"
  static std::optional<RunOwner> parse(std::string_view dir_name);
  bool operator==(const RunOwner&) const = default;
  auto operator<=>(const RunOwner&) const = default;
};
RunOwner this_owner();

// Without --out, failed cases' artefacts go to a temporary folder
// "<temp>/ikelab-run-<pid>-<start>-XXXXXX" (mkdtemp, 0700) holding the file
// ".unfinished" until the run has settled it (only failed cases left, or
// removed). A dead run's folder that still holds that file was cut short (kill -9,
// a crash): `ikelab cleanup` removes it. A settled one holds logs the run's
// report pointed to and is left alone.
inline constexpr std::string_view artefacts_dir_prefix = "ikelab-run-";
inline constexpr std::string_view unfinished_marker = ".unfinished";
std::string artefacts_dir_template(const RunOwner& owner);  // "ikelab-run-<pid>-<start>-XXXXXX"
std::optional<RunOwner> owner_of_artefacts_dir(std::string_view name);

// Creates <root>/<pid>-<start>/owner for this process (once; thread-safe).
void register_this_process();
// This process's own run directory (registers it first).
const PrivateDir& own_run_dir();

// Removes this process's state dir unless the run was kept. Runs at a normal
// exit by itself; call it before re-raising an interrupt signal.
void remove_own_state_dir();

// The directory of one case (created new: a name that exists already is an error).
std::filesystem::path case_dir(const RunId& id);

// Marks this process's run as kept: `ikelab cleanup` leaves it alone unless forced.
void mark_kept();
bool is_kept(const RunOwner& owner);

// The start time (clock ticks since boot, /proc/PID/stat field 22) of a process.
std::optional<unsigned long long> process_start_time(pid_t pid);

// Whether the process that registered `owner` still runs (a reused pid does not count).
bool owner_alive(const RunOwner& owner);
// For names that carry only a pid: a live process with that pid may be the owner.
bool owner_alive(pid_t owner);

}  // namespace ikelab::netns
