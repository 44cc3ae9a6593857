#include "lab/scenario/scenario_values.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>

#include <fmt/core.h>

#include <array>
#include <set>
#include <string>
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

// "CN=..." / "C = CH, ...": letters, optional blanks, then '='.
bool starts_like_dn(std::string_view value) {
  size_t i = 0;
  while (i < value.size() && ((value[i] >= 'A' && value[i] <= 'Z') || (value[i] >= 'a' && value[i] <= 'z'))) ++i;
  if (i == 0) return false;
  while (i < value.size() && value[i] == ' ') ++i;
  return i < value.size() && value[i] == '=';
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

std::string check_identity(std::string_view value) {
  if (auto why = check_text(value); !why.empty()) return why;
  if (value.find('*') != std::string_view::npos) return "contains '*', a wildcard to both daemons";
  const char first = value.front();
  if (first == '@' || first == '%' || first == '#')
    return fmt::format("starts with '{}', which the daemons read as ID syntax, not as a character (write the plain name)",
                       first);
  std::array<std::uint8_t, 16> bytes{};
  if (int bits = parse_address(value, bytes); bits > 0) {
    bool zero = true;
    for (int i = 0; i < bits / 8; ++i) zero = zero && bytes[i] == 0;
    if (zero) return "is the all-zero address, which charon reads as %any";
    return {};
  }
  if (!starts_like_dn(value)) return {};
  // A DN: "KEY=VALUE, KEY=VALUE, ..."; anything else parses differently on
  // charon (a failed DN becomes a KEY_ID) and on pluto.
  static const std::set<std::string, std::less<>> keys = {"C", "ST", "L", "O", "OU", "CN", "E", "SN", "DC"};
  std::string_view rest = value;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view rdn = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!rdn.empty() && rdn.front() == ' ') rdn.remove_prefix(1);
    while (!rdn.empty() && rdn.back() == ' ') rdn.remove_suffix(1);
    auto eq = rdn.find('=');
    if (eq == std::string_view::npos) return fmt::format("is a DN with a part '{}' that is not KEY=VALUE", rdn);
    std::string_view key = rdn.substr(0, eq), val = rdn.substr(eq + 1);
    if (!keys.count(key))
      return fmt::format("is a DN with attribute '{}' (the lab takes C, ST, L, O, OU, CN, E, SN, DC)", key);
    if (val.empty() || val.front() == ' ' || val.front() == '#')
      return fmt::format("is a DN whose {} value is empty or starts with a blank or '#'", key);
    if (val.find_first_of("=/+\\\"") != std::string_view::npos)
      return fmt::format("is a DN whose {} value holds one of = / + \\ \" (parsed differently by the daemons)", key);
    if (comma != std::string_view::npos && rest.empty()) return "is a DN that ends with ','";
  }
  return {};
}

IdentityType identity_type(std::string_view value) {
  std::array<std::uint8_t, 16> bytes{};
  if (parse_address(value, bytes) > 0) return IdentityType::address;
  if (starts_like_dn(value)) return IdentityType::dn;
  if (value.find('@') != std::string_view::npos) return IdentityType::email;
  return IdentityType::fqdn;
}

std::string secret_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
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

std::string check_libreswan_id(std::string_view id) {
  if (id.empty()) return "it is empty";
  if (id.size() > 255) return "it is longer than 255 characters";
  if (id.front() == '%') return "a leading '%' is a libreswan keyword";
  if (id.front() == '@') return "a leading '@' is libreswan syntax (write the plain name)";
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" .,=@_:+-/").find(c) != std::string_view::npos;
    if (!ok) return fmt::format("character '{}' is not allowed (letters, digits, space and .,=@_:+-/ only)", c);
  }
  return {};
}

}  // namespace ikelab::harness::values
