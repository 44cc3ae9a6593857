// Parses and validates scenario files (see scenario.hpp).

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "lab/daemons/daemon_builds.hpp"
#include "base/error.hpp"
#include "base/yaml_reader.hpp"
#include "lab/scenario/scenario.hpp"
#include "lab/scenario/scenario_values.hpp"
#include "ikelab/diagnoser.hpp"

namespace ikelab::harness {
namespace {

class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    if (mark.is_null()) throw ScenarioError(base::at(file_.string(), 0, 0, message));
    throw ScenarioError(base::at(file_.string(), mark.line + 1, mark.column + 1, message));
  }

  // Calls `handle(key, value)` for each entry of a mapping; unknown keys and
  // duplicates are errors.
  void for_each_key(const YAML::Node& map, const std::string& what,
                    const std::set<std::string>& allowed,
                    const std::function<void(const std::string&, const YAML::Node&)>& handle) const {
    if (!map.IsMap()) fail(map.Mark(), fmt::format("{} must be a mapping of key: value", what));
    // A repeated key never gets here: the one YAML reader refuses it (base/yaml_reader).
    for (const auto& entry : map) {
      const YAML::Node& key_node = entry.first;
      if (!key_node.IsScalar()) fail(key_node.Mark(), fmt::format("{}: keys must be plain words", what));
      const std::string key = key_node.Scalar();
      if (!allowed.contains(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(key_node.Mark(), fmt::format("unknown key '{}' in {} (known: {})", key, what, list));
      }
      handle(key, entry.second);
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node.Mark(), fmt::format("'{}' must be a single value", key));
    return node.Scalar();
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    auto value = scalar(node, key);
    if (auto why = values::check_text(value); !why.empty()) fail(node.Mark(), fmt::format("'{}' {}", key, why));
    return value;
  }

  std::string identity(const YAML::Node& node, const std::string& key) const {
    auto value = scalar(node, key);
    if (auto why = values::check_identity(value); !why.empty()) fail(node.Mark(), fmt::format("'{}' {}", key, why));
    return value;
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    const auto value = plain_scalar(node, key, "true or false");
    if (value == "true" || value == "yes") return true;
    if (value == "false" || value == "no") return false;
    fail(node.Mark(), fmt::format("'{}' must be true or false, not '{}'", key, value));
  }

  int integer(const YAML::Node& node, const std::string& key, int min, int max) const {
    const auto value = plain_scalar(node, key, "a whole number");
    int number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || end != value.data() + value.size()) {
      fail(node.Mark(), fmt::format("'{}' must be a whole number, not '{}'", key, value));
    }
    if (number < min || number > max) {
      fail(node.Mark(), fmt::format("'{}' must be between {} and {}, not {}", key, min, max, number));
    }
    return number;
  }

  // One of the given words.
  template <typename Enum>
  Enum choice(const YAML::Node& node, const std::string& key,
              const std::vector<std::pair<std::string, Enum>>& options) const {
    const auto value = scalar(node, key);
    std::string list;
    for (const auto& [word, e] : options) {
      if (word == value) return e;
      list += (list.empty() ? "" : " | ") + word;
    }
    fail(node.Mark(), fmt::format("'{}' must be one of {}, not '{}'", key, list, value));
  }

  // A single value or a list of values, each checked by `check`.
  std::vector<std::string> list(const YAML::Node& node, const std::string& key,
                                std::string (*check)(std::string_view)) const {
    std::vector<std::string> result;
    auto add = [&](const YAML::Node& item) {
      const auto value = scalar(item, key);
      if (auto why = check(value); !why.empty()) fail(item.Mark(), fmt::format("'{}': '{}' {}", key, value, why));
      result.push_back(value);
    };
    if (node.IsSequence()) {
      for (const auto& item : node) add(item);
    } else {
      add(node);
    }
    if (result.empty()) fail(node.Mark(), fmt::format("'{}' must not be an empty list", key));
    return result;
  }

 private:
  // A scalar that was not quoted (quoted "1" is text, not a number).
  std::string plain_scalar(const YAML::Node& node, const std::string& key, const std::string& expected) const {
    if (!node.IsScalar() || node.Tag() == "!") fail(node.Mark(), fmt::format("'{}' must be {}", key, expected));
    return node.Scalar();
  }

  std::filesystem::path file_;
};

