#include "ikelab/diagnoser.hpp"
#include "lab/corpus/variants.hpp"
#include "base/yaml_reader.hpp"

#include "lab/scenario/lab_addresses.hpp"
#include "lab/scenario/scenario_values.hpp"
#include "lab/corpus/prng.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <set>

namespace ikelab::corpus {

namespace {

using harness::Scenario;
using harness::HostSettings;

class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& why) const {
    const auto mark = node.Mark();
    if (mark.is_null()) throw VariantError(base::at(file_.string(), 0, 0, why));
    throw VariantError(base::at(file_.string(), mark.line + 1, mark.column + 1, why));
  }
  const YAML::Node& map(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) fail(node, fmt::format("{} must be a mapping", what));
    return node;
  }
  YAML::Node key(const YAML::Node& parent, const std::string& name, const std::string& what) const {
    YAML::Node child = parent[name];
    if (!child) fail(parent, fmt::format("{}: '{}' is missing", what, name));
    return child;
  }
  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, fmt::format("{} must be a single value", what));
    return node.Scalar();
  }
  int number(const YAML::Node& node, const std::string& what, int lo, int hi) const {
    const std::string text = scalar(node, what);
    int value = 0;
    try {
      size_t used = 0;
      value = std::stoi(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      fail(node, fmt::format("{} must be a whole number, not '{}'", what, text));
    }
    if (value < lo || value > hi) fail(node, fmt::format("{} must be between {} and {}", what, lo, hi));
    return value;
  }
  // A non-empty list of values, each checked by `check` (empty string: fine).
  std::vector<std::string> list(const YAML::Node& node, const std::string& what,
                                std::string (*check)(std::string_view) = nullptr) const {
    if (!node.IsSequence() || node.size() == 0) fail(node, fmt::format("{} must be a non-empty list", what));
    std::vector<std::string> out;
    for (const auto& item : node) {
      std::string value = scalar(item, what);
      if (check)
        if (auto why = check(value); !why.empty()) fail(item, fmt::format("{}: '{}' {}", what, value, why));
      out.push_back(value);
    }
    return out;
  }
  std::vector<int> numbers(const YAML::Node& node, const std::string& what, int lo, int hi) const {
    if (!node.IsSequence() || node.size() == 0) fail(node, fmt::format("{} must be a non-empty list", what));
    std::vector<int> out;
    for (const auto& item : node) out.push_back(number(item, what, lo, hi));
    return out;
  }
  void only(const YAML::Node& node, const std::string& what, const std::set<std::string>& allowed) const {
    map(node, what);
    for (const auto& entry : node) {
      const std::string k = entry.first.Scalar();
      if (!allowed.contains(k)) {
        std::string known;
        for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
        fail(entry.first, fmt::format("unknown key '{}' in {} (known: {})", k, what, known));
      }
    }
  }

 private:
  std::filesystem::path file_;
};

std::string check_name(std::string_view name) {
  // Names reach swanctl.conf sections and ipsec.conf `conn` lines: keep them plain.
  if (name.empty() || name.size() > 32) return "must be 1..32 characters";
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
      return "may hold only a-z, 0-9 and '-'";
  if (!std::islower(static_cast<unsigned char>(name.front()))) return "must start with a letter a-z";
  return harness::values::check_section_name(name);
}

std::string check_domain(std::string_view name) {
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '.'))
      return "may hold only a-z, 0-9, '-' and '.'";
  return name.empty() ? "must not be empty" : "";
}

std::string check_plain_text(std::string_view value) { return harness::values::check_text(value); }

// "a.b.c.d/n" as (network, prefix length); nullopt when not IPv4.
std::optional<std::pair<std::uint32_t, int>> ipv4_subnet(const std::string& text) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  int bits = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u/%d%c", &a, &b, &c, &d, &bits, &tail) != 5 || a > 255 || b > 255 ||
      c > 255 || d > 255 || bits < 0 || bits > 32)
    return std::nullopt;
  return std::pair{(a << 24) | (b << 16) | (c << 8) | d, bits};
}

