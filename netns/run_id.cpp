#include "netns/run_id.hpp"

#include <fmt/core.h>

#include <atomic>
#include <charconv>
#include <unistd.h>

namespace ikelab::netns {
namespace {

std::atomic<unsigned> run_counter{0};

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string RunId::str() const { return fmt::format("{}-{}", owner, counter); }

std::string RunId::namespace_name(char host) const {
  return fmt::format("{}{}-{}{}", name_prefix, owner, counter, host);
}

RunId next_run_id() { return RunId{getpid(), ++run_counter}; }

std::optional<RunId> parse_run_id(std::string_view text) {
  auto dash = text.find('-');
  auto pid = parse_number<pid_t>(text.substr(0, dash));
  if (!pid || *pid <= 0) return std::nullopt;
  if (dash == std::string_view::npos) return RunId{*pid, 0};
  auto counter = parse_number<unsigned>(text.substr(dash + 1));
  if (!counter) return std::nullopt;
  return RunId{*pid, *counter};
}

std::optional<pid_t> owner_of_namespace(std::string_view name) {
  if (!name.starts_with(name_prefix)) return std::nullopt;
  name.remove_prefix(name_prefix.size());
  if (name.empty()) return std::nullopt;
  char host = name.back();
  if (host != 'i' && host != 'r') return std::nullopt;
  name.remove_suffix(1);
  auto id = parse_run_id(name);
  if (!id || id->counter == 0) return std::nullopt;
  return id->owner;
}

}  // namespace ikelab::netns
