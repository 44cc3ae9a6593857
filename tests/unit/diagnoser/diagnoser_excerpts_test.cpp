// Excerpts: customers often send a cut log (it begins after the IKE_SA was
// established, or ends before the daemon's verdict). tests/data/logs/excerpts/
// holds contiguous line ranges of the lab's real captures, unchanged (its
// README names each capture and range). Each test checks first that the
// excerpt is exactly those lines of its capture, then what reading the
// excerpt says it must give.
#include "test_support.hpp"

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kExcerpts = kData / "logs/excerpts";

struct Excerpt {
  const char* file;     // under tests/data/logs/excerpts
  const char* capture;  // under tests/data/logs
  int first, last;      // 1-based line range of the capture, inclusive
};

// The table of tests/data/logs/excerpts/README.md.
const Excerpt kTable[] = {
    {"dpd_timeout-ike2-initiator.L30-38.log", "dpd_timeout/ike2/initiator.log", 30, 38},
    {"dpd_timeout-ike1-initiator.L40-47.log", "dpd_timeout/ike1/initiator.log", 40, 47},
    {"dpd_timeout-ike1-initiator.L37-45.log", "dpd_timeout/ike1/initiator.log", 37, 45},
    {"pluto_init_dpd_timeout-ike1-initiator.L146-163.log", "pluto_init_dpd_timeout/ike1/initiator.log", 146, 163},
    {"pluto_init_dpd_timeout-ike2-initiator.L146-165.log", "pluto_init_dpd_timeout/ike2/initiator.log", 146, 165},
    {"local_credential_missing-ike2-responder.L1-18.log", "local_credential_missing/ike2/responder.log", 1, 18},
    {"pluto_resp_local_credential_missing-ike2-responder.L135-143.log",
     "pluto_resp_local_credential_missing/ike2/responder.log", 135, 143},
};

std::vector<Diagnosis> diagnose_excerpt(const std::string& file) {
  return diagnose_files({kExcerpts / file}, catalogue());
}

bool has_evidence(const Diagnosis& d, std::uint64_t line, const std::string& text) {
  for (const auto& e : d.evidence)
    if (e.line == line && e.text.find(text) != std::string::npos) return true;
  return false;
}

TEST(Excerpts, AreUnchangedLineRangesOfRealCaptures) {
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(kExcerpts))
    if (e.path().extension() == ".log") ++files;
  EXPECT_EQ(files, std::size(kTable)) << "every excerpt has its row in kTable and in the README";
  const std::string readme = read_file(kExcerpts / "README.md");
  for (const auto& x : kTable) {
    SCOPED_TRACE(x.file);
    const auto capture = lines_of(read_file(kData / "logs" / x.capture));
    const auto excerpt = lines_of(read_file(kExcerpts / x.file));
    ASSERT_GE(static_cast<int>(capture.size()), x.last);
    ASSERT_EQ(excerpt.size(), static_cast<size_t>(x.last - x.first + 1));
    for (size_t i = 0; i < excerpt.size(); ++i) EXPECT_EQ(excerpt[i], capture[x.first - 1 + i]) << "line " << i + 1;
    EXPECT_NE(readme.find(std::string("`") + x.file + "`"), std::string::npos) << "README row";
  }
}

// charon IKEv2, from "sending DPD request" on: the DPD request (message ID 2)
// is retransmitted twice, then "giving up after 2 retransmits"; the
// establishment is before the cut.
TEST(Excerpts, CharonIkev2DpdOnAnIkeSaEstablishedBeforeTheLog) {
  auto ds = diagnose_excerpt("dpd_timeout-ike2-initiator.L30-38.log");
  ASSERT_EQ(ds.size(), 1u) << describe(ds);
  EXPECT_EQ(ds[0].fault, "dpd_timeout") << describe(ds);
  EXPECT_TRUE(has_evidence(ds[0], 4, "retransmit 1 of request with message ID 2"));
  EXPECT_TRUE(has_evidence(ds[0], 8, "giving up after 2 retransmits"));
}

