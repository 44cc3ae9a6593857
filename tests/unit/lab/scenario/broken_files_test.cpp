// The broken-file set of the fault-injection suite: every broken scenario and
// expected file under tests/unit/data is refused with exactly the message
// tests/unit/data/broken-files.txt gives for it (file, line, column, words),
// and files too large to be meant are refused before yaml-cpp parses them.

#include "check/expectations.hpp"
#include "lab/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ikelab::harness;

namespace {

const fs::path data_dir = fs::path(IKELAB_TEST_DATA_DIR);

// The error loading `file` gives (scenario or expected file by its folder); empty if accepted.
std::string error_of(const fs::path& file, bool expected_file) {
  try {
    if (expected_file) load_expectations(file);
    else load_scenario(file);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

struct Entry {
  std::string path;     // relative to data_dir
  std::string message;  // the whole message, path relative
};

std::vector<Entry> table() {
  std::vector<Entry> entries;
  std::ifstream in(data_dir / "broken-files.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    entries.push_back({line.substr(0, line.find(':')), line});
  }
  return entries;
}

TEST(BrokenFiles, EachIsRefusedWithItsExactMessage) {
  const auto entries = table();
  ASSERT_GE(entries.size(), 40u);
  size_t scenarios = 0, expected = 0;
  for (const auto& entry : entries) {
    const bool expected_file = entry.path.starts_with("expected/");
    (expected_file ? expected : scenarios)++;
    std::string message = error_of(data_dir / entry.path, expected_file);
    ASSERT_FALSE(message.empty()) << entry.path << " was accepted";
    const std::string prefix = data_dir.string() + "/";
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    EXPECT_EQ(message, entry.message) << entry.path;
  }
  EXPECT_GE(scenarios, 20u);
  EXPECT_GE(expected, 15u);
}

// No broken file without its message, and no message for a file that is gone.
TEST(BrokenFiles, TheTableCoversEveryBrokenFile) {
  std::set<std::string> listed;
  for (const auto& entry : table()) {
    EXPECT_TRUE(listed.insert(entry.path).second) << entry.path << " listed twice";
    EXPECT_TRUE(fs::exists(data_dir / entry.path)) << entry.path;
  }
  for (const char* folder : {"scenarios", "expected"}) {
    for (const auto& file : fs::directory_iterator(data_dir / folder)) {
      const std::string path = std::string(folder) + "/" + file.path().filename().string();
      if (path == "scenarios/valid_everything.yaml") continue;
      EXPECT_TRUE(listed.count(path)) << path << " has no expected message in broken-files.txt";
    }
  }
}

struct ScratchFile {
  fs::path path;
  explicit ScratchFile(const std::string& name)
      : path(fs::temp_directory_path() / ("ikelab-broken-" + std::to_string(::getpid()) + "-" + name)) {}
  ~ScratchFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// The case: a 100 MB value took 18.7 s and 306 MB to be parsed and
// then refused. Now the file's size refuses it before a byte is parsed.
TEST(BrokenFiles, AHundredMegabyteScalarIsRefusedBeforeParsing) {
  ScratchFile file("huge_description.yaml");
  {
    std::ofstream out(file.path, std::ios::binary);
    out << "description: \"";
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "\"\nfault: none\nauth: psk\nike: [2]\n";
  }
  const auto size = fs::file_size(file.path);
  const auto started = std::chrono::steady_clock::now();
  const std::string message = error_of(file.path, false);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(message, file.path.string() + ": " + std::to_string(size) +
                         " bytes, more than the 1048576 bytes such a file may have (refused before reading it)");
  EXPECT_LT(seconds, 1.0);
}

TEST(BrokenFiles, AnExpectedFileTooLargeIsRefusedBeforeParsing) {
  ScratchFile file("huge_expected.yaml");
  {
    std::ofstream out(file.path, std::ios::binary);
    out << "ike2:\n  outcome: established\n";
    for (int i = 0; i < 40000; ++i) out << "  # a comment line that makes the file large, line " << i << "\n";
  }
  const auto size = fs::file_size(file.path);
  ASSERT_GT(size, 1048576u);
  EXPECT_EQ(error_of(file.path, true), file.path.string() + ": " + std::to_string(size) +
                                           " bytes, more than the 1048576 bytes such a file may have (refused before "
                                           "reading it)");
}

// A line of exactly the limit passes the size checks (and is then judged by its key's own rule).
TEST(BrokenFiles, ALineAtTheLimitIsReadAndJudgedByItsKey) {
  ScratchFile file("limit.yaml");
  {
    std::ofstream out(file.path, std::ios::binary);
    const std::string head = "description: \"";
    out << head << std::string(4096 - head.size() - 1, 'a') << "\"\nfault: none\nauth: psk\nike: [2]\n";
  }
  EXPECT_EQ(error_of(file.path, false),
            file.path.string() + ":1:14: 'description' must be one line of 1..600 characters, without control characters");
}

// A FIFO (or any other special file) named like a scenario never blocks the reader.
TEST(BrokenFiles, AFifoIsRefusedWithoutWaiting) {
  ScratchFile file("fifo.yaml");
  ASSERT_EQ(::mkfifo(file.path.c_str(), 0600), 0);
  EXPECT_EQ(error_of(file.path, false), file.path.string() + ": not a regular file");
}

}  // namespace
