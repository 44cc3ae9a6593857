#pragma once

// Runs a replay plan with real daemons through the lab's case runner and
// diagnoses both logs as `ikelab diagnose INITIATOR_LOG RESPONDER_LOG` does.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ikelab/diagnoser.hpp"
#include "check/outcome.hpp"
#include "lab/replay/replay_plan.hpp"

namespace ikelab::replay {

struct ReplayResult {
  harness::Outcome outcome = harness::Outcome::error;
  std::string detail;
  std::vector<diag::Diagnosis> diagnoses;
  // Candidates the configs decided (resolve_candidates.hpp), in words.
  std::vector<std::string> resolutions;
  std::optional<std::filesystem::path> kept;  // with --out: the case's files
};

// `out`: keep the case's configs, logs and pcap there (as `ikelab run --out`);
// without it every file (customer secrets too) is removed before returning.
ReplayResult run_replay(const ReplayPlan& plan, const diag::Catalogue& catalogue,
                        const std::optional<std::filesystem::path>& out, const std::string& label);

}  // namespace ikelab::replay
