#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Result {
  int exit_code;
  std::string output;
};

Result run(const std::string& args) {
  std::string command = std::string(IKELAB_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

// Standard output only (standard error dropped): what a program reading the JSON gets.
Result run_stdout(const std::string& args) {
  std::string command = std::string(IKELAB_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

TEST(Cli, VersionPrintsProgramNameAndExitsZero) {
  Result r = run("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("ikelab "), std::string::npos);
}

TEST(Cli, UnknownSubcommandIsAUsageError) {
  Result r = run("no-such-command");
  EXPECT_EQ(r.exit_code, 2);
}

// A value the chosen daemon cannot take is refused when the scenario is read
// (file:line), not later when a case is rendered.
TEST(Cli, ListRefusesALibreswanIdWithAQuoteNamingFileAndLine) {
  const std::string file = std::string(IKELAB_TEST_DATA_DIR) + "/list_libreswan_quote/libreswan_id_quote.yaml";
  Result r = run(std::string("list --scenarios ") + IKELAB_TEST_DATA_DIR + "/list_libreswan_quote");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(file + ":7:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot be written for libreswan"), std::string::npos) << r.output;
}

TEST(Cli, AMistypedCommandGetsASuggestion) {
  Result r = run("diagnos x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command 'diagnos' (did you mean diagnose?)"), std::string::npos) << r.output;
  Result far = run("frobnicate");
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.output.find("unknown command 'frobnicate'"), std::string::npos) << far.output;
  EXPECT_EQ(far.output.find("did you mean"), std::string::npos) << far.output;
}

// An empty scenario folder is named, for list and run alike (run checks it before it needs root).
TEST(Cli, AnEmptyScenarioFolderIsAClearError) {
  char dir[] = "/tmp/ikelab-cli-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  for (const char* command : {"list", "run"}) {
    Result r = run(std::string(command) + " --scenarios " + dir);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.output.find(std::string(dir) + ": no scenario in this folder"), std::string::npos) << r.output;
  }
  ::rmdir(dir);
}

TEST(Cli, RunSuggestsScenarioNamesAndTakesGlobs) {
  Result typo = run("run baseline_pks");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("no scenario named 'baseline_pks' (did you mean baseline_psk"), std::string::npos)
      << typo.output;
  Result glob = run("run 'zzz_*'");
  EXPECT_EQ(glob.exit_code, 2);
  EXPECT_NE(glob.output.find("no scenario matches 'zzz_*'"), std::string::npos) << glob.output;
  Result filter = run("run 'baseline_*' --filter 'no_such'");
  EXPECT_EQ(filter.exit_code, 2);
  EXPECT_NE(filter.output.find("--filter 'no_such' matches no chosen scenario"), std::string::npos) << filter.output;
}

TEST(Cli, RunRefusesBadColourAndQuietWithVerbose) {
  EXPECT_EQ(run("run baseline_psk --color sometimes").exit_code, 2);
  Result both = run("run baseline_psk -q -v");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.output.find("excludes"), std::string::npos) << both.output;
}

// A name that holds a terminal escape (ESC [ 2 J clears the screen): shown as
// "\x1b[2J", never sent raw. The log is a real lab capture, unchanged; only
// the name of the file the test copies it to holds the escape (connection
// names in scenarios are validated, so a lab log cannot carry one).
const std::string escape = "\x1b[2J";
const std::string shown_escape = "\\x1b[2J";

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("ikelab-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Cli, DiagnoseShowsATerminalEscapeFromItsInputVisibly) {
  const auto dir = scratch_dir();
  const auto log = dir / ("resp" + escape + "onder.log");
  std::filesystem::copy_file(std::string(IKELAB_SOURCE_DIR) + "/tests/data/logs/psk_mismatch/ike2/responder.log", log,
                             std::filesystem::copy_options::overwrite_existing);
  Result text = run("diagnose '" + log.string() + "'");
  EXPECT_EQ(text.exit_code, 1) << text.output;  // a failure is diagnosed
  EXPECT_EQ(text.output.find('\x1b'), std::string::npos) << "a raw escape reached the terminal";
  EXPECT_NE(text.output.find(shown_escape), std::string::npos) << text.output;
  // JSON stays JSON: the writer escapes the control itself, and the name reads back whole.
  Result json = run("diagnose --json '" + log.string() + "'");
  EXPECT_EQ(json.output.find('\x1b'), std::string::npos);
  auto parsed = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json.output;
  EXPECT_NE(json.output.find("\\u001b[2J"), std::string::npos) << json.output;
  std::filesystem::remove_all(dir);
}

TEST(Cli, ListShowsATerminalEscapeInAScenarioFileNameVisibly) {
  const auto dir = scratch_dir() / "scenarios";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::string(IKELAB_TEST_DATA_DIR) + "/scenarios/valid_everything.yaml",
                             dir / ("bad" + escape + ".yaml"), std::filesystem::copy_options::overwrite_existing);
  Result r = run("list --scenarios '" + dir.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << "a raw escape reached the terminal";
  EXPECT_NE(r.output.find("bad" + shown_escape), std::string::npos) << r.output;
  std::filesystem::remove_all(dir.parent_path());
}

