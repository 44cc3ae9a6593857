#include "check/outcome.hpp"

namespace ikelab::harness {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::established: return "established";
    case Outcome::phase1_failed: return "phase1_failed";
    case Outcome::phase2_failed: return "phase2_failed";
    case Outcome::error: return "error";
  }
  return "error";
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  for (Outcome o : {Outcome::established, Outcome::phase1_failed, Outcome::phase2_failed, Outcome::error})
    if (text == to_string(o)) return o;
  return std::nullopt;
}

}  // namespace ikelab::harness
