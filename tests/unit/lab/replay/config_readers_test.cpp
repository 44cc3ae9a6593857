// The readers of `ikelab replay` on real configs (tests/data/configs, from
// strongSwan's and libreswan's own test suites) and on one bad input per class.

#include <gtest/gtest.h>

#include <fstream>

#include "lab/replay/customer_config.hpp"
#include "lab/replay/ipsec_conf_reader.hpp"
#include "lab/replay/settings_reader.hpp"
#include "base/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace ikelab::replay;
using ikelab::harness::AuthMethod;

namespace {

const fs::path configs = IKELAB_CONFIGS_DIR;

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  fs::create_directories((dir / name).parent_path());
  std::ofstream(dir / name) << text;
  return dir / name;
}

// The error message of loading `text` as `name` in a fresh folder.
std::string error_of(const std::string& name, const std::string& text, const std::string& conn = "") {
  ikelab::testing::TempDir dir("replay-bad");
  try {
    load_customer_config(write(dir.path(), name, text), conn);
  } catch (const ReplayError& e) {
    std::string message = e.what();
    auto prefix = dir.path().string() + "/";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    return message;
  }
  return "no error";
}

}  // namespace

TEST(ReplayReaders, StrongswanIkev2SwanctlConf) {
  auto c = load_customer_config(configs / "strongswan-ikev2-net2net-psk/moon/swanctl.conf", "");
  EXPECT_EQ(c.kind, ConfigKind::swanctl);
  EXPECT_EQ(c.conn.name, "gw-gw");
  EXPECT_EQ(c.conn.ike_version, 2);
  EXPECT_EQ(c.conn.local_addrs, std::vector<std::string>{"192.168.0.1"});
  EXPECT_EQ(c.conn.remote_addrs, std::vector<std::string>{"192.168.0.2"});
  EXPECT_EQ(c.conn.local_id, "moon.strongswan.org");
  EXPECT_EQ(c.conn.remote_id, "sun.strongswan.org");
  EXPECT_EQ(c.conn.auth, AuthMethod::psk);
  EXPECT_EQ(c.conn.secret, "0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL");
  EXPECT_EQ(c.conn.ike_proposals, std::vector<std::string>{"aes128-sha256-x25519"});
  EXPECT_EQ(c.conn.esp_proposals, std::vector<std::string>{"aes128gcm128-x25519"});
  EXPECT_EQ(c.conn.local_ts, std::vector<std::string>{"10.1.0.0/16"});
  EXPECT_EQ(c.conn.remote_ts, std::vector<std::string>{"10.2.0.0/16"});
  // updown, rekey_* and reauth_time are listed, not silently dropped.
  bool updown_listed = false;
  for (const auto& n : c.not_replayed) updown_listed = updown_listed || n.setting == "updown";
  EXPECT_TRUE(updown_listed);
}

TEST(ReplayReaders, SwanctlPicksTheSecretOfBothIds) {
  // moon of ikev1/net2net-psk holds five secrets; the one naming both IDs wins.
  auto c = load_customer_config(configs / "strongswan-ikev1-net2net-psk/moon/swanctl.conf", "");
  EXPECT_EQ(c.conn.ike_version, 1);
  EXPECT_EQ(c.conn.secret, "0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL");
  EXPECT_EQ(c.conn.origins.at("secret").line, 45);  // ike-3, which names both IDs
}

TEST(ReplayReaders, SwanctlQuotingAndEscapes) {
  auto root = read_settings_text("secrets {\n ike-4 {\n  secret = 'My \"home\" is my \"castle\"!'\n }\n"
                                 " ike-5 { secret = \"a\\\"b#c\" # comment\n }\n}\n", "t.conf");
  // charon's settings_parser.y joins a value's parts (words, "strings") with one space.
  EXPECT_EQ(root.section("secrets")->section("ike-4")->setting("secret")->value, "'My home is my castle !'");
  EXPECT_EQ(root.section("secrets")->section("ike-5")->setting("secret")->value, "a\"b#c");
}

