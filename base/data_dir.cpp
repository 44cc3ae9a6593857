// base/data_dir.hpp: one order for finding rules, scenarios, expected
// outcomes and corpus variants (flag, IKELAB_DATA_DIR, installed, source tree).
#include "base/data_dir.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace ikelab::base {

namespace fs = std::filesystem;

namespace {

bool is_file_kind(DataKind kind) { return kind == DataKind::variants || kind == DataKind::replay_fixes; }

bool holds(DataKind kind, const fs::path& path) {
  std::error_code ec;
  return is_file_kind(kind) ? fs::is_regular_file(path, ec) : fs::is_directory(path, ec);
}

fs::path running_program() {
  std::error_code ec;
  fs::path program = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : program;
}

// <prefix>/share/ikelab for a program at <prefix>/bin/<name>.
fs::path installed_share_dir() {
  const fs::path program = running_program();
  if (program.empty()) return {};
  return program.parent_path().parent_path() / IKELAB_INSTALL_DATADIR / "ikelab";
}

bool in_build_tree() {
  const fs::path program = running_program();
  const fs::path build = IKELAB_BUILD_DIR;
  if (program.empty()) return false;
  auto [end, ignored] = std::mismatch(build.begin(), build.end(), program.begin(), program.end());
  return end == build.end();
}

fs::path source_path(DataKind kind) {
  const fs::path source = IKELAB_SOURCE_DIR;
  if (kind == DataKind::rules) return source / "diagnoser" / "rules";
  if (kind == DataKind::replay_fixes) return source / "lab" / data_subpath(kind);
  return source / data_subpath(kind);
}

const char* what(DataKind kind) {
  switch (kind) {
    case DataKind::rules: return "rule catalogue";
    case DataKind::scenarios: return "scenario folder";
    case DataKind::expected: return "expected-outcome folder";
    case DataKind::variants: return "corpus variants file";
    case DataKind::replay_fixes: return "replay fixes file";
  }
  return "data";
}

}  // namespace

fs::path helper_path(const std::string& name) {
  std::error_code ec;
  const fs::path program = running_program();
  if (!program.empty()) {
    fs::path installed = program.parent_path().parent_path() / IKELAB_INSTALL_LIBEXECDIR / "ikelab" / name;
    if (fs::is_regular_file(installed, ec)) return installed;
  }
  fs::path built = fs::path(IKELAB_BUILD_DIR) / name;
  if (in_build_tree() && fs::is_regular_file(built, ec)) return built;
  throw DataDirError(fmt::format("{}: not installed beside the program (looked in {})", name,
                                 (program.parent_path().parent_path() / IKELAB_INSTALL_LIBEXECDIR / "ikelab").string()));
}

fs::path data_subpath(DataKind kind) {
  switch (kind) {
    case DataKind::rules: return "rules";
    case DataKind::scenarios: return "scenarios";
    case DataKind::expected: return "expected";
    case DataKind::variants: return fs::path("corpus") / "variants.yaml";
    case DataKind::replay_fixes: return fs::path("replay") / "fixes.yaml";
  }
  return {};
}

const char* data_flag(DataKind kind) {
  switch (kind) {
    case DataKind::rules: return "--rules";
    case DataKind::scenarios: return "--scenarios";
    case DataKind::expected: return "--expected";
    case DataKind::variants: return "--variants-file";
    case DataKind::replay_fixes: return "";
  }
  return "";
}

DataLocation locate_data(DataKind kind, const std::string& flag) {
  if (!flag.empty()) return {flag, data_flag(kind)};
  if (const char* env = std::getenv("IKELAB_DATA_DIR"); env != nullptr && *env != '\0') {
    fs::path path = fs::path(env) / data_subpath(kind);
    if (!holds(kind, path))
      throw DataDirError(fmt::format("no {}: IKELAB_DATA_DIR={} has no {}", what(kind), env, path.string()));
    return {path, "IKELAB_DATA_DIR"};
  }
  const fs::path share = installed_share_dir();
  if (!share.empty() && holds(kind, share / data_subpath(kind))) return {share / data_subpath(kind), "installed"};
  // A developer build (the program inside the build tree) reads the source tree.
  if (in_build_tree() && holds(kind, source_path(kind))) return {source_path(kind), "source tree"};
  const std::string flag_or = *data_flag(kind) != '\0' ? fmt::format("give {} or ", data_flag(kind)) : "";
  throw DataDirError(fmt::format("no {}: {}set IKELAB_DATA_DIR (looked in {})", what(kind), flag_or,
                                 (share / data_subpath(kind)).string()));
}

}  // namespace ikelab::base
