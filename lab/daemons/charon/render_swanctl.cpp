#include "lab/daemons/charon/render_swanctl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "lab/daemons/daemon_builds.hpp"
#include "lab/scenario/lab_addresses.hpp"
#include "lab/daemons/charon/render_conf_writer.hpp"
#include "lab/daemons/pluto/render_ipsec_conf.hpp"
#include "lab/scenario/scenario_values.hpp"

namespace ikelab::harness {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  return fmt::format("{}", fmt::join(items, separator));
}

KeyName own_key_name(Side side) { return side == Side::initiator ? KeyName::initiator : KeyName::responder; }
KeyName peer_key_name(Side side) { return side == Side::initiator ? KeyName::responder : KeyName::initiator; }

std::string absolute(const HostPaths& paths, const std::string& relative) {
  return (paths.confdir / relative).string();
}

// "psk", "pubkey" or, with a signature hash, "pubkey-sha384" for the own
// signatures and "ike:pubkey-sha384" for the peer's (the ike: prefix makes
// strongSwan check the IKE signature scheme, not only a trust chain's).
std::string auth_keyword(const HostConfig& host, bool remote) {
  if (host.auth == AuthMethod::psk) return "psk";
  if (host.signature_hash.empty()) return "pubkey";
  return std::string(remote ? "ike:" : "") + "pubkey-" + host.signature_hash;
}

// An identity with its type spelled out (values::identity_type), so that
// charon takes the characters as they are: "fqdn:%any" is the name "%any",
// never a wildcard; "rfc822:a@b" never turns into a key id or a prefix type.
std::string charon_identity(const std::string& id) {
  switch (values::identity_type(id)) {
    case values::IdentityType::fqdn: return "fqdn:" + id;
    case values::IdentityType::email: return "rfc822:" + id;
    case values::IdentityType::address:
    case values::IdentityType::dn: break;  // parsed by charon as what they are (check_identity)
  }
  return id;
}

// The strongSwan major version the host runs (5 when no build is named).
int strongswan_major_version(const HostConfig& host) {
  const DaemonBuild* build = find_daemon_build(host.daemon_build);
  return build ? std::atoi(build->version.c_str()) : 5;
}

}  // namespace

HostConfig resolve_host(const Scenario& scenario, Side side, int ike_version) {
  const HostSettings& s = scenario.host(side);
  const bool initiator = side == Side::initiator;
  HostConfig h;
  h.side = side;
  h.implementation = s.implementation;
  h.daemon_build = s.daemon_build.empty() ? default_daemon_build(s.implementation).name : s.daemon_build;
  h.ike_version = s.ike_version ? (*s.ike_version == 0 ? 3 - ike_version : *s.ike_version) : ike_version;
  h.local_address = initiator ? lab_addresses::initiator_outer : lab_addresses::responder_outer;
  h.remote_address = s.remote_address.value_or(initiator ? lab_addresses::responder_outer : lab_addresses::initiator_outer);
  h.auth = s.auth.value_or(scenario.auth);
  h.local_id = s.local_id.value_or(Credentials::identity(own_key_name(side)));
  h.remote_id = s.remote_id.value_or(Credentials::identity(peer_key_name(side)));
  h.credential = s.credential;
  // A cert/pubkey host holds a PSK only when the scenario gives it one (`secret:`): one it
  // does not authenticate with itself (auth_method_mismatch_responder_holds_psk).
  h.secret = s.credential == OwnCredential::missing ? ""
             : h.auth == AuthMethod::psk          ? s.secret.value_or(base_secret)
                                                  : s.secret.value_or("");
  h.ike_proposals = s.ike_proposals.value_or(std::vector<std::string>{base_ike_proposal});
  h.esp_proposals = s.esp_proposals.value_or(std::vector<std::string>{base_esp_proposal});
  h.request_virtual_ip = s.request_virtual_ip;
  h.pool = s.pool.value_or("");
  const std::string own_subnet = initiator ? lab_addresses::initiator_inner_subnet : lab_addresses::responder_inner_subnet;
  const std::string peer_subnet = initiator ? lab_addresses::responder_inner_subnet : lab_addresses::initiator_inner_subnet;
  h.local_ts = s.local_ts.value_or(std::vector<std::string>{h.request_virtual_ip ? "dynamic" : own_subnet});
  h.remote_ts = s.remote_ts.value_or(std::vector<std::string>{h.pool.empty() ? peer_subnet : h.pool});
  h.aggressive = s.aggressive.value_or(false);
  h.aggressive_psk = s.aggressive_psk;
  h.peer_key = s.peer_key;
  h.user_auth = scenario.user_auth;
  h.user_name = base_user_name;
  h.user_password = s.user_password.value_or(base_user_password);
  h.kernel_libipsec = s.kernel_libipsec;
  h.start_daemon = s.start_daemon;
  h.drop_inbound_udp = s.drop_inbound_udp;
  h.dpd_delay = s.dpd_delay.value_or(0);
  h.dpd_timeout = s.dpd_timeout.value_or(0);
  h.signature_hash = s.signature_hash.value_or("");
  h.eap_method = s.eap_method.value_or("md5");
  h.connection = s.connection_name.value_or(connection_name);
  h.child = s.child_name.value_or(child_name);
  h.ike_lifetime = s.ike_lifetime.value_or(0);
  h.child_lifetime = s.child_lifetime.value_or(0);
  h.ike2_log = s.ike2_log;
  h.charon_options = s.charon_options;
  h.supplied = s.supplied;
  return h;
}

