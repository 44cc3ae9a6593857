#include "cli/lab_cleanup.hpp"

#include "cli/output_format.hpp"
#include "netns/leftovers.hpp"
#include "netns/run_id.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <unistd.h>

namespace ikelab::cli {
namespace {

struct CleanupArgs {
  std::vector<std::string> force;
  bool dry_run = false;
  bool json = false;  // --format json: one JSON object on stdout instead of the lines
};

// What cleanup did with one run, as the line says it and as JSON names it.
struct RunAction {
  const netns::RunLeftovers* run;
  std::string action;  // removed, kept, left_alone, would_remove, failed
  std::string problems;
};

nlohmann::json run_json(const RunAction& done) {
  const auto& run = *done.run;
  nlohmann::json dirs = nlohmann::json::array();
  for (const auto& dir : run.artefact_dirs) dirs.push_back(dir.string());
  nlohmann::json entry{{"owner", run.owner},          {"action", done.action},
                       {"namespaces", run.namespaces}, {"processes", run.processes.size()},
                       {"artefact_dirs", dirs}};
  if (!done.problems.empty()) entry["problems"] = done.problems;
  return entry;
}

void print_json(const std::vector<RunAction>& actions, bool dry_run, size_t removed) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& done : actions) runs.push_back(run_json(done));
  nlohmann::json out{{"schema_version", 1}, {"dry_run", dry_run}, {"removed", removed}, {"runs", runs}};
  fmt::print("{}\n", out.dump(2));
}

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
  std::vector<netns::RunLeftovers> runs;
  try {
    runs = netns::find_runs();
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab cleanup: {}\n", e.what());
    return 2;
  }
  int status = 0;
  size_t removed = 0;
  std::vector<RunAction> actions;
  // In JSON mode the lines are not printed: the object at the end says it all.
  auto say = [&args](const std::string& line) {
    if (!args.json) fmt::print("{}\n", line);
  };
  for (const auto& run : runs) {
    bool force = forced.count(run.owner) > 0;
    if (run.owner_alive) {
      actions.push_back({&run, "left_alone", ""});
      say(fmt::format("left alone: {} (its ikelab process is still running)", describe(run)));
      continue;
    }
    if (run.kept && !force) {
      actions.push_back({&run, "kept", ""});
      say(fmt::format("kept: {} (ended with --keep; remove with: ikelab cleanup --force {})", describe(run), run.owner));
      continue;
    }
    if (args.dry_run) {
      actions.push_back({&run, "would_remove", ""});
      say(fmt::format("would remove: {}", describe(run)));
      continue;
    }
    std::string problems;
    if (netns::remove_run(run, problems)) {
      actions.push_back({&run, "removed", ""});
      say(fmt::format("removed: {}", describe(run)));
      ++removed;
    } else {
      actions.push_back({&run, "failed", problems});
      fmt::print(stderr, "could not remove {}:\n{}", describe(run), problems);
      status = 1;
    }
  }
  if (args.json) print_json(actions, args.dry_run, removed);
  else if (removed == 0 && status == 0 && !args.dry_run) fmt::print("nothing to remove\n");
  return status;
}

}  // namespace

void add_cleanup_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CleanupArgs>();
  auto* cmd = app.add_subcommand("cleanup", "Remove namespaces, daemons and files that dead lab runs left behind");
  cmd->add_option("--force", args->force, "Also remove this kept run (the id ikelab run --keep printed)");
  cmd->add_flag("--dry-run", args->dry_run, "Only show what would be removed");
  auto format = OutputFormat::add_to(cmd);
  cmd->callback([args, format, &exit_code] {
    args->json = format->json();
    exit_code = cleanup(*args);
  });
}

}  // namespace ikelab::cli
