// `ikelab diagnose` inputs as a user gives them: logs compressed by the real
// gzip, xz, bzip2 and zstd tools (read by content, whatever their names),
// rotated sets and directories (oldest part first), binary, empty and
// IKE-less inputs (exit statuses 2 and 3). The logs are the lab's own
// captures in tests/data/logs (see its README); the labels are the scenarios'.
#include "test_support.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ikelab::diag::test {
namespace {

struct CliResult {
  int exit_code;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs `ikelab diagnose ARGS` through the shell (globs expand as a user's do),
// killed after 60 s so that a hang fails instead of blocking.
CliResult diagnose(const std::string& args, const std::filesystem::path& err_file) {
  std::string command = "timeout 60 " + std::string(IKELAB_BINARY) + " diagnose " + args + " 2>" + err_file.string();
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), out, read_file(err_file)};
}

int sh(const std::string& command) { return std::system(command.c_str()); }

const std::filesystem::path kLogs = kData / "logs";

struct Inputs : ::testing::Test {
  TempDir dir;
  CliResult run(const std::string& args) { return diagnose(args, dir.path / "stderr.txt"); }
  // Copies a lab log to DIR/name.
  std::filesystem::path copy(const std::filesystem::path& from, const std::string& name) {
    auto to = dir.path / name;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
    return to;
  }
};

// The evidence of a diagnosis quotes the very line of the file it names.
void expect_evidence_quotes(const nlohmann::json& d, const std::map<std::string, std::string>& texts) {
  for (const auto& e : d["evidence"]) {
    const std::string file = e["file"];
    ASSERT_TRUE(texts.count(file)) << "evidence names " << file;
    auto lines = lines_of(texts.at(file));
    const size_t line = e["line"];
    ASSERT_GE(line, 1u);
    ASSERT_LE(line, lines.size()) << file;
    EXPECT_EQ(lines[line - 1].rfind(e["text"].get<std::string>(), 0), 0u) << file << ":" << line;
  }
}

TEST_F(Inputs, CompressedLogsAreReadByContentWhateverTheirName) {
  const auto original = kLogs / "psk_mismatch/ike2/responder.log";
  const std::string text = read_file(original);
  struct Tool {
    const char* command;  // compresses FILE in place, to FILE.EXT
    const char* ext;
  };
  for (Tool tool : {Tool{"gzip -9", "gz"}, Tool{"xz", "xz"}, Tool{"bzip2", "bz2"}, Tool{"zstd -q --rm", "zst"}}) {
    SCOPED_TRACE(tool.command);
    auto plain = copy(original, std::string("charon_") + tool.ext + "_log");
    ASSERT_EQ(sh(std::string(tool.command) + " " + plain.string()), 0);
    // Named like a plain log: only the content says it is compressed.
    auto named = dir.path / (std::string("charon_") + tool.ext + ".log");
    std::filesystem::rename(plain.string() + "." + tool.ext, named);
    CliResult r = run("--json " + named.string());
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["diagnoses"].size(), 1u) << r.out;
    EXPECT_EQ(j["diagnoses"][0]["fault"], "psk_mismatch");  // scenarios/psk_mismatch.yaml
    expect_evidence_quotes(j["diagnoses"][0], {{named.string(), text}});
    // Standard input too.
    CliResult s = run("--json - < " + named.string());
    ASSERT_EQ(s.exit_code, 1) << s.err;
    EXPECT_EQ(nlohmann::json::parse(s.out)["diagnoses"][0]["fault"], "psk_mismatch");
  }
}

TEST_F(Inputs, ConcatenatedGzipMembersAreOneLog) {
  // logrotate's delaycompress and `cat a.gz b.gz` both give several members.
  auto a = copy(kLogs / "psk_mismatch/ike1/responder.log", "a");
  auto b = copy(kLogs / "baseline_psk/ike2/responder.log", "b");
  ASSERT_EQ(sh("gzip -c " + a.string() + " > " + (dir.path / "both.gz").string() + " && gzip -c " + b.string() +
               " >> " + (dir.path / "both.gz").string()),
            0);
  CliResult r = run("--json " + (dir.path / "both.gz").string());
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["diagnoses"].size(), 2u) << r.out << r.err;
  EXPECT_EQ(j["diagnoses"][0]["fault"], "psk_mismatch");
  EXPECT_EQ(j["diagnoses"][1]["fault"], "none");  // scenarios/baseline_psk.yaml
}

