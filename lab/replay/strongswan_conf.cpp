#include "lab/replay/strongswan_conf.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <functional>

#include "lab/replay/settings_reader.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {
namespace {

std::string reason_for(const std::string& key) {
  auto has = [&](const char* part) { return key.find(part) != std::string::npos; };
  if (has("load") || has("plugins")) return "plugins: the lab loads its own plugin set";
  if (has("filelog") || has("syslog") || has("log")) return "logging: the lab's daemons log to their own files at fixed levels";
  if (has("install_") || has("kernel") || has("interfaces") || has("port")) return "kernel and network interfaces: the lab's namespaces";
  if (has("path") || has("file") || has("dir") || has("socket")) return "file paths: the lab's private folders";
  if (has("threads") || has("processor") || has("dos_protection") || has("block_threshold") || has("init_limit"))
    return "daemon resources and DoS limits: one lab negotiation never reaches them";
  return "not an IKE negotiation setting ikelab replay takes";
}

[[noreturn]] void fail(const Origin& at, const std::string& what) { throw ReplayError(fmt::format("{}: {}", at.where(), what)); }

bool parse_bool(const Setting& s, const std::string& key) {
  const std::string& v = s.value;
  if (v == "yes" || v == "true" || v == "1" || v == "on" || v == "enabled") return true;
  if (v == "no" || v == "false" || v == "0" || v == "off" || v == "disabled") return false;
  fail(s.origin, fmt::format("{} = {}: expected yes or no", key, v));
}

double parse_number(const Setting& s, const std::string& key) {
  const std::string& v = s.value;
  const bool ok = !v.empty() && v.find_first_not_of("0123456789.") == std::string::npos &&
                  std::count(v.begin(), v.end(), '.') <= 1 && v != ".";
  if (!ok) fail(s.origin, fmt::format("{} = {}: expected a number", key, v));
  return std::stod(v);
}

std::string shown(double n) {
  std::string s = fmt::format("{:.3f}", n);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

// charon.KEY the lab writes as it is (booleans) and the numbers it takes,
// each with the cap that keeps a case decided by silence within the lab's
// deadline (0: no cap).
struct NumberKey {
  const char* key;
  double cap;
  bool integer;
};
constexpr const char* bool_keys[] = {"make_before_break", "cisco_unity", "accept_unencrypted_mainmode_messages",
                                     "prefer_configured_proposals", "prefer_best_path", "signature_authentication",
                                     "signature_authentication_constraints", "follow_redirects", "send_vendor_id",
                                     "initiator_only"};
constexpr NumberKey number_keys[] = {{"retransmit_tries", 3, true},     {"retransmit_timeout", 2.0, false},
                                     {"retransmit_base", 2.0, false},   {"retransmit_jitter", 0, true},
                                     {"retransmit_limit", 0, false},    {"fragment_size", 0, true},
                                     {"max_ikev1_exchanges", 0, true}};

}  // namespace

void read_strongswan_conf_beside(const fs::path& config_file, CustomerConfig& config) {
  fs::path found;
  for (const fs::path& dir : {config_file.parent_path(), config_file.parent_path().parent_path()})
    if (fs::is_regular_file(dir / "strongswan.conf")) {
      found = dir / "strongswan.conf";
      break;
    }
  if (found.empty()) return;
  config.files.push_back(found);
  CustomerConn& conn = config.conn;
  SettingsSection root = read_settings_file(found);
  std::function<void(const SettingsSection&, const std::string&)> walk = [&](const SettingsSection& s, const std::string& prefix) {
    for (const auto& [key, setting] : s.settings) {
      const std::string full = prefix + key;
      const bool charon = prefix == "charon.";
      if (charon && key == "i_dont_care_about_security_and_use_aggressive_mode_psk") {
        conn.aggressive_psk = parse_bool(setting, full);
        conn.origins["aggressive_psk"] = setting.origin;
        config.notes.push_back(fmt::format("{}: {} = {} replayed", setting.origin.where(), full, setting.value));
        continue;
      }
      if (charon && std::find(std::begin(bool_keys), std::end(bool_keys), key) != std::end(bool_keys)) {
        conn.charon_options.emplace_back(key, parse_bool(setting, full) ? "yes" : "no");
        conn.origins[full] = setting.origin;
        config.notes.push_back(fmt::format("{}: {} = {} replayed", setting.origin.where(), full, setting.value));
        continue;
      }
      auto number = std::find_if(std::begin(number_keys), std::end(number_keys), [&](const NumberKey& k) { return key == k.key; });
      if (charon && number != std::end(number_keys)) {
        double n = parse_number(setting, full);
        if (number->integer && n != static_cast<double>(static_cast<long>(n))) fail(setting.origin, fmt::format("{} = {}: expected a whole number", full, setting.value));
        if (number->cap > 0 && n > number->cap) {
          config.notes.push_back(fmt::format("{}: {} = {} replayed as {} (the lab's cap: a case decided by silence must end within its deadline)",
                                             setting.origin.where(), full, setting.value, shown(number->cap)));
          n = number->cap;
        } else {
          config.notes.push_back(fmt::format("{}: {} = {} replayed", setting.origin.where(), full, setting.value));
        }
        conn.charon_options.emplace_back(key, shown(n));
        conn.origins[full] = setting.origin;
        continue;
      }
      config.not_replayed.push_back({full, setting.origin, reason_for(full)});
    }
    for (const auto& child : s.sections) walk(*child, prefix + child->name + ".");
  };
  walk(root, "");
}

}  // namespace ikelab::replay
