// The fixed-format readers of the routing-context lines (packet in/out) must
// give exactly what RE2 gives for their catalogue patterns: checked on every
// line of every lab-captured log under tests/data/logs (see the README
// there), and on each such line cut short at every length.
#include "test_support.hpp"

#include "diagnoser/src/catalogue/catalogue.hpp"
#include "diagnoser/src/input/packet_reader.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

namespace ikelab::diag::test {
namespace {

using Captures = std::vector<std::pair<std::string, std::string>>;

bool by_re2(const Pattern& p, std::string_view message, Captures& out) {
  std::vector<re2::StringPiece> groups(p.group_names.size() + 1);
  re2::StringPiece input(message.data(), message.size());
  if (!p.re->Match(input, 0, input.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())))
    return false;
  for (size_t g = 0; g < p.group_names.size(); ++g)
    if (!p.group_names[g].empty() && groups[g + 1].data())
      out.emplace_back(p.group_names[g], std::string(groups[g + 1].data(), groups[g + 1].size()));
  return true;
}

TEST(PacketReader, SameAsRe2OnEveryCapturedLine) {
  std::vector<const Pattern*> fixed;
  for (const auto& p : catalogue().patterns)
    if (!p.synthetic && fixed_reader_for(p.regex) != FixedReader::none) fixed.push_back(&p);
  ASSERT_EQ(fixed.size(), 3u) << "c_packet_in, c_packet_out, p_packet_from";
  size_t matched = 0, compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kData / "logs")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
    for (const auto& line : lines_of(read_file(entry.path()))) {
      const std::string_view message = parse_line(line).message;
      for (const Pattern* p : fixed) {
        if (message.find("packet") == std::string_view::npos) continue;
        const FixedReader reader = fixed_reader_for(p->regex);
        for (size_t cut = message.size();; cut = cut > 40 ? cut - 1 : 0) {
          Captures want, got;
          const bool re2 = by_re2(*p, message.substr(0, cut), want);
          ASSERT_EQ(read_fixed(reader, message.substr(0, cut), got), re2) << p->name << ": " << message.substr(0, cut);
          ASSERT_EQ(got, want) << p->name << ": " << message.substr(0, cut);
          ++compared;
          if (re2 && cut == message.size()) ++matched;
          if (cut == 0 || !re2) break;  // shorter cuts of a line that no longer matches match neither
        }
      }
    }
  }
  EXPECT_GT(matched, 2000u) << "the captured logs hold many packet lines";
  EXPECT_GT(compared, matched);
}

TEST(PacketReader, OnlyTheExactRegexGetsAReader) {
  EXPECT_EQ(fixed_reader_for(R"(packet from (?P<remote>[0-9A-Fa-f.:]+?):[0-9]+:)"), FixedReader::pluto_packet_from);
  EXPECT_EQ(fixed_reader_for(R"(packet from (?P<remote>[0-9A-Fa-f.:]+):[0-9]+:)"), FixedReader::none);
  EXPECT_EQ(fixed_reader_for("received packet"), FixedReader::none);
}

TEST(PacketReader, LeftmostMatchWhereTheFirstLiteralDoesNotFit) {
  Captures got;
  ASSERT_TRUE(read_fixed(FixedReader::pluto_packet_from, "packet from x packet from 192.0.2.1:500: bad",
                         got));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second, "192.0.2.1");
}

}  // namespace
}  // namespace ikelab::diag::test
