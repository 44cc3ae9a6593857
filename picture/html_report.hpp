#pragma once

// A self-contained HTML report (inline CSS, SVG and a little script; nothing
// fetched from anywhere): a summary table, optionally the lab matrix as a
// grid, and per case or attempt a sequence diagram of its IKE messages from
// both logs with the diagnosis, its evidence linked to the log lines, and the
// logs themselves.
//
// The page's script marks <body data-script="ok"> once it ran without an
// error (a test reads it back from a real browser's DOM).

#include "ikelab/diagnoser.hpp"
#include "picture/log_messages.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ikelab::picture {

struct LogView {
  std::string name;  // as evidence names it (Evidence::file)
  std::string text;  // the whole log (shown up to a cap)
};

struct CaseView {
  std::string title;                  // "psk_mismatch IKEv2", "attempt 1 (line 12)"
  std::string left_label = "initiator";
  std::string right_label = "responder";
  std::optional<LogView> left_log, right_log;
  std::vector<LogMessage> left, right;  // the messages to draw (already limited to the attempt)
  std::vector<diag::Diagnosis> diagnoses;
  std::string verdict;  // PASS | FAIL | ERROR | ... (lab), empty for diagnose
  std::string outcome;  // the lab's outcome, or empty
  std::string detail;   // the lab's one-line reason, or empty
  // Summary row and matrix grid (lab only).
  std::string fault;       // the scenario's fault id
  int ike_version = 0;
  std::string daemon_pair;  // "strongswan-5.9.8 → libreswan-4.10"
};

struct Report {
  std::string title;
  std::string subtitle;  // the command, when, ...
  std::vector<CaseView> cases;
  bool matrix = false;   // draw the fault × IKE version × daemon pair grid
};

std::string render_html(const Report& report);

}  // namespace ikelab::picture
