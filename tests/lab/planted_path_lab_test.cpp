// The lab runs as root: no path that an unprivileged user can prepare may
// steer where it writes, what it reads or what it removes. Each test plants
// something as `nobody` (setpriv) and checks that root refuses it.

#include "base/text_file.hpp"
#include "netns/lab_state.hpp"
#include "netns/leftovers.hpp"
#include "base/private_dir.hpp"
#include "netns/process.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ikelab;
using namespace std::chrono_literals;

namespace {

constexpr const char* nobody = "65534";

// Runs argv as user and group 65534 (nobody), without a shell.
netns::CommandResult as_nobody(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"setpriv", "--reuid", nobody, "--regid", nobody, "--clear-groups"});
  return netns::run_command(argv);
}

// A world-writable sticky folder, as /tmp is.
struct StickyDir {
  fs::path path = fs::temp_directory_path() / fmt::format("ikelab-planted-{}-{}", getpid(),
                                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
  StickyDir() {
    fs::remove_all(path);
    fs::create_directories(path);
    ::chmod(path.c_str(), 01777);
  }
  ~StickyDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

bool empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_empty(dir, ec) && !ec;
}

netns::CommandResult ikelab_with_state_root(const fs::path& root, std::vector<std::string> args) {
  args.insert(args.begin(), IKELAB_BINARY);
  netns::CommandOptions options;
  options.timeout = 60s;
  options.env = {{"IKELAB_STATE_DIR", root.string()}};
  return netns::run_command(args, options);
}

TEST(PlantedPaths, AStateRootSomeoneElseMadeIsRefused) {
  StickyDir tmp;
  const fs::path root = tmp.path / "ikelab";
  ASSERT_TRUE(as_nobody({"mkdir", "-m", "0777", root.string()}).ok());
  EXPECT_THROW(base::PrivateDir::open_or_create(root), base::PrivateDirError);
  auto r = ikelab_with_state_root(root, {"run", "baseline_psk", "--ike", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("owned by uid 65534"), std::string::npos) << r.output;
  EXPECT_TRUE(empty_dir(root)) << "root wrote into a folder nobody made";
}

TEST(PlantedPaths, AStateRootThatIsASymlinkIsRefused) {
  StickyDir tmp;
  const fs::path target = tmp.path / "roots-own";  // root's, private: a symlink must still not lead there
  fs::create_directory(target);
  ::chmod(target.c_str(), 0700);
  const fs::path root = tmp.path / "ikelab";
  ASSERT_TRUE(as_nobody({"ln", "-s", target.string(), root.string()}).ok());
  EXPECT_THROW(base::PrivateDir::open_or_create(root), base::PrivateDirError);
  auto r = ikelab_with_state_root(root, {"run", "baseline_psk", "--ike", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("symlink"), std::string::npos) << r.output;
  EXPECT_TRUE(empty_dir(target));
}

TEST(PlantedPaths, AStateRootBelowSomeoneElsesFolderIsRefused) {
  StickyDir tmp;
  const fs::path theirs = tmp.path / "theirs";
  ASSERT_TRUE(as_nobody({"mkdir", theirs.string()}).ok());
  EXPECT_THROW(base::PrivateDir::open_or_create(theirs / "ikelab"), base::PrivateDirError);
  EXPECT_FALSE(fs::exists(theirs / "ikelab"));
}

// Made by the lab: 0700, root's, and nobody can plant anything inside it.
TEST(PlantedPaths, TheStateRootTheLabMakesIsPrivate) {
  StickyDir tmp;
  const fs::path root = tmp.path / "ikelab";
  auto dir = base::PrivateDir::open_or_create(root);
  struct stat st {};
  ASSERT_EQ(::lstat(root.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_FALSE(as_nobody({"touch", (root / "durations.txt.1").string()}).ok());
  EXPECT_FALSE(as_nobody({"ln", "-s", "/etc/shadow", (root / "durations.txt").string()}).ok());
  dir.write_new_file("owner", "x\n");
  EXPECT_THROW(dir.write_new_file("owner", "y\n"), base::PrivateDirError);  // never reopened
  dir.replace_file("durations.txt", "a 1 2\n", 0644);
  EXPECT_EQ(dir.read_file("durations.txt").value_or(""), "a 1 2\n");
}

TEST(PlantedPaths, DefaultStateRootIsNotInAWorldWritableFolder) {
  ::unsetenv("IKELAB_STATE_DIR");
  EXPECT_EQ(netns::state_root(), "/var/lib/ikelab");
  auto dir = base::PrivateDir::open_or_create(netns::state_root());
  EXPECT_TRUE(base::is_private_dir(dir.fd()));
}

// Cleanup removes what it verified is a run's own private folder, and only
// the link (never its target) of anything else that looks like one.
TEST(PlantedPaths, CleanupNeverFollowsALinkOutOfTheStateRoot) {
  StickyDir tmp;
  const fs::path root = tmp.path / "ikelab";
  auto dir = base::PrivateDir::open_or_create(root);
  const fs::path victim = tmp.path / "victim";
  fs::create_directory(victim);
  harness::write_text_file(victim / "precious", "keep me\n");
  fs::create_directory_symlink(victim, root / "99999999-1");  // a dead pid's name
  std::string problems;
  EXPECT_TRUE(dir.remove_child("99999999-1", problems)) << problems;
  EXPECT_FALSE(fs::exists(root / "99999999-1"));
  EXPECT_EQ(harness::read_text_file(victim / "precious"), "keep me\n");
  // A folder below with a link to the victim: the link goes, the victim stays.
  auto run = dir.make_child("99999998-1");
  fs::create_directory_symlink(victim, run.path() / "1");
  EXPECT_TRUE(dir.remove_child("99999998-1", problems)) << problems;
  EXPECT_EQ(harness::read_text_file(victim / "precious"), "keep me\n");
}

TEST(PlantedPaths, CleanupSkipsAFolderThatIsNotPrivate) {
  StickyDir tmp;
  const fs::path root = tmp.path / "ikelab";
  ::setenv("IKELAB_STATE_DIR", root.c_str(), 1);
  auto dir = base::PrivateDir::open_or_create(root);
  fs::create_directory(root / "99999997-1");
  ::chown((root / "99999997-1").c_str(), 65534, 65534);  // not ours: not a run of ours
  for (const auto& run : netns::find_runs()) EXPECT_NE(run.owner, 99999997) << "taken for a run";
  ::unsetenv("IKELAB_STATE_DIR");
}

// Folders in /tmp named like a dead run's unfinished artefacts: cleanup
// removes only a private folder of root's; one that nobody made, a symlink
// to one, or a root folder with a wider mode stay (and a link's target too).
TEST(PlantedPaths, CleanupRemovesOnlyTemporaryFoldersThatAreARunsOwn) {
  const fs::path tmp = fs::temp_directory_path();
  const std::string dead = "ikelab-run-99999990-12345-";  // a pid that cannot run (above pid_max)
  const fs::path theirs = tmp / (dead + "nobody"), link = tmp / (dead + "linkto"), wide = tmp / (dead + "wide00"),
                 own = tmp / (dead + "ownrun");
  const fs::path victim = tmp / fmt::format("ikelab-victim-{}", getpid());
  for (const auto& p : {theirs, link, wide, own, victim}) fs::remove_all(p);
  ASSERT_TRUE(as_nobody({"mkdir", "-m", "0700", theirs.string()}).ok());
  ASSERT_TRUE(as_nobody({"touch", (theirs / ".unfinished").string()}).ok());
  fs::create_directory(victim);
  ::chmod(victim.c_str(), 0700);
  harness::write_text_file(victim / ".unfinished", "");
  harness::write_text_file(victim / "precious", "keep me\n");
  ASSERT_TRUE(as_nobody({"ln", "-s", victim.string(), link.string()}).ok());
  fs::create_directory(wide);
  ::chmod(wide.c_str(), 0755);
  harness::write_text_file(wide / ".unfinished", "");
  fs::create_directory(own);
  ::chmod(own.c_str(), 0700);
  harness::write_text_file(own / ".unfinished", "");
  fs::create_directories(own / "baseline_psk" / "ike2");
  auto cleanup = netns::run_command({IKELAB_BINARY, "cleanup"});
  EXPECT_EQ(cleanup.exit_code, 0) << cleanup.output;
  EXPECT_FALSE(fs::exists(own)) << cleanup.output;
  EXPECT_TRUE(fs::exists(theirs / ".unfinished"));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(harness::read_text_file(victim / "precious"), "keep me\n");
  EXPECT_TRUE(fs::exists(wide / ".unfinished"));
  for (const auto& p : {theirs, link, wide, own, victim}) fs::remove_all(p);
}

}  // namespace
