#include "harness/render_ipsec_conf.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "harness/rsa_public_key.hpp"
#include "harness/scenario_values.hpp"

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

void refuse(const HostConfig& host, bool condition, const char* what) {
  if (condition) {
    throw RenderError(fmt::format("{}: {} is not rendered for libreswan (yet)",
                                  host.side == Side::initiator ? "initiator" : "responder", what));
  }
}

}  // namespace

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
  refuse(host, host.user_auth != UserAuth::none, "user_auth (XAuth/EAP)");
  refuse(host, host.request_virtual_ip, "virtual_ip: request");
  refuse(host, !host.pool.empty(), "pool");

  const bool initiator = host.side == Side::initiator;
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
  if (auto subnet = subnet_of(host, host.remote_ts, "remote_ts"); !subnet.empty()) line("rightsubnet", subnet);
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
    line("authby", "rsasig");
    line("leftrsasigkey", rsasigkey(host, credentials.public_key(signing), "own"));
    line("rightrsasigkey", rsasigkey(host, credentials.public_key(trusted), "peer"));
  } else {
    line("authby", "rsasig");
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
  line("retransmit-interval", "1000");
  line("retransmit-timeout", "4s");
  line("keyingtries", "1");
  // The default updown is strongSwan's /usr/sbin/ipsec on these machines.
  line("leftupdown", "%disabled");
  line("auto", "ignore");  // the runner loads it with addconn
  out.ipsec_conf = std::move(conf);

  if (host.auth == AuthMethod::psk && !host.secret.empty()) {
    out.ipsec_secrets = fmt::format("{} {} : PSK {}\n", quoted_id(host, host.local_id, "local_id"),
                                    quoted_id(host, host.remote_id, "remote_id"), hex(host.secret));
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
