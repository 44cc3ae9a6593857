#pragma once

// `ikelab run --report DIR`: DIR/index.html, the run as a self-contained HTML
// page (picture/html_report.hpp): the matrix as a grid (fault × IKE version ×
// daemon pair, coloured by verdict), the summary table, and per case a
// sequence diagram of both logs with the diagnosis.

#include "lab/run/case_check.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ikelab::harness {

struct ReportScenario {
  std::string fault;             // the scenario's fault id
  std::string initiator_build;   // daemon build names: "strongswan-5.9.8", "libreswan-4.10"
  std::string responder_build;
};

// Writes DIR/index.html (0644); returns its path. Cases whose artefacts were
// not kept are listed without a diagram. Throws std::runtime_error naming the file.
std::filesystem::path write_html_report(const std::filesystem::path& dir, const std::vector<CheckedCase>& cases,
                                        const std::map<std::string, ReportScenario>& scenarios, const std::string& subtitle);

}  // namespace ikelab::harness
