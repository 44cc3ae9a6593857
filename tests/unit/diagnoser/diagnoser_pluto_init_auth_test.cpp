// Authentication faults of a libreswan 4.10 (pluto) initiator against a
// strongSwan 5.9.8 (charon) responder, on the logs the lab captured from the
// real daemons (tests/data/logs/pluto/<scenario>/ike<N>/, see the README
// there): each view (initiator's pluto.log, responder's charon.log, both)
// names the fault the reading of those logs supports, by the rule meant for
// it, with the candidates the view cannot rule out.
#include "test_support.hpp"

namespace ikelab::diag::test {
namespace {

struct View {
  const char* scenario;
  int ike;
  const char* side;   // "initiator", "responder" or "pair"
  const char* fault;  // the verdict's fault ("none": a success)
  const char* rule;   // file/id of the rule that decides
  std::vector<std::string> candidates;  // must all be listed
};

std::ostream& operator<<(std::ostream& os, const View& v) {
  return os << v.scenario << " ike" << v.ike << " " << v.side;
}

const std::vector<View> kViews = {
    {"pluto_init_certificate_expired", 1, "initiator", "certificate_expired", "certificate_expired/pluto_load_refused", {}},
    {"pluto_init_certificate_expired", 2, "pair", "certificate_expired", "certificate_expired/pluto_load_refused", {}},
    {"pluto_init_local_credential_missing", 1, "initiator", "local_credential_missing", "local_credential_missing/pluto_ikev1", {}},
    {"pluto_init_local_credential_missing", 1, "responder", "local_credential_missing",
     "local_credential_missing/ikev1_responder_peer_gave_up_unprotected", {"psk_not_found"}},
    {"pluto_init_local_credential_missing", 2, "initiator", "local_credential_missing",
     "local_credential_missing/pluto_ikev2_initiator_fatal_before_auth", {"psk_not_found"}},
    {"pluto_init_local_credential_missing", 2, "responder", "local_credential_missing",
     "local_credential_missing/ikev2_responder_no_ike_auth", {"psk_not_found", "nat_blocked"}},
    {"pluto_init_psk_not_found", 1, "initiator", "psk_not_found", "psk_not_found/pluto_ikev1_initiator", {"auth_method_mismatch"}},
    {"pluto_init_auth_method_mismatch", 1, "initiator", "psk_not_found", "psk_not_found/pluto_ikev1_initiator",
     {"auth_method_mismatch"}},
    {"pluto_init_untrusted_ca_responder", 1, "initiator", "untrusted_ca", "untrusted_ca/pluto_nss", {}},
    {"pluto_init_untrusted_ca_responder", 1, "responder", "wrong_rsa_key_responder",
     "wrong_rsa_key_responder/responder_deleted_after_setup", {"untrusted_ca", "certificate_expired", "wrong_id_responder"}},
    {"pluto_init_untrusted_ca_responder", 1, "pair", "untrusted_ca", "untrusted_ca/pluto_nss", {}},
    {"pluto_init_wrong_id_responder", 1, "initiator", "wrong_id_responder", "wrong_id_responder/pluto_initiator", {}},
    {"pluto_init_wrong_id_responder", 1, "responder", "wrong_id_responder",
     "wrong_id_responder/ikev1_responder_psk_rejected_after_setup", {}},
    {"pluto_init_wrong_rsa_key_responder", 1, "initiator", "wrong_rsa_key_responder", "wrong_rsa_key_responder/pluto_initiator", {}},
    {"pluto_init_wrong_rsa_key_responder", 2, "initiator", "wrong_rsa_key_responder", "wrong_rsa_key_responder/pluto_initiator", {}},
    {"pluto_init_wrong_rsa_key_responder", 2, "pair", "wrong_rsa_key_responder", "wrong_rsa_key_responder/pluto_initiator", {}},
    // the responder's own log shows IKE_SA and CHILD_SA established; pluto
    // sets the connection up again at once (x_peer_new_ike_sa)
    {"pluto_init_wrong_rsa_key_responder", 2, "responder", "wrong_rsa_key_responder",
     "wrong_rsa_key_responder/ikev2_responder_peer_started_over_pubkey", {"untrusted_ca", "certificate_expired"}},
    {"pluto_init_untrusted_ca_responder", 2, "responder", "wrong_rsa_key_responder",
     "wrong_rsa_key_responder/ikev2_responder_peer_started_over_pubkey", {"untrusted_ca"}},
    {"pluto_init_baseline_cert", 2, "responder", "none", "", {}},
    {"pluto_init_baseline_pubkey", 2, "responder", "none", "", {}},
};

class PlutoInitAuth : public ::testing::TestWithParam<View> {};

TEST_P(PlutoInitAuth, ViewNamesTheFaultItsLogsSupport) {
  const View& v = GetParam();
  const auto dir = kData / "logs" / "pluto" / v.scenario / ("ike" + std::to_string(v.ike));
  const auto init = dir / "initiator" / "pluto.log", resp = dir / "responder" / "charon.log";
  std::vector<std::filesystem::path> files;
  if (std::string(v.side) != "responder") files.push_back(init);
  if (std::string(v.side) != "initiator") files.push_back(resp);
  auto ds = diagnose_files(files, catalogue());
  ASSERT_FALSE(ds.empty()) << describe(ds);
  const Diagnosis* d = &ds[0];
  for (const auto& x : ds)
    if (x.fault != "none") {
      d = &x;
      break;
    }
  EXPECT_EQ(d->fault, v.fault) << describe(ds);
  if (*v.rule) {
    EXPECT_EQ(d->rule, v.rule) << describe(ds);
  }
  for (const auto& c : v.candidates)
    EXPECT_NE(std::find(d->candidates.begin(), d->candidates.end(), c), d->candidates.end()) << c << ": " << describe(ds);
}

INSTANTIATE_TEST_SUITE_P(Captured, PlutoInitAuth, ::testing::ValuesIn(kViews), [](const auto& param_info) {
  const View& p = param_info.param;
  return std::string(p.scenario) + "_ike" + std::to_string(p.ike) + "_" + p.side;
});

// A strongSwan IKEv2 initiator that rejects the responder's authentication
// after IKE_AUTH sends AUTHENTICATION_FAILED in an INFORMATIONAL: the
// responder's log alone then shows the rejection; an orderly teardown (a plain
// DELETE) stays a success.
TEST(CharonResponderRejectedAfterSetup, AuthFailedInformationalIsNamedTeardownIsNot) {
  for (const char* scenario : {"wrong_rsa_key_responder", "untrusted_ca_responder", "certificate_expired_responder"}) {
    auto ds = diagnose_files({kData / "logs" / scenario / "ike2" / "responder.log"}, catalogue());
    ASSERT_FALSE(ds.empty()) << scenario;
    EXPECT_EQ(ds[0].rule, "wrong_rsa_key_responder/ikev2_responder_auth_failed_after_setup") << scenario << describe(ds);
    EXPECT_TRUE(names(ds[0], "untrusted_ca") && names(ds[0], "certificate_expired")) << scenario << describe(ds);
  }
  auto ok = diagnose_files({kData / "logs" / "baseline_cert" / "ike2" / "responder.log"}, catalogue());
  ASSERT_FALSE(ok.empty());
  EXPECT_EQ(ok[0].fault, "none") << describe(ok);
}

}  // namespace
}  // namespace ikelab::diag::test
