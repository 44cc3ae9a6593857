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

// An IKE identity that means exactly its characters on charon and on pluto:
// check_text, and nothing either daemon reads as a wildcard or another type:
// no '*', no leading '@' (@#hex, @@user), '%' or '#', no all-zero address
// (%any to charon). A value that starts like a DN ("CN=...") must be one of
// known attributes (C, ST, L, O, OU, CN, E, SN, DC), one plain value each,
// which both daemons parse alike.
std::string check_identity(std::string_view value);

// What an identity that passed check_identity is, for every daemon alike:
// an address literal, a DN, user@host (email), else a name (FQDN).
enum class IdentityType { address, dn, email, fqdn };
IdentityType identity_type(std::string_view value);

// "0x" and the bytes in hex: how a PSK or password is written for both
// daemons, so that neither decodes a value such as "0x41" or "0sQQ==".
std::string secret_hex(std::string_view bytes);

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

// An ID libreswan's ipsec.conf can hold (it has no escapes: a quoted value
// ends at the next '"'): letters, digits, space and .,=@_:+-/, 1..255 bytes,
// no leading '%' (a keyword) or '@' (syntax). Checked for libreswan hosts.
std::string check_libreswan_id(std::string_view id);

// A name used as a swanctl.conf section name (scenario, connection, child).
std::string check_section_name(std::string_view value);

}  // namespace ikelab::harness::values
