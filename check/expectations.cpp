#include "check/expectations.hpp"

#include "base/text_file.hpp"
#include "base/yaml_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace ikelab::harness {
namespace {

std::string where(const std::filesystem::path& file, const YAML::Mark& mark) {
  if (mark.line < 0) return file.string();
  return fmt::format("{}:{}:{}", file.string(), mark.line + 1, mark.column + 1);
}

bool fault_id_syntax(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'); });
}

FaultExpectation parse_fault(const std::filesystem::path& file, const std::string& key, const YAML::Node& node) {
  FaultExpectation expectation;
  expectation.line = node.Mark().line + 1;
  auto id = [&](const YAML::Node& item) {
    std::string text = item.IsScalar() ? item.Scalar() : "";
    if (!fault_id_syntax(text))
      throw ExpectationError(fmt::format("{}: diagnosis '{}': '{}' is not a fault id (a catalogue id such as psk_mismatch)",
                                         where(file, item.Mark()), key, text));
    return text;
  };
  if (node.IsScalar()) {
    std::string text = id(node);
    if (text == "no_attempt") expectation.kind = FaultExpectation::Kind::no_attempt;
    expectation.faults = {text};
  } else if (node.IsSequence() && node.size() > 0) {
    expectation.kind = FaultExpectation::Kind::among_candidates;
    for (const auto& item : node) {
      std::string text = id(item);
      if (text == "no_attempt" || text == "none")
        throw ExpectationError(fmt::format("{}: diagnosis '{}': '{}' cannot be a candidate", where(file, item.Mark()), key, text));
      expectation.faults.push_back(text);
    }
  } else {
    throw ExpectationError(fmt::format(
        "{}: diagnosis '{}' must be a fault id, a list of candidate fault ids, or no_attempt", where(file, node.Mark()), key));
  }
  return expectation;
}

DiagnosisExpectation parse_diagnosis(const std::filesystem::path& file, const YAML::Node& node) {
  if (!node.IsMap())
    throw ExpectationError(fmt::format("{}: diagnosis must be a mapping with pair, initiator and responder",
                                       where(file, node.Mark())));
  DiagnosisExpectation diagnosis;
  std::map<std::string, FaultExpectation*> slots{
      {"pair", &diagnosis.pair}, {"initiator", &diagnosis.initiator}, {"responder", &diagnosis.responder}};
  std::set<std::string> seen;
  for (const auto& entry : node) {
    std::string key = entry.first.as<std::string>("");
    if (key == "xfail") {
      const YAML::Node& list = entry.second;
      diagnosis.xfail_line = list.Mark().line + 1;
      if (!list.IsSequence() || list.size() == 0)
        throw ExpectationError(fmt::format("{}: xfail must be a list of views (pair, initiator, responder)",
                                           where(file, list.Mark())));
      for (const auto& item : list) {
        std::string view = item.IsScalar() ? item.Scalar() : "";
        if (!slots.count(view))
          throw ExpectationError(fmt::format("{}: xfail: '{}' is not a view (pair, initiator, responder)",
                                             where(file, item.Mark()), view));
        diagnosis.xfail.push_back(view);
      }
      continue;
    }
    auto slot = slots.find(key);
    if (slot == slots.end())
      throw ExpectationError(fmt::format("{}: unknown key '{}' in diagnosis (expected pair, initiator, responder, xfail)",
                                         where(file, entry.first.Mark()), key));
    *slot->second = parse_fault(file, key, entry.second);
    seen.insert(key);
  }
  for (const auto& [key, unused] : slots)
    if (!seen.count(key))
      throw ExpectationError(fmt::format("{}: diagnosis has no '{}' (pair, initiator and responder are all required)",
                                         where(file, node.Mark()), key));
  return diagnosis;
}

// Evidence must be a literal block (`evidence: |`) so that line numbers in
// the file are exact and patterns need no YAML escaping.
CheckScript parse_evidence(const std::filesystem::path& file, const std::vector<std::string>& file_lines,
                           const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  bool block = node.IsScalar() && mark.line >= 0 && static_cast<size_t>(mark.line) < file_lines.size() &&
               file_lines[mark.line].compare(std::min<size_t>(mark.column, file_lines[mark.line].size()), 1, "|") == 0;
  if (!block)
    throw ExpectationError(fmt::format("{}: evidence must be a literal block: 'evidence: |' followed by indented "
                                       "INIT:/RESP: lines",
                                       where(file, mark)));
  try {
    return parse_check_script(node.Scalar(), file.string(), mark.line + 2);
  } catch (const CheckSyntaxError& e) {
    throw ExpectationError(e.what());
  }
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string FaultExpectation::text() const {
  if (kind != Kind::among_candidates) return faults.empty() ? "" : faults.front();
  std::string text;
  for (const auto& f : faults) text += (text.empty() ? "" : ", ") + f;
  return "[" + text + "]";
}

ScenarioExpectations load_expectations(const std::filesystem::path& file) {
  ScenarioExpectations result;
  result.file = file;
  YAML::Node root;
  try {
    root = base::load_yaml_file(file, base::YamlLimits{});
  } catch (const base::FileError& e) {
    throw ExpectationError(e.what());
  }
  const std::vector<std::string> file_lines = split_lines(read_text_file(file));
  if (!root.IsMap()) throw ExpectationError(fmt::format("{}: expected a mapping with ike1/ike2", where(file, root.Mark())));
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>("");
    int version = key == "ike1" ? 1 : key == "ike2" ? 2 : 0;
    if (version == 0)
      throw ExpectationError(
          fmt::format("{}: unknown key '{}' (expected ike1 or ike2)", where(file, entry.first.Mark()), key));
    const YAML::Node& body = entry.second;
    if (!body.IsMap())
      throw ExpectationError(fmt::format("{}: '{}' must be a mapping such as {{outcome: established}}",
                                         where(file, body.Mark()), key));
    VersionExpectation expectation;
    expectation.details = body;
    expectation.line = entry.first.Mark().line + 1;
    for (const auto& item : body) {
      std::string name = item.first.as<std::string>("");
      if (name == "outcome" || name == "note") continue;
      if (name == "diagnosis") expectation.diagnosis = parse_diagnosis(file, item.second);
      else if (name == "evidence") expectation.evidence = parse_evidence(file, file_lines, item.second);
      else
        throw ExpectationError(fmt::format("{}: unknown key '{}' in {} (expected outcome, diagnosis, evidence, note)",
                                           where(file, item.first.Mark()), name, key));
    }
    if (const YAML::Node outcome = body["outcome"]) {
      std::string text = outcome.IsScalar() ? outcome.Scalar() : "";
      expectation.outcome = parse_outcome(text);
      if (!expectation.outcome)
        throw ExpectationError(fmt::format(
            "{}: outcome '{}' is not one of established, phase1_failed, phase2_failed, error",
            where(file, outcome.Mark()), text));
    }
    result.versions[version] = expectation;
  }
  return result;
}

std::optional<ScenarioExpectations> find_expectations(const std::filesystem::path& expected_dir,
                                                      const std::string& scenario) {
  auto file = expected_dir / (scenario + ".yaml");
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  return load_expectations(file);
}

std::optional<ScenarioExpectations> find_pair_expectations(const std::filesystem::path& expected_dir,
                                                           const std::string& scenario, const std::string& initiator,
                                                           const std::string& responder, bool same_implementations) {
  if (auto own = find_expectations(expected_dir / "daemons" / (initiator + "--" + responder), scenario)) return own;
  if (same_implementations) return find_expectations(expected_dir, scenario);
  return std::nullopt;
}

Verdict judge_outcome(const std::optional<ScenarioExpectations>& expected, int ike_version, Outcome actual) {
  if (!expected) return {false, "no expected file"};
  auto it = expected->versions.find(ike_version);
  if (it == expected->versions.end())
    return {false, fmt::format("{} has no ike{} entry", expected->file.filename().string(), ike_version)};
  if (!it->second.outcome)
    return {false, fmt::format("{} ike{} names no outcome", expected->file.filename().string(), ike_version)};
  if (*it->second.outcome != actual)
    return {false, fmt::format("expected {}, got {}", to_string(*it->second.outcome), to_string(actual))};
  return {true, ""};
}

}  // namespace ikelab::harness
