// pluto's console output: what `ipsec whack --initiate` / `ipsec auto --up`
// prints (`002 "site1" #1: initiating IKEv1 Main Mode connection`), as
// customers paste it. The captures are real: the lab keeps a pluto
// initiator's whack output as `initiator/whack-initiate.txt`, and
// tests/data/logs/pluto/whack/ holds some of them with the same run's
// pluto.log (see the README there).
//
// Not part of diagnoser_format_test's "captured log in every format": whack
// output is not a rewrite of pluto's log. whack gets only the lines pluto
// sends to it, each with a reply code that the log does not carry, so it
// cannot be made from the log without inventing text; these tests use the
// real console captures instead.
#include "diagnoser/src/formats/line_format.hpp"
#include "test_support.hpp"

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kWhack = kData / "logs/pluto/whack";

// Lines as whack printed them (quoted from the captures named).
TEST(WhackLineFormat, ReplyCodeThenPlutoPrefix) {
  // pluto_init_baseline_psk/ike1, line 1
  auto info = parse_line(R"(002 "site1" #1: initiating IKEv1 Main Mode connection)");
  EXPECT_EQ(info.format, Format::whack);
  EXPECT_EQ(info.dialect, Dialect::pluto);
  EXPECT_EQ(info.pluto_conn, "\"site1\"");
  EXPECT_EQ(info.pluto_state, 1);
  EXPECT_EQ(info.time, -1);
  EXPECT_TRUE(info.has_prefix);
  EXPECT_EQ(info.message, "initiating IKEv1 Main Mode connection");

  // pluto_init_virtual_ip_no_pool/ike2, line 5: an instance and the peer address
  auto instance = parse_line(
      R"(003 "site1"[1] 192.0.2.2 #2: IKE_AUTH response rejected Child SA with INTERNAL_ADDRESS_FAILURE)");
  EXPECT_EQ(instance.format, Format::whack);
  EXPECT_EQ(instance.pluto_conn, "\"site1\"[1]");
  EXPECT_EQ(instance.pluto_peer, "192.0.2.2");
  EXPECT_EQ(instance.pluto_state, 2);
  EXPECT_EQ(instance.message, "IKE_AUTH response rejected Child SA with INTERNAL_ADDRESS_FAILURE");

  // pluto_init_kernel_sa_install_failed/ike1, line 9: the code, then pluto's ERROR: form
  auto error = parse_line(
      R"(003 ERROR: "site1" #2: netlink response for Add SA esp.806b29f2@192.0.2.2: Protocol not supported (errno 93))");
  EXPECT_EQ(error.format, Format::whack);
  EXPECT_EQ(error.pluto_state, 2);
  EXPECT_EQ(error.message, "netlink response for Add SA esp.806b29f2@192.0.2.2: Protocol not supported (errno 93)");

  // Three digits alone make no whack line.
  EXPECT_NE(parse_line("123 apples and pears").format, Format::whack);
  EXPECT_NE(parse_line("2026 \"quoted\" text").format, Format::whack);
}

// What each capture must give, written from reading its whack output (the
// decisive line is quoted). whack returns after the first attempt, so each
// capture holds one.
struct Expect {
  const char* capture;  // under tests/data/logs/pluto/whack/
  int ike_version;
  const char* fault;
  std::vector<std::string> candidates;  // must be among the candidates (the console cannot tell these apart)
};

