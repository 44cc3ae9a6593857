#pragma once

// Where the logs cannot tell two faults apart (a diagnosis with
// `candidates`), replay knows more than `ikelab diagnose`: the two configs it
// ran. This decides among the candidates from a log line and those configs,
// and says how; a diagnosis it cannot decide is left as the diagnoser gave it.
//
// IKEv2 wrong_id_initiator / wrong_id_responder: the responder logs
// `looking for peer configs matching R[IDr]...I[IDi]` for both. If the IDr
// the initiator asked for is not the responder's own ID while IDi is the one
// the responder expects, the responder's ID is the wrong one; the other way
// round, the initiator's.
//
// wrong_remote_gateway / ike_version_mismatch: the responder logs `no IKE
// config found for R...I` for both (at the default log level). If its
// config accepts I but speaks another IKE version, the versions differ; if
// both speak one version but it does not accept I, the gateway is wrong.

#include <filesystem>
#include <string>
#include <vector>

#include "ikelab/diagnoser.hpp"
#include "lab/scenario/scenario.hpp"

namespace ikelab::replay {

// Changes `d` when it can decide (the diagnoser's fault goes into candidates)
// and returns the reason in words; empty when it left `d` alone.
std::string resolve_with_configs(diag::Diagnosis& d, const harness::Scenario& scenario,
                                 const std::vector<std::filesystem::path>& logs);

}  // namespace ikelab::replay
