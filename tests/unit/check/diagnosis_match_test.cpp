// The one diagnosis-matching rule (check/diagnosis_match.hpp).
#include "check/diagnosis_match.hpp"

#include <gtest/gtest.h>

namespace ikelab::harness {
namespace {

FaultExpectation exact(const std::string& id) { return {FaultExpectation::Kind::exact, {id}}; }
FaultExpectation among(std::vector<std::string> ids) { return {FaultExpectation::Kind::among_candidates, std::move(ids)}; }

TEST(DiagnosisMatch, TheCaseStandsForTheFirstFailedAttempt) {
  EXPECT_EQ(case_diagnosis({}).fault, "no_attempt");
  EXPECT_EQ(case_diagnosis({{"none", {}, ""}, {"psk_mismatch", {}, ""}, {"ts_mismatch", {}, ""}}).fault, "psk_mismatch");
  EXPECT_EQ(case_diagnosis({{"none", {}, "first"}, {"none", {}, "second"}}).summary, "first");
}

TEST(DiagnosisMatch, AnIdIsTheFaultExactly) {
  EXPECT_TRUE(diagnosis_matches(exact("psk_mismatch"), {{"none", {}, ""}, {"psk_mismatch", {}, ""}}));
  EXPECT_FALSE(diagnosis_matches(exact("psk_mismatch"), {{"wrong_id_initiator", {"psk_mismatch"}, ""}}));
  EXPECT_FALSE(diagnosis_matches(exact("psk_mismatch"), {}));
  EXPECT_TRUE(diagnosis_matches(exact("none"), {{"none", {}, ""}}));
}

TEST(DiagnosisMatch, AListNeedsEveryIdAsFaultOrCandidate) {
  EXPECT_TRUE(diagnosis_matches(among({"a", "b"}), {{"a", {"b"}, ""}}));
  EXPECT_TRUE(diagnosis_matches(among({"a", "b"}), {{"c", {"b", "a"}, ""}}));
  EXPECT_FALSE(diagnosis_matches(among({"a", "b"}), {{"a", {"c"}, ""}}));
  EXPECT_FALSE(diagnosis_matches(among({}), {{"a", {}, ""}}));
}

TEST(DiagnosisMatch, NoAttemptMeansNothingFound) {
  const FaultExpectation none_found{FaultExpectation::Kind::no_attempt, {"no_attempt"}};
  EXPECT_TRUE(diagnosis_matches(none_found, {}));
  EXPECT_FALSE(diagnosis_matches(none_found, {{"none", {}, ""}}));
  EXPECT_FALSE(diagnosis_meets(none_found, {"no_attempt", {}, ""}));
}

TEST(DiagnosisMatch, TextRoundTrips) {
  for (const FaultExpectation& e : {exact("psk_mismatch"), among({"psk_mismatch", "wrong_id_initiator"}),
                                    FaultExpectation{FaultExpectation::Kind::no_attempt, {"no_attempt"}}}) {
    const FaultExpectation back = fault_expectation_from_text(e.text());
    EXPECT_EQ(back.kind, e.kind) << e.text();
    EXPECT_EQ(back.faults, e.faults) << e.text();
  }
}

}  // namespace
}  // namespace ikelab::harness
