// Rendering of ipsec.conf/ipsec.secrets for libreswan (pluto): IDs, proposals,
// PFS, secrets as hex, refusal of what cannot be written safely.

#include <gtest/gtest.h>

#include "base/temp_dir.hpp"
#include <crypt.h>
#include <unistd.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/daemons/pluto/render_ipsec_conf.hpp"
#include "lab/daemons/pluto/rsa_public_key.hpp"

#include <boost/process.hpp>

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

const Credentials& shared_credentials() {
  static const ikelab::testing::TempDir dir("ikelab-render-ipsec-test");
  static const Credentials credentials(dir.path());
  return credentials;
}

HostConfig psk_host(Side side) {
  HostConfig h;
  h.side = side;
  h.implementation = Implementation::libreswan;
  h.ike_version = 1;
  h.local_address = side == Side::initiator ? "192.0.2.1" : "192.0.2.2";
  h.remote_address = side == Side::initiator ? "192.0.2.2" : "192.0.2.1";
  h.local_id = "initiator.ikelab.test";
  h.remote_id = "responder.ikelab.test";
  h.secret = "lab-shared-secret";
  h.ike_proposals = {"aes128-sha256-modp2048"};
  h.esp_proposals = {"aes128-sha256"};
  h.local_ts = {"10.1.0.0/24"};
  h.remote_ts = {"10.2.0.0/24"};
  return h;
}

HostConfig xauth_host(Side side, const std::string& user_name, const std::string& password) {
  HostConfig h = psk_host(side);
  h.user_auth = UserAuth::xauth;
  h.user_name = user_name;
  h.user_password = password;
  return h;
}

// The value of `key=` in the conn section ("" if absent).
std::string value_of(const std::string& conf, const std::string& key) {
  std::istringstream in(conf);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("\t" + key + "=", 0) == 0) return line.substr(key.size() + 2);
  }
  return {};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

fs::path scenario_file(const std::string& name, const std::string& text) {
  static const ikelab::testing::TempDir scenarios("ikelab-render-ipsec-scn");
  const fs::path& dir = scenarios.path();
  const fs::path file = dir / (name + ".yaml");
  std::ofstream(file) << text;
  return file;
}

}  // namespace

TEST(LibreswanId, PlainNamesBecomeFqdnOthersStay) {
  EXPECT_EQ(libreswan_id("responder.ikelab.test"), "@responder.ikelab.test");
  EXPECT_EQ(libreswan_id("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(libreswan_id("C=CH, O=ikelab, CN=a"), "C=CH, O=ikelab, CN=a");
  EXPECT_EQ(libreswan_id("user@example.test"), "user@example.test");
}

TEST(LibreswanId, RefusesWhatIpsecConfCannotHold) {
  EXPECT_EQ(check_ipsec_id("initiator.ikelab.test"), "");
  EXPECT_EQ(check_ipsec_id("C=CH, O=ikelab, CN=initiator.ikelab.test"), "");
  for (const char* bad : {"a\"b", "a\nb", "%any", "@host", "a#b", "a{b}", "a\\b", "a'b", ""}) {
    EXPECT_NE(check_ipsec_id(bad), "") << bad;
  }
}

TEST(LibreswanProposal, TranslatesStrongswanKeywords) {
  EXPECT_EQ(libreswan_proposal("aes128-sha256-modp2048").text, "aes128-sha2_256-modp2048");
  EXPECT_TRUE(libreswan_proposal("aes128-sha256-modp2048").has_dh);
  EXPECT_EQ(libreswan_proposal("aes128-sha256").text, "aes128-sha2_256");
  EXPECT_FALSE(libreswan_proposal("aes128-sha256").has_dh);
  EXPECT_EQ(libreswan_proposal("3des-md5-modp1536").text, "3des-md5-modp1536");
  EXPECT_EQ(libreswan_proposal("aes256gcm16-prfsha256-ecp256").text, "aes_gcm256-sha2_256-dh19");
  // strongSwan allows any order and several of a kind; libreswan wants ENC-INTEG-DH with '+'.
  EXPECT_EQ(libreswan_proposal("modp2048-aes128-aes256-sha1-sha256").text, "aes128+aes256-sha1+sha2_256-modp2048");
  EXPECT_THROW(libreswan_proposal("aes128-sha256-curve448"), RenderError);
  EXPECT_THROW(libreswan_proposal("sha256-modp2048"), RenderError);
  EXPECT_THROW(libreswan_proposal("aes128-modp2048"), RenderError);
}

TEST(RenderIpsecConf, PskBaseline) {
  const auto out = render_ipsec_conf(psk_host(Side::initiator), shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "left"), "192.0.2.1");
  EXPECT_EQ(value_of(out.ipsec_conf, "right"), "192.0.2.2");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftid"), "\"@initiator.ikelab.test\"");
  EXPECT_EQ(value_of(out.ipsec_conf, "rightid"), "\"@responder.ikelab.test\"");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftsubnet"), "10.1.0.0/24");
  EXPECT_EQ(value_of(out.ipsec_conf, "ikev2"), "no");
  EXPECT_EQ(value_of(out.ipsec_conf, "ike"), "aes128-sha2_256-modp2048");
  EXPECT_EQ(value_of(out.ipsec_conf, "esp"), "aes128-sha2_256");
  EXPECT_EQ(value_of(out.ipsec_conf, "pfs"), "no");
  EXPECT_EQ(value_of(out.ipsec_conf, "authby"), "secret");
  EXPECT_EQ(value_of(out.ipsec_conf, "ikev1-policy"), "accept");
  EXPECT_EQ(out.ipsec_secrets,
            "\"@initiator.ikelab.test\" \"@responder.ikelab.test\" : PSK 0x6c61622d7368617265642d736563726574\n");
  EXPECT_TRUE(out.files.empty());
}

