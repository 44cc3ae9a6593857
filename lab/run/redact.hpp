#pragma once

// Secrets (PSKs, EAP/XAuth passwords) never reach the console: whatever a
// case reports (daemon output, swanctl messages) is passed through redact()
// with the secrets of the case's own rendered configuration.

#include "lab/run/case_config.hpp"

#include <string>
#include <vector>

namespace ikelab::harness {

// The secret values in a rendered swanctl.conf (`secret = "..."`, unescaped)
// and ipsec.secrets (`PSK "..."` or `PSK 0x...`, also hex-decoded).
std::vector<std::string> secrets_of(const RenderedHost& host);

// Replaces every occurrence of each secret (3 bytes or longer) with <secret>.
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace ikelab::harness