TEST_F(Inputs, RotatedSetIsReadOldestFirstWithEachPartsOwnLines) {
  // /var/log/syslog* after two rotations: syslog.2.gz (oldest), syslog.1, syslog (newest).
  auto logdir = dir.path / "var-log";
  std::filesystem::create_directories(logdir);
  const auto oldest = kLogs / "psk_mismatch/ike1/responder.log";
  const auto middle = kLogs / "baseline_psk/ike2/responder.log";
  const auto newest = kLogs / "wrong_id_initiator/ike2/responder.log";
  std::filesystem::copy_file(oldest, logdir / "syslog.2");
  ASSERT_EQ(sh("gzip " + (logdir / "syslog.2").string()), 0);
  std::filesystem::copy_file(middle, logdir / "syslog.1");
  std::filesystem::copy_file(newest, logdir / "syslog");
  const std::map<std::string, std::string> texts = {{(logdir / "syslog.2.gz").string(), read_file(oldest)},
                                                    {(logdir / "syslog.1").string(), read_file(middle)},
                                                    {(logdir / "syslog").string(), read_file(newest)}};
  // The shell's glob lists them syslog syslog.1 syslog.2.gz; a directory names them too.
  for (const std::string& args : {logdir.string() + "/syslog*", logdir.string()}) {
    SCOPED_TRACE(args);
    CliResult r = run("--json " + args);
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["diagnoses"].size(), 3u) << r.out;
    // The scenarios' labels, in the order the attempts happened.
    EXPECT_EQ(j["diagnoses"][0]["fault"], "psk_mismatch");
    EXPECT_EQ(j["diagnoses"][0]["ike_version"], 1);
    EXPECT_EQ(j["diagnoses"][1]["fault"], "none");
    EXPECT_TRUE(j["diagnoses"][2]["fault"] == "wrong_id_initiator" ||
                std::find(j["diagnoses"][2]["candidates"].begin(), j["diagnoses"][2]["candidates"].end(),
                          "wrong_id_initiator") != j["diagnoses"][2]["candidates"].end())
        << j["diagnoses"][2].dump();
    EXPECT_EQ(j["diagnoses"][0]["evidence"][0]["file"], (logdir / "syslog.2.gz").string());
    EXPECT_EQ(j["diagnoses"][2]["evidence"][0]["file"], (logdir / "syslog").string());
    for (const auto& d : j["diagnoses"]) expect_evidence_quotes(d, texts);
  }
}

TEST_F(Inputs, DirectoryOfTwoPeersLogsIsPaired) {
  CliResult r = run("--json " + (kLogs / "psk_mismatch/ike2").string());
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["diagnoses"].size(), 1u) << r.out;
  EXPECT_EQ(j["diagnoses"][0]["fault"], "psk_mismatch");
  EXPECT_EQ(j["pairing"]["paired"], true);
  std::set<std::string> files;
  for (const auto& e : j["diagnoses"][0]["evidence"]) files.insert(e["file"]);
  EXPECT_EQ(files.size(), 2u) << "both sides' evidence";
}