TEST(RenderIpsecConf, PfsExactlyWhenEspNamesADhGroupAndDynamicMeansNoSubnet) {
  auto h = psk_host(Side::responder);
  h.ike_version = 2;
  h.esp_proposals = {"aes128-sha256-modp2048"};
  h.remote_ts = {"dynamic"};
  const auto out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "pfs"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "esp"), "aes128-sha2_256-modp2048");
  EXPECT_EQ(value_of(out.ipsec_conf, "ikev2"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "rightsubnet"), "");
  h.remote_ts = {"10.1.0.78"};
  EXPECT_EQ(value_of(render_ipsec_conf(h, shared_credentials()).ipsec_conf, "rightsubnet"), "10.1.0.78/32");
}

TEST(RenderIpsecConf, SecretBytesNeverReachTheFileAsText) {
  auto h = psk_host(Side::initiator);
  h.secret = "p\"s}k\\{#\n : PSK \"x\"";
  const auto out = render_ipsec_conf(h, shared_credentials());
  ASSERT_EQ(lines_of(out.ipsec_secrets).size(), 1u);
  EXPECT_EQ(out.ipsec_secrets.find("PSK \"x\""), std::string::npos);
  EXPECT_NE(out.ipsec_secrets.find(" : PSK 0x70"), std::string::npos);
}

TEST(RenderIpsecConf, MissingPskWritesNoSecret) {
  auto h = psk_host(Side::responder);
  h.secret.clear();
  EXPECT_EQ(render_ipsec_conf(h, shared_credentials()).ipsec_secrets, "");
}

TEST(RenderIpsecConf, HostileIdsAreRefusedNotWritten) {
  auto h = psk_host(Side::initiator);
  h.local_id = "site \"A\"\n\trightsubnet=0.0.0.0/0";
  EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError);
  h = psk_host(Side::initiator);
  h.remote_id = "%any";
  EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError);
}

TEST(RenderIpsecConf, RefusesWhatItCannotExpress) {
  auto h = psk_host(Side::initiator);
  h.ike_version = 2;
  h.user_auth = UserAuth::eap;  // libreswan 4.10 has no EAP-MD5
  h.user_name = "labuser";
  h.user_password = "pw";
  EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError);
  h = psk_host(Side::initiator);
  h.local_ts = {"10.1.0.0/24", "10.3.0.0/24"};
  EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError);
  for (const char* name : {"lab:user", "lab user", "lab\nuser", "@lab", ""}) {
    h = xauth_host(Side::responder, name, "pw");
    EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError) << name;
  }
  h = xauth_host(Side::initiator, "labuser", "");
  EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError);
}

const std::string odd_password = "p\"w:d # \\x $6$ }{\n%any";

TEST(RenderIpsecConf, XauthClientPasswordGoesToSecretsAsHexOnly) {
  const auto h = xauth_host(Side::initiator, "labuser", odd_password);
  const auto out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "leftxauthclient"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "rightxauthserver"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftusername"), "labuser");
  std::string hex = "0x";
  for (unsigned char c : odd_password) hex += fmt::format("{:02x}", c);
  EXPECT_NE(out.ipsec_secrets.find("@labuser : XAUTH " + hex + "\n"), std::string::npos) << out.ipsec_secrets;
  for (const auto& text : {out.ipsec_conf, out.ipsec_secrets}) {
    EXPECT_EQ(text.find("p\"w:d"), std::string::npos);
  }
  for (const auto& [name, content] : out.files) EXPECT_EQ(content.find("p\"w:d"), std::string::npos) << name;
}

