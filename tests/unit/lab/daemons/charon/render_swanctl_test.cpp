// Rendering of swanctl.conf and strongswan.conf, including attempts to inject
// configuration through values (read back with the lexer rules of
// settings_lexer_for_tests.hpp).

#include <gtest/gtest.h>

#include "base/temp_dir.hpp"

#include <filesystem>
#include <set>
#include <string>

#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/daemons/charon/render_conf_writer.hpp"
#include "settings_lexer_for_tests.hpp"

namespace fs = std::filesystem;
using namespace ikelab::harness;
using ikelab::testing::parse_settings;

namespace {

const HostPaths paths{"/lab/case1/i/run", "/lab/case1/i/conf", "/lab/case1/i/log"};

const Credentials& shared_credentials() {
  static const ikelab::testing::TempDir dir("ikelab-render-test");
  static const Credentials credentials(dir.path());
  return credentials;
}

Scenario scenario_named(const std::string& name) {
  return load_scenario(fs::path(IKELAB_SCENARIOS_DIR) / (name + ".yaml"));
}

std::set<std::string> keys_of(const ikelab::testing::SettingsTree& tree) {
  std::set<std::string> keys;
  for (const auto& [k, v] : tree.values) keys.insert(k);
  for (const auto& s : tree.sections) keys.insert("[" + s + "]");
  return keys;
}

}  // namespace

TEST(QuoteSetting, EscapesOnlyWhatTheLexerTreatsSpecially) {
  EXPECT_EQ(quote_setting("plain"), "\"plain\"");
  EXPECT_EQ(quote_setting("a\"b"), R"("a\"b")");
  EXPECT_EQ(quote_setting("a\\b"), R"("a\\b")");
  EXPECT_EQ(quote_setting("a\nb\rc\td"), R"("a\nb\rc\td")");
  EXPECT_EQ(quote_setting("#{}="), "\"#{}=\"");
}

TEST(ConfWriter, RefusesPlainValuesThatNeedQuotingAndBadKeys) {
  ConfWriter w;
  EXPECT_THROW(w.plain("key", "a # b"), std::logic_error);
  EXPECT_THROW(w.plain("key", "x\ny"), std::logic_error);
  EXPECT_THROW(w.plain("key", "}"), std::logic_error);
  EXPECT_THROW(w.open("bad name"), std::logic_error);
  EXPECT_THROW(w.quoted("a=b", "x"), std::logic_error);
  w.open("ok");
  EXPECT_THROW((void)w.str(), std::logic_error);
  w.close();
  EXPECT_THROW(w.close(), std::logic_error);
}

TEST(RenderSwanctl, PskBaselineInitiator) {
  const Scenario s = scenario_named("baseline_psk");
  const HostConfig host = resolve_host(s, Side::initiator, 1);
  const auto tree = parse_settings(render_swanctl(host, paths, shared_credentials()).swanctl_conf);
  const auto& v = tree.values;
  EXPECT_EQ(v.at("connections.site1.version"), "1");
  EXPECT_EQ(v.at("connections.site1.local_addrs"), "192.0.2.1");
  EXPECT_EQ(v.at("connections.site1.remote_addrs"), "192.0.2.2");
  EXPECT_EQ(v.at("connections.site1.proposals"), base_ike_proposal);
  EXPECT_EQ(v.at("connections.site1.local.auth"), "psk");
  EXPECT_EQ(v.at("connections.site1.local.id"), "initiator.ikelab.test");
  EXPECT_EQ(v.at("connections.site1.remote.id"), "responder.ikelab.test");
  EXPECT_EQ(v.at("connections.site1.children.net1.local_ts"), "10.1.0.0/24");
  EXPECT_EQ(v.at("connections.site1.children.net1.remote_ts"), "10.2.0.0/24");
  EXPECT_EQ(v.at("connections.site1.children.net1.esp_proposals"), base_esp_proposal);
  EXPECT_EQ(v.at("secrets.ike-lab.secret"), base_secret);
  EXPECT_EQ(v.at("secrets.ike-lab.id-local"), "initiator.ikelab.test");
  EXPECT_EQ(v.count("connections.site1.aggressive"), 0u);
}

