// base/data_dir.hpp: flag > IKELAB_DATA_DIR > installed share folder > source
// tree. This test program lives in the build tree, so without a flag or the
// environment it is handed the source tree; the installed case is covered by
// tests/install/install_diagnose_test.sh.
#include "base/data_dir.hpp"
#include "base/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;
using ikelab::base::data_path;
using ikelab::base::DataDirError;
using ikelab::base::DataKind;
using ikelab::base::locate_data;

namespace {

struct DataDirTest : ::testing::Test {
  void SetUp() override { ::unsetenv("IKELAB_DATA_DIR"); }
  void TearDown() override { ::unsetenv("IKELAB_DATA_DIR"); }
};

TEST_F(DataDirTest, BuildTreeProgramReadsTheSourceTree) {
  EXPECT_EQ(locate_data(DataKind::rules).origin, "source tree");
  EXPECT_TRUE(fs::exists(data_path(DataKind::rules) / "psk_mismatch.yaml"));
  EXPECT_TRUE(fs::exists(data_path(DataKind::scenarios) / "baseline_psk.yaml"));
  EXPECT_TRUE(fs::exists(data_path(DataKind::expected) / "baseline_psk.yaml"));
  EXPECT_EQ(data_path(DataKind::variants).filename(), "variants.yaml");
  EXPECT_TRUE(fs::is_regular_file(data_path(DataKind::variants)));
}

TEST_F(DataDirTest, EnvironmentWinsOverTheSourceTree) {
  ikelab::testing::TempDir dir("data-dir-test");
  fs::create_directories(dir.path() / "scenarios");
  ::setenv("IKELAB_DATA_DIR", dir.path().c_str(), 1);
  auto found = locate_data(DataKind::scenarios);
  EXPECT_EQ(found.path, dir.path() / "scenarios");
  EXPECT_EQ(found.origin, "IKELAB_DATA_DIR");
}

TEST_F(DataDirTest, EnvironmentWithoutTheKindIsAnErrorNamingThePath) {
  ikelab::testing::TempDir dir("data-dir-test");
  ::setenv("IKELAB_DATA_DIR", dir.path().c_str(), 1);
  try {
    data_path(DataKind::variants);
    FAIL() << "no error";
  } catch (const DataDirError& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "corpus/variants.yaml").string()), std::string::npos) << e.what();
  }
}

TEST_F(DataDirTest, FlagWinsOverEverything) {
  ikelab::testing::TempDir dir("data-dir-test");
  fs::create_directories(dir.path() / "rules");
  ::setenv("IKELAB_DATA_DIR", dir.path().c_str(), 1);
  auto found = locate_data(DataKind::rules, "/some/where");
  EXPECT_EQ(found.path, "/some/where");
  EXPECT_EQ(found.origin, "--rules");
}

TEST_F(DataDirTest, AMissingHelperIsAnErrorNamingIt) {
  try {
    ikelab::base::helper_path("no-such-helper.so");
    FAIL() << "no error";
  } catch (const DataDirError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-helper.so: not installed beside the program"), std::string::npos)
        << e.what();
  }
}

}  // namespace
