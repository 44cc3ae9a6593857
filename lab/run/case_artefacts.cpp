#include "lab/run/case_artefacts.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <stdlib.h>

namespace ikelab::harness {

namespace fs = std::filesystem;

ArtefactsDir::ArtefactsDir(std::optional<fs::path> out) {
  if (out) {
    path_ = *out;
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", path_.string(), ec.message()));
    return;
  }
  std::string pattern = (fs::temp_directory_path() / "ikelab-run-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error(fmt::format("cannot create a folder {}: {}", pattern, std::strerror(errno)));
  path_ = pattern;
  temporary_ = true;
}

ArtefactsDir::~ArtefactsDir() {
  if (!temporary_) return;
  // Removed only when no failed case is left in it.
  std::error_code ec;
  for (const auto& scenario : fs::directory_iterator(path_, ec)) {
    bool empty = fs::is_empty(scenario.path(), ec);
    if (empty) fs::remove(scenario.path(), ec);
  }
  fs::remove(path_, ec);  // fails (as wanted) unless empty
}

fs::path ArtefactsDir::case_dir(const std::string& scenario, int ike_version) const {
  return path_ / scenario / fmt::format("ike{}", ike_version);
}

std::optional<fs::path> ArtefactsDir::settle(const std::string& scenario, int ike_version, bool passed) {
  fs::path dir = case_dir(scenario, ike_version);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::nullopt;
  if (passed && temporary_) {
    fs::remove_all(dir, ec);
    return std::nullopt;
  }
  return dir;
}

}  // namespace ikelab::harness
