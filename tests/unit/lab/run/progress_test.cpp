// lab/run/lab_run.hpp: lit-style progress lines and the default -j.
#include "lab/run/lab_run.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace ikelab::harness;

namespace {

CaseResult result(const std::string& scenario, int version, Outcome outcome) {
  CaseResult r;
  r.scenario = scenario;
  r.ike_version = version;
  r.outcome = outcome;
  r.seconds = 2.5;
  return r;
}

// What a printer with `style` writes for the given calls.
template <typename F>
std::string printed(ProgressStyle style, F calls) {
  std::FILE* f = std::tmpfile();
  {
    ProgressPrinter printer(f, style);
    calls(printer);
    printer.finish();
  }
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, f)) text.append(buffer, n);
  std::fclose(f);
  return text;
}

TEST(Progress, DefaultJobsAreFourPerCoreUpToEightButNeverFewerThanTheCores) {
  EXPECT_EQ(default_lab_jobs(0), 4);  // unknown: as one core
  EXPECT_EQ(default_lab_jobs(1), 4);
  EXPECT_EQ(default_lab_jobs(2), 8);
  EXPECT_EQ(default_lab_jobs(4), 8);
  EXPECT_EQ(default_lab_jobs(16), 16);
}

TEST(Progress, EachFinishedCaseIsOnePassOrFailLine) {
  CaseResult ok = result("baseline_psk", 2, Outcome::established);
  CaseResult bad = result("psk_mismatch", 1, Outcome::established);
  auto text = printed({}, [&](ProgressPrinter& p) {
    LabProgress progress{40, 3, {}, &ok};
    p.finished(progress, true, "");
    progress = {40, 4, {}, &bad};
    p.finished(progress, false, "expected phase1_failed, got established");
  });
  EXPECT_EQ(text, "PASS: baseline_psk IKEv2 (3 of 40)\nFAIL: psk_mismatch IKEv1 (4 of 40)\n");
}

TEST(Progress, QuietShowsOnlyFailuresVerboseAddsOutcomeAndReason) {
  CaseResult ok = result("baseline_psk", 2, Outcome::established);
  CaseResult bad = result("psk_mismatch", 1, Outcome::established);
  auto both = [&](ProgressPrinter& p) {
    p.finished({2, 1, {}, &ok}, true, "");
    p.finished({2, 2, {}, &bad}, false, "expected phase1_failed, got established");
  };
  EXPECT_EQ(printed({false, false, Verbosity::quiet}, both), "FAIL: psk_mismatch IKEv1 (2 of 2)\n");
  EXPECT_EQ(printed({false, false, Verbosity::verbose}, both),
            "PASS: baseline_psk IKEv2 (1 of 2) established 2.50 s\n"
            "FAIL: psk_mismatch IKEv1 (2 of 2) established 2.50 s: expected phase1_failed, got established\n");
}

TEST(Progress, ColourOnlyWhenAsked) {
  CaseResult ok = result("baseline_psk", 2, Outcome::established);
  auto one = [&](ProgressPrinter& p) { p.finished({1, 1, {}, &ok}, true, ""); };
  EXPECT_EQ(printed({false, true, Verbosity::normal}, one), "\x1b[32mPASS:\x1b[0m baseline_psk IKEv2 (1 of 1)\n");
  EXPECT_EQ(printed({false, false, Verbosity::normal}, one).find('\x1b'), std::string::npos);
}

TEST(Progress, AnInterruptedCaseIsOneLine) {
  CaseResult cut = result("dpd_timeout", 2, Outcome::error);
  cut.interrupted = true;
  auto text = printed({}, [&](ProgressPrinter& p) { p.interrupted({40, 5, {}, &cut}); });
  EXPECT_EQ(text, "INTERRUPTED: dpd_timeout IKEv2\n");
}

TEST(Progress, ATerminalGetsAStatusLineThatFinishedLinesReplace) {
  CaseResult ok = result("baseline_psk", 2, Outcome::established);
  auto text = printed({true, false, Verbosity::normal}, [&](ProgressPrinter& p) {
    p.running({2, 0, {"baseline_psk ike2"}, nullptr});
    p.finished({2, 1, {}, &ok}, true, "");
  });
  EXPECT_EQ(text, "\r\x1b[2K[0/2] running: baseline_psk ike2\r\x1b[2KPASS: baseline_psk IKEv2 (1 of 2)\n"
                  "\r\x1b[2K[1/2] running: \r\x1b[2K");
}

}  // namespace
