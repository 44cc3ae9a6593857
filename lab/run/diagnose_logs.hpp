#pragma once

// The diagnoser library as the lab's checks use it (lab/run/case_check.hpp).

#include "lab/run/case_check.hpp"

namespace ikelab::harness {

// Loads the rule catalogue once; the function diagnoses one or two logs.
// Throws (naming file and line) when the catalogue is bad.
DiagnoseLogs catalogue_diagnoser(KnownFaults& known);

}  // namespace ikelab::harness
