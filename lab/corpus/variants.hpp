#pragma once

// Corpus variants: a scenario with randomised settings that keep its fault
// true. What may vary, and how per fault, is data (corpus/variants.yaml,
// format in docs/corpus.md); this draws from it deterministically.
//
//   VariantRules rules = load_variant_rules("corpus/variants.yaml");
//   std::optional<Variant> v = draw_variant(scenario, 2, 3, seed, rules);
//
// A variant that cannot keep the fault is not drawn (nullopt): a scenario
// whose fault has no entry gets variant 1 only, the scenario as written.

#include "lab/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::corpus {

struct VariantError : std::runtime_error {
  using std::runtime_error::runtime_error;  // "FILE:LINE:COLUMN: why"
};

struct ProposalPools {
  // kind (modern | legacy) -> IKE version -> proposals
  std::map<std::string, std::map<int, std::vector<std::string>>> ike;
  std::map<std::string, std::vector<std::string>> esp;  // kind -> proposals
  int per_side_min = 1, per_side_max = 3;
};

struct VariantPools {
  std::vector<std::string> connection_names, child_names, host_names;
  std::vector<std::string> identity_types;  // fqdn | user_fqdn | ip | key_id | dn
  std::vector<std::string> domains, dn_organisations;
  ProposalPools proposals;
  std::vector<std::string> initiator_subnets, responder_subnets, outside_subnets;
  std::vector<int> ike_lifetimes, child_lifetimes, dpd_delays;
  std::vector<std::string> log_levels;  // default | cfg2 | ike2
  int psk_min = 16, psk_max = 40;
};

// Per dimension its mode ("vary", "shared", "different", "disjoint", ...);
// a dimension that is absent is never drawn.
using DimensionModes = std::map<std::string, std::string>;

struct VariantRules {
  std::filesystem::path file;
  VariantPools pools;
  std::map<std::string, DimensionModes> faults;     // fault id -> modes
  std::map<std::string, DimensionModes> scenarios;  // scenario name -> modes (replaces the fault's)
  // The modes for a scenario, or nullptr when it cannot vary.
  const DimensionModes* modes_for(const harness::Scenario& scenario) const;
};

// The dimensions and the modes each accepts.
const std::map<std::string, std::vector<std::string>>& known_dimensions();

VariantRules load_variant_rules(const std::filesystem::path& file);

struct Variant {
  int index = 1;                // 1-based
  harness::Scenario scenario;   // with the drawn settings applied
  std::string log_level = "default";  // which charon log is the corpus log
  nlohmann::json settings;      // the drawn values (secrets redacted), for the manifest
};

// Variant `index` (1-based) of `scenario` for `ike_version`, drawn from
// (seed, scenario name, ike_version, index) only.
std::optional<Variant> draw_variant(const harness::Scenario& scenario, int ike_version, int index,
                                    std::uint64_t seed, const VariantRules& rules);

// "<secret, N chars>": a drawn secret as the manifest shows it.
std::string redacted_secret(const std::string& secret);

}  // namespace ikelab::corpus
