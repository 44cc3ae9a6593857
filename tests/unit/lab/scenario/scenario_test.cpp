// Scenario parser: valid files, every malformed kind (each error names file:line),
// and the scenarios/ folder itself.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>

#include "base/yaml_reader.hpp"
#include "lab/scenario/scenario.hpp"
#include "lab/scenario/scenario_values.hpp"

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

const fs::path data_dir = fs::path(IKELAB_TEST_DATA_DIR) / "scenarios";

// The error text for a file that must be rejected.
std::string error_of(const std::string& name) {
  try {
    load_scenario(data_dir / name);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << name << " was accepted";
  return {};
}

void expect_error(const std::string& name, int line, const std::string& words) {
  const std::string message = error_of(name);
  const std::string where = (data_dir / name).string() + ":" + std::to_string(line) + ":";
  EXPECT_EQ(message.rfind(where, 0), 0u) << "expected to start with " << where << "\n got: " << message;
  EXPECT_NE(message.find(words), std::string::npos) << "expected '" << words << "' in: " << message;
}

}  // namespace

TEST(ScenarioParser, ReadsEveryKey) {
  const Scenario s = load_scenario(data_dir / "valid_everything.yaml");
  EXPECT_EQ(s.name, "valid_everything");
  EXPECT_EQ(s.description, "Every key: IKEv1 XAuth against a pool with a wrong password");
  EXPECT_EQ(s.fault, "user_auth_failed");
  EXPECT_EQ(s.auth, AuthMethod::psk);
  EXPECT_EQ(s.ike_versions, std::vector<int>{1});
  EXPECT_EQ(s.action, Action::dpd);
  EXPECT_EQ(s.user_auth, UserAuth::xauth);
  EXPECT_EQ(s.deadline, std::chrono::seconds(45));
  const HostSettings& i = s.initiator;
  EXPECT_EQ(i.local_id, std::optional<std::string>(R"(ID with "quotes", {braces}, # and \ backslash)"));
  EXPECT_EQ(i.remote_id, std::optional<std::string>("gw.example"));
  EXPECT_EQ(i.secret, std::optional<std::string>("s3cret#}{"));
  EXPECT_EQ(i.ike_proposals, (std::vector<std::string>{"aes256-sha256-modp3072", "aes128-sha1-modp1024"}));
  EXPECT_EQ(i.esp_proposals, (std::vector<std::string>{"aes128gcm16-modp2048"}));
  EXPECT_EQ(i.local_ts, (std::vector<std::string>{"dynamic"}));
  EXPECT_EQ(i.remote_ts, (std::vector<std::string>{"10.2.0.0/24", "2001:db8::/32"}));
  EXPECT_EQ(i.remote_address, std::optional<std::string>("192.0.2.99"));
  EXPECT_EQ(i.auth, std::optional<AuthMethod>(AuthMethod::psk));
  EXPECT_EQ(i.ike_version, std::optional<int>(0));  // "other"
  EXPECT_EQ(i.aggressive, std::optional<bool>(true));
  EXPECT_TRUE(i.aggressive_psk);
  EXPECT_EQ(i.user_password, std::optional<std::string>("wrong-password"));
  EXPECT_TRUE(i.request_virtual_ip);
  EXPECT_FALSE(i.kernel_libipsec);
  EXPECT_EQ(i.dpd_delay, std::optional<int>(2));
  EXPECT_EQ(i.dpd_timeout, std::optional<int>(5));
  const HostSettings& r = s.responder;
  EXPECT_EQ(r.credential, OwnCredential::missing);
  EXPECT_EQ(r.pool, std::optional<std::string>("10.3.0.0/28"));
  EXPECT_FALSE(r.start_daemon);
  EXPECT_EQ(r.ike_version, std::optional<int>(1));
  EXPECT_TRUE(r.kernel_libipsec);
  EXPECT_EQ(r.drop_inbound_udp, (std::vector<int>{4500, 500}));
  EXPECT_TRUE(i.drop_inbound_udp.empty());
}

TEST(ScenarioParser, UnknownKeysNameFileAndLine) {
  expect_error("unknown_key.yaml", 5, "unknown key 'colour'");
  expect_error("unknown_host_key.yaml", 7, "unknown key 'remote_adress' in responder");
}

TEST(ScenarioParser, WrongTypesNameFileAndLine) {
  expect_error("wrong_type_ike.yaml", 4, "'ike' must be a list");
  expect_error("wrong_type_bool.yaml", 6, "'aggressive' must be true or false");
  expect_error("wrong_type_quoted_number.yaml", 7, "'dpd_delay' must be a whole number");
  expect_error("wrong_type_list_id.yaml", 6, "'local_id' must be a single value");
  expect_error("not_a_mapping.yaml", 1, "must be a mapping");
}

TEST(ScenarioParser, ImpossibleValuesNameFileAndLine) {
  expect_error("bad_address.yaml", 6, "'300.1.1.1' is not an IPv4 or IPv6 address");
  expect_error("bad_fault.yaml", 2, "'psk_wrong' is not a catalogue id");
  expect_error("bad_subnet.yaml", 8, "host bits");
  expect_error("newline_in_id.yaml", 6, "control character");
  expect_error("libreswan_id_quote.yaml", 7, "cannot be written for libreswan: character '\"'");
  expect_error("bad_proposal.yaml", 6, "lowercase algorithm keywords");
  expect_error("bad_ike_version.yaml", 4, "between 1 and 2, not 3");
  expect_error("out_of_range.yaml", 7, "between 1 and 300, not 0");
  expect_error("bad_action.yaml", 5, "'action' must be one of initiate | rekey_child | dpd");
  expect_error("inconsistent_credential.yaml", 6, "needs auth: cert");
  expect_error("multiline_description.yaml", 1, "one line");
  expect_error("pool_without_prefix.yaml", 6, "must be a subnet ADDRESS/PREFIX");
  expect_error("eap_with_ikev1.yaml", 5, "eap exists only in IKEv2");
  expect_error("eap_method_without_eap.yaml", 6, "eap_method needs user_auth: eap");
  expect_error("bad_eap_method.yaml", 7, "md5");
  expect_error("bad_udp_port.yaml", 6, "'drop_inbound_udp' must be between 1 and 65535, not 70000");
  expect_error("udp_port_not_a_number.yaml", 6, "'drop_inbound_udp' must be a whole number");
}

