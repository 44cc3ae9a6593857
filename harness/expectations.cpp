#include "harness/expectations.hpp"

#include <fmt/core.h>

namespace ikelab::harness {
namespace {

std::string where(const std::filesystem::path& file, const YAML::Mark& mark) {
  if (mark.line < 0) return file.string();
  return fmt::format("{}:{}:{}", file.string(), mark.line + 1, mark.column + 1);
}

}  // namespace

ScenarioExpectations load_expectations(const std::filesystem::path& file) {
  ScenarioExpectations result;
  result.file = file;
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw ExpectationError(fmt::format("{}: cannot read the file", file.string()));
  } catch (const YAML::Exception& e) {
    throw ExpectationError(fmt::format("{}: {}", where(file, e.mark), e.msg));
  }
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