TEST(RenderIpsecConf, XauthServerGetsAPasswdFileWithACryptHash) {
  const auto h = xauth_host(Side::responder, "labuser", odd_password);
  const auto out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "leftxauthserver"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "rightxauthclient"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "xauthby"), "file");
  std::string passwd;
  for (const auto& [name, content] : out.files)
    if (name == pluto_files::xauth_passwd) passwd = content;
  ASSERT_FALSE(passwd.empty());
  // user:hash:connection, one line, the hash checks against the password.
  ASSERT_EQ(passwd.rfind("labuser:$6$", 0), 0u) << passwd;
  ASSERT_EQ(passwd.back(), '\n');
  EXPECT_EQ(std::count(passwd.begin(), passwd.end(), '\n'), 1);
  const auto first = passwd.find(':');
  const auto last = passwd.rfind(':');
  EXPECT_EQ(passwd.substr(last + 1), std::string(connection_name) + "\n");
  const std::string hash = passwd.substr(first + 1, last - first - 1);
  crypt_data data{};
  EXPECT_EQ(std::string(crypt_r(odd_password.c_str(), hash.c_str(), &data)), hash);
  crypt_data other{};
  EXPECT_NE(std::string(crypt_r("wrong-password", hash.c_str(), &other)), hash);
  EXPECT_EQ(passwd.find("p\"w"), std::string::npos);
  EXPECT_TRUE(out.ipsec_secrets.find("XAUTH") == std::string::npos);
}

TEST(RenderIpsecConf, AddressPoolIsARangeAndReplacesTheClientSubnet) {
  auto h = psk_host(Side::responder);
  h.ike_version = 2;
  h.pool = "10.3.0.0/28";
  h.remote_ts = {"10.3.0.0/28"};
  auto out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "rightaddresspool"), "10.3.0.1-10.3.0.14");
  EXPECT_EQ(value_of(out.ipsec_conf, "rightsubnet"), "");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftmodecfgserver"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "modecfgpull"), "");
  h.ike_version = 1;
  out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "modecfgpull"), "yes");
  h.pool = "10.3.0.0/31";
  EXPECT_THROW(render_ipsec_conf(h, shared_credentials()), RenderError);

  auto c = psk_host(Side::initiator);
  c.ike_version = 2;
  c.request_virtual_ip = true;
  c.local_ts = {"dynamic"};
  out = render_ipsec_conf(c, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "leftmodecfgclient"), "yes");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftsubnet"), "0.0.0.0/0");
  EXPECT_EQ(value_of(out.ipsec_conf, "narrowing"), "yes");
}

TEST(RenderIpsecConf, SignatureHashIsOneRfc7427MethodUnderIkev2) {
  auto h = psk_host(Side::initiator);
  h.auth = AuthMethod::pubkey;
  h.secret.clear();
  h.ike_version = 2;
  h.signature_hash = "sha512";
  EXPECT_EQ(value_of(render_ipsec_conf(h, shared_credentials()).ipsec_conf, "authby"), "rsa-sha2_512");
  h.signature_hash = "sha256";
  EXPECT_EQ(value_of(render_ipsec_conf(h, shared_credentials()).ipsec_conf, "authby"), "rsa-sha2_256");
  h.signature_hash.clear();
  EXPECT_EQ(value_of(render_ipsec_conf(h, shared_credentials()).ipsec_conf, "authby"), "rsasig");
}

TEST(RenderIpsecConf, CertificatesGoToTheNssImportFiles) {
  auto h = psk_host(Side::responder);
  h.auth = AuthMethod::cert;
  h.secret.clear();
  auto out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "authby"), "rsasig");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftcert"), pluto_files::host_nickname);
  ASSERT_EQ(out.files.size(), 3u);
  EXPECT_EQ(out.files[0].first, pluto_files::ca_cert);
  EXPECT_EQ(out.files[1].first, pluto_files::host_cert);
  EXPECT_EQ(out.files[2].first, pluto_files::host_key);
  EXPECT_NE(out.files[2].second.find("PRIVATE KEY"), std::string::npos);
  h.credential = OwnCredential::missing;
  out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(out.files.size(), 2u);  // certificate, but no private key
}

