// libreswan 4.10 (pluto) wording of XAuth, Mode Config and RFC 7427 failures,
// read from the lab's captures in tests/data/logs/pluto/ (ikelab run --out):
// each pluto side alone names the fault, or lists it where its log cannot know.
#include "test_support.hpp"

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kPluto = kData / "logs/pluto";

std::vector<Diagnosis> one_side(const std::string& scenario, const std::string& side) {
  const auto dir = kPluto / scenario / (scenario.find("signature") != std::string::npos ? "ike2" : "ike1") / side;
  return diagnose_files({dir / "pluto.log"}, catalogue());
}

const Diagnosis* first_failure(const std::vector<Diagnosis>& ds) {
  for (const auto& d : ds)
    if (d.fault != "none") return &d;
  return nullptr;
}

TEST(PlutoPeer, XauthServerRejectsTheUser) {
  const auto ds = one_side("pluto_resp_user_auth_failed", "responder");
  const auto* d = first_failure(ds);
  ASSERT_NE(d, nullptr) << describe(ds);
  EXPECT_EQ(d->fault, "user_auth_failed") << describe(ds);
  EXPECT_EQ(d->rule, "user_auth_failed/pluto_xauth_server");
}

TEST(PlutoPeer, XauthClientIsToldFail) {
  const auto ds = one_side("pluto_init_user_auth_failed", "initiator");
  const auto* d = first_failure(ds);
  ASSERT_NE(d, nullptr) << describe(ds);
  EXPECT_EQ(d->fault, "user_auth_failed") << describe(ds);
}

TEST(PlutoPeer, XauthSuccessIsNone) {
  for (const auto& [scenario, side] : std::vector<std::pair<std::string, std::string>>{
           {"pluto_resp_baseline_xauth", "responder"}, {"pluto_init_baseline_xauth", "initiator"}}) {
    const auto ds = one_side(scenario, side);
    EXPECT_EQ(first_failure(ds), nullptr) << scenario << ": " << describe(ds);
  }
}

TEST(PlutoPeer, InitiatorWithoutAddressIsVirtualIpMissing) {
  const auto ds = diagnose_files({kPluto / "pluto_init_virtual_ip_no_pool/ike2/initiator/pluto.log"}, catalogue());
  const auto* d = first_failure(ds);
  ASSERT_NE(d, nullptr) << describe(ds);
  EXPECT_EQ(d->fault, "virtual_ip_missing") << describe(ds);
}

TEST(PlutoPeer, RejectedPssSignatureListsSignatureHashMismatch) {
  const auto ds = one_side("pluto_init_signature_hash_mismatch", "initiator");
  const auto* d = first_failure(ds);
  ASSERT_NE(d, nullptr) << describe(ds);
  EXPECT_TRUE(names(*d, "signature_hash_mismatch")) << describe(ds);
}

}  // namespace
}  // namespace ikelab::diag::test
