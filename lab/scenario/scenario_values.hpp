#pragma once

// Checks for the values a scenario may set. Each returns an empty string when
// the value is acceptable, otherwise why not (for an error message).

#include <string>
#include <string_view>

namespace ikelab::harness::values {

// An IKE identity, PSK or password: 1..255 bytes, printable (no control
// characters such as newline or tab). Quotes, braces, '#' and backslashes are
// allowed: the renderer escapes them.
std::string check_text(std::string_view value);

// An IPv4 or IPv6 address literal.
std::string check_address(std::string_view value);

// A subnet "ADDRESS/PREFIX" (or a single address) with a prefix that fits
// the address family and no host bits set.
std::string check_subnet(std::string_view value);

// A traffic selector: a subnet or "dynamic".
std::string check_traffic_selector(std::string_view value);

// One strongSwan proposal such as "aes128-sha256-modp2048" or "default":
// lowercase algorithm keywords joined by '-'.
std::string check_proposal(std::string_view value);

// A name used as a swanctl.conf section name (scenario, connection, child).
std::string check_section_name(std::string_view value);

}  // namespace ikelab::harness::values
