#include "netns/lab_state.hpp"
#include "netns/parse_number.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <signal.h>
#include <sstream>
#include <unistd.h>

namespace ikelab::netns {
namespace {

std::unique_ptr<PrivateDir> own_dir;

}  // namespace

std::filesystem::path state_root() {
  if (const char* dir = std::getenv("IKELAB_STATE_DIR"); dir && *dir) return dir;
  return "/var/lib/ikelab";
}

const PrivateDir& state_root_dir() {
  static std::once_flag once;
  static std::unique_ptr<PrivateDir> root;
  std::call_once(once, [] { root = std::make_unique<PrivateDir>(PrivateDir::open_or_create(state_root())); });
  return *root;
}

std::string RunOwner::dir_name() const { return fmt::format("{}-{}", pid, start); }

std::optional<RunOwner> RunOwner::parse(std::string_view name) {
  auto dash = name.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto pid = parse_number<pid_t>(name.substr(0, dash));
  auto start = parse_number<unsigned long long>(name.substr(dash + 1));
  if (!pid || *pid <= 0 || !start) return std::nullopt;
  return RunOwner{*pid, *start};
}

std::string artefacts_dir_template(const RunOwner& owner) {
  return fmt::format("{}{}-XXXXXX", artefacts_dir_prefix, owner.dir_name());
}

std::optional<RunOwner> owner_of_artefacts_dir(std::string_view name) {
  constexpr size_t random_part = 7;  // "-XXXXXX"
  if (!name.starts_with(artefacts_dir_prefix) || name.size() < artefacts_dir_prefix.size() + random_part) return std::nullopt;
  if (name[name.size() - random_part] != '-') return std::nullopt;
  return RunOwner::parse(name.substr(artefacts_dir_prefix.size(),
                                     name.size() - artefacts_dir_prefix.size() - random_part));
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

RunOwner this_owner() {
  static const RunOwner owner{getpid(), process_start_time(getpid()).value_or(0)};
  return owner;
}

void remove_own_state_dir() {
  if (!own_dir || is_kept(this_owner())) return;
  std::string ignored;
  state_root_dir().remove_child(this_owner().dir_name(), ignored);
}

void register_this_process() {
  static std::once_flag once;
  std::call_once(once, [] {
    const RunOwner owner = this_owner();
    // A name that exists already is never taken over: it is not ours.
    own_dir = std::make_unique<PrivateDir>(state_root_dir().make_child(owner.dir_name()));
    std::atexit(remove_own_state_dir);
    own_dir->write_new_file("owner", fmt::format("{} {}\n", owner.pid, owner.start));
  });
}

const PrivateDir& own_run_dir() {
  register_this_process();
  return *own_dir;
}

std::filesystem::path case_dir(const RunId& id) {
  return own_run_dir().make_child(std::to_string(id.counter)).path();
}

void mark_kept() { own_run_dir().replace_file("kept", "kept\n"); }

bool is_kept(const RunOwner& owner) {
  auto dir = state_root_dir().open_child(owner.dir_name());
  return dir && dir->has_file("kept");
}

bool owner_alive(pid_t owner) {
  if (owner <= 0) return false;
  return !(::kill(owner, 0) != 0 && errno == ESRCH);
}

bool owner_alive(const RunOwner& owner) {
  if (!owner_alive(owner.pid)) return false;
  auto now = process_start_time(owner.pid);
  return now && *now == owner.start;
}

}  // namespace ikelab::netns
