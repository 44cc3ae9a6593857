#pragma once

// A whole decimal number read from a name's part (a pid, a start time, a
// counter in run folders and namespace names); nullopt for anything else.

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace ikelab::netns {

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace ikelab::netns