HostSettings parse_host(const Reader& r, const YAML::Node& node, const std::string& side) {
  HostSettings h;
  static const std::set<std::string> keys = {
      "local_id",    "remote_id",      "secret",         "ike_proposals",  "esp_proposals",
      "local_ts",    "remote_ts",      "remote_address", "auth",           "ike_version",
      "aggressive",  "aggressive_psk", "credential",     "peer_key",       "user_password",
      "virtual_ip",  "pool",           "kernel_libipsec", "daemon",        "dpd_delay",
      "dpd_timeout", "implementation", "signature_hash", "drop_inbound_udp", "eap_method"};
  if (node.IsNull()) return h;
  r.for_each_key(node, side, keys, [&](const std::string& key, const YAML::Node& value) {
    if (key == "local_id") h.local_id = r.identity(value, key);
    else if (key == "remote_id") h.remote_id = r.identity(value, key);
    else if (key == "secret") h.secret = r.text(value, key);
    else if (key == "user_password") h.user_password = r.text(value, key);
    else if (key == "ike_proposals") h.ike_proposals = r.list(value, key, values::check_proposal);
    else if (key == "esp_proposals") h.esp_proposals = r.list(value, key, values::check_proposal);
    else if (key == "local_ts") h.local_ts = r.list(value, key, values::check_traffic_selector);
    else if (key == "remote_ts") h.remote_ts = r.list(value, key, values::check_traffic_selector);
    else if (key == "remote_address") {
      const auto address = r.scalar(value, key);
      if (auto why = values::check_address(address); !why.empty()) r.fail(value.Mark(), fmt::format("'{}': '{}' {}", key, address, why));
      h.remote_address = address;
    } else if (key == "pool") {
      const auto pool = r.scalar(value, key);
      if (auto why = values::check_subnet(pool); !why.empty() || pool.find('/') == std::string::npos) {
        r.fail(value.Mark(), fmt::format("'pool': '{}' must be a subnet ADDRESS/PREFIX", pool));
      }
      h.pool = pool;
    } else if (key == "auth") {
      h.auth = r.choice<AuthMethod>(value, key, {{"psk", AuthMethod::psk}, {"cert", AuthMethod::cert}, {"pubkey", AuthMethod::pubkey}});
    } else if (key == "ike_version") {
      if (value.IsScalar() && value.Scalar() == "other") h.ike_version = 0;
      else h.ike_version = r.integer(value, key, 1, 2);
    } else if (key == "aggressive") h.aggressive = r.boolean(value, key);
    else if (key == "aggressive_psk") h.aggressive_psk = r.boolean(value, key);
    else if (key == "credential") {
      h.credential = r.choice<OwnCredential>(value, key,
          {{"valid", OwnCredential::valid}, {"other_ca", OwnCredential::other_ca}, {"expired", OwnCredential::expired},
           {"other_key", OwnCredential::other_key}, {"missing", OwnCredential::missing}});
    } else if (key == "peer_key") {
      h.peer_key = r.choice<PeerKey>(value, key, {{"valid", PeerKey::valid}, {"other", PeerKey::other}});
    } else if (key == "virtual_ip") {
      h.request_virtual_ip = r.choice<bool>(value, key, {{"request", true}, {"none", false}});
    } else if (key == "kernel_libipsec") h.kernel_libipsec = r.boolean(value, key);
    else if (key == "daemon") h.start_daemon = r.boolean(value, key);
    else if (key == "dpd_delay") h.dpd_delay = r.integer(value, key, 1, 300);
    else if (key == "dpd_timeout") h.dpd_timeout = r.integer(value, key, 1, 300);
    else if (key == "drop_inbound_udp") {
      // One port or a list; each a whole number (the runner writes it into an nft rule).
      if (value.IsSequence()) {
        for (const auto& item : value) h.drop_inbound_udp.push_back(r.integer(item, key, 1, 65535));
      } else {
        h.drop_inbound_udp.push_back(r.integer(value, key, 1, 65535));
      }
      if (h.drop_inbound_udp.empty()) r.fail(value.Mark(), "'drop_inbound_udp' must not be an empty list");
    }
    else if (key == "eap_method") {
      h.eap_method = r.choice<std::string>(value, key, {{"md5", "md5"}, {"mschapv2", "mschapv2"}});
    }
    else if (key == "signature_hash") {
      h.signature_hash = r.choice<std::string>(value, key, {{"sha256", "sha256"}, {"sha384", "sha384"}, {"sha512", "sha512"}});
    }
    else if (key == "implementation") {
      h.implementation = r.choice<Implementation>(
          value, key, {{"strongswan", Implementation::strongswan}, {"libreswan", Implementation::libreswan}});
    }
  });
  return h;
}

// The position of root[a][b]..., or of the deepest part of that path that exists.
YAML::Mark mark_of(const YAML::Node& root, std::initializer_list<const char*> path) {
  YAML::Mark mark = root.Mark();
  YAML::Node node;
  node.reset(root);  // reset, not '=': assigning a Node would overwrite the tree
  for (const char* key : path) {
    if (!node.IsMap()) break;
    const YAML::Node& const_node = node;
    const YAML::Node next = const_node[key];
    if (!next.IsDefined()) break;
    mark = next.Mark();
    node.reset(next);
  }
  return mark;
}