std::string render_strongswan_conf(const HostConfig& host, const HostPaths& paths) {
  std::vector<std::string> plugins = {"random", "nonce", "openssl", "aes", "sha1", "sha2", "hmac", "pem",
                                      "pkcs1", "pkcs8", "x509", "revocation", "constraints", "pubkey", "gmp",
                                      "curve25519", "kdf"};
  if (host.user_auth == UserAuth::eap) plugins.insert(plugins.end(), {"md5", "eap-identity", "eap-md5"});
  if (host.user_auth == UserAuth::eap && host.eap_method == "mschapv2") plugins.push_back("eap-mschapv2");
  if (host.user_auth == UserAuth::xauth) plugins.push_back("xauth-generic");
  // cisco_unity takes effect only with the unity plugin.
  for (const auto& [k, v] : host.charon_options)
    if (k == "cisco_unity" && v == "yes") plugins.push_back("unity");
  if (host.kernel_libipsec) plugins.push_back("kernel-libipsec");
  plugins.insert(plugins.end(), {"kernel-netlink", "socket-default", "vici"});

  ConfWriter w;
  w.comment(fmt::format("rendered by ikelab: {} of one lab case", host.side == Side::initiator ? "initiator" : "responder"));
  w.open("charon");
  w.plain("load", join(plugins, " "));
  w.plain("install_routes", "no");
  // Lab timers: 2 retransmits after 0.5 s and 0.7 s, giving up 0.98 s later
  // (2.2 s in all): a case decided by silence ends quickly.
  auto option = [&](const char* key, const char* lab_value) {
    for (const auto& [k, v] : host.charon_options)
      if (k == key) return;  // the host's own value, written below
    w.plain(key, lab_value);
  };
  option("retransmit_tries", "2");
  option("retransmit_timeout", "0.5");
  option("retransmit_base", "1.4");
  if (host.aggressive_psk) w.plain("i_dont_care_about_security_and_use_aggressive_mode_psk", "yes");
  for (const auto& [k, v] : host.charon_options) w.quoted(k, v);
  w.open("plugins");
  w.open("vici");
  w.quoted("socket", "unix://" + (paths.rundir / "charon.vici").string());
  w.close();
  w.close();
  w.open("syslog");
  w.comment("the lab's daemons log only to their own files");
  w.open("daemon");
  w.plain("default", "-1");
  w.close();
  w.close();
  // One filelog section at charon's default levels; json: strongSwan 6's
  // one JSON object a line instead of a time-stamped text line.
  // raised: groups above the default level (cfg 2, ike 2), or none.
  using Raised = std::vector<std::pair<const char*, const char*>>;
  const auto filelog = [&](const char* name, const char* comment, const char* file, bool json, const Raised& raised) {
    w.open(name);
    w.comment(comment);
    w.quoted("path", (paths.logdir / file).string());
    if (json) {
      w.plain("json", "yes");
    } else {
      w.quoted("time_format", "%b %e %T");
    }
    w.plain("ike_name", "yes");
    w.plain("append", "no");
    w.plain("flush_line", "yes");
    w.plain("default", "1");
    for (const auto& [group, level] : raised) w.plain(group, level);
    w.close();
  };
  w.open("filelog");
  filelog("default-log", "charon's default log levels, as a stock charon.log", "charon.log", false, {});
  filelog("cfg2-log", "the same with cfg = 2 (selecting proposal:, configured proposals:, child config lookups)",
          "charon-cfg2.log", false, {{"cfg", "2"}});
  if (host.ike2_log)
    filelog("ike2-log", "the same with ike = 2 (IKE SA state changes, payload handling)", "charon-ike2.log", false,
            {{"ike", "2"}});
  // Never kept or printed: the case runner turns it into Wireshark's key
  // tables (lab/run/wireshark_keys.hpp), 0600 in --out, and drops it.
  filelog("keys-log", "the key material (ike, chd 4: SK_e/SK_a, ESP keys; mgr 2: SPIs) for Wireshark's tables",
          "charon-keys.log", false, {{"ike", "4"}, {"chd", "4"}, {"mgr", "2"}});
  if (strongswan_major_version(host) >= 6)
    filelog("json-log", "strongSwan 6: the default levels again, one JSON object a line (json = yes)",
            "charon.json.log", true, {});
  w.close();
  w.close();
  return w.str();
}

