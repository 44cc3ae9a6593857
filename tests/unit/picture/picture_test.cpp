// picture/: messages read from logs the lab captured (tests/data/logs, see its
// README), merged into a sequence, rendered as HTML. The expectations come
// from reading the logs themselves (which line sends what), not from the code.
#include "picture/html_report.hpp"
#include "picture/log_messages.hpp"
#include "picture/sequence.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ikelab::picture {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(IKELAB_LAB_LOGS) + "/" + relative);
  EXPECT_TRUE(in) << relative;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LogMessages, CharonIkev2InitiatorOfPskMismatch) {
  auto m = read_log_messages(read("psk_mismatch/ike2/initiator.log"));
  ASSERT_EQ(m.size(), 4u);
  EXPECT_TRUE(m[0].sent);
  EXPECT_EQ(m[0].exchange, "IKE_SA_INIT");
  EXPECT_EQ(m[0].kind, "request");
  EXPECT_EQ(m[0].message_id, 0);
  EXPECT_EQ(m[0].line, 11u);
  EXPECT_EQ(m[0].sa, "site1|1");
  EXPECT_EQ(m[0].payloads.front(), "SA");
  EXPECT_EQ(m[0].notifies.front(), "NATD_S_IP");
  EXPECT_FALSE(m[3].sent);
  EXPECT_EQ(m[3].exchange, "IKE_AUTH");
  EXPECT_EQ(m[3].kind, "response");
  EXPECT_EQ(m[3].message_id, 1);
  ASSERT_EQ(m[3].notifies.size(), 1u);
  EXPECT_EQ(m[3].notifies[0], "AUTH_FAILED");
  EXPECT_EQ(m[3].time, "Nov 22 14:29:11");
  EXPECT_DOUBLE_EQ(m[3].seconds, 14 * 3600 + 29 * 60 + 11);
}

TEST(LogMessages, PlutoIkev2ResponderOfPskMismatch) {
  auto m = read_log_messages(read("pluto_resp_psk_mismatch/ike2/responder.log"));
  // sent IKE_SA_INIT reply (142), processing decrypted IKE_AUTH request (143),
  // responding to IKE_AUTH message (ID 1) ... AUTHENTICATION_FAILED (145).
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].line, 142u);
  EXPECT_TRUE(m[0].sent);
  EXPECT_EQ(m[0].kind, "response");
  EXPECT_EQ(m[1].exchange, "IKE_AUTH");
  EXPECT_FALSE(m[1].sent);
  EXPECT_EQ(m[1].payloads.front(), "IDi");
  EXPECT_EQ(m[1].sa, "#1");
  EXPECT_TRUE(m[2].sent);
  EXPECT_EQ(m[2].message_id, 1);
  ASSERT_EQ(m[2].notifies.size(), 1u);
  EXPECT_EQ(m[2].notifies[0], "AUTHENTICATION_FAILED");
  EXPECT_NEAR(m[2].seconds - m[1].seconds, 0.161814 - 0.161755, 1e-6);
}

TEST(LogMessages, ErrorNotifies) {
  for (auto n : {"AUTH_FAILED", "NO_PROP", "PLD_MAL", "TS_UNACCEPT", "INVAL_KE", "AUTHENTICATION_FAILED", "NO_PROPOSAL_CHOSEN",
                 "TS_UNACCEPTABLE", "INVALID_KE_PAYLOAD", "INVALID_ID_INFORMATION"})
    EXPECT_TRUE(is_error_notify(n)) << n;
  for (auto n : {"NATD_S_IP", "FRAG_SUP", "MULT_AUTH", "INIT_CONTACT", "MOBIKE_SUP", "HASH_ALG", "CHDLESS_SUP"})
    EXPECT_FALSE(is_error_notify(n)) << n;
}

TEST(Sequence, BothCharonLogsPairEveryMessage) {
  auto seq = merge_messages(read_log_messages(read("psk_mismatch/ike2/initiator.log")),
                            read_log_messages(read("psk_mismatch/ike2/responder.log")));
  ASSERT_EQ(seq.arrows.size(), 4u);
  const bool directions[] = {true, false, true, false};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(seq.arrows[k].left_to_right, directions[k]) << k;
    EXPECT_TRUE(seq.arrows[k].at_sender && seq.arrows[k].at_receiver) << k;
  }
  EXPECT_EQ(seq.arrows[2].at_receiver->line, 17u);  // responder: parsed IKE_AUTH request 1
  auto failing = mark_failing_step(seq, true);
  ASSERT_TRUE(failing);
  EXPECT_EQ(*failing, 3u);  // IKE_AUTH response with N(AUTH_FAILED)
}

