#pragma once

// Renders one host's settings for libreswan 4.10 (pluto): ipsec.conf,
// ipsec.secrets and the credential files that go into its NSS database.
//
// The same HostConfig (the scenario's fault vocabulary) renders to swanctl.conf
// for charon (render.hpp). What pluto cannot express is refused with a
// RenderError naming the setting, never approximated.
//
// ipsec.conf has no escapes: a double-quoted value ends at the next '"' and
// may not span lines, and '%' words have meanings. So every ID is checked
// against a conservative character set (check_ipsec_id) and written quoted;
// addresses and subnets are IP literals checked by the parser; proposals are
// rebuilt from known algorithm keywords only. The PSK and an XAuth client's
// password go into ipsec.secrets as 0x hex, so any bytes are safe there; an
// XAuth server's passwd file holds only a crypt(3) hash of the password; the
// XAuth user name is checked against letters, digits and ._- (it is written
// unquoted). EAP is refused: libreswan 4.10 has no EAP-MD5.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lab/run/case_config.hpp"
#include "lab/run/credentials.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"

namespace ikelab::harness {

class RenderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Credential files for pluto's NSS database, relative to HostPaths::confdir.
// The pluto runner imports them (pluto_nss.hpp) before pluto starts.
namespace pluto_files {
inline constexpr const char* ca_cert = "nss-import/ca.crt";      // trusted CA (CT,,)
inline constexpr const char* host_cert = "nss-import/host.crt";  // own certificate
inline constexpr const char* host_key = "nss-import/host.key";   // own private key (absent: missing)
inline constexpr const char* host_nickname = "host";             // NSS nickname of the own cert
inline constexpr const char* raw_key = "nss-import/raw.key";     // own private key for raw RSA (pubkey) auth
inline constexpr const char* xauth_passwd = "ipsec.d/passwd";     // XAuth server's users (xauthby=file)
}  // namespace pluto_files

struct RenderedPluto {
  std::string ipsec_conf;
  std::string ipsec_secrets;
  std::vector<std::pair<std::string, std::string>> files;  // relative to confdir
};

// Empty when the ID can be written to ipsec.conf/ipsec.secrets, else why not.
std::string check_ipsec_id(std::string_view id);

// An ID as libreswan writes it: IP address as is, a DN (has '=') as is,
// user@host as is, anything else as @FQDN (charon's reading of a plain name).
std::string libreswan_id(std::string_view id);

// A strongSwan proposal ("aes128-sha256-modp2048") in libreswan's syntax
// ("aes128-sha2_256-modp2048"): encryption, then integrity, then DH group,
// alternatives of one kind joined by '+'. Throws RenderError on an unknown keyword.
struct LibreswanProposal {
  std::string text;
  bool has_dh = false;
};
LibreswanProposal libreswan_proposal(std::string_view strongswan_proposal);

// One line of an XAuth server's passwd file (libreswan: user:crypt-hash:conn),
// the password SHA-512-crypt hashed. The user name must be checked first.
std::string xauth_passwd_line(std::string_view user_name, std::string_view password, std::string_view connection);

RenderedPluto render_ipsec_conf(const HostConfig& host, const Credentials& credentials);

}  // namespace ikelab::harness