// charon IKEv1, from the first "sending DPD request" on: two DPD requests,
// then "DPD check timed out, enforcing DPD action".
TEST(Excerpts, CharonIkev1DpdCheckTimedOut) {
  auto ds = diagnose_excerpt("dpd_timeout-ike1-initiator.L40-47.log");
  ASSERT_EQ(ds.size(), 1u) << describe(ds);
  EXPECT_EQ(ds[0].fault, "dpd_timeout") << describe(ds);
  EXPECT_TRUE(has_evidence(ds[0], 7, "DPD check timed out, enforcing DPD action"));
}

// charon IKEv1, from "CHILD_SA net1{1} established" to the second DPD
// request: the log ends before charon's DPD timeout.
TEST(Excerpts, CharonIkev1DpdUnansweredWhenTheLogEnds) {
  auto ds = diagnose_excerpt("dpd_timeout-ike1-initiator.L37-45.log");
  ASSERT_EQ(ds.size(), 1u) << describe(ds);
  EXPECT_EQ(ds[0].fault, "dpd_timeout") << describe(ds);
  EXPECT_EQ(ds[0].confidence, "low");  // no verdict of charon's in the excerpt
}

// pluto (initiator) from the line after "IPsec SA established" / "initiator
// established Child SA" to the end: its DPD (IKEv1) or liveness (IKEv2)
// action, then a new attempt that the lab's stop cuts short.
TEST(Excerpts, PlutoDpdActionOnATunnelEstablishedBeforeTheLog) {
  for (const auto& [file, check, line] :
       {std::tuple{"pluto_init_dpd_timeout-ike1-initiator.L146-163.log", "DPD action - clearing connection", 1},
        std::tuple{"pluto_init_dpd_timeout-ike2-initiator.L146-165.log", "liveness action - clearing connection", 4}}) {
    SCOPED_TRACE(file);
    auto ds = diagnose_excerpt(file);
    // The revival (a new state number starting Main Mode / IKE_SA_INIT) is an
    // attempt of its own, as in the full log, cut short by the lab's stop.
    ASSERT_EQ(ds.size(), 2u) << describe(ds);
    EXPECT_EQ(ds[0].fault, "dpd_timeout") << describe(ds);
    EXPECT_TRUE(has_evidence(ds[0], static_cast<std::uint64_t>(line), check)) << describe(ds);
    EXPECT_EQ(ds[1].fault, "none") << describe(ds);
  }
}

// An IKEv2 responder's log that ends after its IKE_SA_INIT answer (line
// `line`): the initiator's missing credential, or a blocked UDP 4500.
void expect_half_open_responder(const char* file, std::uint64_t line, const char* answer) {
  SCOPED_TRACE(file);
  auto ds = diagnose_excerpt(file);
  ASSERT_EQ(ds.size(), 1u) << describe(ds);
  EXPECT_EQ(ds[0].role, Role::responder);
  EXPECT_EQ(ds[0].ike_version, 2);
  EXPECT_TRUE(names(ds[0], "local_credential_missing")) << describe(ds);
  EXPECT_TRUE(names(ds[0], "nat_blocked")) << describe(ds);
  EXPECT_TRUE(has_evidence(ds[0], line, answer));
}

// charon IKEv2 responder, cut before the lab's stop: it answered IKE_SA_INIT
// (line 17) and no IKE_AUTH follows. The initiator had no private key (its
// log says so); this log alone cannot tell that from a blocked UDP 4500.
TEST(Excerpts, CharonResponderLogEndsAfterItsIkeSaInitAnswer) {
  expect_half_open_responder("local_credential_missing-ike2-responder.L1-18.log", 17,
                             "generating IKE_SA_INIT response 0");
}

// pluto IKEv2 responder, from "loading secrets" to "sent IKE_SA_INIT reply":
// the same, before pluto deletes the half-open state.
TEST(Excerpts, PlutoResponderLogEndsAfterItsIkeSaInitReply) {
  expect_half_open_responder("pluto_resp_local_credential_missing-ike2-responder.L135-143.log", 9,
                             "sent IKE_SA_INIT reply");
}

}  // namespace
}  // namespace ikelab::diag::test