TEST(RenderSwanctl, ResponderMirrorsAddressesAndSubnets) {
  const HostConfig host = resolve_host(scenario_named("baseline_psk"), Side::responder, 2);
  const auto v = parse_settings(render_swanctl(host, paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(v.at("connections.site1.local_addrs"), "192.0.2.2");
  EXPECT_EQ(v.at("connections.site1.remote_addrs"), "192.0.2.1");
  EXPECT_EQ(v.at("connections.site1.local.id"), "responder.ikelab.test");
  EXPECT_EQ(v.at("connections.site1.children.net1.local_ts"), "10.2.0.0/24");
  EXPECT_EQ(v.at("connections.site1.children.net1.remote_ts"), "10.1.0.0/24");
}

TEST(RenderSwanctl, CertBaselineReferencesItsFilesByAbsolutePath) {
  const HostConfig host = resolve_host(scenario_named("baseline_cert"), Side::responder, 2);
  const auto rendered = render_swanctl(host, paths, shared_credentials());
  const auto v = parse_settings(rendered.swanctl_conf).values;
  EXPECT_EQ(v.at("connections.site1.local.auth"), "pubkey");
  EXPECT_EQ(v.at("connections.site1.local.certs"), "/lab/case1/i/conf/x509/responder.ikelab.test.crt");
  EXPECT_EQ(v.at("authorities.lab-ca.cacert"), "/lab/case1/i/conf/x509ca/lab-ca.crt");
  EXPECT_EQ(v.at("secrets.private-lab.file"), "/lab/case1/i/conf/private/responder.ikelab.test.key");
  EXPECT_EQ(v.count("secrets.ike-lab.secret"), 0u);
  std::set<std::string> files;
  for (const auto& [name, content] : rendered.files) {
    files.insert(name);
    EXPECT_NE(content.find("-----BEGIN"), std::string::npos) << name;
  }
  EXPECT_EQ(files, (std::set<std::string>{"x509/responder.ikelab.test.crt", "x509ca/lab-ca.crt",
                                          "private/responder.ikelab.test.key"}));
  EXPECT_EQ(rendered.files[0].second, shared_credentials().host_cert(KeyName::responder, CertIssuer::lab_ca));
}

// A cert host given `secret:` holds that PSK too, without authenticating with it.
TEST(RenderSwanctl, CertHostGivenASecretHoldsItButSignsWithItsCert) {
  Scenario s = scenario_named("baseline_cert");
  s.responder.secret = "held but unused";
  const auto v = parse_settings(render_swanctl(resolve_host(s, Side::responder, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(v.at("connections.site1.local.auth"), "pubkey");
  EXPECT_EQ(v.at("connections.site1.remote.auth"), "pubkey");
  EXPECT_EQ(v.at("secrets.ike-lab.secret"), "held but unused");
  EXPECT_EQ(v.at("secrets.private-lab.file"), "/lab/case1/i/conf/private/responder.ikelab.test.key");
}

TEST(RenderSwanctl, PubkeyWrongPeerKeyTrustsTheOtherKey) {
  Scenario s = scenario_named("baseline_pubkey");
  s.responder.peer_key = PeerKey::other;
  const auto rendered = render_swanctl(resolve_host(s, Side::responder, 1), paths, shared_credentials());
  const auto v = parse_settings(rendered.swanctl_conf).values;
  const std::string trusted = v.at("connections.site1.remote.pubkeys");
  EXPECT_EQ(trusted, "/lab/case1/i/conf/pubkey/initiator.ikelab.test.pub");
  for (const auto& [name, content] : rendered.files) {
    if (name == "pubkey/initiator.ikelab.test.pub") {
      EXPECT_EQ(content, shared_credentials().public_key(KeyName::other));
      EXPECT_NE(content, shared_credentials().public_key(KeyName::initiator));
    }
  }
}

TEST(RenderSwanctl, MissingCredentialLeavesOutSecretOrKey) {
  Scenario psk = scenario_named("baseline_psk");
  psk.responder.credential = OwnCredential::missing;
  auto v = parse_settings(render_swanctl(resolve_host(psk, Side::responder, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(v.count("secrets.ike-lab.secret"), 0u);
  Scenario cert = scenario_named("baseline_cert");
  cert.initiator.credential = OwnCredential::missing;
  v = parse_settings(render_swanctl(resolve_host(cert, Side::initiator, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(v.count("secrets.private-lab.file"), 0u);
  EXPECT_EQ(v.count("connections.site1.local.certs"), 1u);
}

TEST(RenderSwanctl, SignatureHashRestrictsOwnAndPeerSignatures) {
  Scenario s = scenario_named("baseline_pubkey");
  s.responder.signature_hash = "sha512";
  const auto v = parse_settings(render_swanctl(resolve_host(s, Side::responder, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(v.at("connections.site1.local.auth"), "pubkey-sha512");
  EXPECT_EQ(v.at("connections.site1.remote.auth"), "ike:pubkey-sha512");
  const auto i = parse_settings(render_swanctl(resolve_host(s, Side::initiator, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(i.at("connections.site1.remote.auth"), "pubkey");
}

TEST(RenderSwanctl, IkeVersionOtherFlipsTheVersion) {
  Scenario s = scenario_named("baseline_psk");
  s.responder.ike_version = 0;
  EXPECT_EQ(resolve_host(s, Side::responder, 1).ike_version, 2);
  EXPECT_EQ(resolve_host(s, Side::responder, 2).ike_version, 1);
  EXPECT_EQ(resolve_host(s, Side::initiator, 2).ike_version, 2);
}

TEST(RenderSwanctl, UserAuthRoundsAndVirtualIps) {
  Scenario s = scenario_named("baseline_psk");
  s.ike_versions = {1};
  s.user_auth = UserAuth::xauth;
  s.initiator.request_virtual_ip = true;
  s.responder.pool = "10.3.0.0/28";
  auto i = parse_settings(render_swanctl(resolve_host(s, Side::initiator, 1), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(i.at("connections.site1.local-user.auth"), "xauth");
  EXPECT_EQ(i.at("connections.site1.local-user.xauth_id"), base_user_name);
  EXPECT_EQ(i.at("connections.site1.vips"), "0.0.0.0");
  EXPECT_EQ(i.at("connections.site1.children.net1.local_ts"), "dynamic");
  EXPECT_EQ(i.at("secrets.xauth-user.secret"), base_user_password);
  auto r = parse_settings(render_swanctl(resolve_host(s, Side::responder, 1), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(r.at("connections.site1.remote-user.auth"), "xauth");
  EXPECT_EQ(r.at("connections.site1.pools"), "lab-pool");
  EXPECT_EQ(r.at("pools.lab-pool.addrs"), "10.3.0.0/28");
  EXPECT_EQ(r.at("connections.site1.children.net1.remote_ts"), "10.3.0.0/28");

  s.ike_versions = {2};
  s.user_auth = UserAuth::eap;
  i = parse_settings(render_swanctl(resolve_host(s, Side::initiator, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(i.at("connections.site1.local.auth"), "eap-md5");
  EXPECT_EQ(i.at("connections.site1.local.eap_id"), base_user_name);
  EXPECT_EQ(i.at("connections.site1.remote.auth"), "psk");
  r = parse_settings(render_swanctl(resolve_host(s, Side::responder, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(r.at("connections.site1.remote.auth"), "eap-md5");
  EXPECT_EQ(r.at("secrets.eap-user.id"), base_user_name);
  EXPECT_EQ(i.at("secrets.eap-user.secret"), base_user_password);

  // An EAP client's own credential is its EAP secret: `credential: missing` leaves it out
  // (the server keeps its own).
  s.initiator.credential = OwnCredential::missing;
  i = parse_settings(render_swanctl(resolve_host(s, Side::initiator, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(i.at("connections.site1.local.auth"), "eap-md5");
  EXPECT_EQ(i.count("secrets.eap-user.secret"), 0u);
  EXPECT_EQ(i.count("secrets.eap-user.id"), 0u);
  r = parse_settings(render_swanctl(resolve_host(s, Side::responder, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(r.at("secrets.eap-user.secret"), base_user_password);

  // eap_method: the server asks for that method (and loads its plugin), the client offers only it.
  s.initiator.credential = OwnCredential::valid;
  s.responder.eap_method = "mschapv2";
  r = parse_settings(render_swanctl(resolve_host(s, Side::responder, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(r.at("connections.site1.remote.auth"), "eap-mschapv2");
  i = parse_settings(render_swanctl(resolve_host(s, Side::initiator, 2), paths, shared_credentials()).swanctl_conf).values;
  EXPECT_EQ(i.at("connections.site1.local.auth"), "eap-md5");
}

// Values that try to close the section, start a new one, comment out the
// rest of the line or end the string early. Each must come back from the
// lexer as exactly the same bytes, with the same set of keys as a benign value.
TEST(RenderSwanctl, InjectionAttemptsStayInsideTheirValue) {
  const std::vector<std::string> attacks = {
      "evil\"\n}\nsecrets {\n ike-x {\n secret = pwned\n }\n}\n#",
      "x\" } } secrets { ike-x { secret = pwned } } connections { y { \"",
      "trailing backslash \\",
      "\\\" escaped quote then brace }",
      "# a comment",
      "tab\there and CR\r here",
      "include /etc/passwd",
      "a = b",
      "{",
      "\"\"\"",
  };
  const Scenario s = scenario_named("baseline_psk");
  HostConfig benign = resolve_host(s, Side::initiator, 2);
  const auto benign_keys = keys_of(parse_settings(render_swanctl(benign, paths, shared_credentials()).swanctl_conf));
  for (const auto& attack : attacks) {
    HostConfig host = benign;
    host.local_id = attack;
    host.remote_id = attack + "2";
    host.secret = attack + "3";
    const std::string text = render_swanctl(host, paths, shared_credentials()).swanctl_conf;
    ikelab::testing::SettingsTree tree;
    ASSERT_NO_THROW(tree = parse_settings(text)) << text;
    EXPECT_EQ(keys_of(tree), benign_keys) << text;
    // A raw CR is dropped by the lexer, so the renderer writes it as \r.
    EXPECT_EQ(tree.values.at("connections.site1.local.id"), attack);
    EXPECT_EQ(tree.values.at("connections.site1.remote.id"), attack + "2");
    EXPECT_EQ(tree.values.at("secrets.ike-lab.secret"), attack + "3");
    EXPECT_EQ(tree.values.at("secrets.ike-lab.id-local"), attack);
  }
}

TEST(RenderStrongswanConf, RecipeAndLogs) {
  const HostConfig host = resolve_host(scenario_named("baseline_psk"), Side::initiator, 2);
  const auto v = parse_settings(render_strongswan_conf(host, paths)).values;
  EXPECT_EQ(v.at("charon.load"),
            "random nonce openssl aes sha1 sha2 hmac pem pkcs1 pkcs8 x509 revocation constraints pubkey gmp "
            "curve25519 kdf kernel-libipsec kernel-netlink socket-default vici");
  EXPECT_EQ(v.at("charon.install_routes"), "no");
  EXPECT_EQ(v.at("charon.retransmit_tries"), "2");
  EXPECT_EQ(v.at("charon.retransmit_timeout"), "0.5");
  EXPECT_EQ(v.at("charon.retransmit_base"), "1.4");
  EXPECT_EQ(v.at("charon.plugins.vici.socket"), "unix:///lab/case1/i/run/charon.vici");
  EXPECT_EQ(v.at("charon.filelog.default-log.path"), "/lab/case1/i/log/charon.log");
  EXPECT_EQ(v.at("charon.filelog.default-log.default"), "1");
  EXPECT_EQ(v.count("charon.filelog.default-log.cfg"), 0u);
  EXPECT_EQ(v.at("charon.filelog.cfg2-log.path"), "/lab/case1/i/log/charon-cfg2.log");
  EXPECT_EQ(v.at("charon.filelog.cfg2-log.cfg"), "2");
  EXPECT_EQ(v.at("charon.filelog.cfg2-log.time_format"), "%b %e %T");
  EXPECT_EQ(v.count("charon.i_dont_care_about_security_and_use_aggressive_mode_psk"), 0u);
}

TEST(RenderStrongswanConf, PluginsFollowTheScenario) {
  Scenario s = scenario_named("baseline_psk");
  s.initiator.kernel_libipsec = false;
  s.initiator.aggressive_psk = true;
  s.user_auth = UserAuth::eap;
  auto v = parse_settings(render_strongswan_conf(resolve_host(s, Side::initiator, 2), paths)).values;
  EXPECT_EQ(v.at("charon.load").find("kernel-libipsec"), std::string::npos);
  EXPECT_NE(v.at("charon.load").find("kernel-netlink"), std::string::npos);
  EXPECT_NE(v.at("charon.load").find("eap-md5"), std::string::npos);
  EXPECT_EQ(v.at("charon.i_dont_care_about_security_and_use_aggressive_mode_psk"), "yes");
  v = parse_settings(render_strongswan_conf(resolve_host(s, Side::responder, 2), paths)).values;
  EXPECT_NE(v.at("charon.load").find("kernel-libipsec"), std::string::npos);
}

TEST(RenderStrongswanConf, OddPathsAreQuoted) {
  const HostPaths odd{"/tmp/a dir/\"run\"", "/tmp/conf", "/tmp/log #1 {x}"};
  const HostConfig host = resolve_host(scenario_named("baseline_psk"), Side::initiator, 2);
  const auto v = parse_settings(render_strongswan_conf(host, odd)).values;
  EXPECT_EQ(v.at("charon.plugins.vici.socket"), "unix:///tmp/a dir/\"run\"/charon.vici");
  EXPECT_EQ(v.at("charon.filelog.default-log.path"), "/tmp/log #1 {x}/charon.log");
}

TEST(RenderCase, FillsTheContract) {
  const Scenario s = scenario_named("baseline_pubkey");
  const HostPaths responder{"/lab/r/run", "/lab/r/conf", "/lab/r/log"};
  const CaseConfig c = render_case(s, 1, paths, responder, shared_credentials());
  EXPECT_EQ(c.scenario, "baseline_pubkey");
  EXPECT_EQ(c.ike_version, 1);
  EXPECT_EQ(c.connection, "site1");
  EXPECT_EQ(c.child, "net1");
  EXPECT_EQ(c.action, Action::initiate);
  EXPECT_TRUE(c.initiator.start_daemon);
  EXPECT_TRUE(c.responder.start_daemon);
  EXPECT_NE(c.responder.strongswan_conf.find("/lab/r/run/charon.vici"), std::string::npos);
  EXPECT_NE(c.initiator.swanctl_conf.find("version = 1"), std::string::npos);
  EXPECT_THROW(render_case(s, 3, paths, responder, shared_credentials()), ScenarioError);
}

TEST(RenderCase, AbsentDaemon) {
  Scenario s = scenario_named("baseline_psk");
  s.responder.start_daemon = false;
  EXPECT_FALSE(render_case(s, 2, paths, paths, shared_credentials()).responder.start_daemon);
}

// Every scenario of the project renders for every IKE version it runs, and
// each rendered file reads back with balanced sections.
TEST(RenderCase, EveryProjectScenarioRenders) {
  const auto scenarios = load_scenarios(IKELAB_SCENARIOS_DIR);
  prepare_credentials(scenarios, shared_credentials());
  const HostPaths responder{"/lab/r/run", "/lab/r/conf", "/lab/r/log"};
  for (const auto& s : scenarios) {
    for (int v : s.ike_versions) {
      const CaseConfig c = render_case(s, v, paths, responder, shared_credentials());
      for (const RenderedHost* host : {&c.initiator, &c.responder}) {
        if (host->implementation != Implementation::strongswan) continue;
        EXPECT_NO_THROW(parse_settings(host->swanctl_conf)) << s.name << " ike" << v;
        EXPECT_NO_THROW(parse_settings(host->strongswan_conf)) << s.name << " ike" << v;
        EXPECT_NE(host->swanctl_conf.find("connections {"), std::string::npos);
      }
    }
  }
}
