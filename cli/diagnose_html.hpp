#pragma once

// `ikelab diagnose --html FILE`: the diagnoses of one or two logs as a
// self-contained HTML report (picture/html_report.hpp), one sequence diagram
// per connection attempt.

#include "ikelab/diagnoser.hpp"

#include <string>
#include <vector>

namespace ikelab::cli {

// Writes the report; 0 when written, 2 (with a message on stderr) when not.
int write_diagnose_html(const std::vector<std::string>& logs, const diag::Catalogue& catalogue, const std::string& html);

}  // namespace ikelab::cli
