#include "lab/run/case_check.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace ikelab::harness {

namespace fs = std::filesystem;

std::optional<fs::path> peer_log(const fs::path& case_dir, Peer peer) {
  for (const char* name : {"charon.log", "pluto.log"}) {
    fs::path file = case_dir / to_string(peer) / name;
    std::error_code ec;
    if (fs::exists(file, ec)) return file;
  }
  return std::nullopt;
}

namespace {

std::string describe(const std::vector<FoundDiagnosis>& found) {
  if (found.empty()) return "no attempt found";
  std::string text;
  for (size_t i = 0; i < found.size(); ++i) {
    const auto& d = found[i];
    text += fmt::format("    attempt {}: {}", i + 1, d.fault);
    if (!d.candidates.empty()) {
      std::string list;
      for (const auto& c : d.candidates) list += (list.empty() ? "" : ", ") + c;
      text += fmt::format(" (candidates: {})", list);
    }
    if (!d.summary.empty()) text += " - " + d.summary;
    text += "\n";
  }
  return text;
}

void check_diagnoses(const ScenarioExpectations& expected, const VersionExpectation& version, const fs::path& case_dir,
                     const DiagnoseLogs& diagnose, const KnownFaults& known, CaseCheck& check) {
  const DiagnosisExpectation& want = *version.diagnosis;
  auto initiator = peer_log(case_dir, Peer::initiator), responder = peer_log(case_dir, Peer::responder);
  struct View {
    const char* name;
    const FaultExpectation* expected;
    std::vector<fs::path> logs;
  };
  std::vector<fs::path> both;
  if (initiator) both.push_back(*initiator);
  if (responder) both.push_back(*responder);
  std::vector<View> views{{"pair", &want.pair, both},
                          {"initiator", &want.initiator, initiator ? std::vector{*initiator} : std::vector<fs::path>{}},
                          {"responder", &want.responder, responder ? std::vector{*responder} : std::vector<fs::path>{}}};
  for (const auto& view : views) {
    std::string where = fmt::format("{}:{}", expected.file.string(), view.expected->line);
    if (!known.empty())
      for (const auto& id : view.expected->faults)
        if (id != "none" && id != "no_attempt" && std::find(known.begin(), known.end(), id) == known.end())
          check.failures.push_back({"expected", fmt::format("{}: '{}' is not a fault the diagnoser knows", where, id), ""});
    std::vector<FoundDiagnosis> found;
    try {
      if (!view.logs.empty()) found = diagnose(view.logs);
    } catch (const std::exception& e) {
      check.failures.push_back({"diagnosis", fmt::format("diagnosis {}: the diagnoser failed: {}", view.name, e.what()), ""});
      continue;
    }
    check.checked.push_back(fmt::format("diagnosis {}", view.name));
    check.diagnoses.emplace_back(view.name, case_diagnosis(found));
    bool known_gap = std::find(want.xfail.begin(), want.xfail.end(), view.name) != want.xfail.end();
    bool matches = diagnosis_matches(*view.expected, found);
    if (matches && known_gap) {
      std::string message = fmt::format("diagnosis {}: XPASS: now {} as expected; remove '{}' from xfail ({}:{})", view.name,
                                        case_diagnosis(found).fault, view.name, expected.file.string(), want.xfail_line);
      check.failures.push_back({"diagnosis", message, ""});
      continue;
    }
    if (matches) continue;
    FoundDiagnosis chosen = case_diagnosis(found);
    std::string rule = view.expected->kind == FaultExpectation::Kind::among_candidates
                           ? "each to be the fault or a candidate"
                           : "as the fault";
    std::string message = fmt::format("diagnosis {}: expected {} ({}), got {}{}", view.name, view.expected->text(), rule,
                                      chosen.fault, chosen.candidates.empty() ? "" : " with candidates");
    std::string logs;
    for (const auto& log : view.logs) logs += (logs.empty() ? "" : " + ") + log.string();
    std::string report = fmt::format("{}: error: {}\n  diagnosed from {}:\n{}", where, message,
                                     logs.empty() ? "no log" : logs, describe(found));
    if (known_gap) check.known_gaps.push_back(message);
    else check.failures.push_back({"diagnosis", message, report});
  }
}

void check_evidence(const VersionExpectation& version, const fs::path& case_dir, CaseCheck& check) {
  auto load = [&](Peer peer) -> std::optional<LogText> {
    auto file = peer_log(case_dir, peer);
    if (!file) return std::nullopt;
    return read_log(*file, fmt::format("{}/{}", to_string(peer), file->filename().string()));
  };
  CheckResult result = run_checks(version.evidence, load(Peer::initiator), load(Peer::responder));
  check.checked.push_back(fmt::format("evidence ({} lines)", version.evidence.lines.size()));
  for (const auto& failure : result.failures) check.failures.push_back({"evidence", failure.what, failure.report});
}

}  // namespace