// Combinations that cannot be rendered or make no sense.
void check_consistency(const Reader& r, const YAML::Node& root, const Scenario& s) {
  for (const Side side : {Side::initiator, Side::responder}) {
    const auto& h = s.host(side);
    const char* name = side == Side::initiator ? "initiator" : "responder";
    const AuthMethod auth = h.auth.value_or(s.auth);
    auto mark = [&](const char* key) { return mark_of(root, {name, key}); };
    if ((h.credential == OwnCredential::other_ca || h.credential == OwnCredential::expired) && auth != AuthMethod::cert) {
      r.fail(mark("credential"), fmt::format("{}: credential other_ca/expired needs auth: cert", name));
    }
    if (h.credential == OwnCredential::other_key && auth != AuthMethod::pubkey) {
      r.fail(mark("credential"), fmt::format("{}: credential other_key needs auth: pubkey", name));
    }
    if (h.signature_hash && auth == AuthMethod::psk) {
      r.fail(mark("signature_hash"), fmt::format("{}: signature_hash needs auth: cert or pubkey", name));
    }
    if (h.peer_key == PeerKey::other && auth != AuthMethod::pubkey) {
      r.fail(mark("peer_key"), fmt::format("{}: peer_key other needs auth: pubkey", name));
    }
    if (h.eap_method && s.user_auth != UserAuth::eap) {
      r.fail(mark("eap_method"), fmt::format("{}: eap_method needs user_auth: eap", name));
    }
    if (h.user_password && s.user_auth == UserAuth::none) {
      r.fail(mark("user_password"), fmt::format("{}: user_password needs user_auth: eap or xauth", name));
    }
    if (h.request_virtual_ip && side == Side::responder) {
      r.fail(mark("virtual_ip"), "responder: only the initiator can request a virtual IP");
    }
    if (h.pool && side == Side::initiator) {
      r.fail(mark("pool"), "initiator: only the responder hands out virtual IPs");
    }
    if (h.implementation == Implementation::libreswan) {
      for (const auto& [key, id] : {std::pair{"local_id", h.local_id}, std::pair{"remote_id", h.remote_id}}) {
        if (!id) continue;
        if (auto why = values::check_libreswan_id(*id); !why.empty()) {
          r.fail(mark(key), fmt::format("{}: {} '{}' cannot be written for libreswan: {}", name, key, *id, why));
        }
      }
    }
    if (h.aggressive.value_or(false) && std::find(s.ike_versions.begin(), s.ike_versions.end(), 2) != s.ike_versions.end()) {
      r.fail(mark("aggressive"), fmt::format("{}: aggressive mode exists only in IKEv1; set ike: [1]", name));
    }
  }
  if (s.user_auth == UserAuth::eap && s.ike_versions != std::vector<int>{2}) {
    r.fail(mark_of(root, {"user_auth"}), "user_auth: eap exists only in IKEv2; set ike: [2]");
  }
  if (s.user_auth == UserAuth::xauth && s.ike_versions != std::vector<int>{1}) {
    r.fail(mark_of(root, {"user_auth"}), "user_auth: xauth exists only in IKEv1; set ike: [1]");
  }
  if (!s.initiator.start_daemon) r.fail(mark_of(root, {"initiator", "daemon"}), "initiator: the initiator's daemon must run");
  if (s.action == Action::dpd && !s.initiator.dpd_delay) {
    r.fail(mark_of(root, {"action"}), "action: dpd needs initiator: dpd_delay");
  }
}

}  // namespace