RenderedSwanctl render_swanctl(const HostConfig& host, const HostPaths& paths, const Credentials& credentials) {
  RenderedSwanctl out;
  const bool initiator = host.side == Side::initiator;
  const KeyName own = own_key_name(host.side);
  const KeyName peer = peer_key_name(host.side);
  auto add_file = [&](const std::string& relative, std::string content) {
    out.files.emplace_back(relative, std::move(content));
    return absolute(paths, relative);
  };

  // Credential files this host needs.
  std::string own_cert_file, own_pubkey_file, private_key_file, peer_pubkey_file, ca_file;
  std::vector<std::string> supplied_ca_files;
  if (host.auth == AuthMethod::cert) {
    const CertIssuer issuer = host.credential == OwnCredential::other_ca  ? CertIssuer::other_ca
                              : host.credential == OwnCredential::expired ? CertIssuer::lab_ca_expired
                                                                          : CertIssuer::lab_ca;
    const bool supplied_cert = host.supplied && !host.supplied->cert.empty();  // the customer's own, as they are
    own_cert_file = supplied_cert ? add_file("x509/supplied.crt", host.supplied->cert)
                                  : add_file(fmt::format("x509/{}.crt", Credentials::identity(own)), credentials.host_cert(own, issuer));
    ca_file = add_file("x509ca/lab-ca.crt", credentials.ca_cert());
    if (supplied_cert) {
      if (!host.supplied->key.empty()) private_key_file = add_file("private/supplied.key", host.supplied->key);
    } else if (host.credential != OwnCredential::missing) {
      private_key_file = add_file(fmt::format("private/{}.key", Credentials::identity(own)), credentials.private_key(own));
    }
    if (host.supplied)
      for (size_t n = 0; n < host.supplied->ca_certs.size(); ++n)
        supplied_ca_files.push_back(add_file(fmt::format("x509ca/supplied-{}.crt", n + 1), host.supplied->ca_certs[n]));
  } else if (host.auth == AuthMethod::pubkey) {
    const KeyName signing = host.credential == OwnCredential::other_key ? KeyName::other : own;
    const KeyName trusted = host.peer_key == PeerKey::other ? KeyName::other : peer;
    own_pubkey_file = add_file(fmt::format("pubkey/{}.pub", Credentials::identity(own)), credentials.public_key(signing));
    peer_pubkey_file = add_file(fmt::format("pubkey/{}.pub", Credentials::identity(peer)), credentials.public_key(trusted));
    if (host.credential != OwnCredential::missing) {
      private_key_file = add_file(fmt::format("private/{}.key", Credentials::identity(own)), credentials.private_key(signing));
    }
  }
  // EAP and XAuth need the server's own credential to be a certificate or PSK
  // the client can check; the client sends only its user name and password.
  const bool user_auth_client = host.user_auth != UserAuth::none && initiator;
  const bool user_auth_server = host.user_auth != UserAuth::none && !initiator;

  ConfWriter w;
  w.comment(fmt::format("rendered by ikelab: {}, IKEv{}", initiator ? "initiator" : "responder", host.ike_version));
  w.open("connections");
  w.open(host.connection);
  w.plain("version", std::to_string(host.ike_version));
  w.quoted("local_addrs", host.local_address);
  w.quoted("remote_addrs", host.remote_address);
  w.quoted("proposals", join(host.ike_proposals, ","));
  if (host.aggressive) w.plain("aggressive", "yes");
  if (host.dpd_delay > 0) w.plain("dpd_delay", fmt::format("{}s", host.dpd_delay));
  if (host.dpd_timeout > 0) w.plain("dpd_timeout", fmt::format("{}s", host.dpd_timeout));
  if (host.ike_lifetime > 0) w.plain("rekey_time", fmt::format("{}s", host.ike_lifetime));
  if (host.request_virtual_ip) w.plain("vips", "0.0.0.0");
  if (!host.pool.empty()) w.plain("pools", "lab-pool");

  w.open("local");
  if (user_auth_client && host.user_auth == UserAuth::eap) {
    w.plain("auth", "eap-" + host.eap_method);
    w.quoted("id", charon_identity(host.local_id));
    w.quoted("eap_id", charon_identity(host.user_name));
  } else {
    w.plain("auth", auth_keyword(host, false));
    w.quoted("id", charon_identity(host.local_id));
    if (!own_cert_file.empty()) w.quoted("certs", own_cert_file);
    if (!own_pubkey_file.empty()) w.quoted("pubkeys", own_pubkey_file);
  }
  w.close();
  if (user_auth_client && host.user_auth == UserAuth::xauth) {
    w.open("local-user");
    w.plain("auth", "xauth");
    w.quoted("xauth_id", charon_identity(host.user_name));
    w.close();
  }
  w.open("remote");
  if (user_auth_server && host.user_auth == UserAuth::eap) {
    w.plain("auth", "eap-" + host.eap_method);
    w.quoted("id", charon_identity(host.remote_id));
    w.plain("eap_id", "%any");
  } else {
    w.plain("auth", auth_keyword(host, true));
    w.quoted("id", charon_identity(host.remote_id));
    if (!peer_pubkey_file.empty()) w.quoted("pubkeys", peer_pubkey_file);
  }
  w.close();
  if (user_auth_server && host.user_auth == UserAuth::xauth) {
    w.open("remote-user");
    w.plain("auth", "xauth");
    w.close();
  }

  w.open("children");
  w.open(host.child);
  w.quoted("local_ts", join(host.local_ts, ","));
  if (host.child_lifetime > 0) w.plain("rekey_time", fmt::format("{}s", host.child_lifetime));
  w.quoted("remote_ts", join(host.remote_ts, ","));
  w.quoted("esp_proposals", join(host.esp_proposals, ","));
  w.close();
  w.close();
  w.close();
  w.close();

  if (!host.pool.empty()) {
    w.open("pools");
    w.open("lab-pool");
    w.quoted("addrs", host.pool);
    w.close();
    w.close();
  }
  if (!ca_file.empty()) {
    w.open("authorities");
    w.open("lab-ca");
    w.quoted("cacert", ca_file);
    w.close();
    for (size_t n = 0; n < supplied_ca_files.size(); ++n) {
      w.open(fmt::format("supplied-ca-{}", n + 1));
      w.quoted("cacert", supplied_ca_files[n]);
      w.close();
    }
    w.close();
  }
  w.open("secrets");
  if (!host.secret.empty()) {
    w.open("ike-lab");
    w.quoted("id-local", charon_identity(host.local_id));
    w.quoted("id-remote", charon_identity(host.remote_id));
    w.plain("secret", values::secret_hex(host.secret));
    w.close();
  }
  if (!private_key_file.empty()) {
    w.open("private-lab");
    w.quoted("file", private_key_file);
    w.close();
  }
  // An EAP client authenticates only with its EAP secret (it never signs):
  // `credential: missing` leaves that out too, so its own EAP method fails.
  const bool eap_secret_missing =
      user_auth_client && host.user_auth == UserAuth::eap && host.credential == OwnCredential::missing;
  if (host.user_auth != UserAuth::none && !eap_secret_missing) {
    w.open(host.user_auth == UserAuth::eap ? "eap-user" : "xauth-user");
    w.quoted("id", charon_identity(host.user_name));
    w.plain("secret", values::secret_hex(host.user_password));
    w.close();
  }
  w.close();
  out.swanctl_conf = w.str();
  return out;
}