TEST(ScenarioParser, StructuralErrorsNameFileAndLine) {
  expect_error("yaml_syntax.yaml", 4, "");
  expect_error("duplicate_key.yaml", 5, "duplicate key 'auth'");
  expect_error("missing_description.yaml", 1, "missing key 'description'");
}

TEST(ScenarioParser, MissingFileIsAnError) {
  EXPECT_THROW(load_scenario(data_dir / "does_not_exist.yaml"), ScenarioError);
}

TEST(ScenarioParser, FileNameMustBeAPlainName) {
  const fs::path dir = fs::temp_directory_path() / ("ikelab-scen-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path bad = dir / "bad name;x.yaml";
  fs::copy_file(fs::path(IKELAB_SCENARIOS_DIR) / "baseline_psk.yaml", bad, fs::copy_options::overwrite_existing);
  EXPECT_THROW(load_scenario(bad), ScenarioError);
  fs::remove_all(dir);
}

// Every scenario of the project loads, and has an expected outcome for each
// IKE version it runs.
TEST(ScenarioFolder, EveryScenarioLoadsAndHasExpectations) {
  const auto scenarios = load_scenarios(IKELAB_SCENARIOS_DIR);
  ASSERT_GE(scenarios.size(), 3u);
  for (const auto& s : scenarios) {
    const fs::path expected = fs::path(IKELAB_EXPECTED_DIR) / (s.name + ".yaml");
    ASSERT_TRUE(fs::exists(expected)) << expected;
    const YAML::Node root = ikelab::base::load_yaml_file(expected);
    for (int v : s.ike_versions) {
      const std::string key = "ike" + std::to_string(v);
      ASSERT_TRUE(root[key].IsMap()) << expected << " has no " << key;
      const std::string outcome = root[key]["outcome"].as<std::string>("");
      EXPECT_TRUE(outcome == "established" || outcome == "phase1_failed" || outcome == "phase2_failed" ||
                  outcome == "error")
          << expected << " " << key << ": '" << outcome << "'";
    }
  }
}

TEST(ScenarioFolder, BaselinesCoverEveryAuthMethodAndBothVersions) {
  int found = 0;
  for (const auto& s : load_scenarios(IKELAB_SCENARIOS_DIR)) {
    if (s.fault != "none") continue;
    if (s.ike_versions == std::vector<int>{1, 2}) ++found;
  }
  EXPECT_GE(found, 3);
}

// What either daemon would read as a wildcard or as another type is refused
// where the scenario is read; what stays is typed alike for both daemons.
TEST(ScenarioValues, IdentitiesThatWouldNotStayLiteralAreRefused) {
  for (const char* bad : {"%any", "%any6", "@#41424344", "@@user", "@host", "#41", "*.example.net", "user@*",
                          "0.0.0.0", "::", "0::0", "CN=a/b", "CN=a+OU=b", "CN=*", "XX=y", "CN=", "CN=a,",
                          "C=CH, O=\"x\"", "CN=a, emailAddress=b"})
    EXPECT_FALSE(values::check_identity(bad).empty()) << bad;
  for (const char* good : {"initiator.ikelab.test", "blubb", "alice@example.net", "192.0.2.1", "2001:db8::1",
                           "C=CH, O=ikelab, CN=initiator.ikelab.test", "site \"A\" } } secrets { x = y }"})
    EXPECT_EQ(values::check_identity(good), "") << good;
  EXPECT_EQ(values::identity_type("C=CH, CN=x"), values::IdentityType::dn);
  EXPECT_EQ(values::identity_type("a@b"), values::IdentityType::email);
  EXPECT_EQ(values::identity_type("192.0.2.1"), values::IdentityType::address);
  EXPECT_EQ(values::identity_type("site \"A\" x = y"), values::IdentityType::fqdn);
}

// An escape sequence in a description would reach the terminal of `ikelab list`.
TEST(ScenarioParser, ATerminalEscapeInADescriptionIsRefused) {
  expect_error("escape_in_description.yaml", 1, "without control characters");
}

TEST(ScenarioParser, AWildcardIdIsRefusedWithFileAndLine) {
  expect_error("wildcard_id.yaml", 6, "'remote_id' starts with '%'");
}

TEST(ScenarioParser, UnsupportedDaemonsNameAKnownDaemonAndGiveTheReason) {
  expect_error("bad_unsupported_daemon.yaml", 6, "'openswan' is neither strongswan, libreswan nor a daemon build");
  const auto eap = load_scenario(fs::path(IKELAB_SCENARIOS_DIR) / "baseline_eap.yaml");
  const std::string reason = eap.unsupported_reason("strongswan-6.0.1", "libreswan-5.2");
  EXPECT_EQ(reason.rfind("libreswan-5.2: libreswan has no EAP-MD5", 0), 0u) << reason;
  EXPECT_EQ(eap.unsupported_reason("strongswan-5.9.8", "strongswan-6.0.1"), "");
}
