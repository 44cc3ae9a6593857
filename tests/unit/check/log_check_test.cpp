// Evidence patterns (check/log_check.*) against logs the lab captured from
// real charon daemons (tests/data/lab/README.md says which scenario wrote them).

#include "check/log_check.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace ikelab::harness;

namespace {

const std::string lab_logs = IKELAB_LAB_LOGS_DIR;

struct Pair {
  std::optional<LogText> initiator, responder;
};

Pair psk_mismatch_ike1() {
  return {read_log(lab_logs + "/psk_mismatch-ike1/initiator.log", "initiator/charon.log"),
          read_log(lab_logs + "/psk_mismatch-ike1/responder.log", "responder/charon.log")};
}

CheckResult check(const std::string& script, const Pair& logs) {
  return run_checks(parse_check_script(script, "x.yaml", 10), logs.initiator, logs.responder);
}

std::string syntax_error(const std::string& script) {
  try {
    parse_check_script(script, "expected/x.yaml", 7);
  } catch (const CheckSyntaxError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(LogCheckSyntax, ParsesPrefixesDirectivesAndLineNumbers) {
  auto script = parse_check_script("# a comment\nRESP: message parsing failed\n\n  INIT-NOT: established\nINIT-NEXT: x\n",
                                   "f.yaml", 5);
  ASSERT_EQ(script.lines.size(), 3u);
  EXPECT_EQ(script.lines[0].peer, Peer::responder);
  EXPECT_EQ(script.lines[0].kind, CheckKind::check);
  EXPECT_EQ(script.lines[0].line, 6);
  EXPECT_EQ(script.lines[1].peer, Peer::initiator);
  EXPECT_EQ(script.lines[1].kind, CheckKind::not_);
  EXPECT_EQ(script.lines[1].line, 8);
  EXPECT_EQ(script.lines[2].kind, CheckKind::next);
}

TEST(LogCheckSyntax, SplitsLiteralRegexCaptureAndUse) {
  auto script = parse_check_script("RESP: id '[[ID:[^']+]]' n={{[0-9]+}}\nINIT: again [[ID]].", "f", 1);
  const auto& parts = script.lines.at(0).parts;
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].text, "id '");
  EXPECT_EQ(parts[1].kind, PatternPart::Kind::define);
  EXPECT_EQ(parts[1].name, "ID");
  EXPECT_EQ(parts[1].text, "[^']+");
  EXPECT_EQ(parts[3].kind, PatternPart::Kind::regex);
  EXPECT_EQ(parts[3].text, "[0-9]+");
  const auto& uses = script.lines.at(1).parts;
  ASSERT_EQ(uses.size(), 3u);
  EXPECT_EQ(uses[1].kind, PatternPart::Kind::use);
  EXPECT_EQ(uses[2].text, ".");
  // A regex may end in '}': the last "}}" of a run of braces closes it.
  auto counted = parse_check_script("RESP: SPI {{[0-9a-f]{8}}} x", "f", 1).lines.at(0).parts;
  ASSERT_EQ(counted.size(), 3u);
  EXPECT_EQ(counted[1].text, "[0-9a-f]{8}");
  EXPECT_EQ(counted[2].text, " x");
  // A capture is used on a later line (RE2 has no back-references).
  EXPECT_THROW(parse_check_script("RESP: [[A:x]] [[A]]", "f", 1), CheckSyntaxError);
}

TEST(LogCheckSyntax, ErrorsNameFileAndLine) {
  struct Case {
    std::string script, message;
  };
  for (const auto& c : {
           Case{"\nCHECK: x", "expected/x.yaml:8: a check line starts with INIT:, RESP:"},
           Case{"RESP-DAG: x", "expected/x.yaml:7: unknown directive 'RESP-DAG'"},
           Case{"\n\nINIT:   ", "expected/x.yaml:9: 'INIT:' needs a pattern"},
           Case{"RESP: [[ID]]", "expected/x.yaml:7: capture 'ID' is used before a line defines it"},
           Case{"RESP-NOT: [[ID:x]]", "expected/x.yaml:7: a NOT line cannot define a capture"},
           Case{"RESP: {{(}}", "expected/x.yaml:7: bad regex"},
           Case{"RESP: {{abc", "expected/x.yaml:7: '{{' without '}}'"},
           Case{"RESP: [[A:x]] [[A:y]]", "expected/x.yaml:7: capture 'A' is defined twice"},
           Case{"RESP: [[1x:y]]", "expected/x.yaml:7: '1x' is not a capture name"},
       }) {
    EXPECT_NE(syntax_error(c.script).find(c.message), std::string::npos) << syntax_error(c.script);
  }
}

TEST(LogCheck, LinesInOrderPass) {
  auto result = check(
      "RESP: 192.0.2.1 is initiating a Main Mode IKE_SA\n"
      "RESP: invalid ID_V1 payload length, decryption failed?\n"
      "RESP: message parsing failed\n"
      "RESP: ID_PROT request with message ID 0 processing failed\n"
      "INIT: invalid HASH_V1 payload length, decryption failed?\n"
      "INIT: giving up after 2 retransmits\n"
      "INIT-NEXT: establishing IKE_SA failed, peer not responding\n",
      psk_mismatch_ike1());
  EXPECT_TRUE(result.pass()) << (result.failures.empty() ? "" : result.failures[0].report);
}

TEST(LogCheck, OrderMatters) {
  // The giving-up line comes after the decryption failures, not before.
  auto result = check("INIT: giving up after\nINIT: could not decrypt payloads\n", psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].check->line, 11);
}

