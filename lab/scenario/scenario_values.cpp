#include "lab/scenario/scenario_values.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>

namespace ikelab::harness::values {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Parses an address literal into bytes; returns the family's bit length or 0.
int parse_address(std::string_view text, std::array<std::uint8_t, 16>& bytes) {
  if (text.empty() || text.size() > 64) return 0;
  const std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), bytes.data()) == 1) return 32;
  if (inet_pton(AF_INET6, s.c_str(), bytes.data()) == 1) return 128;
  return 0;
}

}  // namespace

std::string check_text(std::string_view value) {
  if (value.empty()) return "must not be empty";
  if (value.size() > 255) return "is longer than 255 characters";
  for (unsigned char c : value) {
    if (is_control(c)) return "contains a control character (newline, tab, ...)";
  }
  return {};
}

std::string check_address(std::string_view value) {
  std::array<std::uint8_t, 16> bytes{};
  if (parse_address(value, bytes) == 0) return "is not an IPv4 or IPv6 address";
  return {};
}

std::string check_subnet(std::string_view value) {
  const auto slash = value.find('/');
  std::array<std::uint8_t, 16> bytes{};
  const int bits = parse_address(value.substr(0, slash), bytes);
  if (bits == 0) return "is not a subnet (ADDRESS/PREFIX)";
  if (slash == std::string_view::npos) return {};
  const auto prefix_text = value.substr(slash + 1);
  int prefix = -1;
  const auto [end, ec] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (ec != std::errc{} || end != prefix_text.data() + prefix_text.size() || prefix < 0 ||
      prefix > bits || prefix_text.empty()) {
    return "has a prefix length that does not fit the address";
  }
  for (int bit = prefix; bit < bits; ++bit) {
    if (bytes[bit / 8] & (0x80 >> (bit % 8))) return "has host bits set after the prefix";
  }
  return {};
}

std::string check_traffic_selector(std::string_view value) {
  if (value == "dynamic") return {};
  auto why = check_subnet(value);
  if (!why.empty()) return "is not 'dynamic' or a valid subnet: it " + why;
  return {};
}

std::string check_proposal(std::string_view value) {
  if (value.empty() || value.size() > 200) return "must be 1..200 characters";
  bool previous_dash = true;  // no leading dash
  for (char c : value) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (c == '-') {
      if (previous_dash) return "has an empty algorithm between dashes";
      previous_dash = true;
    } else if (word) {
      previous_dash = false;
    } else {
      return "may only hold lowercase algorithm keywords joined by '-' (e.g. aes128-sha256-modp2048)";
    }
  }
  if (previous_dash) return "ends with a dash";
  return {};
}

std::string check_section_name(std::string_view value) {
  if (value.empty() || value.size() > 64) return "must be 1..64 characters";
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return "may only hold letters, digits, '_' and '-'";
  }
  return {};
}

}  // namespace ikelab::harness::values
