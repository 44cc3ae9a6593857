#include "netns/lab_state.hpp"
#include "netns/run_id.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace ikelab::netns;

TEST(RunId, NamesCarryPrefixOwnerCounterAndHost) {
  RunId id{4194304, 17};
  EXPECT_EQ(id.str(), "4194304-17");
  EXPECT_EQ(id.namespace_name('i'), "ikl4194304-17i");
  EXPECT_EQ(id.namespace_name('r'), "ikl4194304-17r");
}

TEST(RunId, NextIdsOfOneProcessDiffer) {
  RunId a = next_run_id();
  RunId b = next_run_id();
  EXPECT_EQ(a.owner, getpid());
  EXPECT_NE(a.counter, b.counter);
  EXPECT_NE(a.namespace_name('i'), b.namespace_name('i'));
}

TEST(RunId, OwnerIsReadBackFromOwnNamesOnly) {
  EXPECT_EQ(owner_of_namespace("ikl1234-5i"), 1234);
  EXPECT_EQ(owner_of_namespace("ikl1234-5r"), 1234);
  // Not ikelab's run names: other prefixes, other shapes, other tools' "ikl" names.
  for (const char* other : {"ikl1234-5", "ikl1234-5x", "ikl-1234-5i", "iklpl-a", "iklpl-b", "xikl1234-5i",
                            "ikl1234i", "ikl1234-0i", "ikl12a4-5i", "netns1", "", "ikl", "ikl99999999999-1i"})
    EXPECT_FALSE(owner_of_namespace(other).has_value()) << other;
}

TEST(RunId, ParsesPidOrPidAndCounter) {
  EXPECT_EQ(parse_run_id("77")->owner, 77);
  EXPECT_EQ(parse_run_id("77-3")->counter, 3u);
  EXPECT_FALSE(parse_run_id("abc").has_value());
  EXPECT_FALSE(parse_run_id("-3").has_value());
  EXPECT_FALSE(parse_run_id("77-").has_value());
  EXPECT_FALSE(parse_run_id("0").has_value());
}

TEST(LabState, OwnProcessIsAliveAndHasAStartTime) {
  EXPECT_TRUE(process_start_time(getpid()).has_value());
  EXPECT_TRUE(owner_alive(getpid()));
  EXPECT_FALSE(owner_alive(0));
}
