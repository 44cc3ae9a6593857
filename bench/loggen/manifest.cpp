#include "bench/loggen/manifest.hpp"
#include "base/yaml_reader.hpp"

#include "check/expectations.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <stdexcept>

namespace ikelab::bench {

TemplateOrigin template_origin(const std::string& path) {
  static const std::regex charon_re(R"((?:^|/)([A-Za-z0-9_]+)/ike([12])-(initiator|responder)\.log$)");
  static const std::regex pluto_re(R"((?:^|/)([A-Za-z0-9_]+)/ike([12])/(initiator|responder)/[^/]+\.log$)");
  std::smatch m;
  if (std::regex_search(path, m, charon_re) || std::regex_search(path, m, pluto_re))
    return {m[1].str(), std::stoi(m[2].str()), m[3].str()};
  throw std::runtime_error(fmt::format(
      "{}: cannot tell scenario, IKE version and side from the path (expected .../SCENARIO/ikeN-SIDE.log or "
      ".../SCENARIO/ikeN/SIDE/NAME.log)",
      path));
}

TemplateTruth expected_truth(const std::string& expected_dir, const TemplateOrigin& origin) {
  auto file = std::filesystem::path(expected_dir) / (origin.scenario + ".yaml");
  std::optional<harness::ScenarioExpectations> expected;
  try {
    expected = harness::find_expectations(expected_dir, origin.scenario);
  } catch (const harness::ExpectationError& e) {
    throw std::runtime_error(e.what());
  }
  if (!expected) throw std::runtime_error(fmt::format("{}: no such expected file", file.string()));
  auto version = expected->versions.find(origin.ike_version);
  if (version == expected->versions.end() || !version->second.diagnosis)
    throw std::runtime_error(fmt::format("{}: no ike{} diagnosis", file.string(), origin.ike_version));
  const harness::DiagnosisExpectation& d = *version->second.diagnosis;
  const harness::FaultExpectation& view = origin.side == "initiator" ? d.initiator : d.responder;
  if (view.kind == harness::FaultExpectation::Kind::no_attempt)
    throw std::runtime_error(fmt::format("{}:{}: ike{} {} is no_attempt: that log cannot be a template",
                                         file.string(), view.line, origin.ike_version, origin.side));
  TemplateTruth truth;
  truth.text = view.text();
  truth.known_gap = std::find(d.xfail.begin(), d.xfail.end(), origin.side) != d.xfail.end();
  return truth;
}

std::vector<LogTemplate> load_manifest(const std::string& manifest, Dialect dialect, const std::string& expected_dir) {
  YAML::Node root;
  try {
    root = base::load_yaml_file(manifest);
  } catch (const base::FileError& e) {
    throw std::runtime_error(e.what());
  }
  const char* key = dialect == Dialect::charon ? "charon" : "pluto";
  if (!root[key] || !root[key].IsSequence()) throw std::runtime_error(fmt::format("{}: no '{}' list", manifest, key));
  auto dir = std::filesystem::path(manifest).parent_path();
  std::vector<LogTemplate> out;
  for (const auto& entry : root[key]) {
    const int line = entry.Mark().line + 1;
    if (!entry.IsMap() || !entry["log"])
      throw std::runtime_error(fmt::format("{}:{}: an entry needs log (and optionally weight)", manifest, line));
    for (const auto& kv : entry) {
      auto k = kv.first.as<std::string>("");
      if (k == "fault")
        throw std::runtime_error(fmt::format("{}:{}: 'fault' is not set here: each log's truth is read from "
                                             "expected/<scenario>.yaml (remove the key)",
                                             manifest, line));
      if (k != "log" && k != "weight" && k != "attempts")
        throw std::runtime_error(fmt::format("{}:{}: unknown key '{}' (log, weight, attempts)", manifest, line, k));
    }
    auto name = entry["log"].as<std::string>();
    auto path = (dir / name).lexically_normal().string();
    auto positive = [&](const char* field) {
      if (!entry[field]) return 1;
      int value = 0;
      try {
        value = entry[field].as<int>();
      } catch (const YAML::Exception&) {
      }
      if (value < 1)
        throw std::runtime_error(fmt::format("{}:{}: {} must be a positive integer", manifest, line, field));
      return value;
    };
    const int weight = positive("weight");
    const int attempts = positive("attempts");
    TemplateOrigin origin = template_origin(path);
    TemplateTruth truth;
    try {
      truth = expected_truth(expected_dir, origin);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(fmt::format("{}:{}: {}: {}", manifest, line, name, e.what()));
    }
    out.push_back(load_template(path, dialect, truth.text, weight));
    LogTemplate& t = out.back();
    t.name = name;
    t.known_gap = truth.known_gap;
    t.attempts = attempts;
    if (t.role != origin.side || t.ike_version != origin.ike_version)
      throw std::runtime_error(fmt::format("{}:{}: {}: read as ike{} {} but the path says ike{} {}", manifest, line,
                                           name, t.ike_version, t.role, origin.ike_version, origin.side));
  }
  return out;
}

}  // namespace ikelab::bench
