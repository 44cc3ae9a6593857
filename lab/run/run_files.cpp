#include "lab/run/run_files.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace ikelab::harness {

namespace {

// XML 1.0 text: markup escaped, control characters and non-ASCII bytes
// (logs may hold anything) replaced.
std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f) out += '?';
        else out += static_cast<char>(c);
    }
  }
  return out;
}

bool unexpected_error(const CheckedCase& c) {
  return !c.check.pass() && c.result.outcome == Outcome::error && c.expected_outcome != Outcome::error;
}

}  // namespace

std::string junit_xml(const std::vector<CheckedCase>& cases, const RunSummary& summary) {
  size_t errors = std::count_if(cases.begin(), cases.end(), unexpected_error);
  size_t failures = std::count_if(cases.begin(), cases.end(), [](const auto& c) { return !c.check.pass(); }) - errors;
  size_t skipped = summary.cases_planned > cases.size() ? summary.cases_planned - cases.size() : 0;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"ikelab run\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                     cases.size() + skipped, failures, errors, summary.wall_seconds);
  xml += fmt::format("  <testsuite name=\"lab\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                     cases.size() + skipped, failures, errors, skipped, summary.wall_seconds);
  for (const auto& c : cases) {
    xml += fmt::format("    <testcase classname=\"lab.{}\" name=\"ike{}\" time=\"{:.3f}\"", xml_escape(c.result.scenario),
                       c.result.ike_version, c.result.seconds);
    if (c.check.pass() && !c.artefacts && c.check.known_gaps.empty()) {
      xml += "/>\n";
      continue;
    }
    xml += ">\n";
    if (!c.check.pass()) {
      std::string tag = unexpected_error(c) ? "error" : "failure";
      std::string body;
      for (const auto& f : c.check.failures) body += fmt::format("[{}] {}\n{}", f.kind, f.message, f.report);
      if (!c.result.detail.empty()) body += "case detail:\n" + c.result.detail + "\n";
      xml += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag, xml_escape(c.check.failures.front().message),
                         c.check.failures.front().kind, xml_escape(body), tag);
    }
    std::string out;
    if (c.artefacts) out += "artefacts: " + c.artefacts->string() + "\n";
    for (const auto& gap : c.check.known_gaps) out += "known diagnoser gap (xfail): " + gap + "\n";
    if (!out.empty()) xml += fmt::format("      <system-out>{}</system-out>\n", xml_escape(out));
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

std::string json_summary(const std::vector<CheckedCase>& cases, const RunSummary& summary) {
  using json = nlohmann::ordered_json;
  size_t passed = std::count_if(cases.begin(), cases.end(), [](const auto& c) { return c.check.pass(); });
  json list = json::array();
  for (const auto& c : cases) {
    json failures = json::array();
    for (const auto& f : c.check.failures) failures.push_back({{"kind", f.kind}, {"message", f.message}, {"report", f.report}});
    json steps = json::object();
    for (const auto& [name, seconds] : c.result.steps) steps[name] = seconds;
    json diagnoses = json::object();
    for (const auto& [view, d] : c.check.diagnoses)
      diagnoses[view] = {{"fault", d.fault}, {"candidates", d.candidates}, {"summary", d.summary}};
    list.push_back({
        {"scenario", c.result.scenario},
        {"ike_version", c.result.ike_version},
        {"outcome", to_string(c.result.outcome)},
        {"expected_outcome", c.expected_outcome ? json(to_string(*c.expected_outcome)) : json()},
        {"pass", c.check.pass()},
        {"seconds", c.result.seconds},
        {"steps", steps},
        {"startup_seconds", {{"initiator", c.result.initiator_startup}, {"responder", c.result.responder_startup}}},
        {"checked", c.check.checked},
        {"diagnoses", diagnoses},
        {"failures", failures},
        {"known_gaps", c.check.known_gaps},
        {"detail", c.result.detail},
        {"artefacts", c.artefacts ? json(c.artefacts->string()) : json()},
    });
  }
  // docs/run.schema.json: schema_version is raised only when a key changes meaning.
  json root = {{"schema_version", 1},
               {"summary",
                {{"cases", cases.size()},
                 {"planned", summary.cases_planned},
                 {"passed", passed},
                 {"failed", cases.size() - passed},
                 {"wall_seconds", summary.wall_seconds},
                 {"jobs", summary.jobs}}},
               {"cases", list}};
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace ikelab::harness
