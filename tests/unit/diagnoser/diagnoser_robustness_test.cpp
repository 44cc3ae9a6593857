// Bad input never crashes, hangs or fails the run: random bytes, a 10 MB
// line, truncated lines, empty input, invalid UTF-8, the real-log corpus mangled.
#include "test_support.hpp"

#include <random>

namespace ikelab::diag::test {
namespace {

const std::string& real_psk_log() {
  static const std::string text = read_file(kData / "seeds/000-06-wrong-psk.responder.log");
  return text;
}

TEST(Robustness, EmptyInputHasNoAttempts) {
  EXPECT_TRUE(diagnose_text("", "empty", catalogue()).empty());
  TempDir dir;
  EXPECT_TRUE(diagnose_files({dir.write("empty.log", "")}, catalogue()).empty());
}

TEST(Robustness, RandomBytesAreSkipped) {
  std::mt19937 rng(42);
  std::string noise(2 << 20, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  auto result = diagnose_text(noise, "noise", catalogue());
  EXPECT_TRUE(result.empty()) << describe(result);
  // The diagnosis of a real log survives random bytes around it.
  auto mixed = diagnose_text(noise.substr(0, 100000) + "\n" + real_psk_log() + "\n" + noise.substr(100000, 100000),
                             "mixed", catalogue());
  ASSERT_EQ(mixed.size(), 1u) << describe(mixed);
  EXPECT_EQ(mixed[0].fault, "psk_mismatch");
}

TEST(Robustness, TenMegabyteLineIsCutNotFatal) {
  std::string huge(10 << 20, 'A');
  auto result = diagnose_text(real_psk_log() + huge + "\n" + real_psk_log(), "huge", catalogue());
  ASSERT_FALSE(result.empty());
  for (const auto& d : result) EXPECT_EQ(d.fault, "psk_mismatch");
  for (const auto& d : result)
    for (const auto& e : d.evidence) EXPECT_LE(e.text.size(), 512u);
  // Also through the file reader (chunked reads).
  TempDir dir;
  auto file = dir.write("huge.log", huge + "\n" + real_psk_log());
  auto from_file = diagnose_files({file}, catalogue());
  ASSERT_EQ(from_file.size(), 1u) << describe(from_file);
  EXPECT_EQ(from_file[0].fault, "psk_mismatch");
  EXPECT_EQ(from_file[0].evidence.front().line, 7u);  // line numbers count the long line once
}

TEST(Robustness, TruncatedLinesAndInvalidUtf8) {
  std::string log = real_psk_log();
  // Cut every line in half, then add invalid UTF-8 sequences.
  std::string truncated;
  std::stringstream ss(log);
  std::string line;
  while (std::getline(ss, line)) truncated += line.substr(0, line.size() / 2) + "\xc3\x28\xff\n";
  auto result = diagnose_text(truncated, "cut", catalogue());
  for (const auto& d : result) EXPECT_FALSE(d.fault.empty());
  // A last line without newline still counts.
  std::string no_newline = log;
  while (!no_newline.empty() && (no_newline.back() == '\n' || no_newline.back() == '|')) no_newline.pop_back();
  auto tail = diagnose_text(no_newline, "tail", catalogue());
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].fault, "psk_mismatch");
  // Invalid UTF-8 inside evidence still gives valid JSON.
  std::string bad = "14[IKE] message parsing failed \xff\xfe\n14[IKE] ID_PROT request with message ID 0 processing failed\n";
  auto json = dump_json(to_json(diagnose_text(bad, "bad", catalogue())));
  EXPECT_TRUE(nlohmann::json::accept(json));
}

TEST(Robustness, UnreadableInputIsAnInputError) {
  EXPECT_THROW(diagnose_files({"/nonexistent/ikelab/log"}, catalogue()), InputError);
  TempDir dir;
  EXPECT_THROW(diagnose_files({dir.path}, catalogue()), InputError);
  EXPECT_THROW(diagnose_files({}, catalogue()), InputError);
}

TEST(Robustness, StreamingFedByteByByteMatchesWholeFile) {
  auto whole = diagnose_text(real_psk_log(), "log", catalogue());
  std::vector<Diagnosis> streamed;
  StreamDiagnoser stream(load_catalogue(), "log", [&](const Diagnosis& d) { streamed.push_back(d); });
  for (char c : real_psk_log()) stream.feed(std::string_view(&c, 1));
  stream.finish();
  ASSERT_EQ(streamed.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(streamed[i].fault, whole[i].fault);
    ASSERT_EQ(streamed[i].evidence.size(), whole[i].evidence.size());
    for (size_t j = 0; j < whole[i].evidence.size(); ++j) EXPECT_EQ(streamed[i].evidence[j].line, whole[i].evidence[j].line);
  }
}

TEST(Robustness, WallClockSettlesAnAttemptOnlyAfterQuiet) {
  std::vector<Diagnosis> out;
  StreamDiagnoser stream(load_catalogue(), "log", [&](const Diagnosis& d) { out.push_back(d); });
  stream.tick(100.0);
  stream.feed(real_psk_log());
  stream.tick(100.5, 2.0, 30.0);
  EXPECT_TRUE(out.empty());  // terminal line seen, but not yet quiet for 2 s
  stream.tick(103.0, 2.0, 30.0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].fault, "psk_mismatch");
  stream.finish();
  EXPECT_EQ(out.size(), 1u);
}

// The real-log corpus (tests/data/real: logs people pasted in public threads,
// with their paste damage), whole and mangled: cut at every tenth byte, its
// lines reversed, every line halved, bytes flipped. Each gives diagnoses with
// valid JSON, from memory and through the file reader, never a crash or hang.
TEST(Robustness, RealCorpusWholeAndMangled) {
  const auto real = kData / "real";
  if (!std::filesystem::is_directory(real)) GTEST_SKIP() << "no corpus";
  std::mt19937 rng(7);
  size_t logs = 0;
  TempDir dir;
  for (const auto& e : std::filesystem::recursive_directory_iterator(real)) {
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    const std::string text = read_file(e.path());
    std::vector<std::string> variants = {text, text.substr(0, text.size() * 9 / 10)};
    auto lines = lines_of(text);
    std::string reversed, halved, flipped = text;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) reversed += *it + "\n";
    for (const auto& l : lines) halved += l.substr(0, l.size() / 2) + "\n";
    for (size_t i = 0; i < flipped.size(); i += 1 + rng() % 50) flipped[i] = static_cast<char>(rng());
    variants.insert(variants.end(), {reversed, halved, flipped});
    for (const auto& v : variants) {
      auto from_text = diagnose_text(v, "paste", catalogue());
      EXPECT_TRUE(nlohmann::json::accept(dump_json(to_json(from_text)))) << e.path();
      for (const auto& d : from_text) EXPECT_FALSE(d.fault.empty()) << e.path();
      auto file = dir.write("variant.log", v);
      auto from_file = diagnose_files({file}, catalogue());
      EXPECT_EQ(from_file.size(), from_text.size()) << e.path();
    }
    ++logs;
  }
  EXPECT_GT(logs, 0u);
}

}  // namespace
}  // namespace ikelab::diag::test
