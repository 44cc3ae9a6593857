#pragma once
// Decides one attempt's fault from the catalogue's rules.

#include "diagnoser/src/tracking/attempt.hpp"
#include "diagnoser/src/catalogue/catalogue.hpp"

namespace ikelab::diag {

Diagnosis decide(const Catalogue& catalogue, const Attempt& attempt, const std::string& file);

// "{name}" / "{name|default}" filled from captures.
std::string render_template(const std::string& text,
                            const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace ikelab::diag
