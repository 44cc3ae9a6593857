// Parallel scanning (issue 18): a block is cut into chunks at line ends,
// the chunks are scanned by several threads and handed to the tracker in
// order, so the diagnoses must be exactly those of one thread. Checked on
// every lab-captured log under tests/data/logs (see the README there), with
// tiny chunks so that even these small logs are cut into many, and with
// chunk ends inside wrapped pluto messages (the joiner runs before).
#include "test_support.hpp"

#include "diagnoser/src/input/engine.hpp"
#include "diagnoser/src/input/scanner.hpp"

#include <gtest/gtest.h>

namespace ikelab::diag::test {
namespace {

std::string diagnoses_json(const std::string& text, const std::string& name) {
  return dump_json(to_json(diagnose_text(text, name, catalogue())), 1);
}

struct RestoreScanSettings {
  ~RestoreScanSettings() {
    set_scan_threads(0);
    set_scan_chunk_bytes(0);
  }
};

TEST(DiagnoserThreads, EveryCapturedLogGivesTheSameDiagnosesWithOneOrManyThreads) {
  RestoreScanSettings restore;
  int logs = 0, cut = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kData / "logs")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
    const std::string text = read_file(entry.path());
    const std::string name = entry.path().filename().string();
    set_scan_chunk_bytes(0);
    set_scan_threads(1);
    const std::string one = diagnoses_json(text, name);
    for (size_t chunk : {size_t{512}, size_t{4096}}) {
      set_scan_chunk_bytes(chunk);
      for (unsigned threads : {1u, 2u, 3u}) {
        set_scan_threads(threads);
        EXPECT_EQ(diagnoses_json(text, name), one)
            << entry.path() << " with " << threads << " thread(s), chunks of " << chunk << " bytes";
      }
    }
    ++logs;
    if (text.size() >= 2 * 512) ++cut;  // scanned in parallel at least with 512-byte chunks
  }
  EXPECT_GE(logs, 100) << "tests/data/logs holds the lab's captures";
  EXPECT_GE(cut, logs * 9 / 10) << "nearly every log spans several chunks";
}

}  // namespace
}  // namespace ikelab::diag::test
