#include "cli/lab_run.hpp"

#include "lab/run/case_check.hpp"
#include "lab/run/credentials.hpp"
#include "lab/run/diagnose_logs.hpp"
#include "check/expectations.hpp"
#include "lab/run/lab_run.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/run/run_files.hpp"
#include "lab/report/run_report.hpp"
#include "base/text_file.hpp"
#include "lab/scenario/scenario.hpp"
#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ikelab::cli {
namespace {

struct RunArgs {
  std::vector<std::string> names;
  int ike = 0;  // 0: every version the scenario names
  int jobs = 0;
  std::string out;
  std::string junit;
  std::string json;
  bool keep = false;
  std::string scenarios_dir = IKELAB_SCENARIOS_DIR;
  std::string expected_dir = IKELAB_EXPECTED_DIR;
};

std::vector<harness::Scenario> select(std::vector<harness::Scenario> all, const std::vector<std::string>& names) {
  if (names.empty()) return all;
  std::vector<harness::Scenario> chosen;
  for (const auto& name : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.name == name; });
    if (it == all.end()) throw std::runtime_error(fmt::format("no scenario named '{}' (see: ikelab list)", name));
    if (std::none_of(chosen.begin(), chosen.end(), [&](const auto& s) { return s.name == name; }))
      chosen.push_back(*it);
  }
  return chosen;
}

int run(const RunArgs& args) {
  if (::geteuid() != 0) {
    fmt::print(stderr, "ikelab run: the lab needs root (network namespaces, mounts); run it as root\n");
    return 2;
  }
  netns::install_interrupt_handler();
  auto started = std::chrono::steady_clock::now();

  std::vector<harness::Scenario> scenarios;
  std::map<std::string, std::optional<harness::ScenarioExpectations>> expectations;
  try {
    scenarios = select(harness::load_scenarios(args.scenarios_dir), args.names);
    for (const auto& s : scenarios) expectations[s.name] = harness::find_expectations(args.expected_dir, s.name);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: {}\n", e.what());
    return 2;
  }

  auto credentials = std::make_shared<harness::Credentials>(netns::state_root() / std::to_string(getpid()) / "credentials");
  netns::register_this_process();
  std::vector<harness::CaseRequest> cases;
  for (const auto& scenario : scenarios) {
    for (int version : scenario.ike_versions) {
      if (args.ike != 0 && version != args.ike) continue;
      harness::CaseRequest request;
      request.scenario = scenario.name;
      request.ike_version = version;
      request.render = [&scenario, version, credentials](const harness::HostPaths& i, const harness::HostPaths& r) {
        return harness::render_case(scenario, version, i, r, *credentials);
      };
      cases.push_back(std::move(request));
    }
  }
  if (cases.empty()) {
    fmt::print(stderr, "ikelab run: no case to run (no scenario{} with IKEv{})\n", args.names.empty() ? "" : " named",
               args.ike);
    return 2;
  }
  try {
    harness::prepare_credentials(scenarios, *credentials);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: preparing credentials failed: {}\n", e.what());
    return 2;
  }

  harness::LabRunOptions options;
  options.jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.keep = args.keep;
  auto durations = harness::CaseDurations::load();
  for (const auto& c : cases) options.expected_seconds.push_back(durations.expected(c.scenario, c.ike_version));
  // Every case keeps its artefacts long enough to be checked: in --out, or in
  // a temporary folder that keeps only the failed cases.
  std::optional<harness::ArtefactsDir> artefacts;
  try {
    artefacts.emplace(args.out.empty() ? std::optional<fs::path>() : fs::absolute(args.out));
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: {}\n", e.what());
    return 2;
  }
  options.out_dir = artefacts->path();
  harness::KnownFaults known;
  harness::DiagnoseLogs diagnose;
  try {
    diagnose = harness::catalogue_diagnoser(known);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: the diagnoser's rule catalogue: {}\n", e.what());
    return 2;
  }
  harness::ProgressPrinter progress(stderr, ::isatty(STDERR_FILENO) == 1);
  auto results = harness::run_cases(cases, options, std::ref(progress));
  progress.finish();
  if (!netns::interrupted()) {
    durations.record(results);
    durations.save();
  }

  auto checked = harness::check_cases(std::move(results), expectations, *artefacts, diagnose, known);
  std::vector<harness::JudgedCase> judged;
  for (const auto& c : checked) judged.push_back({c.result, harness::to_verdict(c.check)});
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("{}{}{}", harness::format_table(judged), harness::format_check_report(checked), harness::format_kept(judged));
  fmt::print("{}", harness::format_known_gaps(checked));
  if (!args.out.empty()) fmt::print("\nlogs, configs, list-sas and pcaps: {}\n", options.out_dir->string());
  fmt::print("\n{}{}", harness::format_summary(judged, wall), harness::format_timings(judged));
  std::fflush(stdout);
  harness::RunSummary summary{wall, options.jobs, cases.size()};
  try {
    if (!args.junit.empty()) harness::write_text_file(args.junit, harness::junit_xml(checked, summary));
    if (!args.json.empty()) harness::write_text_file(args.json, harness::json_summary(checked, summary));
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: {}\n", e.what());
  }

  if (netns::interrupted()) {
    fmt::print(stderr, "ikelab run: interrupted after {} of {} cases; everything it started is removed\n",
               results.size(), cases.size());
    netns::remove_own_state_dir();
    netns::reraise_interrupt();
  }
  bool all_passed = judged.size() == cases.size() &&
                    std::all_of(judged.begin(), judged.end(), [](const auto& c) { return c.verdict.pass; });
  return all_passed ? 0 : 1;
}

