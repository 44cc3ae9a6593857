#include "lab/replay/replay_run.hpp"

#include <fmt/core.h>

#include <atomic>
#include <memory>

#include "lab/run/case_artefacts.hpp"
#include "lab/run/credentials.hpp"
#include "lab/run/lab_run.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/replay/resolve_candidates.hpp"
#include "netns/lab_state.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {

ReplayResult run_replay(const ReplayPlan& plan, const diag::Catalogue& catalogue, const std::optional<fs::path>& out,
                        const std::string& label) {
  ReplayResult result;
  harness::Scenario scenario = plan.scenario;
  scenario.name = label;
  // In this run's own private state folder (removed when ikelab ends), one
  // per replay: a --fix rerun is a second replay in the same process.
  static std::atomic<int> replays{0};
  auto credentials = std::make_shared<harness::Credentials>(
      netns::own_run_dir().make_child(fmt::format("credentials-{}", ++replays)).path());
  harness::prepare_credentials({scenario}, *credentials);
  harness::CaseRequest request;
  request.scenario = scenario.name;
  request.ike_version = plan.ike_version;
  const int version = plan.ike_version;
  request.render = [scenario, version, credentials](const harness::HostPaths& i, const harness::HostPaths& r) {
    return harness::render_case(scenario, version, i, r, *credentials);
  };
  harness::ArtefactsDir artefacts(out ? std::optional<fs::path>(fs::absolute(*out)) : std::nullopt);
  harness::LabRunOptions options;
  options.jobs = 1;
  options.out_dir = artefacts.path();
  auto results = harness::run_cases({request}, options, [](const harness::LabProgress&) {});
  if (results.empty()) {
    result.detail = "interrupted";
    return result;
  }
  result.outcome = results.front().outcome;
  result.detail = results.front().detail;
  const fs::path dir = artefacts.case_dir(scenario.name, version);
  auto log_of = [&](const char* side, harness::Implementation impl) {
    return dir / side / (impl == harness::Implementation::libreswan ? "pluto.log" : "charon.log");
  };
  std::vector<fs::path> logs;
  for (auto [side, impl] : {std::pair{"initiator", scenario.initiator.implementation}, std::pair{"responder", scenario.responder.implementation}})
    if (fs::exists(log_of(side, impl))) logs.push_back(log_of(side, impl));
  if (!logs.empty()) result.diagnoses = diag::diagnose_files(logs, catalogue);
  if (logs.size() == 2)
    for (auto& d : result.diagnoses)
      if (auto why = resolve_with_configs(d, scenario, logs); !why.empty()) result.resolutions.push_back(d.fault + ": " + why);
  // Logs name the files they came from: keep them relative to the case.
  for (auto& d : result.diagnoses)
    for (auto& e : d.evidence) e.file = fs::path(e.file).lexically_relative(dir).string();
  if (out) result.kept = dir;
  artefacts.settle(scenario.name, version, /*passed=*/true);  // a temporary folder keeps nothing
  return result;
}

}  // namespace ikelab::replay
