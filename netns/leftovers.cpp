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

std::vector<RunLeftovers> find_runs() {
  std::map<pid_t, RunLeftovers> runs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/run/netns", ec)) {
    std::string name = entry.path().filename().string();
    auto owner = owner_of_namespace(name);
    if (!owner) continue;
    auto& run = runs[*owner];
    run.owner = *owner;
    run.namespaces.push_back(name);
    auto pids = processes_in_namespace(name);
    run.processes.insert(run.processes.end(), pids.begin(), pids.end());
  }
  for (const auto& entry : fs::directory_iterator(state_root(), ec)) {
    std::string name = entry.path().filename().string();
    if (!all_digits(name) || name.size() > 10 || !entry.is_directory()) continue;
    pid_t owner = std::stoi(name);
    auto& run = runs[owner];
    run.owner = owner;
    run.has_state_dir = true;
  }
  std::vector<RunLeftovers> result;
  for (auto& [owner, run] : runs) {
    run.owner_alive = owner_alive(owner);
    run.kept = is_kept(owner);
    std::sort(run.namespaces.begin(), run.namespaces.end());
    result.push_back(std::move(run));
  }
  return result;
}

bool remove_run(const RunLeftovers& run, std::string& problems) {
  if (owner_alive(run.owner)) {
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
    std::error_code ec;
    fs::remove_all(state_root() / std::to_string(run.owner), ec);
    if (ec) {
      problems += fmt::format("{}: {}\n", (state_root() / std::to_string(run.owner)).string(), ec.message());
      ok = false;
    }
  }
  return ok;
}

}  // namespace ikelab::netns
