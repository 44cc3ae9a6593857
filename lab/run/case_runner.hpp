#pragma once

// Runs one case with real daemons: topology, both hosts' files, two charons,
// swanctl --load-all, a capture, the action, the outcome, list-sas, orderly
// stop, teardown. Never hangs: every wait has the case's deadline.

#include "lab/run/case_config.hpp"
#include "check/outcome.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::harness {

// Renders the case once the runner knows where each host's files go.
using RenderCase = std::function<CaseConfig(const HostPaths& initiator, const HostPaths& responder)>;

struct CaseRequest {
  std::string scenario;
  int ike_version = 2;
  RenderCase render;
};

struct CaseOptions {
  // Keeps the case's files here: both hosts' logs (both levels), rendered
  // configs, `swanctl --list-sas`, and a pcap of the IKE traffic.
  std::optional<std::filesystem::path> artefacts_dir;
  bool keep = false;  // leave namespaces and daemons running
};

// What a person needs to poke at a kept case.
struct KeptCase {
  std::string run_id;
  std::string initiator_ns;
  std::string responder_ns;
  std::string initiator_uri;
  std::string responder_uri;
  std::filesystem::path workdir;
};

struct CaseResult {
  std::string scenario;
  int ike_version = 2;
  Outcome outcome = Outcome::error;
  std::string detail;  // why (errors: with the daemon's output); never holds secrets
  double seconds = 0;
  double initiator_startup = 0;  // charon exec until vici answers, seconds
  double responder_startup = 0;
  std::string run_id;
  std::optional<KeptCase> kept;
  // Wall time of each step (topology, daemons, load, capture, action, settle, stop), seconds.
  std::vector<std::pair<std::string, double>> steps;
};

CaseResult run_case(const CaseRequest& request, const CaseOptions& options);

}  // namespace ikelab::harness