const Expect kExpect[] = {
    // "IPsec SA established tunnel mode"
    {"pluto_init_baseline_psk/ike1", 1, "none", {}},
    // "initiator established Child SA using #1"
    {"pluto_init_baseline_psk/ike2", 2, "none", {}},
    // "XAUTH: Successfully Authenticated" ... "IPsec SA established tunnel mode"
    {"pluto_init_baseline_xauth/ike1", 1, "none", {}},
    // "malformed payload in packet" ... "Possible authentication failure: no acceptable
    // response to our first encrypted message": the responder's reply does not
    // decrypt; a strongSwan responder answers so also when it rejects the ID.
    {"pluto_init_psk_mismatch/ike1", 1, "psk_mismatch", {"wrong_id_initiator", "psk_not_found"}},
    // "IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED":
    // only the responder's log says why.
    {"pluto_init_psk_mismatch/ike2", 2, "psk_mismatch", {"wrong_id_initiator", "psk_not_found", "auth_method_mismatch"}},
    // "Peer ID '@blubb.ikelab.test' mismatched on first found connection and no better connection found"
    {"pluto_init_wrong_id_responder/ike1", 1, "wrong_id_responder", {}},
    // "authentication failed: using RSA with SHA1 for '@responder.ikelab.test' tried preloaded: *AwEAAa65Q"
    {"pluto_init_wrong_rsa_key_responder/ike1", 1, "wrong_rsa_key_responder", {}},
    // "authentication failed: using PKCS#1 1.5 RSA with SHA2_256 for '@responder.ikelab.test' ..."
    {"pluto_init_wrong_rsa_key_responder/ike2", 2, "wrong_rsa_key_responder", {}},
    // "SEC_ERROR_UNKNOWN_ISSUER: Peer's Certificate issuer is not recognized."
    {"pluto_init_untrusted_ca_responder/ike1", 1, "untrusted_ca", {}},
    // "received and ignored notification payload: NO_PROPOSAL_CHOSEN", then the first
    // message times out: a strongSwan responder answers NO_PROPOSAL_CHOSEN also when
    // it has no config for the addresses or the IKE version (LAB-NOTES).
    {"pluto_init_ike_proposal_mismatch/ike1", 1, "ike_proposal_mismatch", {"wrong_remote_gateway", "ike_version_mismatch"}},
    // "dropping unexpected IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN notification"
    {"pluto_init_ike_proposal_mismatch/ike2", 2, "ike_proposal_mismatch", {"wrong_remote_gateway", "ike_version_mismatch"}},
    // "No acceptable response to our first Quick Mode message: perhaps peer likes no proposal":
    // proposals, subnets or PFS, only the responder's log tells.
    {"pluto_init_esp_proposal_mismatch/ike1", 1, "esp_proposal_mismatch", {"ts_mismatch", "pfs_mismatch"}},
    // "IKE_AUTH response rejected Child SA with NO_PROPOSAL_CHOSEN"
    {"pluto_init_esp_proposal_mismatch/ike2", 2, "esp_proposal_mismatch", {}},
    // "IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE"
    {"pluto_init_ts_mismatch/ike2", 2, "ts_mismatch", {}},
    // "modecfg: Sending IP request (MODECFG_I1)", then nothing after "IKE SA established"
    {"pluto_init_virtual_ip_no_pool/ike1", 1, "virtual_ip_missing", {}},
    // "IKE_AUTH response rejected Child SA with INTERNAL_ADDRESS_FAILURE"
    {"pluto_init_virtual_ip_no_pool/ike2", 2, "virtual_ip_missing", {}},
    // "ERROR: asynchronous network error report ... Connection refused", then
    // "No response (or no acceptable response) to our first IKEv1 message"
    {"pluto_init_peer_unreachable/ike1", 1, "peer_unreachable", {}},
    // "unable to locate my private key for RSA Signature" (whack never returned: the
    // lab stopped it; what it printed is all there is)
    {"pluto_init_local_credential_missing/ike1", 1, "local_credential_missing", {}},
    // "encountered fatal error in state STATE_V2_PARENT_I1" 7 ms after sending
    // IKE_SA_INIT: the same lines as the pluto.log, which says no more.
    {"pluto_init_local_credential_missing/ike2", 2, "local_credential_missing", {}},
    // "Received Cisco XAUTH status: FAIL"
    {"pluto_init_user_auth_failed/ike1", 1, "user_auth_failed", {}},
    // "ERROR: "site1" #2: netlink response for Add SA ...: Protocol not supported (errno 93)"
    {"pluto_init_kernel_sa_install_failed/ike1", 1, "kernel_sa_install_failed", {}},
    {"pluto_init_kernel_sa_install_failed/ike2", 2, "kernel_sa_install_failed", {}},
    // whack returns once the Child SA is up ("initiator established Child SA using #1");
    // the lab's forced rekey, which fails, comes later and is only in pluto.log.
    {"pluto_init_rekey_failed/ike2", 2, "none", {}},
};

class WhackCapture : public ::testing::TestWithParam<Expect> {};

TEST_P(WhackCapture, NamesTheFaultItShows) {
  const auto& e = GetParam();
  const auto file = kWhack / e.capture / "whack-initiate.txt";
  const std::string text = read_file(file);
  ASSERT_FALSE(text.empty()) << file;
  auto ds = diagnose_files({file}, catalogue());
  ASSERT_EQ(ds.size(), 1u) << describe(ds);
  const auto& d = ds[0];
  EXPECT_EQ(d.fault, e.fault) << describe(ds);
  for (const auto& c : e.candidates)
    EXPECT_TRUE(std::find(d.candidates.begin(), d.candidates.end(), c) != d.candidates.end())
        << c << " missing: " << describe(ds);
  EXPECT_EQ(d.format, "whack");
  EXPECT_EQ(d.dialect, "pluto");
  EXPECT_EQ(d.role, Role::initiator);
  EXPECT_EQ(d.connection, "site1");
  EXPECT_EQ(d.ike_version, e.ike_version);
  // Evidence names whole console lines, each as printed.
  const auto lines = lines_of(text);
  ASSERT_FALSE(d.evidence.empty());
  for (const auto& ev : d.evidence) {
    ASSERT_GE(ev.line, 1u);
    ASSERT_LE(ev.line, lines.size());
    EXPECT_EQ(ev.text, lines[ev.line - 1]);
  }
}