// --format table|json: one option, the same values and the same refusal in
// every subcommand that prints results.
TEST(CliFormat, EverySubcommandRefusesAnUnknownFormatNamingIt) {
  const std::string log = std::string(IKELAB_SOURCE_DIR) + "/tests/data/logs/psk_mismatch/ike2/responder.log";
  for (const std::string& command : {std::string("list"), std::string("list --daemons"), "diagnose " + log,
                                     std::string("run baseline"), "replay " + log, std::string("corpus check /nonexistent"),
                                     std::string("cleanup --dry-run")}) {
    Result r = run(command + " --format yaml");
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
    EXPECT_NE(r.output.find("--format: 'yaml' is not an output format (use table or json)"), std::string::npos)
        << command << ": " << r.output;
  }
}

std::vector<std::string> first_column(const std::string& table) {
  std::vector<std::string> names;
  std::istringstream lines(table);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) names.push_back(line.substr(0, line.find(' ')));
  return names;
}

TEST(CliFormat, ListAsJsonHasEveryScenarioOfTheTable) {
  const std::string dir = std::string(IKELAB_SOURCE_DIR) + "/scenarios";
  Result table = run_stdout("list --scenarios " + dir);
  Result json = run_stdout("list --format json --scenarios " + dir);
  ASSERT_EQ(table.exit_code, 0) << table.output;
  ASSERT_EQ(json.exit_code, 0) << json.output;
  auto parsed = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(parsed.is_array()) << json.output;
  std::vector<std::string> names;
  for (const auto& s : parsed) {
    ASSERT_TRUE(s["scenario"].is_string()) << s.dump();
    ASSERT_TRUE(s["description"].is_string()) << s.dump();
    ASSERT_TRUE(s["ike_versions"].is_array() && !s["ike_versions"].empty()) << s.dump();
    for (const auto& v : s["ike_versions"]) EXPECT_TRUE(v == 1 || v == 2) << s.dump();
    names.push_back(s["scenario"]);
  }
  EXPECT_EQ(names, first_column(table.output));
  EXPECT_GT(names.size(), 10u);
}

TEST(CliFormat, ListDaemonsAsJsonSaysWhetherEachBuildIsInstalled) {
  Result table = run_stdout("list --daemons");
  Result json = run_stdout("list --daemons --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  auto parsed = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(parsed.is_array()) << json.output;
  std::vector<std::string> names;
  std::istringstream lines(table.output);
  std::string line;
  std::getline(lines, line);
  for (const auto& b : parsed) {
    ASSERT_TRUE(b["daemon"].is_string()) << b.dump();
    ASSERT_TRUE(b["installed"].is_boolean()) << b.dump();
    // An installed build says where, a missing one what is missing; the table says the same.
    EXPECT_TRUE(b["installed"] ? b.contains("where") : b.contains("missing")) << b.dump();
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line.substr(0, line.find(' ')), b["daemon"]);
    EXPECT_NE(line.find(b["installed"] ? "  yes  " : "  no  "), std::string::npos) << line;
    names.push_back(b["daemon"]);
  }
  EXPECT_EQ(names, first_column(table.output));
}

TEST(CliFormat, DiagnoseFormatJsonIsTheJsonFlag) {
  const std::string log = std::string(IKELAB_SOURCE_DIR) + "/tests/data/logs/psk_mismatch/ike2/responder.log";
  Result flag = run_stdout("diagnose --json " + log);
  Result format = run_stdout("diagnose --format json " + log);
  EXPECT_EQ(format.exit_code, flag.exit_code);
  auto a = nlohmann::json::parse(flag.output, nullptr, false);
  auto b = nlohmann::json::parse(format.output, nullptr, false);
  ASSERT_FALSE(b.is_discarded()) << format.output;
  EXPECT_EQ(a, b);
  // The default is the table, and asking for both is a contradiction, not a guess.
  Result table = run_stdout("diagnose --format table " + log);
  EXPECT_TRUE(nlohmann::json::parse(table.output, nullptr, false).is_discarded()) << table.output;
  EXPECT_EQ(table.output, run_stdout("diagnose " + log).output);
  Result both = run("diagnose --json --format table " + log);
  EXPECT_EQ(both.exit_code, 2) << both.output;
  EXPECT_NE(both.output.find("--format: table contradicts --json"), std::string::npos) << both.output;
}

// Without root, run only checks its options and scenario names: both before anything starts.
TEST(CliFormat, RunFormatJsonWithAnUnknownScenarioSaysSoAndPrintsNoJson) {
  Result out = run_stdout("run --format json no_such_scenario_xyz");
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_EQ(out.output, "");  // nothing on standard output a JSON reader would take for a result
  Result all = run("run --format json no_such_scenario_xyz");
  EXPECT_NE(all.output.find("no scenario named 'no_such_scenario_xyz'"), std::string::npos) << all.output;
  Result both = run("run --json - --format table baseline");
  EXPECT_EQ(both.exit_code, 2) << both.output;
  EXPECT_NE(both.output.find("--format: table contradicts --json -"), std::string::npos) << both.output;
}