int list(const std::string& scenarios_dir) {
  std::vector<harness::Scenario> scenarios;
  try {
    scenarios = harness::load_scenarios(scenarios_dir);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab list: {}\n", e.what());
    return 2;
  }
  size_t width = 8;
  for (const auto& s : scenarios) width = std::max(width, s.name.size());
  fmt::print("{:<{}}  {:<4}  {}\n", "scenario", width, "IKE", "description");
  for (const auto& s : scenarios) {
    std::string versions;
    for (int v : s.ike_versions) versions += (versions.empty() ? "" : ",") + std::to_string(v);
    fmt::print("{:<{}}  {:<4}  {}\n", s.name, width, versions, s.description);
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run lab scenarios with real strongSwan daemons and check their outcome");
  cmd->add_option("names", args->names, "Scenarios to run (default: all)");
  cmd->add_option("--ike", args->ike, "Only this IKE version")->check(CLI::IsMember({1, 2}));
  cmd->add_option("-j,--jobs", args->jobs, "Cases in parallel (default: number of cores)")->check(CLI::Range(1, 64));
  cmd->add_option("--out", args->out, "Keep each case's logs, configs, list-sas and pcap under DIR/<scenario>/ike<N>/");
  cmd->add_option("--junit", args->junit, "Write the results as JUnit XML to FILE");
  cmd->add_option("--json", args->json, "Write a machine-readable summary (JSON) to FILE");
  cmd->add_flag("--keep", args->keep, "Leave namespaces and daemons running, print how to enter and remove them");
  cmd->add_option("--scenarios", args->scenarios_dir, "Scenario folder")->capture_default_str();
  cmd->add_option("--expected", args->expected_dir, "Expected-outcome folder")->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

void add_list_command(CLI::App& app, int& exit_code) {
  auto dir = std::make_shared<std::string>(IKELAB_SCENARIOS_DIR);
  auto* cmd = app.add_subcommand("list", "List the lab scenarios with their descriptions");
  cmd->add_option("--scenarios", *dir, "Scenario folder")->capture_default_str();
  cmd->callback([dir, &exit_code] { exit_code = list(*dir); });
}

}  // namespace ikelab::cli
