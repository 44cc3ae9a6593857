#include "lab/daemons/pluto/pluto_daemon.hpp"

#include "base/data_dir.hpp"

#include "lab/daemons/pluto/pluto_kernel.hpp"

#include <fmt/core.h>

namespace ikelab::harness {

std::filesystem::path libreswan_prefix() { return IKELAB_LIBRESWAN_PREFIX; }

std::filesystem::path libreswan_program(const std::string& name) {
  return libreswan_prefix() / "usr/libexec/ipsec" / name;
}

std::string libreswan_missing() {
  for (const char* program : {"pluto", "addconn", "whack"}) {
    std::error_code ec;
    if (!std::filesystem::exists(libreswan_program(program), ec)) {
      return fmt::format("libreswan is not installed: {} is missing (run scripts/install-libreswan.sh)",
                         libreswan_program(program).string());
    }
  }
  return {};
}

std::filesystem::path pluto_program(const std::filesystem::path& system_root, const std::string& name) {
  if (system_root.empty()) return libreswan_program(name);
  return std::filesystem::path("/usr/libexec/ipsec") / name;
}

PlutoDaemon::PlutoDaemon(std::string netns, Paths paths, bool xfrm_standin, bool die_with_parent)
    : DaemonProcess(paths.output),
      netns_(std::move(netns)),
      paths_(std::move(paths)),
      xfrm_standin_(xfrm_standin),
      die_with_parent_(die_with_parent) {}

void PlutoDaemon::start() {
  if (paths_.system_root.empty()) {
    if (auto missing = libreswan_missing(); !missing.empty()) throw std::runtime_error(missing);
  }
  std::filesystem::create_directories(paths_.ipsecdir);
  std::filesystem::create_directories(paths_.rundir);
  netns::LaunchOptions options;
  options.netns = netns_;
  options.private_run = paths_.rundir;
  if (paths_.system_root.empty())
    options.read_only_overlays = {{libreswan_prefix() / "usr/libexec", "/usr/libexec"}};
  options.system_root = paths_.system_root;
  options.die_with_parent = die_with_parent_;
  if (xfrm_standin_ && !kernel_installs_esp(netns_))
    options.env = {{"LD_PRELOAD", base::helper_path("ikelab_pluto_xfrm_standin.so").string()}};
  const std::vector<std::string> argv = {
      pluto_program(paths_.system_root, "pluto").string(),
      "--nofork",
      "--config", paths_.ipsec_conf.string(),
      "--secretsfile", paths_.ipsec_secrets.string(),
      "--ipsecdir", paths_.ipsecdir.string(),
      "--nssdir", paths_.nssdir.string(),
      "--rundir", paths_.rundir.string(),
      "--dumpdir", paths_.rundir.string(),
      "--logfile", paths_.logfile.string(),
  };
  launch(argv, std::move(options));
}

std::filesystem::path PlutoDaemon::ctl_socket() const { return paths_.rundir / "pluto.ctl"; }

bool PlutoDaemon::wait_ready(std::chrono::steady_clock::time_point deadline) {
  return wait_for_socket(ctl_socket(), "pluto", "pluto.ctl", deadline);
}

}  // namespace ikelab::harness
