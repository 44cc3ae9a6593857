#pragma once

// Proposals as the lab's renderers take them (strongSwan syntax, checked by
// harness::values::check_proposal), from a customer's strongSwan syntax
// (`aes128-sha256-modp2048!`) or libreswan syntax (`aes-sha2;modp2048`,
// `aes_gcm256`, `dh14`). Pools: libreswan's `A-B` range as its subnet.

#include <string>
#include <vector>

#include "lab/replay/replay_error.hpp"

namespace ikelab::replay {

std::vector<std::string> strongswan_proposals(const std::string& value, const Origin& at);
std::vector<std::string> libreswan_proposals(const std::string& value, const Origin& at, bool ike);
// "10.3.0.1-10.3.0.14" -> "10.3.0.0/28" when the range fills that subnet's
// usable addresses; a subnet as is; anything else is an error.
std::string address_range_to_subnet(const std::string& value, const Origin& at);

}  // namespace ikelab::replay
