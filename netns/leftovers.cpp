#include "netns/leftovers.hpp"

#include "netns/lab_state.hpp"
#include "netns/run_id.hpp"
#include "netns/topology.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <thread>

namespace fs = std::filesystem;

namespace ikelab::netns {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<pid_t> processes_in_namespace(const std::string& name) {
  std::vector<pid_t> pids;
  struct stat target {};
  if (::stat(("/run/netns/" + name).c_str(), &target) != 0) return pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string pid_text = entry.path().filename().string();
    if (!all_digits(pid_text)) continue;
    struct stat ns {};
    if (::stat((entry.path() / "ns" / "net").c_str(), &ns) != 0) continue;
    if (ns.st_ino == target.st_ino && ns.st_dev == target.st_dev) pids.push_back(std::stoi(pid_text));
  }
  return pids;
}

namespace {

// The system's temp directory, if it is one nobody can rename our entries in.
std::optional<base::SharedDir> temp_dir() {
  try {
    return base::SharedDir::open(fs::temp_directory_path());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool alive(const RunLeftovers& run) {
  return run.owner_start == 0 ? owner_alive(run.owner) : owner_alive(RunOwner{run.owner, run.owner_start});
}

}  // namespace

std::vector<RunLeftovers> find_runs() {
  std::map<std::pair<pid_t, unsigned long long>, RunLeftovers> runs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/run/netns", ec)) {
    std::string name = entry.path().filename().string();
    auto owner = owner_of_namespace(name);
    if (!owner) continue;
    auto& run = runs[{owner->pid, owner->start}];
    run.owner = owner->pid;
    run.owner_start = owner->start;
    run.namespaces.push_back(name);
    auto pids = processes_in_namespace(name);
    run.processes.insert(run.processes.end(), pids.begin(), pids.end());
  }
  // Only entries of the verified root that are themselves private directories
  // named <pid>-<start>: nothing else there is a run's.
  const PrivateDir& root = state_root_dir();
  for (const auto& entry : fs::directory_iterator(root.path(), ec)) {
    std::string name = entry.path().filename().string();
    auto owner = RunOwner::parse(name);
    if (!owner || !root.open_child(name)) continue;
    auto& run = runs[{owner->pid, owner->start}];
    run.owner = owner->pid;
    run.owner_start = owner->start;
    run.has_state_dir = true;
  }
  // Temporary artefact folders a run never settled: private, named after a run, still marked unfinished.
  if (auto temp = temp_dir()) {
    for (const auto& name : temp->names(std::string(artefacts_dir_prefix))) {
      auto owner = owner_of_artefacts_dir(name);
      if (!owner) continue;
      auto dir = temp->open_private_child(name);
      if (!dir || !dir->has_file(std::string(unfinished_marker))) continue;
      auto& run = runs[{owner->pid, owner->start}];
      run.owner = owner->pid;
      run.owner_start = owner->start;
      run.artefact_dirs.push_back(dir->path());
    }
  }
  std::vector<RunLeftovers> result;
  for (auto& [key, run] : runs) {
    run.owner_alive = alive(run);
    run.kept = run.owner_start != 0 && is_kept(RunOwner{run.owner, run.owner_start});
    std::sort(run.namespaces.begin(), run.namespaces.end());
    result.push_back(std::move(run));
  }
  return result;
}

bool remove_run(const RunLeftovers& run, std::string& problems) {
  if (alive(run)) {
    problems += fmt::format("run of pid {} is still alive; left alone\n", run.owner);
    return false;
  }
  bool ok = true;
  for (const auto& ns : run.namespaces) {
    // Re-list right before killing: only processes inside this ikelab namespace.
    for (pid_t pid : processes_in_namespace(ns)) ::kill(pid, SIGKILL);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!processes_in_namespace(ns).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!processes_in_namespace(ns).empty()) {
      problems += fmt::format("namespace {}: processes did not die\n", ns);
      ok = false;
    }
    if (!delete_namespace(ns)) {
      problems += fmt::format("namespace {}: could not delete\n", ns);
      ok = false;
    }
  }
  if (run.has_state_dir) {
    const PrivateDir& root = state_root_dir();
    const std::string name = RunOwner{run.owner, run.owner_start}.dir_name();
    // Removed only while it is still a private directory of ours (fd-relative, no symlink followed).
    if (root.open_child(name)) ok = root.remove_child(name, problems) && ok;
  }
  if (!run.artefact_dirs.empty()) {
    auto temp = temp_dir();
    for (const auto& dir : run.artefact_dirs) {
      const std::string name = dir.filename().string();
      if (!temp) {
        problems += fmt::format("{}: the temp directory cannot be opened safely; left alone\n", dir.string());
        ok = false;
        continue;
      }
      // Verified again right before: still private and still unfinished.
      auto child = temp->open_private_child(name);
      if (!child || !child->has_file(std::string(unfinished_marker))) continue;
      ok = temp->remove_private_child(name, problems) && ok;
    }
  }
  return ok;
}

}  // namespace ikelab::netns