TEST(LogCheck, NextNeedsTheVeryNextLine) {
  EXPECT_TRUE(check("RESP: could not decrypt payloads\nRESP-NEXT: message parsing failed\n", psk_mismatch_ike1()).pass());
  auto result = check("RESP: could not decrypt payloads\nRESP-NEXT: processing failed\n", psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_NE(result.failures[0].report.find("the next line does not match"), std::string::npos);
  EXPECT_NE(result.failures[0].report.find("responder/charon.log:28: note: scanning from here"), std::string::npos)
      << result.failures[0].report;
}

TEST(LogCheck, NotCoversTheRangeUpToTheNextMatch) {
  // Between "is initiating" (line 16) and the first decryption failure (26)
  // the responder does not yet say "message parsing failed" ...
  EXPECT_TRUE(check("RESP: is initiating a Main Mode\nRESP-NOT: message parsing failed\nRESP: decryption failed?\n",
                    psk_mismatch_ike1())
                  .pass());
  // ... but after the first failure it does (line 28).
  auto result = check("RESP: decryption failed?\nRESP-NOT: message parsing failed\nRESP: decryption failed?\n",
                      psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].check->kind, CheckKind::not_);
  EXPECT_NE(result.failures[0].what.find("responder/charon.log:28"), std::string::npos) << result.failures[0].what;
}

