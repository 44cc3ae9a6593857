#include "lab/scenario/scenario_select.hpp"

#include "base/close_match.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <fnmatch.h>

namespace ikelab::harness {

namespace {

bool is_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

std::string unknown_name(const std::string& pattern, const std::vector<std::string>& names) {
  if (is_glob(pattern)) return fmt::format("no scenario matches '{}' (see: ikelab list)", pattern);
  return fmt::format("no scenario named '{}'{} (see: ikelab list)", pattern, base::did_you_mean(pattern, names));
}

}  // namespace

std::vector<Scenario> select_scenarios(const std::vector<Scenario>& all, const std::vector<std::string>& patterns,
                                       const std::string& filter) {
  std::vector<std::string> names;
  for (const auto& s : all) names.push_back(s.name);
  std::vector<Scenario> chosen;
  auto take = [&](const Scenario& s) {
    if (std::none_of(chosen.begin(), chosen.end(), [&](const auto& c) { return c.name == s.name; }))
      chosen.push_back(s);
  };
  if (patterns.empty()) chosen = all;
  for (const auto& pattern : patterns) {
    bool matched = false;
    for (const auto& s : all)
      if (s.name == pattern || (is_glob(pattern) && ::fnmatch(pattern.c_str(), s.name.c_str(), 0) == 0)) {
        matched = true;
        take(s);
      }
    if (!matched) throw SelectError(unknown_name(pattern, names));
  }
  if (filter.empty()) return chosen;
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 regex(filter, options);
  if (!regex.ok()) throw SelectError(fmt::format("--filter '{}': {}", filter, regex.error()));
  std::erase_if(chosen, [&](const Scenario& s) { return !RE2::PartialMatch(s.name, regex); });
  if (chosen.empty()) throw SelectError(fmt::format("--filter '{}' matches no chosen scenario (see: ikelab list)", filter));
  return chosen;
}

std::vector<Scenario> load_scenario_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw SelectError(fmt::format("{}: not a scenario folder", dir.string()));
  auto scenarios = load_scenarios(dir);
  if (scenarios.empty())
    throw SelectError(fmt::format("{}: no scenario in this folder (scenarios are *.yaml files; see --scenarios)", dir.string()));
  return scenarios;
}

}  // namespace ikelab::harness