TEST(RenderCase, ScenarioChoosesTheImplementationPerSide) {
  const auto file = scenario_file("mixed_pair", R"(description: "charon initiator, pluto responder"
fault: none
auth: psk
ike: [1, 2]
responder:
  implementation: libreswan
)");
  const Scenario s = load_scenario(file);
  const HostPaths paths{"/lab/run", "/lab/conf", "/lab/log"};
  const CaseConfig c = render_case(s, 2, paths, paths, shared_credentials());
  EXPECT_EQ(c.initiator.implementation, Implementation::strongswan);
  EXPECT_NE(c.initiator.swanctl_conf, "");
  EXPECT_EQ(c.responder.implementation, Implementation::libreswan);
  EXPECT_EQ(c.responder.swanctl_conf, "");
  EXPECT_EQ(value_of(c.responder.ipsec_conf, "ikev2"), "yes");
  EXPECT_EQ(value_of(c.responder.ipsec_conf, "leftid"), "\"@responder.ikelab.test\"");
}

TEST(RenderCase, UnknownImplementationIsAnErrorWithFileAndLine) {
  const auto file = scenario_file("bad_implementation", R"(description: "x"
fault: none
auth: psk
ike: [1]
responder:
  implementation: openswan
)");
  try {
    (void)load_scenario(file);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("bad_implementation.yaml:6"), std::string::npos) << e.what();
  }
}

TEST(RenderCase, WhatLibreswanCannotExpressNamesTheScenarioFile) {
  const auto file = scenario_file("pluto_eap", R"(description: "x"
fault: none
auth: cert
ike: [2]
user_auth: eap
responder:
  implementation: libreswan
)");
  const Scenario s = load_scenario(file);
  const HostPaths paths{"/lab/run", "/lab/conf", "/lab/log"};
  try {
    (void)render_case(s, 2, paths, paths, shared_credentials());
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("pluto_eap.yaml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("EAP-MD5"), std::string::npos) << e.what();
  }
}

TEST(RenderIpsecConf, RawKeysBecomeRsasigkeysAndTheSigningKeyGoesToNss) {
  auto h = psk_host(Side::initiator);
  h.auth = AuthMethod::pubkey;
  h.secret.clear();
  auto out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "authby"), "rsasig");
  EXPECT_EQ(value_of(out.ipsec_conf, "leftrsasigkey"),
            libreswan_rsasigkey(shared_credentials().public_key(KeyName::initiator)));
  EXPECT_EQ(value_of(out.ipsec_conf, "rightrsasigkey"),
            libreswan_rsasigkey(shared_credentials().public_key(KeyName::responder)));
  ASSERT_EQ(out.files.size(), 1u);
  EXPECT_EQ(out.files[0].first, pluto_files::raw_key);
  EXPECT_EQ(out.files[0].second, shared_credentials().private_key(KeyName::initiator));
  h.peer_key = PeerKey::other;
  out = render_ipsec_conf(h, shared_credentials());
  EXPECT_EQ(value_of(out.ipsec_conf, "rightrsasigkey"),
            libreswan_rsasigkey(shared_credentials().public_key(KeyName::other)));
}

// RFC 3110: exponent length, exponent, modulus; checked against openssl's reading of the key.
TEST(LibreswanRsasigkey, MatchesOpensslModulusAndExponent) {
  const std::string pem = shared_credentials().public_key(KeyName::responder);
  const fs::path file = fs::temp_directory_path() / ("ikelab-rsasigkey-" + std::to_string(::getpid()) + ".pem");
  std::ofstream(file) << pem;
  boost::process::ipstream out;
  boost::process::child openssl(boost::process::search_path("openssl"), "rsa", "-pubin", "-in", file.string(),
                                "-noout", "-modulus", boost::process::std_out > out,
                                boost::process::std_err > boost::process::null);
  std::string line;
  std::getline(out, line);
  openssl.wait();
  fs::remove(file);
  ASSERT_EQ(line.rfind("Modulus=", 0), 0u) << line;
  std::string modulus_hex = line.substr(8);
  for (char& c : modulus_hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  const std::string key = libreswan_rsasigkey(pem);
  ASSERT_EQ(key.rfind("0s", 0), 0u);
  // Decode the base64 part and compare.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> bytes;
  unsigned bits = 0;
  int count = 0;
  for (char c : key.substr(2)) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<unsigned>(alphabet.find(c));
    if ((count += 6) >= 8) {
      count -= 8;
      bytes.push_back(static_cast<unsigned char>(bits >> count));
    }
  }
  ASSERT_GT(bytes.size(), 4u);
  ASSERT_EQ(bytes[0], 3);  // 65537 is three bytes
  EXPECT_EQ(bytes[1], 0x01);
  EXPECT_EQ(bytes[2], 0x00);
  EXPECT_EQ(bytes[3], 0x01);
  std::string hex;
  for (size_t i = 4; i < bytes.size(); ++i) hex += fmt::format("{:02x}", bytes[i]);
  EXPECT_EQ(hex, modulus_hex);
  EXPECT_THROW(libreswan_rsasigkey("not a key"), KeyFormatError);
}
