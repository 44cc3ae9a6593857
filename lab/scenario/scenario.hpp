#pragma once

// The scenario model: one YAML file in scenarios/ describes a base setup
// (how both peers authenticate), the IKE versions to run, the fault as a
// few changes to the initiator's or the responder's settings, and the action
// that makes the fault show.
//
//   Scenario load_scenario(path)            parse + validate one file
//   std::vector<Scenario> load_scenarios(dir)  every *.yaml in dir, by name
//
// Both throw ScenarioError whose message starts with "FILE:LINE:COLUMN: ".
// The file format is documented in scenarios/README.md.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab/run/case_config.hpp"

namespace ikelab::harness {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class AuthMethod { psk, cert, pubkey };

// What a host presents as its own credential.
enum class OwnCredential {
  valid,      // psk: the shared secret; cert: its cert from the lab CA; pubkey: its key
  other_ca,   // cert: a certificate for its identity issued by another CA
  expired,    // cert: a certificate from the lab CA that is no longer valid
  other_key,  // pubkey: signs with (and announces) a key the peer does not trust
  missing,    // psk: no secret; cert/pubkey: certificate/public key but no private key
};

// Which public key a host trusts for its peer (pubkey auth).
enum class PeerKey { valid, other };

// A second authentication round for a user (IKEv2: EAP-MD5, IKEv1: XAuth).
enum class UserAuth { none, eap, xauth };

// Credentials a customer supplied (ikelab replay): written as they are
// instead of the lab's, so that an expired certificate or an untrusted CA
// stays so. File contents (PEM or DER); an empty one: none supplied.
struct SuppliedCredentials {
  std::string cert;                   // this host's own certificate
  std::string key;                    // its private key
  std::vector<std::string> ca_certs;  // the CAs it trusts (the lab CA is trusted too)
};

// Changes to one host's settings; an empty optional keeps the base value.
struct HostSettings {
  Implementation implementation = Implementation::strongswan;  // charon or pluto
  // Which build of it (lab/daemons/daemon_builds.hpp); set by `ikelab run
  // --initiator-daemon/--responder-daemon`, empty: the implementation's default.
  std::string daemon_build;
  std::optional<std::string> local_id;
  std::optional<std::string> remote_id;
  std::optional<std::string> secret;  // the PSK this host uses
  std::optional<std::vector<std::string>> ike_proposals;
  std::optional<std::vector<std::string>> esp_proposals;
  std::optional<std::vector<std::string>> local_ts;
  std::optional<std::vector<std::string>> remote_ts;
  std::optional<std::string> remote_address;  // the peer address this host talks to / accepts
  std::optional<AuthMethod> auth;             // local and remote auth of this host
  std::optional<int> ike_version;             // 1 or 2; 0 = the other version than the case's
  std::optional<bool> aggressive;             // IKEv1 aggressive mode
  bool aggressive_psk = false;  // charon accepts Aggressive Mode with PSK (insecure, off by default)
  OwnCredential credential = OwnCredential::valid;
  PeerKey peer_key = PeerKey::valid;
  std::optional<std::string> user_password;  // EAP/XAuth password (client: sends, server: expects)
  bool request_virtual_ip = false;           // vips = 0.0.0.0
  std::optional<std::string> pool;           // a virtual IP pool (subnet) this host hands out
  bool kernel_libipsec = true;               // false: only kernel-netlink, the real kernel path
  bool start_daemon = true;                  // false: no daemon at this host
  std::vector<int> drop_inbound_udp;         // UDP ports whose inbound packets this host's namespace drops
  std::optional<int> dpd_delay;              // seconds
  std::optional<int> dpd_timeout;            // seconds (IKEv1 only)
  // IKEv2 signature hash (RFC 7427) this host signs with and accepts: sha256 | sha384 | sha512.
  std::optional<std::string> signature_hash;
  // EAP method (user_auth: eap): md5 | mschapv2; the server asks for it, the client accepts only it.
  std::optional<std::string> eap_method;
  // Names of the connection and its child (base: site1 / net1); corpus
  // variants draw them (lab/corpus/variants.hpp).
  std::optional<std::string> connection_name;
  std::optional<std::string> child_name;
  std::optional<int> ike_lifetime;    // seconds until the IKE_SA is rekeyed (base: the daemon's default)
  std::optional<int> child_lifetime;  // seconds until the CHILD_SA is rekeyed
  bool ike2_log = false;              // charon: a third log at `ike = 2` (charon-ike2.log)
  // charon: extra `charon.KEY = VALUE` lines of strongswan.conf (replay takes
  // them from a customer's strongswan.conf; a key here replaces the lab's own).
  std::vector<std::pair<std::string, std::string>> charon_options;
  std::optional<SuppliedCredentials> supplied;  // charon, auth cert: the customer's own files
};

struct Scenario {
  std::string name;  // file name without .yaml
  std::filesystem::path file;
  std::string description;  // one line
  std::string fault;        // catalogue id, "none" for a baseline
  AuthMethod auth = AuthMethod::psk;
  std::vector<int> ike_versions;  // 1, 2 or both
  Action action = Action::initiate;
  UserAuth user_auth = UserAuth::none;
  std::chrono::seconds deadline{30};
  HostSettings initiator;
  HostSettings responder;
  // `unsupported_daemons:` daemon (an implementation, "libreswan", or a build,
  // "libreswan-5.2") -> why the scenario cannot be expressed on it. `ikelab
  // run --initiator-daemon/--responder-daemon` lists such a scenario as not run,
  // with this reason, instead of running it.
  std::vector<std::pair<std::string, std::string>> unsupported_daemons;

  // Why the scenario cannot run on this pair (empty: it can).
  std::string unsupported_reason(const std::string& initiator_build, const std::string& responder_build) const;

  const HostSettings& host(Side side) const {
    return side == Side::initiator ? initiator : responder;
  }
};

Scenario load_scenario(const std::filesystem::path& file);
// Every *.yaml directly in dir, sorted by name. Throws on the first bad file.
std::vector<Scenario> load_scenarios(const std::filesystem::path& dir);

}  // namespace ikelab::harness