CaseConfig render_case(const Scenario& scenario, int ike_version, const HostPaths& initiator,
                       const HostPaths& responder, const Credentials& credentials) {
  if (std::find(scenario.ike_versions.begin(), scenario.ike_versions.end(), ike_version) ==
      scenario.ike_versions.end()) {
    throw ScenarioError(fmt::format("{}: the scenario does not run IKEv{}", scenario.file.string(), ike_version));
  }
  CaseConfig c;
  c.scenario = scenario.name;
  c.ike_version = ike_version;
  // Both hosts use the same names (the runner follows one name in both logs).
  const HostConfig names = resolve_host(scenario, Side::initiator, ike_version);
  c.connection = names.connection;
  c.child = names.child;
  c.action = scenario.action;
  c.deadline = scenario.deadline;
  const auto render_host = [&](Side side, const HostPaths& paths) {
    const HostConfig host = resolve_host(scenario, side, ike_version);
    RenderedHost rendered;
    rendered.daemon_build = host.daemon_build;
    rendered.start_daemon = host.start_daemon;
    rendered.drop_inbound_udp = host.drop_inbound_udp;
    if (host.implementation == Implementation::libreswan) {
      try {
        auto pluto = render_ipsec_conf(host, credentials);
        rendered.implementation = Implementation::libreswan;
        rendered.ipsec_conf = std::move(pluto.ipsec_conf);
        rendered.ipsec_secrets = std::move(pluto.ipsec_secrets);
        rendered.files = std::move(pluto.files);
        rendered.xfrm_standin = host.kernel_libipsec;
      } catch (const RenderError& e) {
        throw ScenarioError(fmt::format("{}: {}", scenario.file.string(), e.what()));
      }
      return rendered;
    }
    rendered.strongswan_conf = render_strongswan_conf(host, paths);
    auto swanctl = render_swanctl(host, paths, credentials);
    rendered.swanctl_conf = std::move(swanctl.swanctl_conf);
    rendered.files = std::move(swanctl.files);
    rendered.start_daemon = host.start_daemon;
    return rendered;
  };
  c.initiator = render_host(Side::initiator, initiator);
  c.responder = render_host(Side::responder, responder);
  return c;
}

void prepare_credentials(const std::vector<Scenario>& scenarios, const Credentials& credentials) {
  const HostPaths paths{"/nonexistent/run", "/nonexistent/conf", "/nonexistent/log"};
  for (const auto& scenario : scenarios) {
    for (int version : scenario.ike_versions) render_case(scenario, version, paths, paths, credentials);
  }
}

}  // namespace ikelab::harness
