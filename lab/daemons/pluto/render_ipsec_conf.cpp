#include "lab/daemons/pluto/render_ipsec_conf.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <crypt.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "lab/daemons/pluto/rsa_public_key.hpp"
#include "lab/scenario/scenario_values.hpp"

namespace ikelab::harness {
namespace {

enum class Kind { encryption, aead, integrity, dh, ignored };

struct Algorithm {
  Kind kind;
  const char* libreswan;
};

// strongSwan keyword -> libreswan 4.10 keyword. Only what the lab uses and
// both daemons know; anything else is refused rather than guessed.
const std::map<std::string, Algorithm, std::less<>>& algorithms() {
  static const std::map<std::string, Algorithm, std::less<>> table = {
      {"aes", {Kind::encryption, "aes128"}},
      {"aes128", {Kind::encryption, "aes128"}},
      {"aes192", {Kind::encryption, "aes192"}},
      {"aes256", {Kind::encryption, "aes256"}},
      {"3des", {Kind::encryption, "3des"}},
      {"des", {Kind::encryption, "des"}},
      {"camellia128", {Kind::encryption, "camellia128"}},
      {"camellia256", {Kind::encryption, "camellia256"}},
      {"aes128ctr", {Kind::encryption, "aes_ctr128"}},
      {"aes256ctr", {Kind::encryption, "aes_ctr256"}},
      {"aes128gcm16", {Kind::aead, "aes_gcm128"}},
      {"aes128gcm", {Kind::aead, "aes_gcm128"}},
      {"aes256gcm16", {Kind::aead, "aes_gcm256"}},
      {"aes256gcm", {Kind::aead, "aes_gcm256"}},
      {"chacha20poly1305", {Kind::aead, "chacha20_poly1305"}},
      {"md5", {Kind::integrity, "md5"}},
      {"sha", {Kind::integrity, "sha1"}},
      {"sha1", {Kind::integrity, "sha1"}},
      {"sha256", {Kind::integrity, "sha2_256"}},
      {"sha384", {Kind::integrity, "sha2_384"}},
      {"sha512", {Kind::integrity, "sha2_512"}},
      {"prfsha1", {Kind::integrity, "sha1"}},
      {"prfsha256", {Kind::integrity, "sha2_256"}},
      {"prfsha384", {Kind::integrity, "sha2_384"}},
      {"prfsha512", {Kind::integrity, "sha2_512"}},
      {"aesxcbc", {Kind::integrity, "aes_xcbc"}},
      {"modp1024", {Kind::dh, "modp1024"}},
      {"modp1536", {Kind::dh, "modp1536"}},
      {"modp2048", {Kind::dh, "modp2048"}},
      {"modp3072", {Kind::dh, "modp3072"}},
      {"modp4096", {Kind::dh, "modp4096"}},
      {"modp6144", {Kind::dh, "modp6144"}},
      {"modp8192", {Kind::dh, "modp8192"}},
      {"ecp256", {Kind::dh, "dh19"}},
      {"ecp384", {Kind::dh, "dh20"}},
      {"ecp521", {Kind::dh, "dh21"}},
      {"curve25519", {Kind::dh, "dh31"}},
      {"x25519", {Kind::dh, "dh31"}},
      {"noesn", {Kind::ignored, ""}},
  };
  return table;
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  return fmt::format("{}", fmt::join(items, separator));
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

bool is_address(std::string_view text) { return values::check_address(text).empty(); }

std::string quoted_id(const HostConfig& host, const std::string& id, const char* what) {
  if (auto why = check_ipsec_id(id); !why.empty()) {
    throw RenderError(fmt::format("{} {}: '{}' cannot be written for libreswan: {}",
                                  host.side == Side::initiator ? "initiator" : "responder", what, id, why));
  }
  return "\"" + libreswan_id(id) + "\"";
}

// One traffic selector list as leftsubnet=/rightsubnet=; "dynamic" is the
// host's own address, which pluto uses when no subnet is given.
std::string subnet_of(const HostConfig& host, const std::vector<std::string>& ts, const char* what) {
  if (ts.size() != 1) {
    throw RenderError(fmt::format("{} {}: libreswan takes one subnet per connection, got {}",
                                  host.side == Side::initiator ? "initiator" : "responder", what, ts.size()));
  }
  if (ts.front() == "dynamic") return {};
  const std::string& subnet = ts.front();
  if (subnet.find('/') != std::string::npos) return subnet;
  return subnet + (subnet.find(':') != std::string::npos ? "/128" : "/32");
}

std::string proposals(const std::vector<std::string>& list, bool& any_dh) {
  std::vector<std::string> out;
  for (const auto& proposal : list) {
    const auto rendered = libreswan_proposal(proposal);
    any_dh = any_dh || rendered.has_dh;
    out.push_back(rendered.text);
  }
  return join(out, ",");
}

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

KeyName own_key(Side side) { return side == Side::initiator ? KeyName::initiator : KeyName::responder; }
KeyName peer_key(Side side) { return side == Side::initiator ? KeyName::responder : KeyName::initiator; }

std::string rsasigkey(const HostConfig& host, const std::string& pem, const char* whose) {
  try {
    return libreswan_rsasigkey(pem);
  } catch (const KeyFormatError& e) {
    throw RenderError(fmt::format("{}: {} public key: {}", host.side == Side::initiator ? "initiator" : "responder",
                                  whose, e.what()));
  }
}

// An IPv4 pool ADDRESS/PREFIX as libreswan's FIRST-LAST range of its host
// addresses (network and broadcast address left out, as charon does); an
// IPv6 pool stays a CIDR, which libreswan takes as it is.
std::string address_pool(const HostConfig& host) {
  const auto slash = host.pool.find('/');
  const std::string address = host.pool.substr(0, slash);
  in_addr in{};
  if (slash == std::string::npos || inet_pton(AF_INET, address.c_str(), &in) != 1) {
    if (slash != std::string::npos && host.pool.find(':') != std::string::npos) return host.pool;
    throw RenderError(fmt::format("responder pool: '{}' is not an IPv4 or IPv6 subnet", host.pool));
  }
  int prefix = -1;
  try {
    prefix = std::stoi(host.pool.substr(slash + 1));
  } catch (const std::exception&) {
  }
  if (prefix < 0 || prefix > 30) {
    throw RenderError(fmt::format("responder pool: '{}' needs a prefix of 0-30 for libreswan", host.pool));
  }
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  const std::uint32_t network = ntohl(in.s_addr) & mask;
  const auto text = [](std::uint32_t value) {
    in_addr a{htonl(value)};
    char buffer[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &a, buffer, sizeof buffer);
    return std::string(buffer);
  };
  return text(network + 1) + "-" + text((network | ~mask) - 1);
}

// The XAuth user name goes unquoted into ipsec.secrets (@NAME), into
// leftusername= and into the passwd file's ':'-separated fields.
void check_user_name(const HostConfig& host) {
  const auto& name = host.user_name;
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("._-").find(c) != std::string_view::npos);
  }
  if (host.user_password.empty()) {
    throw RenderError(fmt::format("{}: an empty XAuth password cannot be written for libreswan",
                                  host.side == Side::initiator ? "initiator" : "responder"));
  }
  if (!ok) {
    throw RenderError(fmt::format("{}: XAuth user name '{}' cannot be written for libreswan (letters, digits and ._- only)",
                                  host.side == Side::initiator ? "initiator" : "responder", name));
  }
}

// signature_hash -> the one RFC 7427 RSA method libreswan 4.10 offers for it.
std::string rsa_authby(const HostConfig& host) {
  if (host.signature_hash.empty() || host.ike_version != 2) return "rsasig";
  if (host.signature_hash == "sha256") return "rsa-sha2_256";
  if (host.signature_hash == "sha384") return "rsa-sha2_384";
  if (host.signature_hash == "sha512") return "rsa-sha2_512";
  throw RenderError(fmt::format("{}: signature_hash '{}' has no libreswan equivalent",
                                host.side == Side::initiator ? "initiator" : "responder", host.signature_hash));
}

}  // namespace