TEST(LogCheck, TrailingNotCoversTheRestOfTheLog) {
  EXPECT_TRUE(check("RESP: processing failed\nRESP-NOT: IKE_SA site1[1] established\n", psk_mismatch_ike1()).pass());
  auto result = check("INIT: initiating Main Mode\nINIT-NOT: peer not responding\n", psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_NE(result.failures[0].report.find("excluded line found"), std::string::npos);
  EXPECT_NE(result.failures[0].report.find("   50 ! "), std::string::npos) << result.failures[0].report;
}

TEST(LogCheck, CapturesCarryAcrossPeers) {
  // The responder's PLD_MAL notify is the INFORMATIONAL the initiator cannot decrypt.
  auto pass = check(
      "RESP: generating INFORMATIONAL_V1 request [[MID:[0-9]+]] [ HASH N(PLD_MAL) ]\n"
      "INIT: INFORMATIONAL_V1 request with message ID [[MID]] processing failed\n",
      psk_mismatch_ike1());
  EXPECT_TRUE(pass.pass());
  EXPECT_EQ(pass.captures.at("MID"), "3884768436");
  // Skipping to the second notify on the responder makes the initiator's first line not match the capture.
  auto fail = check(
      "RESP: generating INFORMATIONAL_V1 request\n"
      "RESP: generating INFORMATIONAL_V1 request [[MID:[0-9]+]]\n"
      "INIT: sending retransmit 2\n"
      "INIT: INFORMATIONAL_V1 request with message ID [[MID]] processing failed\n",
      psk_mismatch_ike1());
  ASSERT_EQ(fail.failures.size(), 1u);
  EXPECT_EQ(fail.failures[0].check->line, 13);
  EXPECT_NE(fail.failures[0].report.find("with \"MID\" equal to \"1138127080\""), std::string::npos)
      << fail.failures[0].report;
}

TEST(LogCheck, CaptureRegexMayHoldBrackets) {
  auto logs = Pair{read_log(lab_logs + "/wrong_id_initiator-ike2/initiator.log", "initiator/charon.log"),
                   read_log(lab_logs + "/wrong_id_initiator-ike2/responder.log", "responder/charon.log")};
  auto result = check(
      "INIT: authentication of '[[IDI:[^']+]]' (myself) with pre-shared key\n"
      "RESP: looking for peer configs matching {{[0-9.]+\\[}}[[IDR:[^\\]]+]]{{\\]}}...192.0.2.1{{\\[}}[[IDI]]]\n"
      "RESP-NEXT: no matching peer config found\n"
      "INIT: received AUTHENTICATION_FAILED notify error\n",
      logs);
  EXPECT_TRUE(result.pass()) << (result.failures.empty() ? "" : result.failures[0].report);
  EXPECT_EQ(result.captures.at("IDI"), "blubb");
  EXPECT_EQ(result.captures.at("IDR"), "responder.ikelab.test");
}

TEST(LogCheck, FailureIsAnnotatedLikeFileCheck) {
  // A typo ("mismatchd" style): the line is not there, the nearest one is shown.
  auto result = check("RESP: 192.0.2.1 is initiating a Main Mode IKE_SA\nRESP: could not decrypt payload lenght\n",
                      psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 1u);
  const std::string& report = result.failures[0].report;
  EXPECT_NE(report.find("x.yaml:11: error: RESP: expected line not found in responder/charon.log"), std::string::npos)
      << report;
  EXPECT_NE(report.find("RESP: could not decrypt payload lenght"), std::string::npos);
  EXPECT_NE(report.find("responder/charon.log:17: note: scanning from here"), std::string::npos) << report;
  EXPECT_NE(report.find("responder/charon.log:27: note: possible intended match here"), std::string::npos) << report;
  // The annotated input: the previous match (^), the scan start (>), the candidate (?), with log line numbers.
  EXPECT_NE(report.find("   16 ^ "), std::string::npos) << report;
  EXPECT_NE(report.find("x.yaml:10 matched here"), std::string::npos);
  EXPECT_NE(report.find("   17 > "), std::string::npos);
  EXPECT_NE(report.find("   27 ? Nov 22 13:38:31 10[ENC] <1> could not decrypt payloads"), std::string::npos) << report;
  EXPECT_NE(result.failures[0].what.find("nearest line 27"), std::string::npos);
}

TEST(LogCheck, NothingNearIsNotInvented) {
  auto result = check("RESP: zzzzqqqq xxxxyyyy wwwwvvvv\n", psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].report.find("possible intended match"), std::string::npos) << result.failures[0].report;
}

TEST(LogCheck, AFailedPeerStopsButTheOtherGoesOn) {
  auto result = check("RESP: not in this log\nRESP: message parsing failed\nINIT: no such line either\n",
                      psk_mismatch_ike1());
  ASSERT_EQ(result.failures.size(), 2u);
  EXPECT_EQ(result.failures[0].check->line, 10);
  EXPECT_EQ(result.failures[1].check->line, 12);
}

TEST(LogCheck, AMissingLogFailsItsLinesAndPassesItsNots) {
  Pair logs = psk_mismatch_ike1();
  logs.responder.reset();
  EXPECT_TRUE(check("RESP-NOT: anything\nINIT: giving up\n", logs).pass());
  auto result = check("RESP: anything\n", logs);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_NE(result.failures[0].what.find("there is no responder log"), std::string::npos);
}

TEST(LogCheck, PatternTextIsLiteralOutsideBraces) {
  // '(' '?' '[' and '.' are literal: "failed?" matches only a real question mark.
  EXPECT_TRUE(check("RESP: decryption failed?\nRESP: [ HASH N(PLD_MAL) ]\n", psk_mismatch_ike1()).pass());
  EXPECT_FALSE(check("RESP: payload.length\n", psk_mismatch_ike1()).pass());
}