bool overlaps(const std::pair<std::uint32_t, int>& x, const std::pair<std::uint32_t, int>& y) {
  const int bits = std::min(x.second, y.second);
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (x.first & mask) == (y.first & mask);
}

// Subnets (IPv4); `holds`: each must contain this address, `avoid`: none may overlap these.
std::vector<std::string> subnet_list(const Reader& r, const YAML::Node& node, const std::string& what, const char* holds,
                                     const std::vector<std::string>& avoid) {
  auto list = r.list(node, what, harness::values::check_subnet);
  for (size_t i = 0; i < list.size(); ++i) {
    auto subnet = ipv4_subnet(list[i]);
    if (!subnet) r.fail(node[i], fmt::format("{}: '{}' must be an IPv4 subnet", what, list[i]));
    if (holds && !overlaps(*subnet, *ipv4_subnet(std::string(holds) + "/32")))
      r.fail(node[i], fmt::format("{}: '{}' must hold the host's inner address {}", what, list[i], holds));
    for (const auto& other : avoid)
      if (overlaps(*subnet, *ipv4_subnet(other)))
        r.fail(node[i], fmt::format("{}: '{}' overlaps the responder's {}", what, list[i], other));
  }
  return list;
}

DimensionModes modes(const Reader& r, const YAML::Node& node, const std::string& what) {
  r.map(node, what);
  DimensionModes out;
  for (const auto& entry : node) {
    const std::string dimension = r.scalar(entry.first, what);
    auto known = known_dimensions().find(dimension);
    if (known == known_dimensions().end()) {
      std::string list;
      for (const auto& [d, _] : known_dimensions()) list += (list.empty() ? "" : ", ") + d;
      r.fail(entry.first, fmt::format("unknown dimension '{}' in {} (known: {})", dimension, what, list));
    }
    const std::string mode = r.scalar(entry.second, what + "." + dimension);
    if (std::find(known->second.begin(), known->second.end(), mode) == known->second.end()) {
      std::string list;
      for (const auto& m : known->second) list += (list.empty() ? "" : ", ") + m;
      r.fail(entry.second, fmt::format("unknown mode '{}' for {} (known: {})", mode, dimension, list));
    }
    out[dimension] = mode;
  }
  return out;
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& known_dimensions() {
  static const std::map<std::string, std::vector<std::string>> dimensions = {
      {"names", {"vary"}},
      {"identities", {"shared", "initiator_wrong"}},
      {"psk", {"shared", "different"}},
      {"ike_proposals", {"shared", "disjoint"}},
      {"esp_proposals", {"shared", "disjoint"}},
      {"subnets", {"shared", "initiator_remote_outside"}},
      {"lifetimes", {"vary"}},
      {"dpd", {"vary"}},
      {"log_level", {"vary"}},
  };
  return dimensions;
}

const DimensionModes* VariantRules::modes_for(const Scenario& scenario) const {
  if (auto it = scenarios.find(scenario.name); it != scenarios.end()) return &it->second;
  if (auto it = faults.find(scenario.fault); it != faults.end()) return &it->second;
  return nullptr;
}

VariantRules load_variant_rules(const std::filesystem::path& file) {
  Reader r(file);
  YAML::Node root;
  try {
    root = base::load_yaml_file(file);
  } catch (const base::FileError& e) {
    throw VariantError(e.what());
  }
  r.only(root, "the variants file", {"pools", "faults", "scenarios"});
  VariantRules rules;
  rules.file = file;
  const YAML::Node pools = r.key(root, "pools", "the variants file");
  r.only(pools, "pools",
         {"connection_names", "child_names", "host_names", "identity_types", "domains", "dn_organisations",
          "ike_proposals", "esp_proposals", "proposals_per_side", "subnets", "ike_lifetimes", "child_lifetimes",
          "dpd_delays", "log_levels", "psk_length"});
  VariantPools& p = rules.pools;
  p.connection_names = r.list(r.key(pools, "connection_names", "pools"), "connection_names", check_name);
  p.child_names = r.list(r.key(pools, "child_names", "pools"), "child_names", check_name);
  p.host_names = r.list(r.key(pools, "host_names", "pools"), "host_names", check_name);
  p.identity_types = r.list(r.key(pools, "identity_types", "pools"), "identity_types");
  for (size_t i = 0; i < p.identity_types.size(); ++i) {
    static const std::set<std::string> types = {"fqdn", "user_fqdn", "ip", "key_id", "dn"};
    if (!types.contains(p.identity_types[i]))
      r.fail(pools["identity_types"][i], fmt::format("unknown identity type '{}' (known: dn, fqdn, ip, key_id, user_fqdn)",
                                                     p.identity_types[i]));
  }
  p.domains = r.list(r.key(pools, "domains", "pools"), "domains", check_domain);
  p.dn_organisations = r.list(r.key(pools, "dn_organisations", "pools"), "dn_organisations", check_plain_text);
  const YAML::Node ike = r.key(pools, "ike_proposals", "pools");
  r.only(ike, "ike_proposals", {"modern", "legacy"});
  for (const char* kind : {"modern", "legacy"}) {
    const YAML::Node k = r.key(ike, kind, "ike_proposals");
    r.only(k, fmt::format("ike_proposals.{}", kind), {"ike1", "ike2"});
    for (int v : {1, 2})
      p.proposals.ike[kind][v] = r.list(r.key(k, fmt::format("ike{}", v), fmt::format("ike_proposals.{}", kind)),
                                         fmt::format("ike_proposals.{}.ike{}", kind, v), harness::values::check_proposal);
  }
  const YAML::Node esp = r.key(pools, "esp_proposals", "pools");
  r.only(esp, "esp_proposals", {"modern", "legacy"});
  for (const char* kind : {"modern", "legacy"})
    p.proposals.esp[kind] = r.list(r.key(esp, kind, "esp_proposals"), fmt::format("esp_proposals.{}", kind),
                                   harness::values::check_proposal);
  const YAML::Node per_side = r.key(pools, "proposals_per_side", "pools");
  r.only(per_side, "proposals_per_side", {"min", "max"});
  p.proposals.per_side_min = r.number(r.key(per_side, "min", "proposals_per_side"), "proposals_per_side.min", 1, 8);
  p.proposals.per_side_max =
      r.number(r.key(per_side, "max", "proposals_per_side"), "proposals_per_side.max", p.proposals.per_side_min, 8);
  const YAML::Node subnets = r.key(pools, "subnets", "pools");
  r.only(subnets, "subnets", {"initiator", "responder", "outside"});
  p.initiator_subnets = subnet_list(r, r.key(subnets, "initiator", "subnets"), "subnets.initiator",
                                    harness::lab_addresses::initiator_inner_address, {});
  p.responder_subnets = subnet_list(r, r.key(subnets, "responder", "subnets"), "subnets.responder",
                                    harness::lab_addresses::responder_inner_address, {});
  p.outside_subnets = subnet_list(r, r.key(subnets, "outside", "subnets"), "subnets.outside", nullptr, p.responder_subnets);
  // Long enough never to be reached within a case (its deadline is at most minutes).
  p.ike_lifetimes = r.numbers(r.key(pools, "ike_lifetimes", "pools"), "ike_lifetimes", 600, 86400);
  p.child_lifetimes = r.numbers(r.key(pools, "child_lifetimes", "pools"), "child_lifetimes", 600, 86400);
  p.dpd_delays = r.numbers(r.key(pools, "dpd_delays", "pools"), "dpd_delays", 0, 3600);
  for (int d : p.dpd_delays)
    if (d != 0 && d < 10) r.fail(pools["dpd_delays"], "dpd_delays: 0 (off) or at least 10 s (never fires within a case)");
  p.log_levels = r.list(r.key(pools, "log_levels", "pools"), "log_levels");
  for (size_t i = 0; i < p.log_levels.size(); ++i)
    if (p.log_levels[i] != "default" && p.log_levels[i] != "cfg2" && p.log_levels[i] != "ike2")
      r.fail(pools["log_levels"][i], fmt::format("unknown log level '{}' (known: cfg2, default, ike2)", p.log_levels[i]));
  const YAML::Node psk = r.key(pools, "psk_length", "pools");
  r.only(psk, "psk_length", {"min", "max"});
  p.psk_min = r.number(r.key(psk, "min", "psk_length"), "psk_length.min", 8, 128);
  p.psk_max = r.number(r.key(psk, "max", "psk_length"), "psk_length.max", p.psk_min, 128);

  if (const YAML::Node faults = root["faults"]) {
    r.map(faults, "faults");
    const std::vector<std::string> known = diag::catalogue_fault_ids(diag::default_rules_dir());
    for (const auto& entry : faults) {
      const std::string id = r.scalar(entry.first, "a fault id");
      if (std::find(known.begin(), known.end(), id) == known.end())
        r.fail(entry.first, fmt::format("'{}' is not a fault id of the catalogue", id));
      rules.faults[id] = modes(r, entry.second, "faults." + id);
    }
  }
  if (const YAML::Node scenarios = root["scenarios"]) {
    r.map(scenarios, "scenarios");
    for (const auto& entry : scenarios) {
      const std::string name = r.scalar(entry.first, "a scenario name");
      rules.scenarios[name] = modes(r, entry.second, "scenarios." + name);
    }
  }
  return rules;
}

std::string redacted_secret(const std::string& secret) { return fmt::format("<secret, {} chars>", secret.size()); }

namespace {

// Draws the values of one variant in a fixed order of dimensions, each from
// the same generator, so a draw depends only on the seed and the variant.
struct Drawer {
  const Scenario& base;
  int ike_version;
  const VariantPools& pools;
  SplitMix64 rng;
  Variant variant;

  bool both_charon() const {
    return base.initiator.implementation == harness::Implementation::strongswan &&
           base.responder.implementation == harness::Implementation::strongswan;
  }
  bool host_psk(const HostSettings& h) const { return h.auth.value_or(base.auth) == harness::AuthMethod::psk; }

  std::string hex(int digits) {
    static const char* const xdigits = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < digits; ++i) out += xdigits[rng.below(16)];
    return out;
  }

  // An identity of `type` for a host; `outer` is the host's own address.
  nlohmann::json identity(const std::string& type, const std::string& host, const std::string& outer) {
    const std::string& domain = rng.pick(pools.domains);
    std::string value;
    if (type == "fqdn") value = host + "." + domain;
    else if (type == "user_fqdn") value = rng.pick(std::vector<std::string>{"admin", "vpn", "ipsec", "ops"}) + "@" + host + "." + domain;
    else if (type == "ip") value = outer;
    else if (type == "key_id") value = "@#" + hex(rng.between(8, 20) * 2);
    else value = fmt::format("C=CH, O={}, CN={}.{}", rng.pick(pools.dn_organisations), host, domain);
    return {{"type", type}, {"value", value}};
  }

  std::string psk() {
    static const std::string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.";
    std::string out;
    const int length = rng.between(pools.psk_min, pools.psk_max);
    for (int i = 0; i < length; ++i) out += alphabet[rng.below(alphabet.size())];
    return out;
  }

  // `count` distinct proposals of `pool`, none of them in `avoid`.
  std::vector<std::string> proposals(std::vector<std::string> pool, const std::vector<std::string>& avoid) {
    std::erase_if(pool, [&](const std::string& p) { return std::find(avoid.begin(), avoid.end(), p) != avoid.end(); });
    rng.shuffle(pool);
    const int want = rng.between(pools.proposals.per_side_min, pools.proposals.per_side_max);
    pool.resize(std::min<size_t>(pool.size(), static_cast<size_t>(want)));
    return pool;
  }

};

bool sets_any(const HostSettings& h, bool id, bool secret, bool ike, bool esp, bool ts) {
  return (id && (h.local_id || h.remote_id)) || (secret && (h.secret || h.credential != harness::OwnCredential::valid)) ||
         (ike && h.ike_proposals) || (esp && h.esp_proposals) ||
         (ts && (h.local_ts || h.remote_ts || h.request_virtual_ip || h.pool));
}

// The mode a variant rule gives a dimension, "" if none.
std::string mode_of(const DimensionModes& modes, const std::string& dimension) {
  auto it = modes.find(dimension);
  return it == modes.end() ? "" : it->second;
}

// Each dimension draws its values even when it is then not applied, so
// that whether one dimension applies never shifts another's draws. A
// dimension returns false when the fault needs it varied and it cannot be.

// names; returns the two host names (the identities use them)
std::pair<std::string, std::string> draw_names(Drawer& d, const DimensionModes& modes) {
  const VariantPools& p = d.pools;
  Scenario& s = d.variant.scenario;
  nlohmann::json& out = d.variant.settings;
  std::string connection = d.rng.pick(p.connection_names), child = d.rng.pick(p.child_names);
  std::string init_host = d.rng.pick(p.host_names), resp_host = d.rng.pick(p.host_names);
  if (init_host == resp_host) resp_host += "-2";
  if (mode_of(modes, "names") == "vary") {
    for (HostSettings* h : {&s.initiator, &s.responder}) {
      h->connection_name = connection;
      h->child_name = child;
    }
    out["connection"] = connection;
    out["child"] = child;
    out["host_names"] = {{"initiator", init_host}, {"responder", resp_host}};
  }
  return {init_host, resp_host};
}

// identities (PSK between two charons only: certificates and raw keys fix the IDs)
bool draw_identities(Drawer& d, const DimensionModes& modes, const std::string& init_host,
                     const std::string& resp_host) {
  const VariantPools& p = d.pools;
  const Scenario& scenario = d.base;
  Scenario& s = d.variant.scenario;
  nlohmann::json& out = d.variant.settings;
  const std::string init_type = d.rng.pick(p.identity_types), resp_type = d.rng.pick(p.identity_types);
  nlohmann::json init_id = d.identity(init_type, init_host, harness::lab_addresses::initiator_outer);
  nlohmann::json resp_id = d.identity(resp_type, resp_host, harness::lab_addresses::responder_outer);
  const std::string wrong_type = d.rng.pick(p.identity_types);
  nlohmann::json wrong_id = d.identity(wrong_type, "client", fmt::format("192.0.2.{}", d.rng.between(10, 90)));
  if (wrong_id["value"] == init_id["value"]) wrong_id["value"] = "wrong-" + init_id["value"].get<std::string>();
  const std::string idm = mode_of(modes, "identities");
  const bool ids_possible =
      d.both_charon() && d.host_psk(s.initiator) && d.host_psk(s.responder) && s.user_auth != harness::UserAuth::eap;
  const bool ids_touched = sets_any(scenario.initiator, true, false, false, false, false) ||
                           sets_any(scenario.responder, true, false, false, false, false);
  if (!idm.empty() && ids_possible && (idm != "shared" || !ids_touched)) {
    const std::string i = init_id["value"], r = resp_id["value"];
    s.initiator.local_id = idm == "initiator_wrong" ? wrong_id["value"].get<std::string>() : i;
    s.initiator.remote_id = r;
    s.responder.local_id = r;
    s.responder.remote_id = i;
    out["identities"] = {{"initiator", init_id}, {"responder", resp_id}};
    if (idm == "initiator_wrong") out["identities"]["initiator_presents"] = wrong_id;
  } else if (idm == "initiator_wrong") {
    return false;  // the fault needs the IDs, and they cannot vary here
  }
  return true;
}

// psk
bool draw_psk(Drawer& d, const DimensionModes& modes) {
  const Scenario& scenario = d.base;
  Scenario& s = d.variant.scenario;
  nlohmann::json& out = d.variant.settings;
  const std::string secret = d.psk();
  std::string other = d.psk();
  if (other == secret) other += "x";
  const std::string pm = mode_of(modes, "psk");
  const bool psk_possible = d.host_psk(s.initiator) && d.host_psk(s.responder);
  const bool psk_touched = sets_any(scenario.initiator, false, true, false, false, false) ||
                           sets_any(scenario.responder, false, true, false, false, false);
  if (!pm.empty() && psk_possible && (pm != "shared" || !psk_touched)) {
    s.initiator.secret = pm == "different" ? other : secret;
    s.responder.secret = secret;
    if (pm == "different")
      out["psk"] = {{"initiator", redacted_secret(other)}, {"responder", redacted_secret(secret)}};
    else
      out["psk"] = redacted_secret(secret);
  } else if (pm == "different") {
    return false;
  }
  return true;
}

// proposals (IKE or ESP)
bool draw_proposals(Drawer& d, const DimensionModes& modes, const std::string& dimension, bool ike) {
  const VariantPools& p = d.pools;
  const Scenario& scenario = d.base;
  Scenario& s = d.variant.scenario;
  nlohmann::json& out = d.variant.settings;
  const std::string kind_a = d.rng.pick(std::vector<std::string>{"modern", "legacy"});
  const std::string kind_b = d.rng.pick(std::vector<std::string>{"modern", "legacy"});
  const auto& pool_a = ike ? p.proposals.ike.at(kind_a).at(d.ike_version) : p.proposals.esp.at(kind_a);
  const auto& pool_b = ike ? p.proposals.ike.at(kind_b).at(d.ike_version) : p.proposals.esp.at(kind_b);
  const std::vector<std::string> responder = d.proposals(pool_a, {});
  const std::vector<std::string> initiator_disjoint = d.proposals(pool_b, responder);
  const std::string m = mode_of(modes, dimension);
  const bool touched = sets_any(scenario.initiator, false, false, ike, !ike, false) ||
                       sets_any(scenario.responder, false, false, ike, !ike, false);
  // The pools are what charon accepts (libreswan 4.10 refuses e.g. modp1024 at addconn): with a
  // pluto peer the scenario's own proposals stay, which keep its fault.
  if (m.empty() || (m == "shared" && touched) || !d.both_charon()) return true;
  if (m == "disjoint" && initiator_disjoint.empty()) return false;
  const auto& initiator = m == "disjoint" ? initiator_disjoint : responder;
  (ike ? s.initiator.ike_proposals : s.initiator.esp_proposals) = initiator;
  (ike ? s.responder.ike_proposals : s.responder.esp_proposals) = responder;
  out[dimension] = {{"initiator", initiator},
                    {"responder", responder},
                    {"kinds", m == "disjoint" ? nlohmann::json{kind_b, kind_a} : nlohmann::json{kind_a}}};
  return true;
}

// subnets
bool draw_subnets(Drawer& d, const DimensionModes& modes) {
  const VariantPools& p = d.pools;
  const Scenario& scenario = d.base;
  Scenario& s = d.variant.scenario;
  nlohmann::json& out = d.variant.settings;
  const std::string init_net = d.rng.pick(p.initiator_subnets), resp_net = d.rng.pick(p.responder_subnets);
  const std::string outside = d.rng.pick(p.outside_subnets);
  const std::string sm = mode_of(modes, "subnets");
  const bool ts_touched = sets_any(scenario.initiator, false, false, false, false, true) ||
                          sets_any(scenario.responder, false, false, false, false, true);
  const bool ts_possible = !scenario.initiator.request_virtual_ip && !scenario.responder.pool;
  if (!sm.empty() && ts_possible && (sm != "shared" || !ts_touched)) {
    s.initiator.local_ts = std::vector{init_net};
    s.initiator.remote_ts = std::vector{sm == "initiator_remote_outside" ? outside : resp_net};
    s.responder.local_ts = std::vector{resp_net};
    s.responder.remote_ts = std::vector{init_net};
    out["subnets"] = {{"initiator", init_net}, {"responder", resp_net}};
    if (sm == "initiator_remote_outside") out["subnets"]["initiator_asks_for"] = outside;
  } else if (sm == "initiator_remote_outside") {
    return false;
  }
  return true;
}

// lifetimes, DPD (skipped where the scenario's action depends on them)
void draw_timers(Drawer& d, const DimensionModes& modes) {
  const VariantPools& p = d.pools;
  const Scenario& scenario = d.base;
  Scenario& s = d.variant.scenario;
  nlohmann::json& out = d.variant.settings;
  const int ike_life = d.rng.pick(p.ike_lifetimes), child_life = d.rng.pick(p.child_lifetimes);
  if (mode_of(modes, "lifetimes") == "vary" && scenario.action == harness::Action::initiate) {
    for (HostSettings* h : {&s.initiator, &s.responder}) {
      h->ike_lifetime = ike_life;
      h->child_lifetime = child_life;
    }
    out["lifetimes"] = {{"ike", ike_life}, {"child", child_life}};
  }
  const int dpd = d.rng.pick(p.dpd_delays);
  if (mode_of(modes, "dpd") == "vary" && scenario.action == harness::Action::initiate &&
      !scenario.initiator.dpd_delay && !scenario.responder.dpd_delay && d.both_charon()) {
    if (dpd > 0)
      for (HostSettings* h : {&s.initiator, &s.responder}) h->dpd_delay = dpd;
    out["dpd_delay"] = dpd;
  }
}

// log level of the corpus log (charon; pluto has one log)
void draw_log_level(Drawer& d, const DimensionModes& modes) {
  Scenario& s = d.variant.scenario;
  const std::string level = d.rng.pick(d.pools.log_levels);
  if (mode_of(modes, "log_level") == "vary" && d.both_charon()) {
    d.variant.log_level = level;
    if (level == "ike2") s.initiator.ike2_log = s.responder.ike2_log = true;
    d.variant.settings["log_level"] = level;
  }
}

}  // namespace

