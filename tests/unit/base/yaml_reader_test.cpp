// base/yaml_reader: the one YAML reader rejects duplicate keys at any depth
// and gives every error the FILE:LINE:COLUMN: shape. The lab's scenario,
// expected and rule loaders are tested with duplicate keys through their own
// tests (scenario_test, expectations_check_test, diagnoser_catalogue_test).
#include "base/temp_dir.hpp"
#include "base/yaml_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace {

using ikelab::base::FileError;
using ikelab::base::load_yaml_file;
using ikelab::base::load_yaml_text;

// The error load_yaml_text throws for `text`; fails the test when none is thrown.
FileError error_of(const std::string& text) {
  try {
    load_yaml_text(text, "in.yaml");
  } catch (const FileError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return FileError("", 0, 0, "");
}

TEST(YamlReader, ReadsAValidFile) {
  const YAML::Node root = load_yaml_text("a: 1\nb: [x, {c: 2}]\nd: {e: 3, f: 4}\n", "in.yaml");
  EXPECT_EQ(root["a"].as<int>(), 1);
  EXPECT_EQ(root["b"][1]["c"].as<int>(), 2);
  EXPECT_EQ(root["d"]["f"].as<int>(), 4);
}

TEST(YamlReader, TopLevelDuplicateKeyNamesFileLineAndKey) {
  const FileError e = error_of("fault: psk_mismatch\nphase: 1\nfault: none\n");
  EXPECT_EQ(e.file(), "in.yaml");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.column(), 1u);
  EXPECT_STREQ(e.what(), "in.yaml:3:1: duplicate key 'fault'");
}

TEST(YamlReader, NestedDuplicateKeysAreFound) {
  EXPECT_STREQ(error_of("ike1:\n  outcome: established\n  outcome: phase1_failed\n").what(),
               "in.yaml:3:3: duplicate key 'outcome'");
  EXPECT_STREQ(error_of("rules:\n  - id: a\n    confidence: high\n    id: b\n").what(),
               "in.yaml:4:5: duplicate key 'id'");
  EXPECT_STREQ(error_of("x: {a: 1, b: 2, a: 3}\n").what(), "in.yaml:1:17: duplicate key 'a'");
}

TEST(YamlReader, SameKeyInDifferentMappingsIsFine) {
  EXPECT_NO_THROW(load_yaml_text("ike1: {outcome: established}\nike2: {outcome: established}\n", "in.yaml"));
}

TEST(YamlReader, SyntaxErrorHasTheSameShape) {
  const FileError e = error_of("a: [1, 2\nb: 3\n");
  EXPECT_EQ(e.file(), "in.yaml");
  EXPECT_GT(e.line(), 0u);
  EXPECT_EQ(std::string(e.what()).rfind("in.yaml:" + std::to_string(e.line()) + ":", 0), 0u) << e.what();
}

TEST(YamlReader, FilesAreReadAndAnUnreadableOneIsAnError) {
  ikelab::testing::TempDir dir("ikelab-yaml-reader");
  const auto file = dir.path() / "dup.yaml";
  std::ofstream(file) << "description: one\ndescription: two\n";
  try {
    load_yaml_file(file);
    ADD_FAILURE() << "no error";
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()), file.string() + ":2:1: duplicate key 'description'");
  }
  try {
    load_yaml_file(dir.path() / "missing.yaml");
    ADD_FAILURE() << "no error";
  } catch (const FileError& e) {
    EXPECT_EQ(std::string(e.what()), (dir.path() / "missing.yaml").string() + ": cannot read the file");
  }
}

}  // namespace
