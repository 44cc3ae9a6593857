#pragma once

// strongswan.conf beside a customer's swanctl.conf or ipsec.conf (in the same
// folder or the one above, as /etc/strongswan.conf is to /etc/swanctl/): the
// settings that change IKE behaviour in a single negotiation are taken; the
// others (plugins, kernel interfaces, paths, logging, the lab's timers) are
// listed as not replayed with the reason.

#include <filesystem>
#include <vector>

#include "lab/replay/customer_config.hpp"

namespace ikelab::replay {

// Replayed: aggressive-mode PSK, retransmission (capped, so that a silent
// case still ends within the lab's deadline), fragment_size,
// make_before_break, cisco_unity, and the few other charon.* keys listed in
// strongswan_conf.cpp. A value of the wrong form is an error (file:line).
void read_strongswan_conf_beside(const std::filesystem::path& config_file, CustomerConfig& config);

}  // namespace ikelab::replay
