#pragma once

// --fix: the settings a fault's fix changes (lab/replay/fixes.yaml, data per
// fault) applied to a private copy of the customer's files, with the diff of
// the changed lines in the customer's own syntax.

#include "base/data_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lab/replay/customer_config.hpp"

namespace ikelab::replay {

struct LineChange {
  Origin origin;
  std::string before;
  std::string after;  // empty: the line is removed (the peer leaves the setting at its default)
};

struct ConfigFix {
  std::string fault;
  bool automatic = false;
  std::string why_not;  // when not automatic
  std::vector<LineChange> changes;
  std::filesystem::path fixed_config;  // the copy's main file (in `copy_dir`)
};

// `peer`: the peer's config as read (its own values are taken). The copy is
// made under `copy_dir` (a private folder the caller removes).
ConfigFix fix_config(const CustomerConfig& customer, const CustomerConfig& peer, const std::string& fault,
                     const std::filesystem::path& copy_dir,
                     const std::filesystem::path& fixes_file = base::data_path(base::DataKind::replay_fixes));

}  // namespace ikelab::replay
