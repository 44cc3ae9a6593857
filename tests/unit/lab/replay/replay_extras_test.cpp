// ikelab replay's strongswan.conf settings, --redacted-secrets stand-ins,
// supplied certificates, --fix removing a setting the peer leaves at its
// default, and deciding IKEv2 wrong-ID candidates from a real lab log plus
// the configs (no root, no daemons).

#include <gtest/gtest.h>

#include <fstream>

#include "base/temp_dir.hpp"
#include "lab/replay/config_fix.hpp"
#include "lab/replay/customer_config.hpp"
#include "lab/replay/resolve_candidates.hpp"
#include "lab/replay/secret_standins.hpp"

namespace fs = std::filesystem;
using namespace ikelab::replay;

namespace {

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  fs::create_directories((dir / name).parent_path());
  std::ofstream(dir / name) << text;
  return dir / name;
}

const std::string psk_conn =
    "connections {\n gw {\n  version = 1\n  local_addrs = 203.0.113.7\n  remote_addrs = 198.51.100.23\n"
    "  local { auth = psk\n id = hq.example }\n  remote { auth = psk\n id = branch.example }\n"
    "  children { net { local_ts = 172.20.0.0/16\n remote_ts = 172.30.0.0/16 } }\n }\n}\n"
    "secrets {\n ike { id-1 = hq.example\n id-2 = branch.example\n secret = \"<redacted>\" }\n}\n";

