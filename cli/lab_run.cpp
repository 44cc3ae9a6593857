#include "cli/lab_run.hpp"

#include "cli/console_style.hpp"
#include "cli/output_format.hpp"

#include "lab/daemons/daemon_builds.hpp"
#include "lab/run/case_check.hpp"
#include "lab/run/credentials.hpp"
#include "lab/run/diagnose_logs.hpp"
#include "check/expectations.hpp"
#include "lab/run/lab_run.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/run/run_files.hpp"
#include "lab/report/run_report.hpp"
#include "lab/report/html_run_report.hpp"
#include "base/data_dir.hpp"
#include "base/terminal_text.hpp"
#include "base/text_file.hpp"
#include "lab/scenario/scenario.hpp"
#include "lab/scenario/scenario_select.hpp"
#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ikelab::cli {
namespace {

constexpr const char* kScenariosHelp =
    "Scenario folder (default: $IKELAB_DATA_DIR/scenarios, else the installed share/ikelab/scenarios, else the "
    "source tree)";

struct RunArgs {
  std::vector<std::string> names;
  int ike = 0;  // 0: every version the scenario names
  int jobs = 0;
  std::string out;
  std::string junit;
  std::string json;    // --json FILE; - for standard output
  bool json_stdout = false;  // --format json (or --json -)
  std::string report;  // --report DIR: DIR/index.html (and the artefacts, unless --out)
  bool keep = false;
  bool keep_secrets = false;
  std::string initiator_daemon;  // a daemon build name; empty: each scenario's `implementation:`
  std::string responder_daemon;
  std::string scenarios_dir;  // empty: base::data_path() decides
  std::string expected_dir;
  std::string filter;          // --filter REGEX
  std::string color = "auto";  // auto | always | never
  bool quiet = false;
  bool verbose = false;
};

// The daemon build `--initiator-daemon`/`--responder-daemon` names (nullptr:
// not given); throws naming the known builds or what is missing.
const harness::DaemonBuild* chosen_build(const std::string& name, const char* option) {
  if (name.empty()) return nullptr;
  const auto* build = harness::find_daemon_build(name);
  if (!build)
    throw std::runtime_error(
        fmt::format("{} {}: no such daemon build (known: {})", option, name, harness::daemon_build_names()));
  if (auto missing = build->missing(); !missing.empty()) throw std::runtime_error(fmt::format("{}: {}", option, missing));
  return build;
}

// Runs the host on `build` instead of its `implementation:`. True when the
// implementation stays the same (only the version changes).
bool run_on(harness::HostSettings& host, const harness::DaemonBuild* build) {
  if (!build) return true;
  const bool same = host.implementation == build->implementation;
  host.implementation = build->implementation;
  host.daemon_build = build->name;
  return same;
}

std::string build_name(const harness::HostSettings& host) {
  return host.daemon_build.empty() ? harness::default_daemon_build(host.implementation).name : host.daemon_build;
}

int run(const RunArgs& args) {
  // Whatever the lab or its tools (pki, openssl, certutil, the daemons) create
  // is private unless a file is written with a wider mode on purpose.
  ::umask(077);
  auto started = std::chrono::steady_clock::now();

  std::vector<harness::Scenario> scenarios;
  std::map<std::string, std::optional<harness::ScenarioExpectations>> expectations;
  std::vector<std::pair<std::string, std::string>> not_run;  // (scenario, why), said after the table
  try {
    const fs::path expected_dir = base::data_path(base::DataKind::expected, args.expected_dir);
    scenarios = harness::select_scenarios(
        harness::load_scenario_folder(base::data_path(base::DataKind::scenarios, args.scenarios_dir)), args.names,
        args.filter);
    const auto* initiator_build = chosen_build(args.initiator_daemon, "--initiator-daemon");
    const auto* responder_build = chosen_build(args.responder_daemon, "--responder-daemon");
    for (auto& s : scenarios) {
      if (!initiator_build && !responder_build) {
        expectations[s.name] = harness::find_expectations(expected_dir, s.name);
        continue;
      }
      const bool same_initiator = run_on(s.initiator, initiator_build);
      const bool same_responder = run_on(s.responder, responder_build);
      if (auto why = s.unsupported_reason(build_name(s.initiator), build_name(s.responder)); !why.empty()) {
        not_run.emplace_back(s.name, why);
        continue;
      }
      expectations[s.name] = harness::find_pair_expectations(expected_dir, s.name, build_name(s.initiator),
                                                             build_name(s.responder), same_initiator && same_responder);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: {}\n", base::visible_text(e.what()));
    return 2;
  }

  // Which scenarios a run means is checked first, so a mistyped name gets its answer without root.
  if (::geteuid() != 0) {
    fmt::print(stderr, "ikelab run: the lab needs root (network namespaces, mounts); run it as root\n");
    return 2;
  }
  netns::install_interrupt_handler();
  std::shared_ptr<harness::Credentials> credentials;
  try {
    credentials = std::make_shared<harness::Credentials>(netns::own_run_dir().make_child("credentials").path());
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: the lab's state directory: {}\n", base::visible_text(e.what()));
    return 2;
  }
  std::vector<harness::CaseRequest> cases;
  std::erase_if(scenarios, [&](const auto& s) {
    return std::any_of(not_run.begin(), not_run.end(), [&](const auto& n) { return n.first == s.name; });
  });
  for (const auto& [name, why] : not_run)
    fmt::print(stderr, "ikelab run: {} not run on this daemon pair ({})\n", name, why);
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
    if (scenarios.empty()) fmt::print(stderr, "ikelab run: no case to run (no chosen scenario runs on this daemon pair)\n");
    else fmt::print(stderr, "ikelab run: no case to run (none of the {} chosen scenario{} runs IKEv{})\n", scenarios.size(),
                    scenarios.size() == 1 ? "" : "s", args.ike);
    return 2;
  }
  try {
    harness::prepare_credentials(scenarios, *credentials);
  } catch (const std::exception& e) {
    if (netns::interrupted()) {
      // Ctrl-C while pki runs: pki is stopped (its own process group, so the
      // terminal's signal reached only ikelab), no case started; the run's
      // files go and ikelab ends by the signal, as at any other point.
      netns::write_console(stderr, "ikelab run: interrupted while making the lab's credentials; everything it "
                                   "started is removed\n");
      netns::remove_own_state_dir();
      netns::reraise_interrupt();
    }
    fmt::print(stderr, "ikelab run: preparing credentials failed: {}\n", base::visible_text(e.what(), true));
    return 2;
  }

  harness::LabRunOptions options;
  options.jobs = args.jobs > 0 ? args.jobs : harness::default_lab_jobs(std::thread::hardware_concurrency());
  options.keep = args.keep;
  options.keep_secrets = args.keep_secrets;
  auto durations = harness::CaseDurations::load();
  for (const auto& c : cases) options.expected_seconds.push_back(durations.expected(c.scenario, c.ike_version));
  // Every case keeps its artefacts long enough to be checked: in --out, or in
  // a temporary folder that keeps only the failed cases.
  std::optional<harness::ArtefactsDir> artefacts;
  try {
    // --report without --out keeps the artefacts next to the report.
    const std::string& out = args.out.empty() ? args.report : args.out;
    artefacts.emplace(out.empty() ? std::optional<fs::path>() : fs::absolute(out));
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: {}\n", base::visible_text(e.what()));
    return 2;
  }
  options.out_dir = artefacts->path();
  harness::KnownFaults known;
  harness::DiagnoseLogs diagnose;
  try {
    diagnose = harness::catalogue_diagnoser(known);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: the diagnoser's rule catalogue: {}\n", base::visible_text(e.what()));
    return 2;
  }
  harness::ProgressStyle style;
  style.terminal = ::isatty(STDERR_FILENO) == 1;
  style.color = use_color(args.color, STDERR_FILENO);
  style.verbosity = args.quiet ? harness::Verbosity::quiet : args.verbose ? harness::Verbosity::verbose : harness::Verbosity::normal;
  harness::ProgressPrinter progress(stderr, style);
  // Each case is checked as it ends (under run_cases' lock), so its progress
  // line can say PASS or FAIL.
  std::map<std::pair<std::string, int>, harness::CheckedCase> checked_by_case;
  auto on_progress = [&](const harness::LabProgress& p) {
    if (!p.just_finished) return progress.running(p);
    const harness::CaseResult& r = *p.just_finished;
    if (r.interrupted) return progress.interrupted(p);
    auto checked = harness::check_case_result(r, expectations, *artefacts, diagnose, known);
    progress.finished(p, checked.check.pass(), harness::to_verdict(checked.check).reason);
    checked_by_case.emplace(std::pair(r.scenario, r.ike_version), std::move(checked));
  };
  auto results = harness::run_cases(cases, options, on_progress);
  progress.finish();
  if (!netns::interrupted()) {
    durations.record(results);
    durations.save();
  }

  // Cases cut short by an interrupt are no results: neither checked nor kept.
  std::vector<harness::CheckedCase> checked;
  for (auto& r : results) {
    auto it = checked_by_case.find({r.scenario, r.ike_version});
    if (r.interrupted || it == checked_by_case.end()) {
      artefacts->settle(r.scenario, r.ike_version, true);
      continue;
    }
    it->second.result = std::move(r);
    checked.push_back(std::move(it->second));
  }
  std::vector<harness::JudgedCase> judged;
  for (const auto& c : checked) judged.push_back({c.result, harness::to_verdict(c.check)});
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string report = args.quiet ? harness::format_check_report(checked) + harness::format_kept(judged)
                                   : harness::format_table(judged) + harness::format_check_report(checked) +
                                         harness::format_kept(judged) + harness::format_known_gaps(checked);
  if (!not_run.empty()) {
    report += "\nnot run on this daemon pair (the scenario says why, unsupported_daemons:):\n";
    for (const auto& [name, why] : not_run) report += fmt::format("  {}: {}\n", name, why);
  }
  if (!args.out.empty()) report += fmt::format("\nlogs, configs, list-sas and pcaps: {}\n", options.out_dir->string());
  report += fmt::format("\n{}{}", harness::format_summary(judged, wall), args.quiet ? "" : harness::format_timings(judged));
  // With --format json (or --json -) standard output carries the JSON only; the report goes to standard error.
  // A reader that is gone (EPIPE) interrupts the run: its files are removed below.
  // Daemon output and log lines in the report reach the terminal only as visible text.
  netns::write_console(args.json_stdout ? stderr : stdout, base::visible_text(report, true));
  harness::RunSummary summary{wall, options.jobs, cases.size()};
  try {
    if (!args.junit.empty()) harness::write_text_file(args.junit, harness::junit_xml(checked, summary));
    if (args.json_stdout) netns::write_console(stdout, harness::json_summary(checked, summary));
    if (!args.json.empty() && args.json != "-") harness::write_text_file(args.json, harness::json_summary(checked, summary));
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab run: {}\n", base::visible_text(e.what()));
  }
  bool report_failed = false;
  if (!args.report.empty() && !netns::interrupted()) {
    std::map<std::string, harness::ReportScenario> info;
    for (const auto& s : scenarios) info[s.name] = {s.fault, build_name(s.initiator), build_name(s.responder)};
    try {
      auto file = harness::write_html_report(args.report, checked, info,
                                             fmt::format("{} case(s) in {:.1f} s, -j {}", cases.size(), wall, options.jobs));
      netns::write_console(args.json_stdout ? stderr : stdout, fmt::format("HTML report: {}\n", file.string()));
    } catch (const std::exception& e) {
      fmt::print(stderr, "ikelab run: --report {}: {}\n", args.report, e.what());
      report_failed = true;
    }
  }

  if (netns::interrupted()) {
    netns::write_console(stderr, fmt::format("ikelab run: interrupted after {} of {} cases; everything it started is removed\n",
                                             checked.size(), cases.size()));
    netns::remove_own_state_dir();
    artefacts.reset();  // its temporary folder goes unless a finished case failed
    netns::reraise_interrupt();
  }
  bool all_passed = judged.size() == cases.size() &&
                    std::all_of(judged.begin(), judged.end(), [](const auto& c) { return c.verdict.pass; });
  if (report_failed) return 2;
  return all_passed ? 0 : 1;
}

int list_daemons(bool json) {
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& build : harness::daemon_builds()) {
      const auto missing = build.missing();
      nlohmann::ordered_json item = {{"daemon", build.name},
                             {"implementation", build.implementation == harness::Implementation::strongswan ? "strongswan" : "libreswan"},
                             {"version", build.version},
                             {"installed", missing.empty()}};
      if (missing.empty()) item["where"] = build.location();
      else item["missing"] = missing;
      out.push_back(std::move(item));
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  size_t width = 6;
  for (const auto& build : harness::daemon_builds()) width = std::max(width, build.name.size());
  fmt::print("{:<{}}  {:<9}  {}\n", "daemon", width, "installed", "where");
  for (const auto& build : harness::daemon_builds()) {
    const auto missing = build.missing();
    fmt::print("{:<{}}  {:<9}  {}\n", build.name, width, missing.empty() ? "yes" : "no",
               missing.empty() ? build.location() : missing);
  }
  return 0;
}

int list(const std::string& scenarios_dir, bool json) {
  std::vector<harness::Scenario> scenarios;
  try {
    scenarios = harness::load_scenario_folder(base::data_path(base::DataKind::scenarios, scenarios_dir));
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab list: {}\n", base::visible_text(e.what()));
    return 2;
  }
  if (json) {
    // nlohmann escapes control characters itself; the parser refuses them in a description anyway.
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& s : scenarios)
      out.push_back({{"scenario", s.name}, {"ike_versions", s.ike_versions}, {"description", s.description}});
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  size_t width = 8;
  for (const auto& s : scenarios) width = std::max(width, s.name.size());
  fmt::print("{:<{}}  {:<4}  {}\n", "scenario", width, "IKE", "description");
  for (const auto& s : scenarios) {
    std::string versions;
    for (int v : s.ike_versions) versions += (versions.empty() ? "" : ",") + std::to_string(v);
    // The parser refuses control characters in a description; shown visibly all the same.
    fmt::print("{:<{}}  {:<4}  {}\n", s.name, width, versions, base::visible_text(s.description));
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run lab scenarios with real strongSwan daemons and check their outcome");
  cmd->add_option("names", args->names, "Scenarios to run: names or shell globs such as 'baseline_*' (default: all)");
  cmd->add_option("--filter", args->filter, "Only the chosen scenarios whose name REGEX matches (partly)");
  cmd->add_option("--ike", args->ike, "Only this IKE version")->check(CLI::IsMember({1, 2}));
  cmd->add_option("-j,--jobs", args->jobs, "Cases in parallel (default: 4 per core up to 8, at least the cores: cases mostly wait)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--out", args->out, "Keep each case's logs, configs, list-sas and pcap under DIR/<scenario>/ike<N>/");
  cmd->add_option("--junit", args->junit, "Write the results as JUnit XML to FILE");
  cmd->add_option("--json", args->json, "Write a machine-readable summary (JSON) to FILE; - for standard output");
  auto format = OutputFormat::add_to(cmd);
  auto* quiet = cmd->add_flag("-q,--quiet", args->quiet, "Show only failed cases and the summary");
  cmd->add_flag("-v,--verbose", args->verbose, "Show each case's outcome, seconds and why it failed as it ends")->excludes(quiet);
  cmd->add_option("--color", args->color, "Colour the progress: auto (a terminal, unless NO_COLOR is set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_option("--report", args->report,
                  "Write DIR/index.html: the matrix, a summary and a sequence diagram per case (artefacts in DIR unless --out)");
  cmd->add_option("--initiator-daemon", args->initiator_daemon,
                  "Run every initiator on this daemon build instead of its implementation: (see: ikelab list --daemons)");
  cmd->add_option("--responder-daemon", args->responder_daemon,
                  "Run every responder on this daemon build instead of its implementation:");
  cmd->add_flag("--keep", args->keep, "Leave namespaces and daemons running, print how to enter and remove them");
  cmd->add_flag("--keep-secrets", args->keep_secrets,
                "With --out: keep the configs' PSKs and passwords (files 0600) instead of redacting them");
  cmd->add_option("--scenarios", args->scenarios_dir, kScenariosHelp);
  cmd->add_option("--expected", args->expected_dir,
                  "Expected-outcome folder (default: $IKELAB_DATA_DIR/expected, else the installed share/ikelab/expected, "
                  "else the source tree)");
  cmd->callback([args, format, &exit_code] {
    // With JSON on standard output the table and the progress go to standard error.
    args->json_stdout = format->json(args->json == "-", "--json -");
    exit_code = run(*args);
  });
}

void add_list_command(CLI::App& app, int& exit_code) {
  auto dir = std::make_shared<std::string>();
  auto daemons = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("list", "List the lab scenarios with their descriptions");
  cmd->add_option("--scenarios", *dir, kScenariosHelp);
  cmd->add_flag("--daemons", *daemons, "List the daemon builds the lab can run instead, and whether each is installed");
  auto format = OutputFormat::add_to(cmd);
  cmd->callback([dir, daemons, format, &exit_code] {
    const bool json = format->json();
    exit_code = *daemons ? list_daemons(json) : list(*dir, json);
  });
}

}  // namespace ikelab::cli
