#include "netns/run_id.hpp"
#include "netns/parse_number.hpp"

#include "netns/lab_state.hpp"

#include <fmt/core.h>

#include <atomic>
#include <charconv>
#include <unistd.h>
#include <vector>

namespace ikelab::netns {
namespace {

std::atomic<unsigned> run_counter{0};

std::vector<std::string_view> split_dashes(std::string_view text) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto dash = text.find('-');
    parts.push_back(text.substr(0, dash));
    if (dash == std::string_view::npos) return parts;
    text.remove_prefix(dash + 1);
  }
}

}  // namespace

std::string RunId::str() const { return fmt::format("{}-{}-{}", owner, owner_start, counter); }

std::string RunId::namespace_name(char host) const {
  return fmt::format("{}{}-{}-{}{}", name_prefix, owner, owner_start, counter, host);
}

RunId next_run_id() {
  const RunOwner self = this_owner();
  return RunId{self.pid, self.start, ++run_counter};
}

std::optional<RunId> parse_run_id(std::string_view text) {
  auto parts = split_dashes(text);
  if (parts.size() > 3) return std::nullopt;
  RunId id;
  auto pid = parse_number<pid_t>(parts[0]);
  if (!pid || *pid <= 0 || parts[0].size() > 10) return std::nullopt;
  id.owner = *pid;
  if (parts.size() >= 2) {
    auto start = parse_number<unsigned long long>(parts[1]);
    if (!start) return std::nullopt;
    id.owner_start = *start;
  }
  if (parts.size() == 3) {
    auto counter = parse_number<unsigned>(parts[2]);
    if (!counter || parts[2].size() > 10) return std::nullopt;
    id.counter = *counter;
  }
  return id;
}

std::optional<NamespaceOwner> owner_of_namespace(std::string_view name) {
  if (!name.starts_with(name_prefix)) return std::nullopt;
  name.remove_prefix(name_prefix.size());
  if (name.empty()) return std::nullopt;
  char host = name.back();
  if (host != 'i' && host != 'r') return std::nullopt;
  name.remove_suffix(1);
  auto parts = split_dashes(name);
  if (parts.size() != 2 && parts.size() != 3) return std::nullopt;
  auto pid = parse_number<pid_t>(parts[0]);
  auto counter = parse_number<unsigned>(parts.back());
  if (!pid || *pid <= 0 || parts[0].size() > 10 || !counter || *counter == 0 || parts.back().size() > 10)
    return std::nullopt;
  NamespaceOwner owner{*pid, 0};
  if (parts.size() == 3) {
    auto start = parse_number<unsigned long long>(parts[1]);
    if (!start) return std::nullopt;
    owner.start = *start;
  }
  return owner;
}

}  // namespace ikelab::netns
