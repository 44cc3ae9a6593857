#include "lab/report/html_run_report.hpp"

#include "base/text_file.hpp"
#include "ikelab/diagnoser.hpp"
#include "picture/html_report.hpp"

#include <fmt/core.h>

namespace fs = std::filesystem;

namespace ikelab::harness {
namespace {

std::string verdict_word(const CheckedCase& c) {
  if (c.result.outcome == Outcome::error && !c.check.pass()) return "ERROR";
  return c.check.pass() ? "PASS" : "FAIL";
}

// A log's name in the report: its path below the report's folder when it is
// there (the report and the artefacts move together), else as it is.
std::string shown_name(const fs::path& log, const fs::path& dir) {
  std::error_code ec;
  fs::path rel = fs::relative(log, fs::absolute(dir, ec), ec);
  if (ec || rel.empty() || rel.begin()->string() == "..") return log.string();
  return rel.string();
}

std::string label(const char* side, const std::optional<fs::path>& log, const std::string& build) {
  std::string daemon = log ? log->stem().string() : "no daemon";
  return build.empty() ? fmt::format("{} ({})", side, daemon) : fmt::format("{} ({} {})", side, daemon, build);
}

}  // namespace

fs::path write_html_report(const fs::path& dir, const std::vector<CheckedCase>& cases,
                           const std::map<std::string, ReportScenario>& scenarios, const std::string& subtitle) {
  auto catalogue = diag::load_catalogue();
  picture::Report report;
  report.title = "ikelab run";
  report.subtitle = subtitle;
  report.matrix = true;
  for (const auto& c : cases) {
    picture::CaseView view;
    const auto& r = c.result;
    view.title = fmt::format("{} IKEv{}{}", r.scenario, r.ike_version, r.tag.empty() ? "" : " " + r.tag);
    view.verdict = verdict_word(c);
    view.outcome = std::string(to_string(r.outcome));
    if (!c.check.pass()) view.detail = format_check_failures(c.check);
    view.ike_version = r.ike_version;
    std::string initiator_build, responder_build;
    if (auto it = scenarios.find(r.scenario); it != scenarios.end()) {
      view.fault = it->second.fault;
      initiator_build = it->second.initiator_build;
      responder_build = it->second.responder_build;
      view.daemon_pair = fmt::format("{} → {}", initiator_build, responder_build);
    }
    if (c.artefacts) {
      auto initiator = peer_log(*c.artefacts, Peer::initiator);
      auto responder = peer_log(*c.artefacts, Peer::responder);
      std::vector<fs::path> logs;
      for (const auto* log : {&initiator, &responder}) {
        if (!*log) continue;
        logs.push_back(**log);
      }
      if (initiator) {
        view.left_log = picture::LogView{shown_name(*initiator, dir), read_text_file(*initiator)};
        view.left = picture::read_log_messages(view.left_log->text);
      }
      if (responder) {
        view.right_log = picture::LogView{shown_name(*responder, dir), read_text_file(*responder)};
        view.right = picture::read_log_messages(view.right_log->text);
      }
      view.left_label = label("initiator", initiator, initiator_build);
      view.right_label = label("responder", responder, responder_build);
      if (!logs.empty()) view.diagnoses = diag::diagnose_files(logs, *catalogue);
      for (auto& d : view.diagnoses)
        for (auto& e : d.evidence) e.file = shown_name(e.file, dir);
    } else {
      view.detail += (view.detail.empty() ? "" : "\n") + std::string("the case's logs were not kept");
    }
    report.cases.push_back(std::move(view));
  }
  fs::path file = dir / "index.html";
  write_text_file(file, picture::render_html(report));
  return file;
}

}  // namespace ikelab::harness