// The console output names the same fault, with the same candidates, as the
// first attempt of the same run's pluto.log (pluto then revives the
// connection and tries again, which whack no longer shows); where the fault
// comes after whack returned (a forced rekey), the console shows success.
TEST_P(WhackCapture, SaysWhatThePlutoLogSays) {
  const auto& e = GetParam();
  auto console = diagnose_files({kWhack / e.capture / "whack-initiate.txt"}, catalogue());
  auto log = diagnose_files({kWhack / e.capture / "pluto.log"}, catalogue());
  ASSERT_EQ(console.size(), 1u) << describe(console);
  ASSERT_FALSE(log.empty());
  if (std::string(e.capture) == "pluto_init_rekey_failed/ike2") {
    // The log goes on past the initiate: the forced rekey fails there.
    EXPECT_EQ(console[0].fault, "none") << describe(console);
    EXPECT_EQ(log[0].fault, "rekey_failed") << describe(log);
    return;
  }
  EXPECT_EQ(console[0].fault, log[0].fault) << describe(console) << " vs " << describe(log);
  auto a = console[0].candidates, b = log[0].candidates;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b) << describe(console) << " vs " << describe(log);
  EXPECT_EQ(console[0].connection, log[0].connection);
  EXPECT_EQ(console[0].rule, log[0].rule);
}

// The same lines without whack's reply codes (a paste that left them out;
// libreswan/libreswan#1421 is about dropping them from some whack output) are
// pluto lines without a timestamp: the same diagnosis, format "pluto".
TEST_P(WhackCapture, WithoutReplyCodes) {
  const auto& e = GetParam();
  const std::string text = read_file(kWhack / e.capture / "whack-initiate.txt");
  std::string stripped;
  for (const auto& l : lines_of(text)) {
    ASSERT_GT(l.size(), 4u);
    ASSERT_TRUE(std::isdigit(static_cast<unsigned char>(l[0])) && l[3] == ' ') << l;
    stripped += l.substr(4) + "\n";
  }
  auto with = diagnose_text(text, "console", catalogue());
  auto without = diagnose_text(stripped, "console", catalogue());
  ASSERT_EQ(without.size(), with.size()) << describe(without);
  for (size_t i = 0; i < with.size(); ++i) {
    EXPECT_EQ(without[i].fault, with[i].fault);
    EXPECT_EQ(without[i].rule, with[i].rule);
    EXPECT_EQ(without[i].candidates, with[i].candidates);
    EXPECT_EQ(without[i].connection, with[i].connection);
    EXPECT_EQ(without[i].format, "pluto");
    ASSERT_EQ(without[i].evidence.size(), with[i].evidence.size());
    for (size_t k = 0; k < with[i].evidence.size(); ++k) EXPECT_EQ(without[i].evidence[k].line, with[i].evidence[k].line);
  }
}

INSTANTIATE_TEST_SUITE_P(Lab, WhackCapture, ::testing::ValuesIn(kExpect), [](const auto& param_info) {
  std::string name = param_info.param.capture;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

// The earlier hand-run captures (tests/data/logs/pluto/handrun, README there)
// with a pluto initiator kept whack's output as initiate-output.txt: each
// gives what the first attempt of its pluto-initiator.log gives.
TEST(WhackHandRun, SaysWhatThePlutoLogSays) {
  size_t checked = 0;
  for (const auto& dir : std::filesystem::directory_iterator(kData / "logs/pluto/handrun")) {
    const auto console_file = dir.path() / "initiate-output.txt";
    const auto log_file = dir.path() / "pluto-initiator.log";
    if (!std::filesystem::exists(console_file) || !std::filesystem::exists(log_file)) continue;
    ++checked;
    const auto name = dir.path().filename().string();
    auto console = diagnose_files({console_file}, catalogue());
    auto log = diagnose_files({log_file}, catalogue());
    ASSERT_EQ(console.size(), 1u) << name << ": " << describe(console);
    ASSERT_FALSE(log.empty()) << name;
    EXPECT_EQ(console[0].format, "whack") << name;
    EXPECT_EQ(console[0].connection, "lab") << name;
    EXPECT_EQ(console[0].fault, log[0].fault) << name << ": " << describe(console) << " vs " << describe(log);
    EXPECT_EQ(console[0].rule, log[0].rule) << name;
    auto a = console[0].candidates, b = log[0].candidates;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b) << name;
  }
  EXPECT_EQ(checked, 5u);  // pp-base-v1, pp-vipmissing-v1, pp-vipwrong-v1, rev-psk-v1, rev-psk-v2
}

// Every capture stored is in the table above.
TEST(WhackCapture, EveryCaptureIsChecked) {
  size_t stored = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(kWhack)) {
    if (f.path().filename() != "whack-initiate.txt") continue;
    ++stored;
    const auto rel = std::filesystem::relative(f.path().parent_path(), kWhack).string();
    EXPECT_TRUE(std::any_of(std::begin(kExpect), std::end(kExpect), [&](const Expect& e) { return rel == e.capture; }))
        << rel << " has no expectation";
  }
  EXPECT_EQ(stored, std::size(kExpect));
}

}  // namespace
}  // namespace ikelab::diag::test