std::optional<Variant> draw_variant(const Scenario& scenario, int ike_version, int index, std::uint64_t seed,
                                    const VariantRules& rules) {
  if (index < 1) return std::nullopt;
  const DimensionModes* modes = rules.modes_for(scenario);
  if (!modes) {
    // Nothing is known to keep this fault true under changes: only the scenario as written.
    if (index != 1) return std::nullopt;
    Variant v;
    v.scenario = scenario;
    v.settings = nlohmann::json::object();
    return v;
  }
  const std::uint64_t key =
      fnv1a(fmt::format("{}/{}/ike{}/v{}", seed, scenario.name, ike_version, index));
  Drawer d{scenario, ike_version, rules.pools, SplitMix64(key), Variant{}};
  d.variant.index = index;
  d.variant.scenario = scenario;
  d.variant.settings = nlohmann::json::object();

  const auto [init_host, resp_host] = draw_names(d, *modes);
  if (!draw_identities(d, *modes, init_host, resp_host)) return std::nullopt;
  if (!draw_psk(d, *modes)) return std::nullopt;
  if (!draw_proposals(d, *modes, "ike_proposals", true) || !draw_proposals(d, *modes, "esp_proposals", false))
    return std::nullopt;
  if (!draw_subnets(d, *modes)) return std::nullopt;
  draw_timers(d, *modes);
  draw_log_level(d, *modes);
  return d.variant;
}

}  // namespace ikelab::corpus
