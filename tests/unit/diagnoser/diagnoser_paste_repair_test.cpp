// Paste repair (diagnoser/paste_repair.hpp) on logs people pasted into public
// threads: the real-log corpus under tests/data/real (each case's meta.json
// names its thread). The repaired text keeps the paste's line count.
#include "test_support.hpp"

#include "diagnoser/src/formats/line_format.hpp"
#include "diagnoser/src/input/paste_repair.hpp"

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kReal = kData / "real";

std::string corpus_log(const std::string& case_name) { return read_file(kReal / case_name / "log.txt"); }

size_t line_count(const std::string& text) { return lines_of(text).size(); }

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

TEST(PasteRepair, HardWrappedLinesAreJoinedAndKeepTheirLineNumbers) {
  // OpenWrt's logread pasted from an 80-column terminal (001): cut mid-word.
  const std::string pasted = corpus_log("001_kernel_sa_install_failed");
  ASSERT_FALSE(pasted.empty());
  EXPECT_TRUE(looks_pasted(pasted));
  const std::string repaired = repair_paste(pasted);
  EXPECT_EQ(line_count(repaired), line_count(pasted));
  EXPECT_TRUE(has_line(repaired,
                       "2016-12-02T20:26:42+02:00 info []: 05[IKE] unable to install inbound and outbound IPsec SA "
                       "(SAD) in kernel"))
      << repaired;
  EXPECT_TRUE(has_line(repaired, "2016-12-02T20:26:42+02:00 info []: 05[KNL] unable to add SAD entry with SPI cf221b54"))
      << repaired;
  // The line one short of the width lost a space to the cut.
  EXPECT_TRUE(has_line(repaired, "2016-12-02T20:26:42+02:00 info []: 05[ENC] parsed QUICK_MODE request 4123184566 [ HASH ]"))
      << repaired;
}

TEST(PasteRepair, IndentationIsRemovedAndTheLineIsRecognised) {
  // whack output indented by markdown (205).
  const std::string pasted = corpus_log("205_daemon_start_failed");
  const auto lines = lines_of(pasted);
  ASSERT_FALSE(lines.empty());
  ASSERT_EQ(lines[0].rfind("    022 ", 0), 0u);
  const std::string repaired = repair_line(lines[0]);
  EXPECT_EQ(repaired.rfind("022 \"ecocash_vpn\": ", 0), 0u) << repaired;
  EXPECT_EQ(parse_line(repaired).format, Format::whack);
}

TEST(PasteRepair, LogsWithoutPasteDamageAreLeftAlone) {
  // A lab capture: the fast path, no repair.
  const std::string log = read_file(kData / "logs/psk_mismatch/ike2/responder.log");
  ASSERT_FALSE(log.empty());
  EXPECT_FALSE(looks_pasted(log));
}

TEST(PasteRepair, EveryCorpusLogKeepsItsLineCount) {
  if (!std::filesystem::is_directory(kReal)) GTEST_SKIP() << "no corpus";
  size_t cases = 0;
  for (const auto& e : std::filesystem::directory_iterator(kReal)) {
    if (!std::filesystem::is_regular_file(e.path() / "log.txt")) continue;
    const std::string pasted = read_file(e.path() / "log.txt");
    EXPECT_EQ(line_count(repair_paste(pasted)), line_count(pasted)) << e.path();
    ++cases;
  }
  EXPECT_GT(cases, 0u);
}

TEST(PasteRepair, QuotesFencesBoldEntitiesAndElisionsOnOneLine) {
  // Markup forms taken from the corpus's posts, around a lab capture's line.
  const std::string log_line = lines_of(read_file(kData / "logs/psk_mismatch/ike2/responder.log")).at(0);
  EXPECT_EQ(repair_line("> " + log_line), log_line);
  EXPECT_EQ(repair_line(">> \t" + log_line), log_line);
  EXPECT_EQ(repair_line("**" + log_line + "**"), log_line);
  EXPECT_EQ(repair_line("`" + log_line + "`"), log_line);
  EXPECT_EQ(repair_line("```"), "");
  EXPECT_EQ(repair_line("[...]"), "");
  EXPECT_EQ(repair_line("-snip-"), "");
  EXPECT_EQ(repair_line("..."), "");
  // A forum's HTML entities around charon's <conn|N> prefix (the line of 009, encoded).
  const std::string charon_line = lines_of(corpus_log("009_dpd_timeout")).at(0);
  ASSERT_NE(charon_line.find('<'), std::string::npos);
  std::string encoded;
  for (char c : charon_line) encoded += c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
  EXPECT_EQ(repair_line(encoded), charon_line);
  // A redaction (`***` for an address) is not markup.
  std::string redacted = log_line;
  redacted.replace(0, 6, "***");
  EXPECT_EQ(repair_line(redacted), redacted);
}

}  // namespace
}  // namespace ikelab::diag::test
