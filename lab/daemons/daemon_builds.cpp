#include "lab/daemons/daemon_builds.hpp"

#include "lab/daemons/charon/charon_daemon.hpp"
#include "lab/daemons/pluto/pluto_daemon.hpp"

#include <fmt/core.h>

#include <fstream>

namespace fs = std::filesystem;

namespace ikelab::harness {
namespace {

// The programs the lab starts, relative to a build's root (or to /).
std::vector<std::string> programs_of(Implementation implementation) {
  if (implementation == Implementation::libreswan)
    return {"usr/libexec/ipsec/pluto", "usr/libexec/ipsec/addconn", "usr/libexec/ipsec/whack"};
  return {"usr/lib/ipsec/charon", "usr/sbin/swanctl", "usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so"};
}

// The second line of a root's marker: the Debian package versions it holds.
std::string root_packages(const fs::path& root) {
  std::ifstream in(root / ".ikelab-complete");
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

const std::vector<DaemonBuild>& daemon_builds() {
  static const std::vector<DaemonBuild> builds = {
      {"strongswan-5.9.8", Implementation::strongswan, "5.9.8", {}, "scripts/setup.sh"},
      {"libreswan-4.10", Implementation::libreswan, "4.10", {}, "scripts/install-libreswan.sh"},
      {"strongswan-6.0.1", Implementation::strongswan, "6.0.1", fs::path(IKELAB_TRIXIE_ROOT) / "strongswan",
       "scripts/install-trixie-root.sh"},
      {"libreswan-5.2", Implementation::libreswan, "5.2", fs::path(IKELAB_TRIXIE_ROOT) / "libreswan",
       "scripts/install-trixie-root.sh"},
  };
  return builds;
}

const DaemonBuild* find_daemon_build(std::string_view name) {
  for (const auto& build : daemon_builds())
    if (build.name == name) return &build;
  return nullptr;
}

const DaemonBuild& default_daemon_build(Implementation implementation) {
  for (const auto& build : daemon_builds())
    if (build.implementation == implementation) return build;
  throw std::logic_error("no daemon build for an implementation");
}

std::string daemon_build_names() {
  std::string names;
  for (const auto& build : daemon_builds()) names += (names.empty() ? "" : ", ") + build.name;
  return names;
}

std::string DaemonBuild::missing() const {
  if (system_root.empty() && implementation == Implementation::libreswan) return libreswan_missing();
  if (!system_root.empty() && !fs::exists(system_root / ".ikelab-complete"))
    return fmt::format("{} is not installed: {} is not a complete root (run {})", name, system_root.string(),
                       installed_by);
  const fs::path base = system_root.empty() ? fs::path("/") : system_root;
  for (const auto& program : programs_of(implementation)) {
    std::error_code ec;
    if (!fs::exists(base / program, ec))
      return fmt::format("{} is not installed: {} is missing (run {})", name, (base / program).string(), installed_by);
  }
  return {};
}

std::string DaemonBuild::location() const {
  if (!system_root.empty()) {
    const auto packages = root_packages(system_root);
    return fmt::format("Debian 13 root {}{}", system_root.string(), packages.empty() ? "" : " (" + packages + ")");
  }
  if (implementation == Implementation::libreswan) return fmt::format("private prefix {}", libreswan_prefix().string());
  return fmt::format("this machine's Debian packages ({})", charon_binary);
}

}  // namespace ikelab::harness
