#include "netns/lab_state.hpp"
#include "netns/run_id.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace ikelab::netns;

TEST(RunId, NamesCarryPrefixOwnerStartCounterAndHost) {
  RunId id{4194304, 987654321, 17};
  EXPECT_EQ(id.str(), "4194304-987654321-17");
  EXPECT_EQ(id.namespace_name('i'), "ikl4194304-987654321-17i");
  EXPECT_EQ(id.namespace_name('r'), "ikl4194304-987654321-17r");
}

TEST(RunId, NextIdsOfOneProcessDiffer) {
  RunId a = next_run_id();
  RunId b = next_run_id();
  EXPECT_EQ(a.owner, getpid());
  EXPECT_EQ(a.owner_start, process_start_time(getpid()).value());
  EXPECT_NE(a.counter, b.counter);
  EXPECT_NE(a.namespace_name('i'), b.namespace_name('i'));
}

// A later process that got the same pid never shares a name with an earlier run's.
TEST(RunId, SamePidAnotherStartTimeGivesOtherNames) {
  RunId earlier{4242, 1000, 1}, later{4242, 2000, 1};
  EXPECT_NE(earlier.namespace_name('i'), later.namespace_name('i'));
  EXPECT_EQ(owner_of_namespace(later.namespace_name('i'))->start, 2000u);
}

TEST(RunId, OwnerIsReadBackFromOwnNamesOnly) {
  EXPECT_EQ(owner_of_namespace("ikl1234-77-5i")->pid, 1234);
  EXPECT_EQ(owner_of_namespace("ikl1234-77-5i")->start, 77u);
  EXPECT_EQ(owner_of_namespace("ikl1234-77-5r")->pid, 1234);
  // The older names without a start time still belong to their pid.
  EXPECT_EQ(owner_of_namespace("ikl1234-5i")->pid, 1234);
  EXPECT_EQ(owner_of_namespace("ikl1234-5i")->start, 0u);
  // Not ikelab's run names: other prefixes, other shapes, other tools' "ikl" names.
  for (const char* other : {"ikl1234-5", "ikl1234-5x", "ikl-1234-5i", "iklpl-a", "iklpl-b", "xikl1234-5i",
                            "ikl1234i", "ikl1234-0i", "ikl12a4-5i", "netns1", "", "ikl", "ikl99999999999-1i",
                            "ikl1-2-3-4i", "ikl1-x-3i", "ikl1--3i"})
    EXPECT_FALSE(owner_of_namespace(other).has_value()) << other;
}

TEST(RunId, ParsesPidOrPidAndCounter) {
  EXPECT_EQ(parse_run_id("77")->owner, 77);
  EXPECT_EQ(parse_run_id("77-3")->owner_start, 3u);
  EXPECT_EQ(parse_run_id("77-3-4")->counter, 4u);
  EXPECT_FALSE(parse_run_id("abc").has_value());
  EXPECT_FALSE(parse_run_id("-3").has_value());
  EXPECT_FALSE(parse_run_id("77-").has_value());
  EXPECT_FALSE(parse_run_id("0").has_value());
}

TEST(LabState, OwnProcessIsAliveAndHasAStartTime) {
  EXPECT_TRUE(process_start_time(getpid()).has_value());
  EXPECT_TRUE(owner_alive(getpid()));
  EXPECT_TRUE(owner_alive(this_owner()));
  EXPECT_FALSE(owner_alive(RunOwner{getpid(), this_owner().start + 1}));  // the pid, reused
  EXPECT_FALSE(owner_alive(0));
}
