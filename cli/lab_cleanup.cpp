#include "cli/lab_cleanup.hpp"

#include "netns/leftovers.hpp"
#include "netns/run_id.hpp"

#include <fmt/core.h>

#include <memory>
#include <set>
#include <unistd.h>

namespace ikelab::cli {
namespace {

struct CleanupArgs {
  std::vector<std::string> force;
  bool dry_run = false;
};

std::string describe(const netns::RunLeftovers& run) {
  std::string text = fmt::format("run {}", run.owner);
  if (!run.namespaces.empty()) {
    text += ": namespaces";
    for (const auto& ns : run.namespaces) text += " " + ns;
  }
  if (!run.processes.empty()) text += fmt::format(", {} process{}", run.processes.size(), run.processes.size() == 1 ? "" : "es");
  if (run.namespaces.empty() && run.processes.empty()) text += ": files only";
  for (const auto& dir : run.artefact_dirs) text += fmt::format(", unfinished artefacts {}", dir.string());
  return text;
}

int cleanup(const CleanupArgs& args) {
  if (::geteuid() != 0 && !args.dry_run) {
    fmt::print(stderr, "ikelab cleanup: removing namespaces needs root\n");
    return 2;
  }
  std::set<pid_t> forced;
  for (const auto& text : args.force) {
    auto id = netns::parse_run_id(text);
    if (!id) {
      fmt::print(stderr, "ikelab cleanup: '{}' is not a run id (the pid printed by ikelab run --keep)\n", text);
      return 2;
    }
    forced.insert(id->owner);
  }
  int status = 0;
  size_t removed = 0;
  std::vector<netns::RunLeftovers> runs;
  try {
    runs = netns::find_runs();
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab cleanup: {}\n", e.what());
    return 2;
  }
  for (const auto& run : runs) {
    bool force = forced.count(run.owner) > 0;
    if (run.owner_alive) {
      fmt::print("left alone: {} (its ikelab process is still running)\n", describe(run));
      continue;
    }
    if (run.kept && !force) {
      fmt::print("kept: {} (ended with --keep; remove with: ikelab cleanup --force {})\n", describe(run), run.owner);
      continue;
    }
    if (args.dry_run) {
      fmt::print("would remove: {}\n", describe(run));
      continue;
    }
    std::string problems;
    if (netns::remove_run(run, problems)) {
      fmt::print("removed: {}\n", describe(run));
      ++removed;
    } else {
      fmt::print(stderr, "could not remove {}:\n{}", describe(run), problems);
      status = 1;
    }
  }
  if (removed == 0 && status == 0 && !args.dry_run) fmt::print("nothing to remove\n");
  return status;
}

}  // namespace

void add_cleanup_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CleanupArgs>();
  auto* cmd = app.add_subcommand("cleanup", "Remove namespaces, daemons and files that dead lab runs left behind");
  cmd->add_option("--force", args->force, "Also remove this kept run (the id ikelab run --keep printed)");
  cmd->add_flag("--dry-run", args->dry_run, "Only show what would be removed");
  cmd->callback([args, &exit_code] { exit_code = cleanup(*args); });
}

}  // namespace ikelab::cli
