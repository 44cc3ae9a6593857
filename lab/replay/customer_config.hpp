#pragma once

// A customer's IPsec configuration as `ikelab replay` understands it: the
// one connection to replay from a swanctl.conf (with its credential folders
// and strongswan.conf beside it) or an ipsec.conf + ipsec.secrets
// (libreswan, or strongSwan's legacy starter). The kind is recognised from
// the content. Every setting that matters for IKE is taken; the others are
// listed with the reason they are not replayed; a setting that would change
// the outcome but cannot be replayed is an error naming it.
//
//   CustomerConfig load_customer_config(path, conn_name)   throws ReplayError

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/scenario/scenario.hpp"
#include "lab/replay/replay_error.hpp"

namespace ikelab::replay {

enum class ConfigKind { swanctl, libreswan_ipsec_conf, strongswan_ipsec_conf };
std::string to_string(ConfigKind kind);

struct NotReplayed {
  std::string setting;  // as written, e.g. "updown" or "charon.plugins.x"
  Origin origin;
  std::string reason;
};

// One side's connection, in the customer's own values (before the bijection).
struct CustomerConn {
  std::string name;
  int ike_version = 2;                    // 0: either (swanctl version = 0; the lab runs IKEv2)
  std::vector<std::string> local_addrs;   // empty: %any
  std::vector<std::string> remote_addrs;  // empty: %any
  std::string local_id;                   // empty: the daemon's default (its address)
  std::string remote_id;                  // empty / %any: anyone
  harness::AuthMethod auth = harness::AuthMethod::psk;
  std::string secret;  // the PSK found for the IDs (empty: none)
  std::vector<std::string> ike_proposals;  // strongSwan syntax; empty: the daemon's defaults
  std::vector<std::string> esp_proposals;
  std::vector<std::string> local_ts;
  std::vector<std::string> remote_ts;
  bool aggressive = false;
  bool aggressive_psk = false;  // strongswan.conf i_dont_care_about_security_and_use_aggressive_mode_psk
  // Other charon.* settings of strongswan.conf that change IKE behaviour
  // (strongswan_conf.hpp), as written into the lab's strongswan.conf.
  std::vector<std::pair<std::string, std::string>> charon_options;
  int dpd_delay = 0;
  int dpd_timeout = 0;
  bool request_virtual_ip = false;
  std::string pool;  // an address range handed out (a subnet)
  harness::UserAuth user_auth = harness::UserAuth::none;
  bool user_auth_server = false;  // this side checks the user (remote EAP/XAuth round)
  std::string user_name;
  std::string user_password;
  std::string eap_method = "md5";
  // Certificates and keys the customer supplied (swanctl x509/, private/,
  // x509ca/): used as they are; the host's own ID then stays the customer's.
  harness::SuppliedCredentials supplied;
  // Where each setting the lab takes came from ("secret", "ike_proposals", ...).
  std::map<std::string, Origin> origins;
};

struct CustomerConfig {
  ConfigKind kind = ConfigKind::swanctl;
  std::filesystem::path main_file;  // swanctl.conf or ipsec.conf
  std::vector<std::filesystem::path> files;
  std::vector<std::string> conn_names;  // every connection the file defines
  CustomerConn conn;
  std::vector<NotReplayed> not_replayed;
  // Referenced credentials the folder did not supply (replaced by lab stand-ins).
  std::vector<std::string> credential_notes;
  // Settings replayed with a change (e.g. a retransmission timer capped), in words.
  std::vector<std::string> notes;

  harness::Implementation implementation() const {
    return kind == ConfigKind::libreswan_ipsec_conf ? harness::Implementation::libreswan
                                                    : harness::Implementation::strongswan;
  }
};

// `path`: a file, or a folder holding swanctl.conf / swanctl/swanctl.conf /
// ipsec.conf. `conn_name` empty: the only connection (an error names them
// all when there are several).
CustomerConfig load_customer_config(const std::filesystem::path& path, const std::string& conn_name);

}  // namespace ikelab::replay
