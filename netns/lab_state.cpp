#include "netns/lab_state.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <signal.h>
#include <sstream>
#include <unistd.h>

namespace ikelab::netns {

std::filesystem::path state_root() {
  if (const char* dir = std::getenv("IKELAB_STATE_DIR"); dir && *dir) return dir;
  return "/tmp/ikelab";
}

std::optional<unsigned long long> process_start_time(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: skip past the last ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  // Field 3 is the state; the start time is field 22, the 20th after ')'.
  for (int i = 3; i < 22; ++i)
    if (!(fields >> field)) return std::nullopt;
  unsigned long long start = 0;
  if (!(fields >> start)) return std::nullopt;
  return start;
}

void remove_own_state_dir() {
  if (is_kept(getpid())) return;
  std::error_code ec;
  std::filesystem::remove_all(state_root() / std::to_string(getpid()), ec);
}

void register_this_process() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::atexit(remove_own_state_dir);
    auto dir = state_root() / std::to_string(getpid());
    std::filesystem::create_directories(dir);
    std::ofstream owner(dir / "owner");
    owner << getpid() << ' ' << process_start_time(getpid()).value_or(0) << '\n';
  });
}

std::filesystem::path case_dir(const RunId& id) {
  register_this_process();
  auto dir = state_root() / std::to_string(id.owner) / std::to_string(id.counter);
  std::filesystem::create_directories(dir);
  return dir;
}

void mark_kept() {
  register_this_process();
  std::ofstream(state_root() / std::to_string(getpid()) / "kept") << "kept\n";
}

bool is_kept(pid_t owner) {
  std::error_code ec;
  return std::filesystem::exists(state_root() / std::to_string(owner) / "kept", ec);
}

bool owner_alive(pid_t owner) {
  if (owner <= 0) return false;
  if (::kill(owner, 0) != 0 && errno == ESRCH) return false;
  auto now = process_start_time(owner);
  if (!now) return false;
  std::ifstream file(state_root() / std::to_string(owner) / "owner");
  pid_t recorded_pid = 0;
  unsigned long long recorded_start = 0;
  if (!(file >> recorded_pid >> recorded_start) || recorded_start == 0)
    return true;  // no record: a live process with this pid may be the owner, leave it alone
  return recorded_start == *now;
}

}  // namespace ikelab::netns
