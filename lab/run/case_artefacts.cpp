#include "lab/run/case_artefacts.hpp"

#include "base/private_dir.hpp"
#include "netns/lab_state.hpp"

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
  // Named after the run, marked unfinished until settled: `ikelab cleanup`
  // removes it if the run dies first (netns/lab_state.hpp).
  const fs::path temp = fs::temp_directory_path();
  std::string pattern = (temp / netns::artefacts_dir_template(netns::this_owner())).string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error(fmt::format("cannot create a folder {}: {}", pattern, std::strerror(errno)));
  path_ = pattern;
  temporary_ = true;
  auto dir = base::SharedDir::open(temp).open_private_child(path_.filename().string());
  if (!dir) throw std::runtime_error(fmt::format("{}: not a private folder right after mkdtemp", path_.string()));
  dir->write_new_file(std::string(netns::unfinished_marker), "this run's cases are still running\n");
}

ArtefactsDir::~ArtefactsDir() {
  if (!temporary_) return;
  // Settled: only failed cases' artefacts stay, and no longer for cleanup to remove.
  std::error_code ec;
  fs::remove(path_ / std::string(netns::unfinished_marker), ec);
  // Removed only when no failed case is left in it.
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