namespace {

// The catalogue's fault ids, "none" included: the rule files define them
// (docs/faults.md), read once per process.
const std::vector<std::string>& catalogue_fault_ids() {
  static const std::vector<std::string> ids = diag::catalogue_fault_ids(diag::default_rules_dir());
  return ids;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& file) {
  Reader r(file);
  Scenario s;
  s.file = file;
  s.name = file.stem().string();
  if (auto why = values::check_section_name(s.name); !why.empty()) {
    throw ScenarioError(fmt::format("{}: the file name (scenario name) {}", file.string(), why));
  }
  YAML::Node root;
  try {
    root = base::load_yaml_file(file, base::YamlLimits{});
  } catch (const base::FileError& e) {
    throw ScenarioError(e.what());
  }
  if (!root.IsMap()) r.fail(root.Mark(), "a scenario must be a mapping of key: value");

  static const std::set<std::string> keys = {"description", "fault",     "auth",      "ike",      "action",
                                             "user_auth",   "deadline",  "initiator", "responder",
                                             "unsupported_daemons"};
  bool have_description = false, have_fault = false, have_auth = false, have_ike = false;
  r.for_each_key(root, "the scenario", keys, [&](const std::string& key, const YAML::Node& value) {
    if (key == "description") {
      s.description = r.scalar(value, key);
      // No control character either: an escape sequence would reach the terminal of `ikelab list`.
      const bool control = std::any_of(s.description.begin(), s.description.end(),
                                       [](unsigned char c) { return c < 0x20 || c == 0x7f; });
      if (s.description.empty() || s.description.size() > 600 || control) {
        r.fail(value.Mark(), "'description' must be one line of 1..600 characters, without control characters");
      }
      have_description = true;
    } else if (key == "fault") {
      s.fault = r.scalar(value, key);
      const auto& ids = catalogue_fault_ids();
      if (std::find(ids.begin(), ids.end(), s.fault) == ids.end()) {
        r.fail(value.Mark(), fmt::format("'fault': '{}' is not a catalogue id (no rule file defines it; docs/faults.md)", s.fault));
      }
      have_fault = true;
    } else if (key == "auth") {
      s.auth = r.choice<AuthMethod>(value, key, {{"psk", AuthMethod::psk}, {"cert", AuthMethod::cert}, {"pubkey", AuthMethod::pubkey}});
      have_auth = true;
    } else if (key == "ike") {
      if (!value.IsSequence() || value.size() == 0) r.fail(value.Mark(), "'ike' must be a list of IKE versions, e.g. [1, 2]");
      for (const auto& item : value) {
        const int v = r.integer(item, key, 1, 2);
        if (std::find(s.ike_versions.begin(), s.ike_versions.end(), v) != s.ike_versions.end()) {
          r.fail(item.Mark(), fmt::format("'ike' lists version {} twice", v));
        }
        s.ike_versions.push_back(v);
      }
      std::sort(s.ike_versions.begin(), s.ike_versions.end());
      have_ike = true;
    } else if (key == "action") {
      s.action = r.choice<Action>(value, key, {{"initiate", Action::initiate}, {"rekey_child", Action::rekey_child}, {"dpd", Action::dpd}});
    } else if (key == "user_auth") {
      s.user_auth = r.choice<UserAuth>(value, key, {{"none", UserAuth::none}, {"eap", UserAuth::eap}, {"xauth", UserAuth::xauth}});
    } else if (key == "deadline") {
      s.deadline = std::chrono::seconds(r.integer(value, key, 1, 600));
    } else if (key == "unsupported_daemons") {
      if (!value.IsMap() || value.size() == 0)
        r.fail(value.Mark(), "'unsupported_daemons' must map a daemon (strongswan, libreswan or a build such as "
                             "libreswan-5.2) to the reason the scenario cannot run on it");
      for (const auto& entry : value) {
        const std::string daemon = r.scalar(entry.first, key);
        const bool implementation = daemon == "strongswan" || daemon == "libreswan";
        if (!implementation && !find_daemon_build(daemon))
          r.fail(entry.first.Mark(), fmt::format("'unsupported_daemons': '{}' is neither strongswan, libreswan nor a "
                                                 "daemon build ({})", daemon, daemon_build_names()));
        const std::string reason = r.scalar(entry.second, key);
        if (reason.empty() || reason.size() > 300 || reason.find_first_of("\r\n") != std::string::npos)
          r.fail(entry.second.Mark(), "'unsupported_daemons': the reason must be one line of 1..300 characters");
        s.unsupported_daemons.emplace_back(daemon, reason);
      }
    } else if (key == "initiator") {
      s.initiator = parse_host(r, value, "initiator");
    } else if (key == "responder") {
      s.responder = parse_host(r, value, "responder");
    }
  });
  if (!have_description) r.fail(root.Mark(), "missing key 'description' (one line saying what happens)");
  if (!have_fault) r.fail(root.Mark(), "missing key 'fault' (a catalogue id, 'none' for a baseline)");
  if (!have_auth) r.fail(root.Mark(), "missing key 'auth' (psk | cert | pubkey)");
  if (!have_ike) r.fail(root.Mark(), "missing key 'ike' (e.g. [1, 2])");
  check_consistency(r, root, s);
  return s;
}

std::string Scenario::unsupported_reason(const std::string& initiator_build, const std::string& responder_build) const {
  for (const auto& build : {initiator_build, responder_build}) {
    const DaemonBuild* known = find_daemon_build(build);
    for (const auto& [daemon, reason] : unsupported_daemons) {
      if (daemon == build) return fmt::format("{}: {}", build, reason);
      if (known && daemon == (known->implementation == Implementation::libreswan ? "libreswan" : "strongswan"))
        return fmt::format("{}: {}", build, reason);
    }
  }
  return {};
}

std::vector<Scenario> load_scenarios(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) throw ScenarioError(fmt::format("{}: cannot list scenarios: {}", dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<Scenario> scenarios;
  scenarios.reserve(files.size());
  for (const auto& f : files) scenarios.push_back(load_scenario(f));
  return scenarios;
}

}  // namespace ikelab::harness
