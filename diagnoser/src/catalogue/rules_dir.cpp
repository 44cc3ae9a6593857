// Finding the rule catalogue at run time (diagnoser.hpp: default_rules_dir),
// so that an installed or moved program finds its rules.
#include "ikelab/diagnoser.hpp"
#include "base/yaml_reader.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <system_error>

namespace ikelab::diag {

namespace fs = std::filesystem;

namespace {

bool is_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec);
}

// <prefix>/share/ikelab/rules for a program at <prefix>/bin/<name>.
fs::path installed_rules_dir() {
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  if (ec || program.empty()) return {};
  return program.parent_path().parent_path() / IKELAB_INSTALL_DATADIR / "ikelab" / "rules";
}

bool in_build_tree() {
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  const fs::path build = IKELAB_BUILD_DIR;
  auto [end, ignored] = std::mismatch(build.begin(), build.end(), program.begin(), program.end());
  return !ec && end == build.end();
}

}  // namespace

fs::path default_rules_dir() {
  if (const char* env = std::getenv("IKELAB_RULES"); env != nullptr && *env != '\0') {
    if (!is_folder(env)) throw RuleError(fmt::format("{}: IKELAB_RULES is not a rules folder", env));
    return env;
  }
  if (fs::path installed = installed_rules_dir(); !installed.empty() && is_folder(installed)) return installed;
  // A developer build (the program inside the build tree) uses the source tree's rules.
  if (in_build_tree() && is_folder(IKELAB_SOURCE_RULES_DIR)) return IKELAB_SOURCE_RULES_DIR;
  throw RuleError(fmt::format("no rule catalogue: set IKELAB_RULES or --rules (looked in {} and {})",
                              installed_rules_dir().string(), IKELAB_SOURCE_RULES_DIR));
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