std::string error_of(const fs::path& file) {
  try {
    load_customer_config(file, "");
  } catch (const ReplayError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(ReplayStrongswanConf, IkeSettingsAreTakenOthersListed) {
  ikelab::testing::TempDir dir("replay-sconf");
  write(dir.path(), "etc/swanctl/swanctl.conf", psk_conn);
  write(dir.path(), "etc/strongswan.conf",
        "charon {\n  i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n  make_before_break = yes\n"
        "  cisco_unity = yes\n  fragment_size = 1280\n  retransmit_tries = 5\n  retransmit_timeout = 4.0\n"
        "  load_modular = yes\n  filelog { x { path = /var/log/charon.log } }\n}\n");
  auto c = load_customer_config(dir.path() / "etc/swanctl", "");
  EXPECT_TRUE(c.conn.aggressive_psk);
  using Opt = std::pair<std::string, std::string>;
  const std::vector<Opt> want = {{"make_before_break", "yes"}, {"cisco_unity", "yes"}, {"fragment_size", "1280"},
                                 {"retransmit_tries", "3"},    {"retransmit_timeout", "2"}};
  for (const auto& o : want)
    EXPECT_NE(std::find(c.conn.charon_options.begin(), c.conn.charon_options.end(), o), c.conn.charon_options.end()) << o.first;
  // The capped timers say so, with file:line.
  // Each replayed setting is named; the capped timers say so, with file:line.
  ASSERT_EQ(c.notes.size(), 6u);
  EXPECT_NE(c.notes[0].find("strongswan.conf:2: charon.i_dont_care_about_security_and_use_aggressive_mode_psk = yes replayed"), std::string::npos) << c.notes[0];
  EXPECT_NE(c.notes[4].find("strongswan.conf:6: charon.retransmit_tries = 5 replayed as 3"), std::string::npos) << c.notes[4];
  // Plugins and logging are listed as not replayed, with a reason.
  std::vector<std::string> listed;
  for (const auto& n : c.not_replayed) listed.push_back(n.setting + ": " + n.reason);
  EXPECT_NE(std::find(listed.begin(), listed.end(), "charon.load_modular: plugins: the lab loads its own plugin set"), listed.end());
  EXPECT_NE(std::find_if(listed.begin(), listed.end(), [](const std::string& s) { return s.rfind("charon.filelog.x.path: logging", 0) == 0; }),
            listed.end());
}

TEST(ReplayStrongswanConf, BadValueNamesFileAndLine) {
  ikelab::testing::TempDir dir("replay-sconf-bad");
  write(dir.path(), "swanctl.conf", psk_conn);
  write(dir.path(), "strongswan.conf", "charon {\n  make_before_break = perhaps\n}\n");
  EXPECT_EQ(error_of(dir.path() / "swanctl.conf"),
            (dir.path() / "strongswan.conf").string() + ":2: charon.make_before_break = perhaps: expected yes or no");
  write(dir.path(), "strongswan.conf", "charon {\n  retransmit_tries = 2.5\n}\n");
  EXPECT_EQ(error_of(dir.path() / "swanctl.conf"),
            (dir.path() / "strongswan.conf").string() + ":2: charon.retransmit_tries = 2.5: expected a whole number");
}

TEST(ReplayRedactedSecrets, EqualValuesShareAStandInDifferentOnesDoNot) {
  ikelab::testing::TempDir dir("replay-redacted");
  auto a = load_customer_config(write(dir.path(), "a/swanctl.conf", psk_conn), "");
  auto b = load_customer_config(write(dir.path(), "b/swanctl.conf", psk_conn), "");
  std::string other = psk_conn;
  other.replace(other.find("<redacted>"), 10, "*****");
  auto c = load_customer_config(write(dir.path(), "c/swanctl.conf", other), "");
  SecretStandins standins;
  auto notes = standins.apply(a);
  standins.apply(b);
  standins.apply(c);
  EXPECT_EQ(a.conn.secret, b.conn.secret);
  EXPECT_NE(a.conn.secret, c.conn.secret);
  EXPECT_EQ(a.conn.secret.rfind("ikelab-standin-secret-", 0), 0u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].find("<redacted>"), std::string::npos);  // never the customer's value
  EXPECT_NE(notes[0].find("swanctl.conf:17: PSK replaced by the stand-in"), std::string::npos) << notes[0];
}

TEST(ReplaySuppliedCredentials, CertificateKeyAndCaAreRead) {
  ikelab::testing::TempDir dir("replay-certs");
  std::string conn = psk_conn;
  conn.replace(conn.find("local { auth = psk"), 18, "local { auth = pubkey\n certs = hq.crt");
  write(dir.path(), "swanctl.conf", conn);
  write(dir.path(), "x509/hq.crt", "CERT-BYTES");
  write(dir.path(), "private/hq.key", "KEY-BYTES");
  write(dir.path(), "x509ca/root.crt", "CA-BYTES");
  auto c = load_customer_config(dir.path() / "swanctl.conf", "");
  EXPECT_EQ(c.conn.auth, ikelab::harness::AuthMethod::cert);
  EXPECT_EQ(c.conn.supplied.cert, "CERT-BYTES");
  EXPECT_EQ(c.conn.supplied.key, "KEY-BYTES");
  EXPECT_EQ(c.conn.supplied.ca_certs, std::vector<std::string>{"CA-BYTES"});
  // Referenced but not supplied: a stand-in, and the notes say so.
  fs::remove(dir.path() / "x509/hq.crt");
  auto d = load_customer_config(dir.path() / "swanctl.conf", "");
  EXPECT_TRUE(d.conn.supplied.cert.empty());
  bool said = false;
  for (const auto& n : d.credential_notes) said = said || n.find("certs hq.crt: not supplied: replaced by a lab-issued stand-in") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(ReplayFix, SettingThePeerLeavesAtItsDefaultIsRemoved) {
  ikelab::testing::TempDir dir("replay-fix-remove");
  std::string aggressive = psk_conn;
  aggressive.replace(aggressive.find("  version = 1\n"), 14, "  version = 1\n  aggressive = yes\n");
  auto mine = load_customer_config(write(dir.path(), "hq/swanctl.conf", aggressive), "");
  auto peer = load_customer_config(write(dir.path(), "branch/swanctl.conf", psk_conn), "");
  auto fix = fix_config(mine, peer, "aggressive_mode_mismatch", dir.path() / "copy");
  ASSERT_TRUE(fix.automatic) << fix.why_not;
  ASSERT_EQ(fix.changes.size(), 1u);
  EXPECT_EQ(fix.changes[0].before, "  aggressive = yes");
  EXPECT_EQ(fix.changes[0].after, "");
  EXPECT_FALSE(load_customer_config(fix.fixed_config, "").conn.aggressive);
}

// The responder log of the lab's own IKEv2 wrong_id_initiator case
// (tests/data/lab, captured from charon 5.9.8): the logs alone fit both
// wrong-ID faults; the configs decide.
TEST(ReplayResolveCandidates, WrongIdDecidedByTheConfigs) {
  const fs::path lab = IKELAB_LAB_LOGS_DIR;
  const std::vector<fs::path> logs = {lab / "wrong_id_initiator-ike2/initiator.log", lab / "wrong_id_initiator-ike2/responder.log"};
  ikelab::diag::Diagnosis d;
  d.fault = "wrong_id_responder";
  d.candidates = {"wrong_id_initiator"};
  d.ike_version = 2;
  ikelab::harness::Scenario s;
  // As the case ran: the responder is responder.ikelab.test and expects initiator.ikelab.test; 'blubb' came.
  s.responder.local_id = "responder.ikelab.test";
  s.responder.remote_id = "initiator.ikelab.test";
  auto d1 = d;
  EXPECT_NE(resolve_with_configs(d1, s, logs), "");
  EXPECT_EQ(d1.fault, "wrong_id_initiator");
  EXPECT_EQ(d1.candidates, std::vector<std::string>{"wrong_id_responder"});
  // Had the responder been renamed (and expected 'blubb'), the same line means its own ID is wrong.
  s.responder.local_id = "vpn.renamed.test";
  s.responder.remote_id = "blubb";
  auto d2 = d;
  EXPECT_NE(resolve_with_configs(d2, s, logs), "");
  EXPECT_EQ(d2.fault, "wrong_id_responder");
  // Both or neither wrong: left as the diagnoser gave it.
  s.responder.remote_id = "someone.else";
  auto d3 = d;
  EXPECT_EQ(resolve_with_configs(d3, s, logs), "");
  EXPECT_EQ(d3.fault, "wrong_id_responder");
}

// More classes of bad input, each named with file and line.
namespace {
std::string error_in(const std::string& name, const std::string& text) {
  ikelab::testing::TempDir dir("replay-bad2");
  std::string message = error_of(write(dir.path(), name, text));
  const std::string prefix = dir.path().string() + "/";
  if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
  return message;
}
const std::string conn_head = "connections {\n gw {\n  remote_addrs = 198.51.100.23\n";
}  // namespace

TEST(ReplayBadInput, SwanctlIncludeLoop) {
  EXPECT_EQ(error_in("swanctl.conf", "connections {\n}\ninclude swanctl.conf\n"),
            "swanctl.conf:3: include 'swanctl.conf': more than 10 levels of includes (a loop?)");
}
TEST(ReplayBadInput, SwanctlBadDuration) {
  EXPECT_EQ(error_in("swanctl.conf", conn_head + "  dpd_delay = soon\n }\n}\n"), "swanctl.conf:4: 'soon' is not a duration (e.g. 30s)");
}
TEST(ReplayBadInput, SwanctlUnsupportedAuth) {
  EXPECT_EQ(error_in("swanctl.conf", conn_head + "  local {\n   auth = eap-tls\n  }\n }\n}\n"),
            "swanctl.conf:5: auth = eap-tls: only eap-md5 and eap-mschapv2 are replayed");
}
TEST(ReplayBadInput, SwanctlPortSelector) {
  EXPECT_EQ(error_in("swanctl.conf", conn_head + "  children {\n   c {\n    local_ts = 10.1.0.0/16[tcp/443]\n   }\n  }\n }\n}\n"),
            "swanctl.conf:6: local_ts '10.1.0.0/16[tcp/443]': protocol/port selectors are not supported by ikelab replay");
}
TEST(ReplayBadInput, SwanctlAh) {
  EXPECT_EQ(error_in("swanctl.conf", conn_head + "  children {\n   c {\n    ah_proposals = sha256\n   }\n  }\n }\n}\n"),
            "swanctl.conf:6: ah_proposals: AH is not supported by ikelab replay");
}
TEST(ReplayBadInput, IpsecConfBadKeyexchange) {
  EXPECT_EQ(error_in("ipsec.conf", "conn a\n\tleft=1.2.3.4\n\tright=5.6.7.8\n\tkeyexchange=ikev3\n"),
            "ipsec.conf:4: keyexchange=ikev3: expected ikev1, ikev2 or ike");
}
TEST(ReplayBadInput, FolderWithoutConfig) {
  ikelab::testing::TempDir dir("replay-empty");
  EXPECT_EQ(error_of(dir.path()), dir.path().string() + ": no swanctl.conf or ipsec.conf in this folder");
}

// The responder logs of the lab's own IKEv2 ike_version_mismatch and
// wrong_remote_gateway cases (tests/data/logs, charon 5.9.8) read alike; the
// configs decide.
TEST(ReplayResolveCandidates, VersionOrGatewayDecidedByTheConfigs) {
  const fs::path logs_dir = IKELAB_LOGS_DIR;
  for (const char* which : {"ike_version_mismatch", "wrong_remote_gateway"}) {
    const std::vector<fs::path> logs = {logs_dir / which / "ike2/initiator.log", logs_dir / which / "ike2/responder.log"};
    ikelab::diag::Diagnosis d;
    d.fault = "wrong_remote_gateway";
    d.candidates = {"ike_version_mismatch"};
    ikelab::harness::Scenario s;
    s.ike_versions = {2};
    s.initiator.ike_version = 1;
    s.responder.ike_version = 2;
    s.responder.remote_address = "192.0.2.1";
    auto versions = d;
    EXPECT_NE(resolve_with_configs(versions, s, logs), "") << which;
    EXPECT_EQ(versions.fault, "ike_version_mismatch") << which;
    s.initiator.ike_version = 2;
    s.responder.remote_address = "192.0.2.99";
    auto gateway = d;
    EXPECT_NE(resolve_with_configs(gateway, s, logs), "") << which;
    EXPECT_EQ(gateway.fault, "wrong_remote_gateway") << which;
    EXPECT_EQ(gateway.candidates, std::vector<std::string>{"ike_version_mismatch"}) << which;
    s.initiator.ike_version = 1;  // both wrong: left alone
    auto both = d;
    EXPECT_EQ(resolve_with_configs(both, s, logs), "") << which;
  }
}