TEST_F(Inputs, BinaryInputIsRefusedNamingTheFile) {
  // A real binary: the ikelab program itself, under a log's name.
  auto binary = copy(IKELAB_BINARY, "charon.log");
  CliResult r = run(binary.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(binary.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("binary"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("no IKE connection attempt"), std::string::npos) << "no silent all-clear: " << r.out;
  // Also through standard input and compressed.
  EXPECT_EQ(run("- < " + binary.string()).exit_code, 2);
  ASSERT_EQ(sh("gzip -k " + binary.string()), 0);
  CliResult z = run(binary.string() + ".gz");
  EXPECT_EQ(z.exit_code, 2);
  EXPECT_NE(z.err.find("binary"), std::string::npos) << z.err;
}

TEST_F(Inputs, CorruptCompressedLogIsAnErrorNotAnAllClear) {
  auto log = copy(kLogs / "psk_mismatch/ike2/responder.log", "r.log");
  ASSERT_EQ(sh("gzip " + log.string()), 0);
  const auto gz = log.string() + ".gz";
  std::filesystem::resize_file(gz, std::filesystem::file_size(gz) / 2);
  CliResult r = run(gz);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(gz), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gzip"), std::string::npos) << r.err;
}

TEST_F(Inputs, EmptyOrIkeLessInputSaysSoWithStatusThree) {
  auto empty = dir.write("empty.log", "");
  CliResult e = run(empty.string());
  EXPECT_EQ(e.exit_code, 3);
  EXPECT_NE(e.out.find("empty"), std::string::npos) << e.out;
  CliResult ej = run("--json " + empty.string());
  EXPECT_EQ(ej.exit_code, 3);
  EXPECT_EQ(nlohmann::json::parse(ej.out)["diagnoses"].size(), 0u);
  EXPECT_NE(ej.err.find("no IKE connection attempt"), std::string::npos) << ej.err;
  // Real text without an IKE daemon's lines: this repository's top CMakeLists.txt.
  CliResult t = run((kData / "../../CMakeLists.txt").string());
  EXPECT_EQ(t.exit_code, 3);
  EXPECT_NE(t.out.find("no IKE connection attempt found"), std::string::npos) << t.out;
  // An empty compressed file says so too.
  ASSERT_EQ(sh("gzip -k " + empty.string()), 0);
  EXPECT_EQ(run(empty.string() + ".gz").exit_code, 3);
}

TEST_F(Inputs, HelpDocumentsTheExitStatuses) {
  CliResult r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"Exit status", "0 every attempt succeeded", "1 a fault", "2 bad usage", "3 no IKE"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace ikelab::diag::test

// --- live sources: --follow like tail -F, pipes that stay open -----------

namespace ikelab::diag::test {
namespace {

// `ikelab diagnose ARGS` as a child with a pipe on its standard input (kept
// open until close_input) and its standard output read as it comes.
struct Child {
  pid_t pid = -1;
  int in = -1, out = -1;
  std::string output;

  explicit Child(const std::vector<std::string>& args) {
    int to_child[2], from_child[2];
    EXPECT_EQ(::pipe(to_child), 0);
    EXPECT_EQ(::pipe(from_child), 0);
    pid = ::fork();
    if (pid == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[1]);
      ::close(from_child[0]);
      std::vector<char*> argv;
      std::string binary = IKELAB_BINARY, sub = "diagnose";
      argv.push_back(binary.data());
      argv.push_back(sub.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    in = to_child[1];
    out = from_child[0];
  }
  ~Child() {
    close_input();
    if (pid > 0) {
      ::kill(pid, SIGKILL);  // only if a test failed and left it running
      ::waitpid(pid, nullptr, 0);
    }
    if (out >= 0) ::close(out);
  }
  void write(const std::string& text) {
    for (size_t at = 0; at < text.size();) {
      ssize_t n = ::write(in, text.data() + at, text.size() - at);
      ASSERT_GT(n, 0);
      at += static_cast<size_t>(n);
    }
  }
  void close_input() {
    if (in >= 0) ::close(in);
    in = -1;
  }
  // Reads output until it holds `count` lines, or `seconds` pass; true if it does.
  bool wait_lines(size_t count, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (static_cast<size_t>(std::count(output.begin(), output.end(), '\n')) < count) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      ssize_t n = ::read(out, buffer, sizeof buffer);
      if (n <= 0) return static_cast<size_t>(std::count(output.begin(), output.end(), '\n')) >= count;
      output.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }
  // The exit status, waiting at most `seconds` (then the child is killed: -1).
  int wait_exit(double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
      wait_lines(SIZE_MAX, 0.05);
      int status = 0;
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        pid = -1;
        wait_lines(SIZE_MAX, 0.2);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      if (std::chrono::steady_clock::now() > deadline) return -1;
    }
  }
  std::vector<nlohmann::json> json_lines() const {
    std::vector<nlohmann::json> out_lines;
    for (const auto& l : lines_of(output))
      if (!l.empty()) out_lines.push_back(nlohmann::json::parse(l));
    return out_lines;
  }
};

void append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app | std::ios::binary) << text;
}

TEST(Live, PipeThatStaysOpenPrintsBeforeTheInputEnds) {
  // journalctl -f | ikelab diagnose -: the writer never closes.
  Child child({"--json", "--settle", "0.3", "-"});
  child.write(read_file(kLogs / "psk_mismatch/ike2/responder.log"));
  // The JSON document opens, then the first diagnosis comes while the pipe is still open.
  ASSERT_TRUE(child.wait_lines(6, 15)) << "nothing printed while the pipe stayed open: " << child.output;
  EXPECT_NE(child.output.find("\"psk_mismatch\""), std::string::npos) << child.output;
  child.write(read_file(kLogs / "baseline_psk/ike2/responder.log"));
  child.close_input();
  EXPECT_EQ(child.wait_exit(15), 1) << child.output;
  auto j = nlohmann::json::parse(child.output);
  ASSERT_EQ(j["diagnoses"].size(), 2u) << child.output;
  EXPECT_EQ(j["diagnoses"][1]["fault"], "none");
}

TEST(Live, FollowStandardInput) {
  Child child({"--json", "--settle", "0.3", "--follow", "-"});
  child.write(read_file(kLogs / "psk_mismatch/ike1/responder.log"));
  ASSERT_TRUE(child.wait_lines(1, 15)) << child.output;
  EXPECT_EQ(child.json_lines().at(0)["diagnoses"][0]["fault"], "psk_mismatch");
  child.close_input();
  EXPECT_EQ(child.wait_exit(15), 1) << child.output;
}

TEST(Live, FollowSurvivesRenameRotationAndTruncation) {
  TempDir dir;
  const auto log = dir.path / "charon.log";
  append(log, read_file(kLogs / "psk_mismatch/ike2/responder.log"));
  Child child({"--json", "--settle", "0.3", "--stop-after", "3", "--follow", log.string()});
  ASSERT_TRUE(child.wait_lines(1, 15)) << child.output;
  // logrotate's default: rename, then the daemon opens a new file.
  std::filesystem::rename(log, dir.path / "charon.log.1");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  append(log, read_file(kLogs / "baseline_psk/ike2/responder.log"));
  ASSERT_TRUE(child.wait_lines(2, 15)) << "nothing after the rotation: " << child.output;
  // copytruncate: the same file cut to 0 and written again.
  std::filesystem::resize_file(log, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  append(log, read_file(kLogs / "psk_mismatch/ike1/responder.log"));
  ASSERT_TRUE(child.wait_lines(3, 15)) << "nothing after the truncation: " << child.output;
  EXPECT_EQ(child.wait_exit(20), 1);
  auto lines = child.json_lines();
  ASSERT_EQ(lines.size(), 3u) << child.output;
  EXPECT_EQ(lines[0]["diagnoses"][0]["fault"], "psk_mismatch");
  EXPECT_EQ(lines[1]["diagnoses"][0]["fault"], "none");
  EXPECT_EQ(lines[2]["diagnoses"][0]["fault"], "psk_mismatch");
  EXPECT_EQ(lines[2]["diagnoses"][0]["ike_version"], 1);
}

TEST(Live, FollowWaitsForAFileThatDoesNotExistYet) {
  TempDir dir;
  const auto log = dir.path / "later.log";
  Child child({"--json", "--settle", "0.3", "--stop-after", "4", "--follow", log.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  append(log, read_file(kLogs / "psk_mismatch/ike2/initiator.log"));
  ASSERT_TRUE(child.wait_lines(1, 15)) << child.output;
  EXPECT_EQ(child.json_lines().at(0)["diagnoses"][0]["fault"], "psk_mismatch");
  EXPECT_EQ(child.wait_exit(20), 1);
}

TEST(Live, FollowWithNothingToDiagnoseIsStatusThree) {
  TempDir dir;
  const auto log = dir.write("quiet.log", "");
  Child child({"--stop-after", "0.5", "--follow", log.string()});
  EXPECT_EQ(child.wait_exit(15), 3);
}

}  // namespace
}  // namespace ikelab::diag::test

// --- honest pairing: two logs are one connection only where their attempts match

namespace ikelab::diag::test {
namespace {

struct Pairs : ::testing::Test {
  TempDir dir;
  CliResult run(const std::string& args) { return diagnose(args, dir.path / "stderr.txt"); }
  // What a log says alone.
  nlohmann::json alone(const std::filesystem::path& log) { return nlohmann::json::parse(run("--json " + log.string()).out); }
};

TEST_F(Pairs, LogsOfDifferentCasesAreDiagnosedAloneAndSaySo) {
  struct Mismatch {
    std::filesystem::path first, second;
    std::vector<std::string> why;  // the reason holds one of these
  };
  // Lab logs of different cases: an IKEv1 initiator against an IKEv2 responder;
  // two IKEv2 cases 12 s apart; two IKEv2 cases 4 s apart (within the clock
  // tolerance) whose IKE_AUTH messages differ in size.
  for (const auto& m : {Mismatch{kLogs / "psk_mismatch/ike1/initiator.log", kLogs / "wrong_id_initiator/ike2/responder.log", {"IKEv1"}},
                        Mismatch{kLogs / "psk_mismatch/ike2/initiator.log", kLogs / "wrong_id_initiator/ike2/responder.log", {"apart", "bytes"}},
                        Mismatch{kLogs / "baseline_psk/ike2/initiator.log", kLogs / "wrong_id_initiator/ike2/responder.log", {"bytes"}}}) {
    SCOPED_TRACE(m.first.string() + " " + m.second.string());
    CliResult r = run("--json " + m.first.string() + " " + m.second.string());
    auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.contains("pairing")) << r.out;
    EXPECT_EQ(j["pairing"]["paired"], false);
    const std::string reason = j["pairing"]["reason"];
    EXPECT_NE(reason.find("do not seem to belong"), std::string::npos) << reason;
    EXPECT_TRUE(std::any_of(m.why.begin(), m.why.end(), [&](const std::string& w) { return reason.find(w) != std::string::npos; }))
        << reason;
    // Each side as it is alone, in order.
    auto a = alone(m.first)["diagnoses"], b = alone(m.second)["diagnoses"];
    ASSERT_EQ(j["diagnoses"].size(), a.size() + b.size()) << r.out;
    for (const auto& d : j["diagnoses"]) {
      std::set<std::string> files;
      for (const auto& e : d["evidence"]) files.insert(e["file"]);
      EXPECT_EQ(files.size(), 1u) << "a diagnosis mixes both logs: " << d.dump();
    }
    EXPECT_EQ(j["diagnoses"][0]["fault"], a[0]["fault"]);
    EXPECT_EQ(j["diagnoses"][j["diagnoses"].size() - 1]["fault"], b[b.size() - 1]["fault"]);
    // The human output says it first.
    CliResult text = run(m.first.string() + " " + m.second.string());
    EXPECT_EQ(text.out.rfind("note: ", 0), 0u) << text.out;
    EXPECT_NE(text.out.find("do not seem to belong to the same connection"), std::string::npos) << text.out;
  }
}

TEST_F(Pairs, ThePeersOfOneCaseArePaired) {
  for (const char* scenario : {"psk_mismatch/ike1", "psk_mismatch/ike2", "baseline_psk/ike2", "wrong_id_initiator/ike2"}) {
    SCOPED_TRACE(scenario);
    CliResult r = run("--json " + (kLogs / scenario / "initiator.log").string() + " " +
                      (kLogs / scenario / "responder.log").string());
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["pairing"]["paired"], true) << r.out;
    EXPECT_EQ(j["pairing"]["unpaired"], nlohmann::json::array({0, 0})) << j["pairing"].dump();
    EXPECT_FALSE(j["pairing"].contains("reason")) << j["pairing"].dump();
    ASSERT_EQ(j["diagnoses"].size(), 1u) << r.out;
  }
}

}  // namespace
}  // namespace ikelab::diag::test