std::string xauth_passwd_line(std::string_view user_name, std::string_view password, std::string_view connection) {
  // SHA-512 crypt with a fixed lab salt: the file is the same on every run
  // and the password itself is never written anywhere.
  crypt_data data{};
  const std::string clear(password);
  const char* hashed = crypt_r(clear.c_str(), "$6$ikelabxauth$", &data);
  if (hashed == nullptr || hashed[0] != '$') throw RenderError("XAuth password: crypt(3) failed");
  return fmt::format("{}:{}:{}\n", user_name, hashed, connection);
}

std::string check_ipsec_id(std::string_view id) {
  if (id.empty()) return "it is empty";
  if (id.size() > 255) return "it is longer than 255 characters";
  if (id.front() == '%') return "a leading '%' is a libreswan keyword";
  if (id.front() == '@') return "a leading '@' is libreswan syntax (write the plain name)";
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" .,=@_:+-/").find(c) != std::string_view::npos;
    if (!ok) return fmt::format("character '{}' is not allowed (letters, digits, space and .,=@_:+-/ only)", c);
  }
  return {};
}

std::string libreswan_id(std::string_view id) {
  if (is_address(id)) return std::string(id);
  if (id.find('=') != std::string_view::npos) return std::string(id);  // a DN
  if (id.find('@') != std::string_view::npos) return std::string(id);  // user@host
  return "@" + std::string(id);
}