CaseCheck check_case(const CaseResult& result, const std::optional<ScenarioExpectations>& expected,
                     const fs::path& case_dir, const DiagnoseLogs& diagnose, const KnownFaults& known) {
  CaseCheck check;
  Verdict outcome = judge_outcome(expected, result.ike_version, result.outcome);
  check.checked.push_back("outcome");
  if (!outcome.pass) check.failures.push_back({"outcome", "outcome: " + outcome.reason, ""});
  if (!expected) return check;
  auto it = expected->versions.find(result.ike_version);
  if (it == expected->versions.end()) return check;  // judge_outcome said so
  const VersionExpectation& version = it->second;
  std::string name = fmt::format("{} ike{}", expected->file.filename().string(), result.ike_version);

  if (!version.diagnosis)
    check.failures.push_back({"expected", fmt::format("{} names no diagnosis (pair, initiator, responder)", name), ""});
  else if (diagnose)
    check_diagnoses(*expected, version, case_dir, diagnose, known, check);

  if (version.evidence.empty())
    check.failures.push_back({"expected", fmt::format("{} has no evidence patterns", name), ""});
  else
    check_evidence(version, case_dir, check);
  return check;
}

Verdict to_verdict(const CaseCheck& check) {
  if (check.pass()) return {true, ""};
  std::string reason = check.failures.front().message;
  if (check.failures.size() > 1) reason += fmt::format(" (+{} more)", check.failures.size() - 1);
  return {false, reason};
}

std::string format_check_failures(const CaseCheck& check) {
  std::string text;
  for (const auto& failure : check.failures) {
    text += fmt::format("  [{}] {}\n", failure.kind, failure.message);
    if (!failure.report.empty()) {
      std::string indented = "    ";
      for (size_t i = 0; i < failure.report.size(); ++i) {
        indented += failure.report[i];
        if (failure.report[i] == '\n' && i + 1 < failure.report.size()) indented += "    ";
      }
      text += indented;
      if (text.back() != '\n') text += '\n';
    }
  }
  return text;
}

}  // namespace ikelab::harness

namespace ikelab::harness {

CheckedCase check_case_result(const CaseResult& result,
                              const std::map<std::string, std::optional<ScenarioExpectations>>& expectations,
                              ArtefactsDir& artefacts, const DiagnoseLogs& diagnose, const KnownFaults& known) {
  CheckedCase c;
  auto it = expectations.find(result.scenario);
  std::optional<ScenarioExpectations> none;
  const auto& expected = it == expectations.end() ? none : it->second;
  if (expected) {
    auto version = expected->versions.find(result.ike_version);
    if (version != expected->versions.end()) c.expected_outcome = version->second.outcome;
  }
  c.check = check_case(result, expected, artefacts.case_dir(result.scenario, result.ike_version), diagnose, known);
  c.artefacts = artefacts.settle(result.scenario, result.ike_version, c.check.pass());
  c.result = result;
  return c;
}

std::string format_known_gaps(const std::vector<CheckedCase>& cases) {
  std::string text;
  size_t count = 0;
  for (const auto& c : cases)
    for (const auto& gap : c.check.known_gaps) {
      text += fmt::format("  {} IKEv{}: {}\n", c.result.scenario, c.result.ike_version, gap);
      ++count;
    }
  if (count == 0) return "";
  return fmt::format("\nknown diagnoser gaps (xfail in expected/, still checked): {}\n", count) + text;
}

std::string format_check_report(const std::vector<CheckedCase>& cases) {
  std::string text;
  for (const auto& c : cases) {
    if (c.check.pass()) continue;
    text += fmt::format("\nFAIL {} IKEv{} ({} check{} failed)\n", c.result.scenario, c.result.ike_version,
                        c.check.failures.size(), c.check.failures.size() == 1 ? "" : "s");
    text += format_check_failures(c.check);
    if (!c.result.detail.empty()) {
      std::string indented = "    ";
      for (char ch : c.result.detail) {
        indented += ch;
        if (ch == '\n') indented += "    ";
      }
      text += "  case detail:\n" + indented + "\n";
    }
    if (c.artefacts) text += fmt::format("  logs, configs and pcap kept in {}\n", c.artefacts->string());
  }
  return text;
}

}  // namespace ikelab::harness
