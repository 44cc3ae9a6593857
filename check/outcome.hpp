#pragma once

// How far a case's negotiation got, judged from the daemons themselves.

#include <optional>
#include <string_view>

namespace ikelab::harness {

enum class Outcome {
  established,    // IKE_SA and CHILD_SA up (and the action's follow-up, rekey/DPD, did what it should)
  phase1_failed,  // no IKE_SA (IKEv1 main/aggressive mode, IKEv2 IKE_SA_INIT/IKE_AUTH)
  phase2_failed,  // IKE_SA up, CHILD_SA not (also: a forced CHILD_SA rekey failed)
  error,          // the lab itself failed: a daemon did not start, crashed, config not loaded, deadline
};

std::string_view to_string(Outcome outcome);
// "established", "phase1_failed", "phase2_failed", "error".
std::optional<Outcome> parse_outcome(std::string_view text);

}  // namespace ikelab::harness
