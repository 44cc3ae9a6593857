#pragma once

// Where `ikelab run` keeps each case's artefacts (logs, configs, list-sas,
// pcap): in the user's --out folder, or in a temporary folder of which only
// the failed cases survive (so a failure can always be looked at).

#include <filesystem>
#include <optional>
#include <string>

namespace ikelab::harness {

class ArtefactsDir {
 public:
  // `out`: the user's folder (kept whole); nothing: a new folder under the temp dir.
  explicit ArtefactsDir(std::optional<std::filesystem::path> out);
  ~ArtefactsDir();
  ArtefactsDir(const ArtefactsDir&) = delete;
  ArtefactsDir& operator=(const ArtefactsDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  bool temporary() const { return temporary_; }
  std::filesystem::path case_dir(const std::string& scenario, int ike_version) const;
  // A passed case's artefacts are dropped from a temporary folder (kept in --out).
  // Returns where the case's artefacts stay, if anywhere.
  std::optional<std::filesystem::path> settle(const std::string& scenario, int ike_version, bool passed);

 private:
  std::filesystem::path path_;
  bool temporary_ = false;
};

}  // namespace ikelab::harness