LibreswanProposal libreswan_proposal(std::string_view strongswan_proposal) {
  std::vector<std::string> encryption, integrity, dh;
  bool aead = false;
  std::string_view rest = strongswan_proposal;
  while (!rest.empty()) {
    const auto dash = rest.find('-');
    const std::string_view word = rest.substr(0, dash);
    rest = dash == std::string_view::npos ? std::string_view{} : rest.substr(dash + 1);
    const auto found = algorithms().find(word);
    if (found == algorithms().end()) {
      throw RenderError(fmt::format("proposal '{}': '{}' has no libreswan equivalent in the lab", strongswan_proposal, word));
    }
    switch (found->second.kind) {
      case Kind::aead: aead = true; [[fallthrough]];
      case Kind::encryption: add_unique(encryption, found->second.libreswan); break;
      case Kind::integrity: add_unique(integrity, found->second.libreswan); break;
      case Kind::dh: add_unique(dh, found->second.libreswan); break;
      case Kind::ignored: break;
    }
  }
  if (encryption.empty()) {
    throw RenderError(fmt::format("proposal '{}' names no encryption algorithm", strongswan_proposal));
  }
  if (integrity.empty() && !aead) {
    throw RenderError(fmt::format("proposal '{}' names no integrity algorithm", strongswan_proposal));
  }
  LibreswanProposal out;
  out.text = join(encryption, "+");
  if (!integrity.empty()) out.text += "-" + join(integrity, "+");
  if (!dh.empty()) out.text += "-" + join(dh, "+");
  out.has_dh = !dh.empty();
  return out;
}

