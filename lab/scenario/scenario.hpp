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

// Changes to one host's settings; an empty optional keeps the base value.
struct HostSettings {
  Implementation implementation = Implementation::strongswan;  // charon or pluto
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

  const HostSettings& host(Side side) const {
    return side == Side::initiator ? initiator : responder;
  }
};

// The catalogue's fault ids (DESIGN.md), "none" included.
const std::vector<std::string>& known_fault_ids();

Scenario load_scenario(const std::filesystem::path& file);
// Every *.yaml directly in dir, sorted by name. Throws on the first bad file.
std::vector<Scenario> load_scenarios(const std::filesystem::path& dir);

}  // namespace ikelab::harness
