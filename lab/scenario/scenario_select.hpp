#pragma once

// Which scenarios a command runs: names or shell globs (`ikelab run
// 'baseline_*'`), narrowed by a regular expression (`--filter`, searched in
// the name as lit's --filter does). A name that matches nothing is an error
// that suggests the closest names; a folder without scenarios is an error
// naming the folder, never "nothing to run" later.

#include "lab/scenario/scenario.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::harness {

class SelectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// In the order of `patterns` (each scenario once); all of `all` when there
// are none. `filter` (RE2 syntax, may be empty) must match part of the name.
std::vector<Scenario> select_scenarios(const std::vector<Scenario>& all, const std::vector<std::string>& patterns,
                                       const std::string& filter = {});

// load_scenarios(dir), refusing a folder with no scenario file in it.
std::vector<Scenario> load_scenario_folder(const std::filesystem::path& dir);

}  // namespace ikelab::harness
