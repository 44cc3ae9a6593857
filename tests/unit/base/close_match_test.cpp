#include "base/close_match.hpp"

#include <gtest/gtest.h>

using ikelab::base::close_matches;
using ikelab::base::did_you_mean;
using ikelab::base::edit_distance;

namespace {

const std::vector<std::string> kCommands = {"diagnose", "run", "list", "cleanup", "corpus", "replay"};

TEST(CloseMatch, EditDistanceCountsASwapOnce) {
  EXPECT_EQ(edit_distance("diagnose", "diagnose"), 0u);
  EXPECT_EQ(edit_distance("diagnos", "diagnose"), 1u);
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);
  EXPECT_EQ(edit_distance("", "run"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(CloseMatch, MistypedCommandsFindTheirCommand) {
  EXPECT_EQ(close_matches("diagnos", kCommands), std::vector<std::string>{"diagnose"});
  EXPECT_EQ(close_matches("lsit", kCommands), std::vector<std::string>{"list"});
  EXPECT_EQ(close_matches("rn", kCommands), std::vector<std::string>{"run"});
  EXPECT_EQ(close_matches("clean", kCommands), std::vector<std::string>{"cleanup"});  // a prefix
}

TEST(CloseMatch, NothingCloseGivesNoSuggestion) {
  EXPECT_TRUE(close_matches("frobnicate", kCommands).empty());
  EXPECT_EQ(did_you_mean("frobnicate", kCommands), "");
  EXPECT_EQ(did_you_mean("diagnos", kCommands), " (did you mean diagnose?)");
}

TEST(CloseMatch, OnlyTheClosestAndAtMostThree) {
  const std::vector<std::string> names = {"baseline_cert", "baseline_eap", "baseline_psk", "baseline_pubkey",
                                          "psk_mismatch"};
  EXPECT_EQ(close_matches("baseline_pks", names), std::vector<std::string>{"baseline_psk"});
  EXPECT_EQ(close_matches("baseline", names).size(), 3u);  // four start with it; the first three
}

}  // namespace