TEST(ReplayReaders, SwanctlIncludeIsRelativeToTheFile) {
  ikelab::testing::TempDir dir("replay-inc");
  write(dir.path(), "conf.d/gw.conf", "gw {\n remote_addrs = 198.51.100.9\n local { auth = psk }\n remote { auth = psk }\n"
                                      " children { net { local_ts = 10.9.0.0/24 } }\n}\n");
  auto file = write(dir.path(), "swanctl.conf", "connections {\n include conf.d/*.conf\n}\n");
  auto c = load_customer_config(dir.path(), "");
  EXPECT_EQ(c.main_file, file);
  EXPECT_EQ(c.conn.name, "gw");
  EXPECT_EQ(c.conn.remote_addrs, std::vector<std::string>{"198.51.100.9"});
  EXPECT_EQ(c.conn.origins.at("remote_addrs").file, (dir.path() / "conf.d/gw.conf").string());
  EXPECT_EQ(c.conn.origins.at("remote_addrs").line, 2);
}

TEST(ReplayReaders, StrongswanStarterIpsecConfWithDefaultAndSecrets) {
  auto c = load_customer_config(configs / "strongswan-ikev1-stroke-net2net-psk/moon", "");
  EXPECT_EQ(c.kind, ConfigKind::strongswan_ipsec_conf);
  EXPECT_EQ(c.conn.name, "net-net");
  EXPECT_EQ(c.conn.ike_version, 1);  // keyexchange=ikev1 from conn %default
  EXPECT_EQ(c.conn.auth, AuthMethod::psk);
  EXPECT_EQ(c.conn.local_addrs, std::vector<std::string>{"PH_IP_MOON"});
  EXPECT_EQ(c.conn.local_id, "moon.strongswan.org");
  EXPECT_EQ(c.conn.remote_id, "sun.strongswan.org");
  EXPECT_EQ(c.conn.secret, "0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL");
  EXPECT_EQ(c.conn.local_ts, std::vector<std::string>{"10.1.0.0/16"});
}

TEST(ReplayReaders, LibreswanIpsecConfWithAlso) {
  auto c = load_customer_config(configs / "libreswan-basic-pluto-01/west.conf", "");
  EXPECT_EQ(c.kind, ConfigKind::libreswan_ipsec_conf);
  EXPECT_EQ(c.conn.name, "westnet-eastnet");  // the -ipv4 conn is only also='d
  EXPECT_EQ(c.conn.ike_version, 1);
  EXPECT_EQ(c.conn.auth, AuthMethod::pubkey);
  EXPECT_EQ(c.conn.local_addrs, std::vector<std::string>{"192.1.2.45"});
  EXPECT_EQ(c.conn.remote_ts, std::vector<std::string>{"192.0.2.0/24"});
  EXPECT_EQ(c.conn.local_id, "west");
}

TEST(ReplayReaders, AlsoAndDefaultPrecedence) {
  auto conf = read_ipsec_conf_text("conn %default\n\tike=3des-sha1\n\tesp=3des-sha1\nconn a\n\talso=b\n\tike=aes128-sha256\n"
                                   "conn b\n\tesp=aes256-sha256\n\tike=aes256-sha1\n", "ipsec.conf");
  auto a = resolve_conn(conf, "a");
  EXPECT_EQ(a.at("ike").value, "aes128-sha256");  // own beats also=
  EXPECT_EQ(a.at("esp").value, "aes256-sha256");  // also= beats %default
}

