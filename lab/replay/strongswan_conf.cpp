#include "lab/replay/strongswan_conf.hpp"

#include <functional>

#include "lab/replay/settings_reader.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {
namespace {

std::string reason_for(const std::string& key) {
  auto has = [&](const char* part) { return key.find(part) != std::string::npos; };
  if (has("load") || has("plugins")) return "plugins: the lab loads its own plugin set";
  if (has("filelog") || has("syslog") || has("log")) return "logging: the lab's daemons log to their own files at fixed levels";
  if (has("retransmit")) return "retransmission: the lab's own short timers decide a silent case in seconds";
  if (has("install_") || has("kernel") || has("interfaces") || has("port")) return "kernel and network interfaces: the lab's namespaces";
  if (has("path") || has("file") || has("dir") || has("socket")) return "file paths: the lab's private folders";
  return "not an IKE negotiation setting ikelab replay takes";
}

}  // namespace

void read_strongswan_conf_beside(const fs::path& config_file, CustomerConn& conn, std::vector<NotReplayed>& not_replayed) {
  fs::path found;
  for (const fs::path& dir : {config_file.parent_path(), config_file.parent_path().parent_path()})
    if (fs::is_regular_file(dir / "strongswan.conf")) {
      found = dir / "strongswan.conf";
      break;
    }
  if (found.empty()) return;
  SettingsSection root = read_settings_file(found);
  std::function<void(const SettingsSection&, const std::string&)> walk = [&](const SettingsSection& s, const std::string& prefix) {
    for (const auto& [key, setting] : s.settings) {
      std::string full = prefix + key;
      if (full == "charon.i_dont_care_about_security_and_use_aggressive_mode_psk") {
        conn.aggressive_psk = setting.value == "yes" || setting.value == "1" || setting.value == "true";
        conn.origins["aggressive_psk"] = setting.origin;
      } else {
        not_replayed.push_back({full, setting.origin, reason_for(full)});
      }
    }
    for (const auto& child : s.sections) walk(*child, prefix + child->name + ".");
  };
  walk(root, "");
}

}  // namespace ikelab::replay