RenderedPluto render_ipsec_conf(const HostConfig& host, const Credentials& credentials) {
  // libreswan 4.10 has no EAP-MD5 (its only EAP method is EAP-TLS, ipsec.conf(5)
  // leftautheap=); the lab's EAP scenarios cannot run with a pluto peer.
  if (host.user_auth == UserAuth::eap) {
    throw RenderError(fmt::format("{}: user_auth: eap cannot be rendered for libreswan: libreswan 4.10 has no EAP-MD5",
                                  host.side == Side::initiator ? "initiator" : "responder"));
  }
  const bool xauth = host.user_auth == UserAuth::xauth;
  if (xauth) check_user_name(host);

  const bool initiator = host.side == Side::initiator;
  const bool pool = !host.pool.empty();
  RenderedPluto out;
  std::string conf;
  auto line = [&](std::string_view key, std::string_view value) { conf += fmt::format("\t{}={}\n", key, value); };

  conf += fmt::format("# rendered by ikelab: {}, IKEv{}, libreswan 4.10\n", initiator ? "initiator" : "responder",
                      host.ike_version);
  conf += "config setup\n";
  line("ikev1-policy", "accept");  // 4.10 drops IKEv1 by default
  line("dnssec-enable", "no");
  conf += "\n";
  conf += fmt::format("conn {}\n", connection_name);
  line("left", host.local_address);
  line("right", host.remote_address);
  line("leftid", quoted_id(host, host.local_id, "local_id"));
  line("rightid", quoted_id(host, host.remote_id, "remote_id"));
  if (auto subnet = subnet_of(host, host.local_ts, "local_ts"); !subnet.empty()) line("leftsubnet", subnet);
  // With an address pool the client's side is the address it is given:
  // libreswan forbids rightsubnet= beside rightaddresspool=.
  if (pool) {
    line("rightaddresspool", address_pool(host));
    line("leftmodecfgserver", "yes");
    line("rightmodecfgclient", "yes");
  } else if (auto subnet = subnet_of(host, host.remote_ts, "remote_ts"); !subnet.empty()) {
    line("rightsubnet", subnet);
  }
  if (host.request_virtual_ip) {
    line("leftmodecfgclient", "yes");
    line("rightmodecfgserver", "yes");
    // IKEv2: without a subnet pluto proposes its own address as TSi, which a
    // pool's responder refuses; any address, narrowed to the lease, fits.
    if (host.ike_version == 2) {
      line("leftsubnet", "0.0.0.0/0");
      line("narrowing", "yes");
    }
  }
  // charon's IKEv1 Mode Config client pulls its address (swanctl's pull = yes).
  if ((pool || host.request_virtual_ip) && host.ike_version == 1) line("modecfgpull", "yes");
  if (xauth && initiator) {
    line("leftxauthclient", "yes");
    line("rightxauthserver", "yes");
    line("leftusername", host.user_name);
  } else if (xauth) {
    line("leftxauthserver", "yes");
    line("rightxauthclient", "yes");
    line("xauthby", "file");  // ipsec.d/passwd (xauth_passwd_line)
  }
  line("ikev2", host.ike_version == 2 ? "yes" : "no");
  if (host.aggressive) line("aggressive", "yes");
  bool ike_dh = false, esp_dh = false;
  const bool default_ike = host.ike_proposals == std::vector<std::string>{"default"};
  const bool default_esp = host.esp_proposals == std::vector<std::string>{"default"};
  if (!default_ike) line("ike", proposals(host.ike_proposals, ike_dh));
  if (!default_esp) line("esp", proposals(host.esp_proposals, esp_dh));
  // Like charon: PFS exactly when the ESP proposals name a DH group.
  line("pfs", default_esp || esp_dh ? "yes" : "no");
  // Raw RSA keys: the signing key's private half goes into NSS (pluto_nss.hpp).
  const KeyName signing = host.credential == OwnCredential::other_key ? KeyName::other : own_key(host.side);
  if (host.auth == AuthMethod::psk) {
    line("authby", "secret");
  } else if (host.auth == AuthMethod::pubkey) {
    const KeyName trusted = host.peer_key == PeerKey::other ? KeyName::other : peer_key(host.side);
    line("authby", rsa_authby(host));
    line("leftrsasigkey", rsasigkey(host, credentials.public_key(signing), "own"));
    line("rightrsasigkey", rsasigkey(host, credentials.public_key(trusted), "peer"));
  } else {
    line("authby", rsa_authby(host));
    line("leftcert", pluto_files::host_nickname);
    line("leftsendcert", "always");
    // Trust the issuer of the own certificate (the lab CA) for the peer; this
    // also makes pluto send a CERTREQ, without which charon (send_cert =
    // ifasked) sends no certificate.
    line("rightca", "%same");
  }
  if (host.dpd_delay > 0) {
    line("dpddelay", fmt::format("{}s", host.dpd_delay));
    line("dpdtimeout", fmt::format("{}s", host.dpd_timeout > 0 ? host.dpd_timeout : 3 * host.dpd_delay));
    line("dpdaction", "clear");
  }
  // Lab timers: a case decided by silence ends within seconds, one attempt only.
  // (retransmits after 0.5 s and 1 s more, "2 second timeout exceeded after
  // 2 retransmits" 0.5 s later, like charon's 2.2 s)
  line("retransmit-interval", "500");
  line("retransmit-timeout", "2s");
  line("keyingtries", "1");
  // The default updown is strongSwan's /usr/sbin/ipsec on these machines.
  line("leftupdown", "%disabled");
  line("auto", "ignore");  // the runner loads it with addconn
  out.ipsec_conf = std::move(conf);

  if (host.auth == AuthMethod::psk && !host.secret.empty()) {
    out.ipsec_secrets = fmt::format("{} {} : PSK {}\n", quoted_id(host, host.local_id, "local_id"),
                                    quoted_id(host, host.remote_id, "remote_id"), hex(host.secret));
  }
  if (xauth && initiator) {
    // "XAUTH is otherwise identical to PSK in syntax" (ipsec.secrets(5)): 0x hex
    // carries any password.
    out.ipsec_secrets += fmt::format("@{} : XAUTH {}\n", host.user_name, hex(host.user_password));
  } else if (xauth) {
    out.files.emplace_back(pluto_files::xauth_passwd,
                           xauth_passwd_line(host.user_name, host.user_password, connection_name));
  }
  if (host.auth == AuthMethod::pubkey && host.credential != OwnCredential::missing) {
    out.files.emplace_back(pluto_files::raw_key, credentials.private_key(signing));
  }
  if (host.auth == AuthMethod::cert) {
    const CertIssuer issuer = host.credential == OwnCredential::other_ca  ? CertIssuer::other_ca
                              : host.credential == OwnCredential::expired ? CertIssuer::lab_ca_expired
                                                                          : CertIssuer::lab_ca;
    out.files.emplace_back(pluto_files::ca_cert, credentials.ca_cert());
    out.files.emplace_back(pluto_files::host_cert, credentials.host_cert(own_key(host.side), issuer));
    if (host.credential != OwnCredential::missing) {
      out.files.emplace_back(pluto_files::host_key, credentials.private_key(own_key(host.side)));
    }
  }
  return out;
}

}  // namespace ikelab::harness
