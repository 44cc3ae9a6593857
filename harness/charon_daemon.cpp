#include "harness/charon_daemon.hpp"

#include "harness/text_file.hpp"
#include "netns/process.hpp"

#include <fmt/core.h>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace ikelab::harness {

bool unix_socket_answers(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string p = path.string();
  if (p.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, p.c_str(), p.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

CharonDaemon::CharonDaemon(std::string netns, Paths paths, bool die_with_parent)
    : netns_(std::move(netns)), paths_(std::move(paths)), die_with_parent_(die_with_parent) {}

CharonDaemon::~CharonDaemon() {
  if (started_ && !detached_) {
    std::error_code ec;
    if (child_.running(ec)) {
      child_.terminate(ec);
      child_.wait(ec);
    }
  }
}

void CharonDaemon::start() {
  netns::LaunchOptions options;
  options.netns = netns_;
  options.private_run = paths_.rundir;
  options.die_with_parent = die_with_parent_;
  options.env = {{"STRONGSWAN_CONF", paths_.strongswan_conf.string()}};
  options.output = paths_.output;
  started_at_ = std::chrono::steady_clock::now();
  child_ = netns::launch({charon_binary}, options);
  started_ = true;
}

std::filesystem::path CharonDaemon::vici_socket() const { return paths_.rundir / "charon.vici"; }

std::string CharonDaemon::vici_uri() const { return "unix://" + vici_socket().string(); }

int CharonDaemon::pid() const { return started_ ? child_.id() : -1; }

std::string CharonDaemon::output() const { return read_text_file(paths_.output); }

bool CharonDaemon::running() {
  if (!started_) return false;
  std::error_code ec;
  return child_.running(ec);
}

bool CharonDaemon::wait_ready(std::chrono::steady_clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (!running()) {
      int code = started_ ? child_.exit_code() : -1;
      failure_ = fmt::format("charon exited (status {}) before its vici socket answered", code);
      return false;
    }
    if (unix_socket_answers(vici_socket())) {
      startup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      failure_ = "charon's vici socket did not answer before the deadline";
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(10));
  }
}

void CharonDaemon::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(child_.id(), SIGTERM);
  if (!netns::wait_for_exit(child_, std::chrono::steady_clock::now() + grace)) kill_now();
}

void CharonDaemon::kill_now() {
  if (!running()) return;
  std::error_code ec;
  child_.terminate(ec);  // SIGKILL + wait
  child_.wait(ec);
}

void CharonDaemon::detach() {
  if (started_) child_.detach();
  detached_ = true;
}

}  // namespace ikelab::harness
