// Proposals compared by meaning (diagnoser/proposals.hpp), on the proposal
// lists of lab captures (tests/data/logs, charon 5.9.8).
#include "test_support.hpp"

#include "diagnoser/src/tracking/proposals.hpp"

namespace ikelab::diag::test {
namespace {

// The list after `<which> proposals: ` in a captured log.
std::string proposals_in(const std::string& log, const std::string& which) {
  const std::string key = which + " proposals: ";
  for (const auto& line : lines_of(read_file(kData / "logs" / log))) {
    auto at = line.find(key);
    if (at != std::string::npos) return line.substr(at + key.size());
  }
  return {};
}

TEST(Proposals, EspMismatchNamesEncryptionAndIntegrity) {
  const std::string log = "esp_proposal_mismatch/ike2/responder.log";
  const auto diff = compare_proposals(proposals_in(log, "received"), proposals_in(log, "configured"));
  ASSERT_TRUE(diff.compared);
  EXPECT_EQ(diff.differing, (std::vector<Component>{Component::encryption, Component::integrity}));
  EXPECT_FALSE(diff.only_dh());
  EXPECT_EQ(diff.summary,
            "encryption: peer offers AES_CBC_256, this host accepts AES_CBC_128; integrity: peer offers "
            "HMAC_SHA2_512_256, this host accepts HMAC_SHA2_256_128");
  EXPECT_EQ(diff.offered, "aes256-sha512");
}

TEST(Proposals, IkeMismatchNamesEveryComponent) {
  const std::string log = "ike_proposal_mismatch/ike2/responder.log";
  const auto diff = compare_proposals(proposals_in(log, "received"), proposals_in(log, "configured"));
  ASSERT_TRUE(diff.compared);
  EXPECT_EQ(diff.differing.size(), 4u);
  EXPECT_EQ(diff.offered, "aes256-sha512-prfsha512-modp4096");
}

TEST(Proposals, OnlyTheDhGroupDiffering) {
  // The lab's ESP list with and without a DH group: a PFS difference only.
  const std::string log = "esp_proposal_mismatch/ike2/responder.log";
  const std::string without = proposals_in(log, "configured");  // ESP:AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ
  ASSERT_EQ(without.find("/NO_EXT_SEQ"), without.size() - 11);
  const std::string with = without.substr(0, without.size() - 11) + "/MODP_2048/NO_EXT_SEQ";
  const auto diff = compare_proposals(without, with);
  EXPECT_TRUE(diff.only_dh());
  EXPECT_EQ(diff.summary, "DH group: peer offers none, this host accepts MODP_2048");
  EXPECT_TRUE(compare_proposals(without, without).differing.empty());
}

// Real logs of `ikelab replay` runs (tests/data/replay-logs, see its README):
// in IKEv2 the responder logs its ESP list with the DH group and the
// initiator's without (IKE_AUTH builds the first CHILD_SA without DH), so the
// first rule to match is PFS's; the comparison names the fault: PFS only
// where nothing but the DH group differs.
TEST(Proposals, EspMismatchWithADhGroupIsNotPfsInRealReplayLogs) {
  const auto dir = kData / "replay-logs" / "esp_proposal_mismatch-ike2";
  const auto ds = diagnose_files({dir / "initiator.log", dir / "responder.log"}, catalogue());
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds.front().fault, "esp_proposal_mismatch") << describe(ds);
  EXPECT_NE(ds.front().summary.find("encryption: peer offers AES_CBC_256, this host accepts AES_GCM_16_128"), std::string::npos)
      << ds.front().summary;
}
TEST(Proposals, OnlyTheDhGroupIsPfsInRealReplayLogs) {
  const auto dir = kData / "replay-logs" / "pfs_mismatch-ike1";
  const auto ds = diagnose_files({dir / "initiator.log", dir / "responder.log"}, catalogue());
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds.front().fault, "pfs_mismatch") << describe(ds);
  EXPECT_NE(ds.front().summary.find("what differs: DH group: peer offers CURVE_25519, this host accepts none"), std::string::npos)
      << ds.front().summary;
}

// pluto's refused transforms of a real log (tests/data/real/202: libreswan
// 3.x refusing an L2TP client's 3DES/MODP1024 offers): the lines' bracketed
// part, read from the file.
std::vector<std::string> refused_in(const std::string& log) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(read_file(kData / "real" / log))) {
    auto open = line.find("Oakley Transform [");
    auto close = line.find("] refused");
    if (open != std::string::npos && close != std::string::npos)
      out.push_back(line.substr(open + 18, close - open - 18));
  }
  return out;
}

TEST(Proposals, PlutoRefusedTransformsNameWhatThePeerOffersAndShares) {
  const auto refused = refused_in("202_ike_proposal_mismatch/log.txt");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(describe_refused(refused),
            "the peer offers encryption 3DES_CBC, integrity HMAC_MD5/HMAC_SHA1, DH group MODP1024; every refused "
            "transform has encryption 3DES_CBC and DH group MODP1024");
  EXPECT_EQ(describe_refused({refused[0]}), "the peer offers encryption 3DES_CBC, integrity HMAC_MD5, DH group MODP1024");
  EXPECT_EQ(describe_refused({"garbage", ""}), "");
}

TEST(Proposals, UnparsableListsAreNotCompared) {
  EXPECT_FALSE(compare_proposals("", "ESP:AES_CBC_128").compared);
  EXPECT_TRUE(parse_proposals("garbage, more garbage").empty());
}

}  // namespace
}  // namespace ikelab::diag::test
