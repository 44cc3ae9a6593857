// Finding the rule catalogue at run time (diagnoser.hpp: default_rules_dir;
// the order is base/data_dir.hpp's), so an installed or moved program finds its rules.
#include "ikelab/diagnoser.hpp"
#include "base/yaml_reader.hpp"

#include "base/data_dir.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <system_error>

namespace ikelab::diag {

namespace fs = std::filesystem;

namespace {

bool is_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec);
}

}  // namespace

fs::path default_rules_dir() {
  try {
    return base::data_path(base::DataKind::rules);
  } catch (const base::DataDirError& e) {
    throw RuleError(e.what());
  }
}

std::shared_ptr<const Catalogue> load_catalogue() { return load_catalogue(default_rules_dir()); }

std::vector<std::string> catalogue_fault_ids(const fs::path& dir) {
  if (!is_folder(dir)) throw RuleError(fmt::format("{}: not a rules directory", dir.string()));
  std::set<std::string> ids;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& file = entry.path();
    const bool yaml = file.extension() == ".yaml" || file.extension() == ".yml";
    if (!entry.is_regular_file() || !yaml || file.filename().string().rfind('_', 0) == 0) continue;
    try {
      const YAML::Node fault = base::load_yaml_file(file)["fault"];
      if (fault && fault.IsScalar()) ids.insert(fault.Scalar());
    } catch (const base::FileError& e) {
      throw RuleError(base::at(e.file(), e.line(), 0, e.message()));
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace ikelab::diag
