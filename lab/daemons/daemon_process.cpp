#include "lab/daemons/daemon_process.hpp"

#include "base/text_file.hpp"

#include <fmt/core.h>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
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

DaemonProcess::~DaemonProcess() {
  if (started_ && !detached_) {
    std::error_code ec;
    if (child_.running(ec)) {
      child_.terminate(ec);
      child_.wait(ec);
    }
  }
}

void DaemonProcess::launch(const std::vector<std::string>& argv, netns::LaunchOptions options) {
  options.output = output_;
  started_at_ = std::chrono::steady_clock::now();
  answered_ = false;
  child_ = netns::launch(argv, options);
  started_ = true;
}

int DaemonProcess::pid() const { return started_ ? child_.id() : -1; }

std::string DaemonProcess::output() const { return read_text_file(output_); }

bool DaemonProcess::running() {
  if (!started_) return false;
  std::error_code ec;
  return child_.running(ec);
}

bool DaemonProcess::wait_for_socket(const std::filesystem::path& socket, const std::string& daemon,
                                    const std::string& what, std::chrono::steady_clock::time_point deadline) {
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (!running()) {
      // A signal is said as one (boost's exit_code() gives a signal's number as a status).
      const int status = started_ ? child_.native_exit_code() : -1;
      const std::string end = netns::describe_wait_status(status);
      failure_ = fmt::format("{}{} {} {} {} answered", daemon, WIFSIGNALED(status) ? " was" : "", end,
                             answered_ ? "after" : "before", what);
      return false;
    }
    if (answered_) return true;
    if (unix_socket_answers(socket)) {
      answered_ = true;
      startup_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      failure_ = fmt::format("{} did not answer before the deadline", what);
      return false;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(10));
  }
}

void DaemonProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(child_.id(), SIGTERM);
  if (!netns::wait_for_exit(child_, std::chrono::steady_clock::now() + grace)) kill_now();
}

void DaemonProcess::kill_now() {
  if (!running()) return;
  std::error_code ec;
  child_.terminate(ec);  // SIGKILL + wait
  child_.wait(ec);
}

void DaemonProcess::detach() {
  if (started_) child_.detach();
  detached_ = true;
}

}  // namespace ikelab::harness