// One test per class of bad input: each names file and line.
TEST(ReplayBadInput, SwanctlUnclosedSection) {
  EXPECT_EQ(error_of("swanctl.conf", "connections {\n gw {\n  version = 2\n"),
            "swanctl.conf:4: section 'gw' (opened at line 2) is not closed with '}'");
}
TEST(ReplayBadInput, SwanctlUnterminatedString) {
  EXPECT_EQ(error_of("swanctl.conf", "connections {\n gw {\n  remote_addrs = \"1.2.3.4\n }\n}\n"),
            "swanctl.conf:3: string not terminated (missing '\"')");
}
TEST(ReplayBadInput, SwanctlStrayBrace) {
  EXPECT_EQ(error_of("swanctl.conf", "connections {\n}\n}\n"), "swanctl.conf:3: '}' without an open section");
}
TEST(ReplayBadInput, SwanctlUnsupportedSettingIsNamed) {
  EXPECT_EQ(error_of("swanctl.conf", "connections {\n gw {\n  remote_addrs = 1.2.3.4\n  bogus = 1\n }\n}\n"),
            "swanctl.conf:4: connection setting 'bogus' is not supported by ikelab replay");
}
TEST(ReplayBadInput, SwanctlSeveralConnectionsNeedConn) {
  std::string text = "connections {\n a { remote_addrs = 1.2.3.4 }\n b { remote_addrs = 1.2.3.5 }\n}\n";
  EXPECT_EQ(error_of("swanctl.conf", text), "swanctl.conf: 2 connections (a, b); choose one with --conn NAME");
  EXPECT_EQ(error_of("swanctl.conf", text, "c"), "swanctl.conf: no connection 'c' (there are: a, b)");
}
TEST(ReplayBadInput, SwanctlBadProposal) {
  EXPECT_EQ(error_of("swanctl.conf", "connections {\n gw {\n  proposals = AES;128\n }\n}\n").substr(0, 31),
            "swanctl.conf:3: proposal 'AES;1");
}
TEST(ReplayBadInput, IpsecConfSettingOutsideSection) {
  EXPECT_EQ(error_of("ipsec.conf", "config setup\nconn a\n\tleft=1.2.3.4\nright=5.6.7.8\n"),
            "ipsec.conf:4: 'right=5.6.7.8' at the start of a line: expected 'conn NAME', 'config setup', 'ca NAME' or 'include' (settings are indented)");
}
TEST(ReplayBadInput, IpsecConfMissingAlsoTarget) {
  EXPECT_EQ(error_of("ipsec.conf", "conn a\n\tleft=1.2.3.4\n\talso=nowhere\n"),
            "ipsec.conf:3: also=nowhere: no conn 'nowhere' in the file");
}
TEST(ReplayBadInput, IpsecConfAlsoLoop) {
  EXPECT_EQ(error_of("ipsec.conf", "conn a\n\talso=b\nconn b\n\talso=a\n", "a"), "ipsec.conf:1: conn 'a': also= loop");
}
TEST(ReplayBadInput, IpsecConfUnquotedSpace) {
  EXPECT_EQ(error_of("ipsec.conf", "conn a\n\tleftid=C=CH, O=x\n"),
            "ipsec.conf:2: value 'C=CH, O=x' has a space; quote it (\"...\")");
}
TEST(ReplayBadInput, IpsecConfNotKeyValue) {
  EXPECT_EQ(error_of("ipsec.conf", "conn a\n\tleft 1.2.3.4\n"), "ipsec.conf:2: 'left 1.2.3.4' is not 'key=value'");
}
TEST(ReplayBadInput, IpsecSecretsWithoutColon) {
  ikelab::testing::TempDir dir("replay-secrets");
  write(dir.path(), "ipsec.secrets", "@a @b PSK \"x\"\n");
  write(dir.path(), "ipsec.conf", "conn a\n\tauthby=secret\n\tleft=1.2.3.4\n\tright=5.6.7.8\n");
  try {
    load_customer_config(dir.path() / "ipsec.conf", "");
    FAIL() << "no error";
  } catch (const ReplayError& e) {
    EXPECT_EQ(std::string(e.what()), (dir.path() / "ipsec.secrets").string() + ":1: expected 'IDS : TYPE SECRET' (no ' : ' found)");
  }
}
TEST(ReplayBadInput, NeitherKind) {
  EXPECT_EQ(error_of("vpn.txt", "hello\n").substr(0, 18), "vpn.txt:1: neither");
}
TEST(ReplayBadInput, ControlCharacterInSecret) {
  EXPECT_NE(error_of("swanctl.conf", "connections {\n gw { local { auth = psk\n id = a }\n remote { auth = psk\n id = b } }\n}\n"
                                     "secrets {\n ike { id = a\n secret = \"x\\ny\" }\n}\n").find("swanctl.conf:9: secret:"), std::string::npos);
}
