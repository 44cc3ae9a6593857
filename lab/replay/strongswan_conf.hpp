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

void read_strongswan_conf_beside(const std::filesystem::path& config_file, CustomerConn& conn,
                                 std::vector<NotReplayed>& not_replayed);

}  // namespace ikelab::replay
