// --shard K/N splits the planned cases into disjoint parts that together are
// all of them; `corpus merge` refuses parts of other arguments or that overlap.
#include "lab/corpus/corpus_run.hpp"
#include "base/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace ikelab::corpus {
namespace {

std::vector<PlannedCase> plan() {
  std::vector<PlannedCase> all;
  for (const char* s : {"baseline_psk", "psk_mismatch", "ts_mismatch"})
    for (int ike : {1, 2})
      for (int v = 1; v <= 5; ++v) all.push_back({s, ike, v});
  return all;
}

TEST(Shard, PartsAreDisjointAndCoverEveryCase) {
  const auto all = plan();
  for (int n : {1, 2, 3, 4, 7, 30, 31}) {
    std::multiset<std::string> seen;
    for (int k = 1; k <= n; ++k) {
      const auto part = shard_of(all, k, n);
      EXPECT_LE(part.size(), all.size() / static_cast<size_t>(n) + 1) << k << "/" << n;
      for (const auto& c : part) seen.insert(c.id());
      EXPECT_EQ(shard_of(all, k, n).size(), part.size());  // deterministic
    }
    EXPECT_EQ(seen.size(), all.size()) << n;
    for (const auto& c : all) EXPECT_EQ(seen.count(c.id()), 1u) << c.id() << " in " << n << " shards";
  }
}

TEST(Shard, ParsesKOverN) {
  EXPECT_EQ(parse_shard("3/4"), std::make_pair(3, 4));
  EXPECT_EQ(parse_shard("1/1"), std::make_pair(1, 1));
  for (const char* bad : {"0/4", "5/4", "4", "a/b", "1/0", "1/2/3", "-1/2", " 1/2"})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
}

class Merge : public ::testing::Test {
 protected:
  testing::TempDir dir{"ikelab-corpus-merge"};
  std::filesystem::path part(const std::string& name, std::uint64_t seed, int index, int count,
                             const std::vector<std::string>& cases) {
    const auto p = dir.path() / name;
    std::filesystem::create_directories(p);
    nlohmann::json header = {{"schema_version", kManifestSchemaVersion},
                             {"arguments", {{"seed", seed}, {"variants", 2}, {"scenarios", {"baseline_psk"}}}},
                             {"shard", {{"index", index}, {"count", count}}}};
    std::ofstream(p / "corpus.json") << header.dump();
    for (const auto& c : cases) {
      std::filesystem::create_directories(p / "cases" / c);
      std::ofstream(p / "cases" / c / "entries.jsonl") << "{\"case\":\"" << c << "\"}\n";
    }
    return p;
  }
};

TEST_F(Merge, JoinsDisjointShardsOfOneCorpus) {
  auto a = part("a", 7, 1, 2, {"baseline_psk/ike2/v001"});
  auto b = part("b", 7, 2, 2, {"baseline_psk/ike2/v002"});
  ASSERT_EQ(merge_corpora(dir.path() / "m", {a, b}), 0);
  std::ifstream manifest(dir.path() / "m" / "manifest.jsonl");
  std::string first, second;
  std::getline(manifest, first);
  std::getline(manifest, second);
  EXPECT_NE(first.find("v001"), std::string::npos);
  EXPECT_NE(second.find("v002"), std::string::npos);
  auto header = nlohmann::json::parse(std::ifstream(dir.path() / "m" / "corpus.json"));
  EXPECT_EQ(header["shard"]["count"], 1);
}

TEST_F(Merge, RefusesAnotherSeed) {
  auto a = part("a", 7, 1, 2, {"baseline_psk/ike2/v001"});
  auto b = part("b", 8, 2, 2, {"baseline_psk/ike2/v002"});
  EXPECT_EQ(merge_corpora(dir.path() / "m", {a, b}), 2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "m" / "manifest.jsonl"));
}

TEST_F(Merge, RefusesTheSameShardTwiceAndOverlappingCases) {
  auto a = part("a", 7, 1, 2, {"baseline_psk/ike2/v001"});
  auto again = part("again", 7, 1, 2, {"baseline_psk/ike2/v001"});
  EXPECT_EQ(merge_corpora(dir.path() / "m1", {a, again}), 2);
  auto overlapping = part("overlapping", 7, 2, 2, {"baseline_psk/ike2/v001"});
  EXPECT_EQ(merge_corpora(dir.path() / "m2", {a, overlapping}), 2);
  auto other_count = part("other_count", 7, 2, 3, {"baseline_psk/ike2/v002"});
  EXPECT_EQ(merge_corpora(dir.path() / "m3", {a, other_count}), 2);
}

TEST_F(Merge, RefusesSomethingThatIsNoCorpus) {
  auto a = part("a", 7, 1, 2, {"baseline_psk/ike2/v001"});
  std::filesystem::create_directories(dir.path() / "empty");
  EXPECT_EQ(merge_corpora(dir.path() / "m", {a, dir.path() / "empty"}), 2);
}

}  // namespace
}  // namespace ikelab::corpus
