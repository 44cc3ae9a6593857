#pragma once

// From one or two customer configs to a lab scenario: with one, the peer is
// built as the config's exact counterpart (from its remote side); with two,
// the first is the initiator. Every address, subnet and ID goes through one
// LabMapping (bijection.hpp); the rest of the lab (renderers, escaping,
// credentials, case runner) is the same as for `ikelab run`.

#include <optional>
#include <string>
#include <vector>

#include "lab/scenario/scenario.hpp"
#include "lab/replay/bijection.hpp"
#include "lab/replay/customer_config.hpp"

namespace ikelab::replay {

// The connection a correct peer of `customer` has: addresses, IDs, subnets
// swapped; auth class, secret, proposals, IKE version and mode the same; a
// virtual-IP client gets a server with a pool, and the other way round.
CustomerConn counterpart(const CustomerConn& customer);

// Swaps the two ends (libreswan's west.conf and east.conf are often the same file).
void swap_ends(CustomerConn& conn);

struct ReplayPlan {
  harness::Scenario scenario;
  int ike_version = 2;
  std::string connection;  // the customer's connection name
  std::vector<Substitution> substitutions;
  std::vector<std::string> notes;  // what the lab built or changed, in words
};

// `customer_side`: the role the customer's config (the first one) plays.
ReplayPlan plan_replay(const CustomerConfig& customer, const std::optional<CustomerConfig>& peer,
                       harness::Side customer_side);

}  // namespace ikelab::replay