TEST(CliFormat, CleanupAsJsonSaysWhatItWouldDoWithEveryRunTheLinesName) {
  // A dry run changes nothing, but lab tests running beside this one start
  // and end runs: compare the JSON with the lines only when the lines before
  // and after it agree (the runs did not change in between).
  Result before, json, after;
  for (int attempt = 0; attempt < 20; ++attempt) {
    before = run_stdout("cleanup --dry-run");
    json = run_stdout("cleanup --dry-run --format json");
    after = run_stdout("cleanup --dry-run");
    if (before.output == after.output) break;
  }
  ASSERT_EQ(before.output, after.output) << "the runs kept changing";
  ASSERT_EQ(before.exit_code, 0) << before.output;
  ASSERT_EQ(json.exit_code, 0) << json.output;
  auto parsed = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << json.output;
  EXPECT_EQ(parsed["schema_version"], 1);
  EXPECT_EQ(parsed["dry_run"], true);
  EXPECT_EQ(parsed["removed"], 0);
  ASSERT_TRUE(parsed["runs"].is_array()) << json.output;
  size_t lines = 0;
  std::istringstream in(before.output);
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(parsed["runs"].size(), lines) << before.output << json.output;
  for (const auto& run : parsed["runs"]) {
    const std::string action = run["action"];
    EXPECT_TRUE(action == "would_remove" || action == "kept" || action == "left_alone") << run.dump();
    EXPECT_NE(before.output.find("run " + std::to_string(run["owner"].get<int>())), std::string::npos) << before.output;
  }
}

// A corpus of two lab captures, labelled as expected/ labels their cases
// (psk_mismatch.yaml, baseline_psk.yaml: ike2 responder), and a third entry
// whose label is wrong on purpose, so that the JSON's disagreement is checked.
TEST(CliFormat, CorpusCheckAsJsonHasTheTablesFigures) {
  const auto dir = scratch_dir() / "corpus";
  std::filesystem::create_directories(dir);
  const std::string logs = std::string(IKELAB_SOURCE_DIR) + "/tests/data/logs/";
  std::filesystem::copy_file(logs + "psk_mismatch/ike2/responder.log", dir / "psk.log",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(logs + "baseline_psk/ike2/responder.log", dir / "baseline.log",
                             std::filesystem::copy_options::overwrite_existing);
  auto entry = [](const std::string& log, const std::string& scenario, const std::string& fault) {
    return nlohmann::json{{"schema_version", 1}, {"log", log}, {"case", scenario + "/ike2/v001"}, {"scenario", scenario},
                          {"variant", 1}, {"seed", 1}, {"ike_version", 2}, {"side", "responder"},
                          {"daemon", "strongswan"}, {"peer_log", nullptr}, {"peer_daemon", nullptr},
                          {"format", "charon-filelog"}, {"fault", fault},
                          {"candidates", {fault}}, {"match", "exact"}, {"outcome", "phase1_failed"},
                          {"log_level", "default"}, {"settings", nlohmann::json::object()}}
        .dump();
  };
  {
    std::ofstream manifest(dir / "manifest.jsonl");
    manifest << entry("psk.log", "psk_mismatch", "psk_mismatch") << "\n"
             << entry("baseline.log", "baseline_psk", "none") << "\n"
             << entry("psk.log", "psk_mismatch", "ts_mismatch") << "\n";  // the wrong label
  }
  Result table = run_stdout("corpus check " + dir.string());
  Result json = run_stdout("corpus check --format json " + dir.string());
  EXPECT_EQ(table.exit_code, 1) << table.output;
  EXPECT_EQ(json.exit_code, 1) << json.output;
  auto parsed = nlohmann::json::parse(json.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << json.output;
  EXPECT_EQ(parsed["schema_version"], 1);
  EXPECT_EQ(parsed["total"], 3);
  EXPECT_EQ(parsed["agree"], 2);
  EXPECT_EQ(parsed["by_fault"]["none"]["agree"], 1);
  EXPECT_EQ(parsed["by_fault"]["ts_mismatch"]["agree"], 0);
  ASSERT_EQ(parsed["disagreements"].size(), 1u) << json.output;
  EXPECT_EQ(parsed["disagreements"][0]["log"], "psk.log");
  EXPECT_EQ(parsed["disagreements"][0]["expected"], "ts_mismatch");
  EXPECT_NE(table.output.find("2 of 3 labelled logs agree"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("DISAGREE psk.log: expected ts_mismatch, got " +
                              parsed["disagreements"][0]["got"].get<std::string>()),
            std::string::npos)
      << table.output;
  std::filesystem::remove_all(dir.parent_path());
}

}  // namespace