TEST(Sequence, CharonInitiatorAgainstPlutoResponder) {
  auto seq = merge_messages(read_log_messages(read("pluto_resp_psk_mismatch/ike2/initiator.log")),
                            read_log_messages(read("pluto_resp_psk_mismatch/ike2/responder.log")));
  // pluto logs no IKE_SA_INIT request it received: that arrow has only charon's line.
  ASSERT_GE(seq.arrows.size(), 4u);
  EXPECT_EQ(seq.arrows[0].any().exchange, "IKE_SA_INIT");
  EXPECT_TRUE(seq.arrows[0].left_to_right);
  EXPECT_FALSE(seq.arrows[0].at_receiver);
  EXPECT_TRUE(seq.arrows[1].at_sender && seq.arrows[1].at_receiver);  // the reply: both logs
  auto failing = mark_failing_step(seq, true);
  ASSERT_TRUE(failing);
  EXPECT_EQ(seq.arrows[*failing].any().exchange, "IKE_AUTH");
  EXPECT_FALSE(seq.arrows[*failing].left_to_right);
}

TEST(Sequence, Ikev1MessageTheResponderCouldNotDecryptIsTheFailingStep) {
  auto left = read_log_messages(read("psk_mismatch/ike1/initiator.log"));
  auto right = read_log_messages(read("psk_mismatch/ike1/responder.log"));
  auto seq = merge_messages(left, right);
  // Three Main Mode requests sent, two parsed by the responder (line 25's
  // ID HASH never parsed: "message parsing failed"), then three
  // INFORMATIONAL_V1 PLD_MAL notifies, of 32-bit message IDs.
  ASSERT_EQ(seq.arrows.size(), 8u);
  EXPECT_EQ(seq.arrows[5].any().message_id, 2573360364);
  auto failing = mark_failing_step(seq, true, {true, true});
  ASSERT_TRUE(failing);
  EXPECT_EQ(*failing, 4u);
  EXPECT_EQ(seq.arrows[4].at_sender->line, 25u);
  EXPECT_FALSE(seq.arrows[4].at_receiver);
  // Without knowing the responder's log is complete: the first error notify.
  seq = merge_messages(left, right);
  failing = mark_failing_step(seq, true);
  ASSERT_TRUE(failing);
  EXPECT_EQ(seq.arrows[*failing].any().notifies.front(), "PLD_MAL");
}

TEST(Sequence, PlutoPairInCausalOrder) {
  // The responder's "sent IKE_SA_INIT reply" (16.527816) is stamped before the
  // initiator's "sent IKE_SA_INIT request" (16.528649); the reply still comes second.
  auto seq = merge_messages(read_log_messages(read("pluto_pair_baseline_psk/ike2/initiator.log")),
                            read_log_messages(read("pluto_pair_baseline_psk/ike2/responder.log")));
  ASSERT_EQ(seq.arrows.size(), 5u);
  const char* exchanges[] = {"IKE_SA_INIT", "IKE_SA_INIT", "IKE_AUTH", "IKE_AUTH", "INFORMATIONAL"};
  const bool directions[] = {true, false, true, false, true};
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(seq.arrows[k].any().exchange, exchanges[k]) << k;
    EXPECT_EQ(seq.arrows[k].left_to_right, directions[k]) << k;
  }
  EXPECT_EQ(seq.arrows[1].at_sender->line, 142u);  // the responder's reply
  EXPECT_TRUE(seq.arrows[3].at_sender && seq.arrows[3].at_receiver);  // established on both sides
  EXPECT_FALSE(mark_failing_step(seq, false));
}

TEST(Sequence, SuccessHasNoFailingStep) {
  auto seq = merge_messages(read_log_messages(read("baseline_psk/ike2/initiator.log")),
                            read_log_messages(read("baseline_psk/ike2/responder.log")));
  EXPECT_GE(seq.arrows.size(), 4u);
  EXPECT_FALSE(mark_failing_step(seq, false));
}

TEST(Html, EscapesLogTextAndLinksEvidence) {
  CaseView c;
  c.title = "t <1>";
  c.left_log = LogView{"i.log", "Nov 22 14:29:11 11[ENC] <site1|1> generating IKE_SA_INIT request 0 [ SA KE No ]\n"
                                "<script>alert(1)</script>\n"};
  c.left = read_log_messages(c.left_log->text);
  diag::Diagnosis d;
  d.fault = "peer_unreachable";
  d.summary = "no answer & nothing";
  d.evidence.push_back({"i.log", 1, c.left_log->text.substr(0, 40)});
  c.diagnoses.push_back(d);
  Report r;
  r.title = "x";
  r.cases.push_back(c);
  std::string html = render_html(r);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("no answer &amp; nothing"), std::string::npos);
  EXPECT_NE(html.find(R"(href="#case-1-left-L1")"), std::string::npos);
  EXPECT_NE(html.find(R"(id="case-1-left-L1")"), std::string::npos);
  EXPECT_NE(html.find(R"(class="msg failing")"), std::string::npos);  // the unanswered request
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace ikelab::picture
