#include "lab/replay/customer_config.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "lab/scenario/scenario_values.hpp"
#include "base/text_file.hpp"
#include "lab/replay/ipsec_conf_reader.hpp"
#include "lab/replay/proposal_syntax.hpp"
#include "lab/replay/settings_reader.hpp"
#include "lab/replay/strongswan_conf.hpp"

namespace fs = std::filesystem;
using ikelab::harness::AuthMethod;
using ikelab::harness::UserAuth;

namespace ikelab::replay {

std::string to_string(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::swanctl: return "swanctl.conf (strongSwan)";
    case ConfigKind::libreswan_ipsec_conf: return "ipsec.conf (libreswan)";
    case ConfigKind::strongswan_ipsec_conf: return "ipsec.conf (strongSwan starter)";
  }
  return "?";
}

namespace {

[[noreturn]] void fail(const Origin& at, const std::string& what) { throw ReplayError(fmt::format("{}: {}", at.where(), what)); }

std::vector<std::string> split_list(const std::string& value, const char* separators = ", ") {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < value.size()) {
    size_t end = value.find_first_of(separators, start);
    if (end == std::string::npos) end = value.size();
    if (end > start) out.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool yes(const std::string& v) { return v == "yes" || v == "true" || v == "1" || v == "on"; }

// "30", "30s", "5m", "1h", "2d" -> seconds.
int duration_seconds(const std::string& value, const Origin& at) {
  if (value.empty()) fail(at, "empty duration");
  size_t digits = value.find_first_not_of("0123456789");
  if (digits == 0) fail(at, fmt::format("'{}' is not a duration (e.g. 30s)", value));
  long n = std::stol(value.substr(0, digits));
  std::string unit = digits == std::string::npos ? "s" : value.substr(digits);
  if (unit == "s" || unit.empty()) return static_cast<int>(n);
  if (unit == "m") return static_cast<int>(n * 60);
  if (unit == "h") return static_cast<int>(n * 3600);
  if (unit == "d") return static_cast<int>(n * 86400);
  if (unit == "ms") return static_cast<int>(std::max(1L, n / 1000));
  fail(at, fmt::format("'{}' is not a duration (unit s, m, h or d)", value));
}

std::string strip_at(const std::string& id) { return !id.empty() && id.front() == '@' ? id.substr(1) : id; }

void check_ts(const std::vector<std::string>& list, const Origin& at, const char* what) {
  for (const auto& ts : list) {
    if (ts.find('[') != std::string::npos)
      fail(at, fmt::format("{} '{}': protocol/port selectors are not supported by ikelab replay", what, ts));
    if (auto why = harness::values::check_traffic_selector(ts); !why.empty())
      fail(at, fmt::format("{} '{}': {}", what, ts, why));
  }
}

void check_text_value(const std::string& value, const Origin& at, const char* what) {
  if (auto why = harness::values::check_text(value); !why.empty()) fail(at, fmt::format("{}: {}", what, why));
}

// The PSK charon would pick for (local, remote), as its credential manager
// does (get_shared): an entry none of whose IDs is either ID is skipped; of
// the rest the best match for the remote ID wins, then the best for the
// local ID (an exact ID beats %any; an entry without IDs is %any); the
// first of equals wins.
struct SecretCandidate {
  std::vector<std::string> ids;
  std::string secret;
  Origin origin;
};
const SecretCandidate* best_secret(const std::vector<SecretCandidate>& all, const std::string& local, const std::string& remote) {
  enum Match { none = 0, any = 1, perfect = 2 };
  auto match = [](const SecretCandidate& c, const std::string& id) {
    if (c.ids.empty()) return any;
    Match best = none;
    for (const auto& raw : c.ids) {
      const std::string owner = strip_at(raw);
      if (owner == "%any" || owner == "%any6") best = std::max(best, any);
      else if (!id.empty() && owner == strip_at(id)) best = perfect;
    }
    return best;
  };
  if (local.empty() && remote.empty()) return all.empty() ? nullptr : &all.front();  // no ID to go by: the first
  const SecretCandidate* found = nullptr;
  Match best_me = none, best_other = none;
  for (const auto& c : all) {
    const Match me = match(c, local), other = match(c, remote);
    if (me == none && other == none) continue;
    if (!found || other > best_other || (other == best_other && me > best_me)) {
      found = &c;
      best_me = me;
      best_other = other;
    }
  }
  return found;
}

// ---- swanctl.conf ----

const std::set<std::string> swanctl_conn_ignored = {
    "reauth_time", "rekey_time", "over_time", "rand_time", "unique", "keyingtries", "mobike", "encap", "fragmentation",
    "send_certreq", "send_cert", "childless", "ppk_id", "ppk_required", "if_id_in", "if_id_out", "local_port", "remote_port",
    "mediation", "mediated_by", "mediation_peer", "reauth", "dscp", "close_action", "ocsp", "ca_id"};
const std::set<std::string> swanctl_child_ignored = {
    "updown", "rekey_time", "rekey_bytes", "rekey_packets", "life_time", "life_bytes", "life_packets", "rand_time",
    "rand_bytes", "rand_packets", "start_action", "close_action", "dpd_action", "mode", "hostaccess", "policies",
    "policies_fwd_out", "set_mark_in", "set_mark_out", "mark_in", "mark_out", "inactivity", "reqid", "priority",
    "interface", "copy_df", "copy_ecn", "copy_dscp", "sha256_96", "ipcomp", "hw_offload", "label", "label_mode",
    "if_id_in", "if_id_out", "tfc_padding", "replay_window"};

void take_auth(const SettingsSection& round, CustomerConn& conn, bool local, const fs::path& confdir, CustomerConfig& out) {
  const Setting* auth = round.setting("auth");
  std::string method = auth ? lower(auth->value) : "pubkey";
  Origin at = auth ? auth->origin : round.origin;
  if (method == "psk") {
    conn.auth = AuthMethod::psk;
  } else if (method.rfind("pubkey", 0) == 0 || method.rfind("rsa", 0) == 0 || method.rfind("ecdsa", 0) == 0 ||
             method.rfind("ike:", 0) == 0) {
    const bool has_cert = round.setting("certs") || round.setting("cert") || round.section("cert");
    const bool has_pubkey = round.setting("pubkeys");
    conn.auth = has_pubkey && !has_cert ? AuthMethod::pubkey : AuthMethod::cert;
    size_t dash = method.find("-sha");
    if (dash != std::string::npos) out.not_replayed.push_back({"auth = " + method, at, "signature scheme restrictions are not replayed (the lab signs with its default scheme)"});
    for (const char* key : {"certs", "pubkeys", "cacerts"}) {
      if (const Setting* files = round.setting(key)) {
        const std::string k = key;
        for (const auto& f : split_list(files->value)) {
          fs::path p = fs::path(f).is_absolute() ? fs::path(f) : confdir / (k == "pubkeys" ? "pubkey" : k == "cacerts" ? "x509ca" : "x509") / f;
          const bool supplied = fs::is_regular_file(p);
          if (supplied && k == "certs" && local && conn.auth == AuthMethod::cert && conn.supplied.cert.empty()) {
            conn.supplied.cert = harness::read_text_file(p);
            conn.origins["supplied_cert"] = files->origin;
            out.credential_notes.push_back(fmt::format("{}: certs {}: supplied, used as it is (its validity and issuer count)", files->origin.where(), f));
          } else if (supplied && k == "cacerts") {
            out.credential_notes.push_back(fmt::format("{}: cacerts {}: supplied, trusted as it is", files->origin.where(), f));
            conn.supplied.ca_certs.push_back(harness::read_text_file(p));
          } else {
            out.credential_notes.push_back(fmt::format("{}: {} {}: {}", files->origin.where(), key, f,
                                                       supplied ? "supplied, but replaced by a lab-issued stand-in with the lab's identity"
                                                                : "not supplied: replaced by a lab-issued stand-in with the lab's identity from the lab CA both sides trust "
                                                                  "(so a trust or expiry fault of that certificate cannot be reproduced)"));
          }
        }
      }
    }
  } else if (method.rfind("eap", 0) == 0) {
    if (local) {
      conn.user_auth = UserAuth::eap;
    } else {
      conn.user_auth = UserAuth::eap;
      conn.user_auth_server = true;
    }
    std::string m = method.size() > 4 ? method.substr(4) : "md5";
    if (m != "md5" && m != "mschapv2") fail(at, fmt::format("auth = {}: only eap-md5 and eap-mschapv2 are replayed", method));
    conn.eap_method = m;
    if (const Setting* eap_id = round.setting("eap_id"); eap_id && local) conn.user_name = eap_id->value;
  } else if (method == "xauth" || method.rfind("xauth-", 0) == 0) {
    conn.user_auth = UserAuth::xauth;
    conn.user_auth_server = !local;
    if (const Setting* xid = round.setting("xauth_id"); xid && local) conn.user_name = xid->value;
  } else {
    fail(at, fmt::format("auth = {}: not supported by ikelab replay (psk, pubkey, eap-md5, eap-mschapv2, xauth)", method));
  }
  conn.origins[local ? "local_auth" : "remote_auth"] = at;
}

void read_swanctl(const fs::path& file, const std::string& wanted, CustomerConfig& out) {
  SettingsSection root = read_settings_file(file);
  out.kind = ConfigKind::swanctl;
  out.main_file = file;
  const fs::path confdir = file.parent_path();
  const SettingsSection* connections = root.section("connections");
  if (!connections || connections->sections.empty()) fail({file.string(), 1}, "no connection in 'connections { }'");
  for (const auto& c : connections->sections) out.conn_names.push_back(c->name);
  const SettingsSection* conn = nullptr;
  if (wanted.empty()) {
    if (connections->sections.size() > 1)
      throw ReplayError(fmt::format("{}: {} connections ({}); choose one with --conn NAME", file.string(), connections->sections.size(), fmt::join(out.conn_names, ", ")));
    conn = connections->sections.front().get();
  } else {
    conn = connections->section(wanted);
    if (!conn) throw ReplayError(fmt::format("{}: no connection '{}' (there are: {})", file.string(), wanted, fmt::join(out.conn_names, ", ")));
  }
  CustomerConn& c = out.conn;
  c.name = conn->name;
  for (const auto& [key, s] : conn->settings) {
    const Origin& at = s.origin;
    c.origins[key] = at;
    if (key == "version") {
      if (s.value != "0" && s.value != "1" && s.value != "2") fail(at, fmt::format("version = {}: expected 0, 1 or 2", s.value));
      c.ike_version = std::stoi(s.value);
    } else if (key == "local_addrs") {
      c.local_addrs = split_list(s.value);
    } else if (key == "remote_addrs") {
      c.remote_addrs = split_list(s.value);
    } else if (key == "proposals") {
      c.ike_proposals = strongswan_proposals(s.value, at);
      c.origins["ike_proposals"] = at;
    } else if (key == "aggressive") {
      c.aggressive = yes(s.value);
    } else if (key == "dpd_delay") {
      c.dpd_delay = duration_seconds(s.value, at);
    } else if (key == "dpd_timeout") {
      c.dpd_timeout = duration_seconds(s.value, at);
    } else if (key == "vips") {
      c.request_virtual_ip = !s.value.empty();
    } else if (key == "pools") {
      const SettingsSection* pools = root.section("pools");
      const SettingsSection* pool = pools ? pools->section(split_list(s.value).front()) : nullptr;
      const Setting* addrs = pool ? pool->setting("addrs") : nullptr;
      if (!addrs) fail(at, fmt::format("pools = {}: no such pool with 'addrs' in 'pools {{ }}'", s.value));
      if (auto why = harness::values::check_subnet(addrs->value); !why.empty())
        fail(addrs->origin, fmt::format("addrs = {}: only a subnet is replayed as a pool ({})", addrs->value, why));
      c.pool = addrs->value;
      c.origins["pool"] = addrs->origin;
    } else if (swanctl_conn_ignored.count(key)) {
      out.not_replayed.push_back({key, at, "does not decide whether the tunnel comes up in a single negotiation"});
    } else {
      fail(at, fmt::format("connection setting '{}' is not supported by ikelab replay", key));
    }
  }
  bool local_seen = false, remote_seen = false;
  for (const auto& section : conn->sections) {
    const std::string& name = section->name;
    if (name.rfind("local", 0) == 0) {
      take_auth(*section, c, true, confdir, out);
      if (!local_seen) {
        if (const Setting* id = section->setting("id")) { c.local_id = id->value; c.origins["local_id"] = id->origin; }
        local_seen = true;
      }
    } else if (name == "remote" || name.rfind("remote", 0) == 0) {
      bool first = !remote_seen;
      AuthMethod before = c.auth;
      take_auth(*section, c, false, confdir, out);
      // The lab gives a host one auth class: its own (local) round's; a second round (EAP/XAuth) keeps it too.
      if (!first || local_seen) c.auth = before;
      if (first) {
        if (const Setting* id = section->setting("id")) { c.remote_id = id->value; c.origins["remote_id"] = id->origin; }
        remote_seen = true;
      }
    } else if (name == "children") {
      if (section->sections.empty()) fail(section->origin, "no child in 'children { }'");
      if (section->sections.size() > 1)
        out.not_replayed.push_back({"children." + section->sections[1]->name, section->sections[1]->origin, "only the first child is replayed"});
      const SettingsSection& child = *section->sections.front();
      for (const auto& [key, s] : child.settings) {
        c.origins[key] = s.origin;
        if (key == "local_ts") c.local_ts = split_list(s.value);
        else if (key == "remote_ts") c.remote_ts = split_list(s.value);
        else if (key == "esp_proposals") c.esp_proposals = strongswan_proposals(s.value, s.origin);
        else if (key == "ah_proposals") fail(s.origin, "ah_proposals: AH is not supported by ikelab replay");
        else if (swanctl_child_ignored.count(key)) out.not_replayed.push_back({key, s.origin, "does not decide whether the tunnel comes up in a single negotiation"});
        else fail(s.origin, fmt::format("child setting '{}' is not supported by ikelab replay", key));
      }
      check_ts(c.local_ts, c.origins.count("local_ts") ? c.origins["local_ts"] : child.origin, "local_ts");
      check_ts(c.remote_ts, c.origins.count("remote_ts") ? c.origins["remote_ts"] : child.origin, "remote_ts");
    } else {
      fail(section->origin, fmt::format("section '{}' in connection '{}' is not supported by ikelab replay", name, c.name));
    }
  }
  if (c.local_ts.empty()) c.local_ts = {"dynamic"};
  if (c.remote_ts.empty()) c.remote_ts = {"dynamic"};

  // Secrets: the PSK for the IDs; EAP/XAuth passwords.
  std::vector<SecretCandidate> psks, users;
  if (const SettingsSection* secrets = root.section("secrets")) {
    for (const auto& entry : secrets->sections) {
      SecretCandidate cand;
      const Setting* secret = entry->setting("secret");
      for (const auto& [key, s] : entry->settings)
        if (key.rfind("id", 0) == 0) cand.ids.push_back(s.value);
      if (entry->name.rfind("ike", 0) == 0) {
        if (!secret) fail(entry->origin, fmt::format("secrets.{} has no 'secret'", entry->name));
        cand.secret = secret->value;
        cand.origin = secret->origin;
        psks.push_back(cand);
      } else if (entry->name.rfind("eap", 0) == 0 || entry->name.rfind("xauth", 0) == 0) {
        if (!secret) fail(entry->origin, fmt::format("secrets.{} has no 'secret'", entry->name));
        cand.secret = secret->value;
        cand.origin = secret->origin;
        users.push_back(cand);
      } else if (entry->name.rfind("private", 0) == 0 || entry->name.rfind("rsa", 0) == 0 || entry->name.rfind("ecdsa", 0) == 0) {
        out.credential_notes.push_back(fmt::format("{}: secrets.{}: private key replaced by the lab's own", entry->origin.where(), entry->name));
      } else {
        out.not_replayed.push_back({"secrets." + entry->name, entry->origin, "secret type not replayed"});
      }
    }
  }
  if (c.auth == AuthMethod::psk) {
    std::string local_default = c.local_id.empty() && !c.local_addrs.empty() ? c.local_addrs.front() : c.local_id;
    if (const SecretCandidate* best = best_secret(psks, local_default, c.remote_id)) {
      c.secret = best->secret;
      c.origins["secret"] = best->origin;
    }
  }
  if (c.user_auth != UserAuth::none && !users.empty()) {
    const SecretCandidate* best = best_secret(users, c.user_name, "");
    if (best) {
      c.user_password = best->secret;
      c.origins["user_password"] = best->origin;
      if (c.user_name.empty() && !best->ids.empty()) c.user_name = best->ids.front();
    }
  }
  if (c.local_ts.empty()) c.local_ts = {"dynamic"};
  // charon loads every file of x509ca/ and of the private key folders: so does the lab.
  auto files_in = [&](const char* folder) {
    std::vector<fs::path> found;
    if (fs::is_directory(confdir / folder))
      for (const auto& e : fs::directory_iterator(confdir / folder))
        if (e.is_regular_file()) found.push_back(e.path());
    std::sort(found.begin(), found.end());
    return found;
  };
  if (c.auth == AuthMethod::cert)
    for (const auto& ca : files_in("x509ca")) {
      c.supplied.ca_certs.push_back(harness::read_text_file(ca));
      out.credential_notes.push_back(fmt::format("{}: supplied CA, trusted as it is", ca.string()));
    }
  if (!c.supplied.cert.empty()) {
    std::vector<fs::path> keys;
    for (const char* folder : {"private", "rsa", "ecdsa"})
      for (const auto& k : files_in(folder)) keys.push_back(k);
    if (keys.empty()) {
      out.credential_notes.push_back(fmt::format("{}: no private key supplied for the supplied certificate (private/, rsa/, ecdsa/ are empty)", confdir.string()));
    } else {
      c.supplied.key = harness::read_text_file(keys.front());
      out.credential_notes.push_back(fmt::format("{}: supplied private key, used as it is{}", keys.front().string(),
                                                 keys.size() > 1 ? fmt::format(" (the first of {})", keys.size()) : ""));
    }
  } else {
    for (const char* folder : {"x509", "private", "pubkey", "rsa", "ecdsa"})
      if (!files_in(folder).empty())
        out.credential_notes.push_back(fmt::format("{}/: supplied, but no local certs = names a file there: the lab uses its own stand-ins with the lab's identities", (confdir / folder).string()));
  }
  read_strongswan_conf_beside(file, out);
}

// ---- ipsec.conf (libreswan and strongSwan starter) ----

ConfigKind ipsec_conf_dialect(const IpsecConf& conf) {
  int libreswan = 0, strongswan = 0;
  static const std::set<std::string> libreswan_keys = {
      "ikev2", "ikev1-policy", "protostack", "plutodebug", "logfile", "logtime", "logappend", "dumpdir", "nat_traversal",
      "virtual_private", "virtual-private", "leftrsasigkey", "rightrsasigkey", "leftxauthclient", "rightxauthserver",
      "leftxauthserver", "rightxauthclient", "leftaddresspool", "rightaddresspool", "leftmodecfgclient", "rightmodecfgserver",
      "rightmodecfgclient", "leftmodecfgserver", "aggrmode", "phase2alg", "pfs", "ike-frag", "fragmentation", "sha2-truncbug",
      "encapsulation", "nic-offload", "leftnexthop", "rightnexthop", "xauthby", "listen", "interfaces", "uniqueids"};
  static const std::set<std::string> strongswan_keys = {
      "charondebug", "keyexchange", "leftauth", "rightauth", "leftauth2", "rightauth2", "leftfirewall", "rightfirewall",
      "lefthostaccess", "leftsourceip", "rightsourceip", "leftdns", "rightdns", "eap_identity", "aaa_identity", "xauth",
      "xauth_identity", "leftsendcert", "rightsendcert", "mobike", "reauth", "rekey", "closeaction", "strictcrlpolicy",
      "cachecrls", "leftupdown", "rightupdown", "margintime", "rekeymargin", "keylife", "ikelifetime", "keyingtries"};
  for (const auto& s : conf.sections) {
    for (const auto& [k, v] : s.settings) {
      // keyexchange, leftsourceip, keyingtries ... exist in both: only the
      // keys one of them lacks count.
      if (libreswan_keys.count(k) && !strongswan_keys.count(k)) ++libreswan;
      if (strongswan_keys.count(k) && !libreswan_keys.count(k)) ++strongswan;
      if (k == "authby" && (v.value == "rsasig" || v.value == "rsa-sha2" || v.value.rfind("rsa-sha2_", 0) == 0)) ++libreswan;
      if (k == "authby" && (v.value == "xauthpsk" || v.value == "xauthrsasig" || v.value == "pubkey")) ++strongswan;
    }
  }
  return libreswan > strongswan ? ConfigKind::libreswan_ipsec_conf : ConfigKind::strongswan_ipsec_conf;
}

// Which end (left/right) is this host: libreswan and starter look at the
// host's own addresses; the lab cannot, so %defaultroute or a leftid marks
// the local end, and otherwise left is local (both projects' convention).
std::string local_end(const std::map<std::string, ConfValue>& conn) {
  auto is = [&](const char* key, const char* value) { return conn.count(key) && conn.at(key).value == value; };
  if (is("right", "%defaultroute") && !is("left", "%defaultroute")) return "right";
  return "left";
}

const std::set<std::string> ipsec_conf_ignored = {
    "auto", "type", "ikelifetime", "keylife", "lifetime", "salifetime", "rekeymargin", "margintime", "keyingtries",
    "rekeyfuzz", "rekey", "reauth", "mobike", "closeaction", "dpdaction", "compress", "fragmentation", "ike-frag",
    "leftnexthop", "rightnexthop", "leftfirewall", "rightfirewall", "lefthostaccess", "righthostaccess", "leftupdown",
    "rightupdown", "leftsendcert", "rightsendcert", "leftdns", "rightdns", "modecfgdns", "modecfgdomains", "modecfgbanner",
    "leftmodecfgclient", "rightmodecfgserver", "leftmodecfgserver", "rightmodecfgclient", "encapsulation", "nat-keepalive",
    "replay_window", "replay-window", "sha2-truncbug", "nic-offload", "ipsec-interface", "mark", "reqid", "installpolicy",
    "forceencaps", "forceencaps", "leftca", "rightca", "strictcrlpolicy", "xauthby", "ikepad", "tfc", "priority",
    "narrowing", "uniqueids", "cachecrls", "leftgroups", "rightgroups", "metric", "mtu", "share", "unique"};

void read_ipsec(const fs::path& file, const std::string& wanted, CustomerConfig& out) {
  IpsecConf conf = read_ipsec_conf_file(file);
  out.kind = ipsec_conf_dialect(conf);
  out.main_file = file;
  out.files = conf.files;
  out.conn_names = conf.conn_names();
  // Connections that are only templates for also= (auto=ignore or named by an also=) are not candidates.
  std::vector<std::string> candidates;
  std::set<std::string> included;
  for (const auto& s : conf.sections)
    if (const ConfValue* also = s.get("also"))
      for (const auto& t : split_list(also->value, " \t")) included.insert(t);
  for (const auto& name : out.conn_names)
    if (!included.count(name)) candidates.push_back(name);
  std::string name = wanted;
  if (name.empty()) {
    if (candidates.size() != 1)
      throw ReplayError(fmt::format("{}: {} connections ({}); choose one with --conn NAME", file.string(), candidates.size(), fmt::join(candidates, ", ")));
    name = candidates.front();
  } else if (!conf.find("conn", name)) {
    throw ReplayError(fmt::format("{}: no conn '{}' (there are: {})", file.string(), name, fmt::join(out.conn_names, ", ")));
  }
  const auto settings = resolve_conn(conf, name);
  const std::string l = local_end(settings), r = l == "left" ? "right" : "left";
  const bool libreswan = out.kind == ConfigKind::libreswan_ipsec_conf;
  CustomerConn& c = out.conn;
  c.name = name;
  c.ike_version = 2;
  std::string authby, local_auth, remote_auth, local_auth2, remote_auth2;
  bool xauth_client = false, xauth_server = false;
  std::string local_cert, local_rsasigkey, remote_rsasigkey;
  for (const auto& [key, v] : settings) {
    const Origin& at = v.origin;
    // The key without its end, and which end it is.
    std::string end, base = key;
    if (key.rfind(l, 0) == 0 && key.size() > l.size()) { end = "local"; base = key.substr(l.size()); }
    else if (key.rfind(r, 0) == 0 && key.size() > r.size()) { end = "remote"; base = key.substr(r.size()); }
    else if (key == l) { end = "local"; base = ""; }
    else if (key == r) { end = "remote"; base = ""; }
    c.origins[end.empty() ? key : end + "_" + (base.empty() ? "addrs" : base)] = at;
    if (key == "also") continue;
    if (end == "local" || end == "remote") {
      const bool local = end == "local";
      if (base.empty()) {
        std::vector<std::string> addrs;
        if (v.value != "%any" && v.value != "%defaultroute" && v.value != "%any4" && !v.value.empty()) {
          std::string a = v.value;
          if (a.front() == '%') a = a.substr(1);  // %hostname: a name resolved at start
          addrs.push_back(a);
        }
        (local ? c.local_addrs : c.remote_addrs) = addrs;
        c.origins[local ? "local_addrs" : "remote_addrs"] = at;
      } else if (base == "id") {
        (local ? c.local_id : c.remote_id) = v.value == "%any" ? "%any" : strip_at(v.value);
        c.origins[local ? "local_id" : "remote_id"] = at;
      } else if (base == "subnet" || base == "subnets") {
        std::string list = v.value;
        if (!list.empty() && list.front() == '{') list = list.substr(1, list.find('}') == std::string::npos ? std::string::npos : list.find('}') - 1);
        auto& ts = local ? c.local_ts : c.remote_ts;
        ts = split_list(list, libreswan ? ", \t" : ",");
        c.origins[local ? "local_ts" : "remote_ts"] = at;
        check_ts(ts, at, key.c_str());
      } else if (base == "auth") {
        (local ? local_auth : remote_auth) = lower(v.value);
      } else if (base == "auth2") {
        (local ? local_auth2 : remote_auth2) = lower(v.value);
      } else if (base == "cert") {
        if (local) local_cert = v.value;
        out.credential_notes.push_back(fmt::format("{}: {}={}: replaced by a lab-issued stand-in with the lab's identity", at.where(), key, v.value));
      } else if (base == "rsasigkey" || base == "pubkey") {
        (local ? local_rsasigkey : remote_rsasigkey) = v.value;
        out.credential_notes.push_back(fmt::format("{}: {}: raw public key replaced by the lab's own key pair", at.where(), key));
      } else if (base == "sourceip") {
        if (local && (v.value == "%config" || v.value == "%modeconfig" || v.value == "%cfg" || v.value == "%config4")) c.request_virtual_ip = true;
        else if (!local && v.value.front() != '%') {
          if (auto why = harness::values::check_subnet(v.value); !why.empty()) fail(at, fmt::format("{}={}: only a subnet is replayed as a pool ({})", key, v.value, why));
          c.pool = v.value;
          c.origins["pool"] = at;
        } else {
          out.not_replayed.push_back({key, at, "a fixed inner source address is not replayed"});
        }
      } else if (base == "addresspool") {
        if (!local) {
          c.pool = address_range_to_subnet(v.value, at);
          c.origins["pool"] = at;
        }
      } else if (base == "xauthclient") {
        if (local && yes(v.value)) xauth_client = true;
      } else if (base == "xauthserver") {
        if (local && yes(v.value)) xauth_server = true;
      } else if (base == "xauthusername" || base == "username") {
        if (local) c.user_name = v.value;
      } else if (base == "modecfgclient" && local && yes(v.value)) {
        c.request_virtual_ip = true;
      } else if (ipsec_conf_ignored.count(key)) {
        out.not_replayed.push_back({key, at, "does not decide whether the tunnel comes up in a single negotiation"});
      } else if (base == "protoport") {
        fail(at, fmt::format("{}={}: protocol/port selectors are not supported by ikelab replay", key, v.value));
      } else {
        fail(at, fmt::format("setting '{}' is not supported by ikelab replay", key));
      }
      continue;
    }
    if (key == "authby") authby = lower(v.value);
    else if (key == "keyexchange") {
      if (v.value == "ikev1") c.ike_version = 1;
      else if (v.value == "ikev2" || v.value == "ike") c.ike_version = 2;
      else fail(at, fmt::format("keyexchange={}: expected ikev1, ikev2 or ike", v.value));
    } else if (key == "ikev2") {
      c.ike_version = (v.value == "no" || v.value == "never" || v.value == "permit") ? 1 : 2;
    } else if (key == "ike") {
      c.ike_proposals = libreswan ? libreswan_proposals(v.value, at, true) : strongswan_proposals(v.value, at);
      c.origins["ike_proposals"] = at;
    } else if (key == "esp" || key == "phase2alg") {
      c.esp_proposals = libreswan ? libreswan_proposals(v.value, at, false) : strongswan_proposals(v.value, at);
      c.origins["esp_proposals"] = at;
    }
    else if (key == "ah" || (key == "phase2" && v.value == "ah")) fail(at, "AH is not supported by ikelab replay");
    else if (key == "phase2" && v.value == "esp") continue;
    else if (key == "aggressive" || key == "aggrmode") c.aggressive = yes(v.value);
    else if (key == "dpddelay") c.dpd_delay = duration_seconds(v.value, at);
    else if (key == "dpdtimeout") c.dpd_timeout = duration_seconds(v.value, at);
    else if (key == "xauth") { if (v.value == "server") xauth_server = true; else xauth_client = true; }
    else if (key == "xauth_identity") c.user_name = v.value;
    else if (key == "eap_identity") c.user_name = v.value;
    else if (key == "pfs") { if (!yes(v.value)) out.not_replayed.push_back({key, at, "pfs=no: the ESP proposal's DH group decides PFS in the lab"}); }
    else if (ipsec_conf_ignored.count(key)) out.not_replayed.push_back({key, at, "does not decide whether the tunnel comes up in a single negotiation"});
    else fail(at, fmt::format("setting '{}' is not supported by ikelab replay", key));
  }
  if (authby == "xauthpsk") { authby = "secret"; xauth_client = xauth_client || !xauth_server; }
  if (authby == "xauthrsasig") { authby = "rsasig"; xauth_client = xauth_client || !xauth_server; }
  std::string method = !local_auth.empty() ? local_auth : authby;
  if (method.empty()) method = libreswan ? "rsasig" : "pubkey";
  if (method == "secret" || method == "psk") c.auth = AuthMethod::psk;
  else if (method == "rsasig" || method == "rsa" || method == "pubkey" || method == "ecdsa" || method.rfind("rsa-sha2", 0) == 0 || method.rfind("ecdsa-sha2", 0) == 0 || method == "rsa-sha1")
    c.auth = local_cert.empty() && !local_rsasigkey.empty() ? AuthMethod::pubkey : (local_cert.empty() && libreswan ? AuthMethod::pubkey : AuthMethod::cert);
  else if (method.rfind("eap", 0) == 0) { c.user_auth = UserAuth::eap; c.auth = AuthMethod::psk; c.eap_method = method.size() > 4 ? method.substr(4) : "md5"; }
  else if (method == "never" || method == "null") fail(c.origins.count("authby") ? c.origins["authby"] : Origin{file.string(), 1}, fmt::format("authby={}: not supported by ikelab replay", method));
  else fail(Origin{file.string(), 1}, fmt::format("authentication '{}' is not supported by ikelab replay", method));
  if (remote_auth.rfind("eap", 0) == 0) { c.user_auth = UserAuth::eap; c.user_auth_server = true; c.eap_method = remote_auth.size() > 4 ? remote_auth.substr(4) : "md5"; }
  if (local_auth2 == "xauth") xauth_client = true;
  if (remote_auth2 == "xauth") xauth_server = true;
  if (xauth_client || xauth_server) { c.user_auth = UserAuth::xauth; c.user_auth_server = xauth_server; }
  if (c.local_ts.empty()) c.local_ts = {"dynamic"};
  if (c.remote_ts.empty()) c.remote_ts = {"dynamic"};

  // ipsec.secrets beside the file (and its ipsec.d/ via includes).
  fs::path secrets_file = file.parent_path() / "ipsec.secrets";
  if (fs::exists(secrets_file)) {
    out.files.push_back(secrets_file);
    std::vector<SecretCandidate> psks, users;
    for (const auto& s : read_ipsec_secrets_file(secrets_file)) {
      SecretCandidate cand{s.ids, s.value, s.origin};
      if (s.type == "PSK") psks.push_back(cand);
      else if (s.type == "XAUTH" || s.type == "EAP") users.push_back(cand);
      else out.credential_notes.push_back(fmt::format("{}: {} key: replaced by the lab's own", s.origin.where(), s.type));
    }
    std::string local_default = c.local_id.empty() && !c.local_addrs.empty() ? c.local_addrs.front() : c.local_id;
    std::string remote_default = c.remote_id.empty() && !c.remote_addrs.empty() ? c.remote_addrs.front() : c.remote_id;
    if (c.auth == AuthMethod::psk) {
      if (const SecretCandidate* best = best_secret(psks, local_default, remote_default)) {
        c.secret = best->secret;
        c.origins["secret"] = best->origin;
      }
    }
    if (c.user_auth != UserAuth::none) {
      if (const SecretCandidate* best = best_secret(users, c.user_name, "")) {
        c.user_password = best->secret;
        c.origins["user_password"] = best->origin;
        if (c.user_name.empty() && !best->ids.empty()) c.user_name = strip_at(best->ids.front());
      }
    }
  }
  if (out.kind == ConfigKind::strongswan_ipsec_conf) read_strongswan_conf_beside(file, out);
  if (const ConfSection* setup = conf.find("config", "setup"))
    for (const auto& [k, v] : setup->settings)
      out.not_replayed.push_back({"config setup: " + k, v.origin, "daemon start-up setting: the lab runs its own daemon set-up (logging, interfaces, paths)"});
}

bool looks_like_swanctl(const std::string& text) {
  // Settings syntax: a `connections {` (or `secrets {`) section.
  size_t pos = 0;
  while ((pos = text.find("connections", pos)) != std::string::npos) {
    size_t after = text.find_first_not_of(" \t\r\n", pos + 11);
    if (after != std::string::npos && text[after] == '{') return true;
    pos += 11;
  }
  return false;
}

bool looks_like_ipsec_conf(const std::string& text) {
  for (const auto& line : split_list(text, "\n"))
    if (line.rfind("conn ", 0) == 0 || line.rfind("config setup", 0) == 0) return true;
  return false;
}

}  // namespace

CustomerConfig load_customer_config(const fs::path& path, const std::string& conn_name) {
  fs::path file = path;
  if (fs::is_directory(path)) {
    file.clear();
    for (const char* candidate : {"swanctl.conf", "swanctl/swanctl.conf", "ipsec.conf", "etc/swanctl/swanctl.conf", "etc/ipsec.conf"})
      if (fs::is_regular_file(path / candidate)) {
        file = path / candidate;
        break;
      }
    if (file.empty()) throw ReplayError(fmt::format("{}: no swanctl.conf or ipsec.conf in this folder", path.string()));
  } else if (!fs::exists(path)) {
    throw ReplayError(fmt::format("{}: no such file", path.string()));
  }
  std::string text;
  try {
    text = harness::read_text_file(file);
  } catch (const std::exception& e) {
    throw ReplayError(fmt::format("{}: {}", file.string(), e.what()));
  }
  CustomerConfig out;
  out.files.push_back(file);
  if (looks_like_swanctl(text)) read_swanctl(file, conn_name, out);
  else if (looks_like_ipsec_conf(text)) read_ipsec(file, conn_name, out);
  else throw ReplayError(fmt::format("{}:1: neither a swanctl.conf (no 'connections {{') nor an ipsec.conf (no 'conn NAME' or 'config setup' at the start of a line)", file.string()));
  CustomerConn& c = out.conn;
  const Origin fallback{file.string(), 1};
  auto origin = [&](const char* key) { return c.origins.count(key) ? c.origins[key] : fallback; };
  if (!c.secret.empty()) check_text_value(c.secret, origin("secret"), "secret");
  if (!c.local_id.empty()) check_text_value(c.local_id, origin("local_id"), "local id");
  if (!c.remote_id.empty()) check_text_value(c.remote_id, origin("remote_id"), "remote id");
  if (!c.user_password.empty()) check_text_value(c.user_password, origin("user_password"), "user password");
  if (c.ike_proposals.empty()) c.ike_proposals = {"default"};
  if (c.esp_proposals.empty()) c.esp_proposals = {"default"};
  return out;
}

}  // namespace ikelab::replay
