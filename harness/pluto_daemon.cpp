#include "harness/pluto_daemon.hpp"

#include "harness/charon_daemon.hpp"  // unix_socket_answers
#include "harness/pluto_kernel.hpp"
#include "harness/text_file.hpp"
#include "netns/process.hpp"

#include <fmt/core.h>

#include <csignal>
#include <thread>

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

PlutoDaemon::PlutoDaemon(std::string netns, Paths paths, bool xfrm_standin, bool die_with_parent)
    : netns_(std::move(netns)), paths_(std::move(paths)), xfrm_standin_(xfrm_standin), die_with_parent_(die_with_parent) {}

PlutoDaemon::~PlutoDaemon() {
  if (started_ && !detached_) {
    std::error_code ec;
    if (child_.running(ec)) {
      child_.terminate(ec);
      child_.wait(ec);
    }
  }
}

void PlutoDaemon::start() {
  if (auto missing = libreswan_missing(); !missing.empty()) throw std::runtime_error(missing);
  std::filesystem::create_directories(paths_.ipsecdir);
  std::filesystem::create_directories(paths_.rundir);
  netns::LaunchOptions options;
  options.netns = netns_;
  options.private_run = paths_.rundir;
  options.read_only_overlays = {{libreswan_prefix() / "usr/libexec", "/usr/libexec"}};
  options.die_with_parent = die_with_parent_;
  options.output = paths_.output;
  if (xfrm_standin_ && !kernel_installs_esp(netns_)) options.env = {{"LD_PRELOAD", IKELAB_PLUTO_XFRM_STANDIN}};
  const std::vector<std::string> argv = {
      libreswan_program("pluto").string(),
      "--nofork",
      "--config", paths_.ipsec_conf.string(),
      "--secretsfile", paths_.ipsec_secrets.string(),
      "--ipsecdir", paths_.ipsecdir.string(),
      "--nssdir", paths_.nssdir.string(),
      "--rundir", paths_.rundir.string(),
      "--dumpdir", paths_.rundir.string(),
      "--logfile", paths_.logfile.string(),
  };
  started_at_ = std::chrono::steady_clock::now();
  child_ = netns::launch(argv, options);
  started_ = true;
}

std::filesystem::path PlutoDaemon::ctl_socket() const { return paths_.rundir / "pluto.ctl"; }

int PlutoDaemon::pid() const { return started_ ? child_.id() : -1; }

std::string PlutoDaemon::output() const { return read_text_file(paths_.output); }

bool PlutoDaemon::running() {
  if (!started_) return false;
  std::error_code ec;
  return child_.running(ec);
}

bool PlutoDaemon::wait_ready(std::chrono::steady_clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (!running()) {
      const int code = started_ ? child_.exit_code() : -1;
      failure_ = fmt::format("pluto exited (status {}) before pluto.ctl answered", code);
      return false;
    }
    if (unix_socket_answers(ctl_socket())) {
      startup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      failure_ = "pluto.ctl did not answer before the deadline";
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(10));
  }
}

void PlutoDaemon::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(child_.id(), SIGTERM);
  if (!netns::wait_for_exit(child_, std::chrono::steady_clock::now() + grace)) kill_now();
}

void PlutoDaemon::kill_now() {
  if (!running()) return;
  std::error_code ec;
  child_.terminate(ec);
  child_.wait(ec);
}

void PlutoDaemon::detach() {
  if (started_) child_.detach();
  detached_ = true;
}

}  // namespace ikelab::harness
