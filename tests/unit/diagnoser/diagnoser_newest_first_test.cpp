// Newest-first copies (GUI log tables list the newest line first): a real log
// written in reverse gives the same diagnoses as the log itself, with evidence
// pointing at the same lines (numbered in the reversed file), whether it is a
// file (read backwards in blocks), standard input (spilled to a temporary
// file) or text in memory; block boundaries may fall anywhere in a line.
#include "test_support.hpp"

#include "diagnoser/src/input/engine.hpp"

#include <cstdio>
#include <sys/wait.h>

namespace ikelab::diag::test {
namespace {

std::string reversed_text(const std::string& text, bool final_newline = true) {
  auto lines = lines_of(text);
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!out.empty()) out += '\n';
    out += *it;
  }
  if (final_newline) out += '\n';
  return out;
}

// What must be equal: the verdict and, per evidence line, the log line it
// names (forward line L is line N - L + 1 of the reversed copy).
struct Summary {
  std::string fault, rule, role, connection, local, remote, summary;
  std::vector<std::string> candidates;
  std::vector<std::pair<std::uint64_t, std::string>> evidence;  // forward line numbers, sorted
  bool operator==(const Summary&) const = default;
};

std::vector<Summary> summarise(const std::vector<Diagnosis>& ds, std::uint64_t lines, bool reversed) {
  std::vector<Summary> out;
  for (const auto& d : ds) {
    Summary s{d.fault, d.rule, to_string(d.role), d.connection, d.local, d.remote, d.summary, d.candidates, {}};
    for (const auto& e : d.evidence) s.evidence.emplace_back(reversed ? lines - e.line + 1 : e.line, e.text);
    std::sort(s.evidence.begin(), s.evidence.end());
    out.push_back(std::move(s));
  }
  return out;
}

std::string show(const std::vector<Summary>& ss) {
  std::string out;
  for (const auto& s : ss) {
    out += s.fault + "(" + s.rule + ") lines";
    for (const auto& [line, text] : s.evidence) out += " " + std::to_string(line);
    out += "; ";
  }
  return out;
}

// Lab-captured logs (tests/data/logs, see the README there) with failures,
// successes, several attempts, pluto and charon.
const char* const kLogs[] = {
    "logs/psk_mismatch/ike1/responder.log",
    "logs/untrusted_ca_responder/ike2/responder.log",
    "logs/kernel_sa_install_failed_responder/ike1/initiator.log",
    "logs/baseline_cert/ike2/initiator.log",
    "logs/pluto_init_ike_proposal_mismatch/ike1/responder.log",
    "logs/pluto_init_psk_mismatch/ike1/initiator.log",
    "logs/rekey_failed/ike2/initiator.log",
    "logs/dpd_timeout/ike2/initiator.log",
};

class NewestFirst : public ::testing::TestWithParam<const char*> {
 protected:
  void TearDown() override { set_backward_block_bytes(0); }
};

TEST_P(NewestFirst, ReversedRealLogGivesTheForwardDiagnoses) {
  const std::string text = read_file(kData / GetParam());
  ASSERT_FALSE(text.empty());
  const auto n = static_cast<std::uint64_t>(lines_of(text).size());
  TempDir dir;
  auto forward_path = dir.write("forward.log", text);
  auto forward = summarise(diagnose_files({forward_path}, catalogue()), n, false);
  ASSERT_FALSE(forward.empty());

  for (bool final_newline : {true, false}) {
    const std::string rev = reversed_text(text, final_newline);
    auto rev_path = dir.write("reversed.log", rev);
    // Whole-file blocks, then blocks far shorter than a line and of odd sizes.
    for (size_t block : {size_t{0}, size_t{4096}, size_t{97}, size_t{7}, size_t{1}}) {
      set_backward_block_bytes(block);
      auto got = summarise(diagnose_files({rev_path}, catalogue()), n, true);
      EXPECT_EQ(got, forward) << "block " << block << ", final newline " << final_newline << "\nforward:  "
                              << show(forward) << "\nreversed: " << show(got);
    }
    set_backward_block_bytes(0);
    auto in_memory = summarise(diagnose_text(rev, "reversed.log", catalogue()), n, true);
    EXPECT_EQ(in_memory, forward) << "diagnose_text, final newline " << final_newline;
  }

  // Standard input (a pipe): spilled to an unlinked temporary file.
  std::string command = "cat '" + (dir.path / "reversed.log").string() + "' | " + IKELAB_BINARY +
                        " diagnose --json - 2>&1";
  dir.write("reversed.log", reversed_text(text));
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (size_t got = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, got);
  pclose(pipe);
  auto json = nlohmann::json::parse(out);
  ASSERT_EQ(json["diagnoses"].size(), forward.size()) << out;
  for (size_t i = 0; i < forward.size(); ++i) {
    const auto& d = json["diagnoses"][i];
    EXPECT_EQ(d["fault"], forward[i].fault);
    std::vector<std::pair<std::uint64_t, std::string>> evidence;
    for (const auto& e : d["evidence"]) evidence.emplace_back(n - e["line"].get<std::uint64_t>() + 1, e["text"]);
    std::sort(evidence.begin(), evidence.end());
    EXPECT_EQ(evidence, forward[i].evidence) << "stdin, attempt " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(LabLogs, NewestFirst, ::testing::ValuesIn(kLogs), [](const auto& param_info) {
  std::string name = param_info.param;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

// A line longer than the scanner's cut (1 MiB) is cut the same way both ways.
TEST(NewestFirstLongLines, CutLikeForwardReading) {
  const std::string text = read_file(kData / "logs/psk_mismatch/ike1/responder.log");
  auto lines = lines_of(text);
  ASSERT_GT(lines.size(), 20u);
  lines.insert(lines.begin() + 20, "Nov 22 14:27:27 11[IKE] <1> " + std::string(3 << 20, 'x'));
  std::string with_long;
  for (const auto& l : lines) with_long += l + "\n";
  const auto n = static_cast<std::uint64_t>(lines.size());
  TempDir dir;
  auto forward = summarise(diagnose_files({dir.write("f.log", with_long)}, catalogue()), n, false);
  for (size_t block : {size_t{0}, size_t{65536}}) {
    set_backward_block_bytes(block);
    auto got = summarise(diagnose_files({dir.write("r.log", reversed_text(with_long))}, catalogue()), n, true);
    EXPECT_EQ(got, forward) << "block " << block;
  }
  set_backward_block_bytes(0);
}

// The order is told by the clock, and where the clock stands still (the lab's
// logs have whole seconds, most attempts fit in one) by charon's packet order:
// each captured charon log with packets is recognised reversed, and not as it
// was written.
TEST(NewestFirstDetection, EveryCapturedCharonLogBothWays) {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kData / "logs")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
    const std::string text = read_file(entry.path());
    const SampleFacts forward = inspect_sample(text);
    if (forward.dialect != Dialect::charon || text.find("sending packet") == std::string::npos) continue;
    ++checked;
    EXPECT_FALSE(forward.newest_first) << entry.path();
    EXPECT_TRUE(inspect_sample(reversed_text(text)).newest_first) << entry.path();
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace ikelab::diag::test
