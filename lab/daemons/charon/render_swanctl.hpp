#pragma once

// Turns a scenario into the files of one case: per host a swanctl.conf, a
// strongswan.conf and the credential files.
//
//   CaseConfig render_case(scenario, ike_version, initiator_paths, responder_paths, credentials)
//
// swanctl.conf refers to every credential by absolute path under the host's
// HostPaths::confdir (certs, pubkeys, authorities, private keys in
// `secrets`), so it is complete on its own; the runner writes
// RenderedHost::files below confdir before `swanctl --load-all --file
// CONFDIR/swanctl.conf` (setting SWANCTL_DIR=confdir keeps swanctl from also
// reading /etc/swanctl). Every value taken from a scenario is checked when the
// file is parsed and written quoted and escaped (render_conf_writer.hpp).

#include <string>
#include <vector>

#include "lab/run/case_config.hpp"
#include "lab/run/credentials.hpp"
#include "lab/scenario/scenario.hpp"

namespace ikelab::harness {

// Base names of the connection and its child (HostSettings may name others).
inline constexpr const char* connection_name = "site1";
inline constexpr const char* child_name = "net1";

// One host's settings for one case: the base setup with the scenario's
// changes applied.
struct HostConfig {
  Side side = Side::initiator;
  Implementation implementation = Implementation::strongswan;
  std::string daemon_build;  // which build of the implementation (lab/daemons/daemon_builds.hpp)
  int ike_version = 2;
  std::string local_address;
  std::string remote_address;
  AuthMethod auth = AuthMethod::psk;
  std::string local_id;
  std::string remote_id;
  std::string secret;  // empty: no PSK configured
  std::vector<std::string> ike_proposals;
  std::vector<std::string> esp_proposals;
  std::vector<std::string> local_ts;
  std::vector<std::string> remote_ts;
  bool aggressive = false;
  bool aggressive_psk = false;
  OwnCredential credential = OwnCredential::valid;
  PeerKey peer_key = PeerKey::valid;
  UserAuth user_auth = UserAuth::none;
  std::string user_name;
  std::string user_password;
  bool request_virtual_ip = false;
  std::string pool;  // empty: none
  bool kernel_libipsec = true;
  bool start_daemon = true;
  std::vector<int> drop_inbound_udp;
  int dpd_delay = 0;    // 0: off
  int dpd_timeout = 0;  // 0: charon's default
  std::string signature_hash;  // empty: any
  std::string eap_method = "md5";  // user_auth eap: md5 | mschapv2
  std::string connection = connection_name;
  std::string child = child_name;
  int ike_lifetime = 0;    // 0: the daemon's default
  int child_lifetime = 0;  // 0: the daemon's default
  bool ike2_log = false;
  std::vector<std::pair<std::string, std::string>> charon_options;  // HostSettings::charon_options
  std::optional<SuppliedCredentials> supplied;                      // HostSettings::supplied
};

// Base values (documented in scenarios/README.md).
inline constexpr const char* base_secret = "lab-shared-secret-7Hq2";
inline constexpr const char* base_ike_proposal = "aes128-sha256-modp2048";
inline constexpr const char* base_esp_proposal = "aes128-sha256";
inline constexpr const char* base_user_name = "labuser";
inline constexpr const char* base_user_password = "lab-user-password-3Vd";

HostConfig resolve_host(const Scenario& scenario, Side side, int ike_version);

std::string render_strongswan_conf(const HostConfig& host, const HostPaths& paths);

struct RenderedSwanctl {
  std::string swanctl_conf;
  std::vector<std::pair<std::string, std::string>> files;  // relative to confdir
};
RenderedSwanctl render_swanctl(const HostConfig& host, const HostPaths& paths, const Credentials& credentials);

// Throws ScenarioError if ike_version is not one the scenario runs.
CaseConfig render_case(const Scenario& scenario, int ike_version, const HostPaths& initiator,
                       const HostPaths& responder, const Credentials& credentials);

// Makes, up front, exactly the credentials these scenarios render.
void prepare_credentials(const std::vector<Scenario>& scenarios, const Credentials& credentials);

}  // namespace ikelab::harness
