#include "netns/interrupt.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>

namespace ikelab::netns {
namespace {

std::atomic<int> received_signal{0};

extern "C" void on_signal(int sig) { received_signal.store(sig); }

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
  // Without this a closed pipe kills ikelab in the middle of a write, before any teardown.
  std::signal(SIGPIPE, SIG_IGN);
}

bool interrupted() { return received_signal.load() != 0; }

int interrupt_signal() { return received_signal.load(); }

void output_lost() {
  int none = 0;
  received_signal.compare_exchange_strong(none, SIGPIPE);
}

bool write_console(std::FILE* stream, std::string_view text) {
  errno = 0;
  bool ok = std::fwrite(text.data(), 1, text.size(), stream) == text.size();
  ok = std::fflush(stream) == 0 && ok;
  if (ok) return true;
  if (errno == EPIPE) output_lost();
  std::clearerr(stream);
  return false;
}

void reraise_interrupt() {
  int sig = received_signal.load();
  if (sig == 0) return;
  std::signal(sig, SIG_DFL);
  if (sig == SIGPIPE) {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigprocmask(SIG_UNBLOCK, &pipe, nullptr);
  }
  std::raise(sig);
}

}  // namespace ikelab::netns
