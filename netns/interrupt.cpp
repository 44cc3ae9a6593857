#include "netns/interrupt.hpp"

#include <atomic>
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
}

bool interrupted() { return received_signal.load() != 0; }

int interrupt_signal() { return received_signal.load(); }

void reraise_interrupt() {
  int sig = received_signal.load();
  if (sig == 0) return;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace ikelab::netns
