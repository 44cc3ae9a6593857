// lab/scenario/scenario_select.hpp against the repository's scenarios.
#include "lab/scenario/scenario_select.hpp"

#include "base/temp_dir.hpp"

#include <gtest/gtest.h>

using namespace ikelab::harness;

namespace {

const std::vector<Scenario>& all() {
  static const std::vector<Scenario> scenarios = load_scenarios(IKELAB_SCENARIOS_DIR);
  return scenarios;
}

std::vector<std::string> names(const std::vector<Scenario>& scenarios) {
  std::vector<std::string> out;
  for (const auto& s : scenarios) out.push_back(s.name);
  return out;
}

std::string error_of(const std::vector<std::string>& patterns, const std::string& filter = {}) {
  try {
    select_scenarios(all(), patterns, filter);
  } catch (const SelectError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioSelect, NoPatternIsEveryScenario) { EXPECT_EQ(select_scenarios(all(), {}).size(), all().size()); }

TEST(ScenarioSelect, AGlobChoosesEveryMatchingName) {
  auto chosen = names(select_scenarios(all(), {"baseline_*"}));
  ASSERT_GE(chosen.size(), 3u);
  for (const auto& n : chosen) EXPECT_EQ(n.rfind("baseline_", 0), 0u) << n;
  size_t expected = 0;
  for (const auto& s : all()) expected += s.name.rfind("baseline_", 0) == 0;
  EXPECT_EQ(chosen.size(), expected);
}

TEST(ScenarioSelect, NamesKeepTheirOrderAndComeOnce) {
  EXPECT_EQ(names(select_scenarios(all(), {"psk_mismatch", "baseline_psk", "psk_mismatch"})),
            (std::vector<std::string>{"psk_mismatch", "baseline_psk"}));
}

TEST(ScenarioSelect, FilterIsARegexSearchedInTheName) {
  auto chosen = names(select_scenarios(all(), {"baseline_*"}, "psk$"));
  EXPECT_EQ(chosen, std::vector<std::string>{"baseline_psk"});
  for (const auto& n : names(select_scenarios(all(), {}, "mismatch"))) EXPECT_NE(n.find("mismatch"), std::string::npos);
}

TEST(ScenarioSelect, AMistypedNameSuggestsTheClosest) {
  const std::string e = error_of({"baseline_pks"});
  EXPECT_NE(e.find("no scenario named 'baseline_pks'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean baseline_psk"), std::string::npos) << e;
}

TEST(ScenarioSelect, AGlobMatchingNothingAndABadFilterAreErrors) {
  EXPECT_NE(error_of({"zzz_*"}).find("no scenario matches 'zzz_*'"), std::string::npos);
  EXPECT_NE(error_of({}, "(").find("--filter '('"), std::string::npos) << error_of({}, "(");
  EXPECT_NE(error_of({"baseline_psk"}, "cert").find("matches no chosen scenario"), std::string::npos);
}

TEST(ScenarioSelect, AnEmptyFolderIsAnErrorNamingIt) {
  ikelab::testing::TempDir dir("scenario-select-test");
  try {
    load_scenario_folder(dir.path());
    FAIL() << "no error";
  } catch (const SelectError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string() + ": no scenario in this folder"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load_scenario_folder(dir.path() / "missing"), SelectError);
}

}  // namespace
