// Every rule of the catalogue is proven by a log a real daemon wrote: the
// test diagnoses every log under tests/data/logs (the lab's captures) and
// tests/data/seeds (the vendor guides' excerpts), each alone and each lab
// case's two logs as a pair, and collects the rules that decided a diagnosis
// (Diagnosis::rule). A rule no real log uses fails the test until a real log
// proves it or the rule says why the lab cannot produce one
// (`unproven: <reason>` in its YAML). A rule marked unproven that a real log
// does use fails too, so the mark is removed once the proof exists.
#include "test_support.hpp"

#include "diagnoser/src/catalogue/catalogue.hpp"

#include <map>
#include <set>

namespace ikelab::diag::test {
namespace {

// "<fault file>/<rule id>", as Diagnosis::rule names a rule.
std::string rule_name(const Rule& rule) {
  return std::filesystem::path(rule.file).stem().string() + "/" + rule.id;
}

std::vector<std::filesystem::path> real_logs() {
  std::vector<std::filesystem::path> out;
  for (const char* folder : {"logs", "seeds"}) {
    if (!std::filesystem::is_directory(kData / folder)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(kData / folder))
      if (e.is_regular_file() && e.path().extension() == ".log") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The daemon's log of one side of a lab case: `side.log` (tests/data/logs/NAME/ikeN/)
// or `side/charon.log` / `side/pluto.log` (the full captures under logs/pluto/).
std::filesystem::path side_log(const std::filesystem::path& dir, const std::string& side) {
  for (auto p : {dir / (side + ".log"), dir / side / "charon.log", dir / side / "pluto.log"})
    if (std::filesystem::is_regular_file(p)) return p;
  return {};
}

// Rule name -> the first real log (relative to tests/data) whose diagnosis it decided.
const std::map<std::string, std::string>& proofs() {
  static const std::map<std::string, std::string> found = [] {
    std::map<std::string, std::string> out;
    auto note = [&](const std::vector<Diagnosis>& ds, const std::string& what) {
      for (const auto& d : ds)
        if (!d.rule.empty()) out.emplace(d.rule, what);
    };
    std::set<std::filesystem::path> case_dirs;
    for (const auto& log : real_logs()) {
      note(diagnose_files({log}, catalogue()), std::filesystem::relative(log, kData).string());
      auto dir = log.parent_path();
      if (log.filename() != "initiator.log" && log.filename() != "responder.log") dir = dir.parent_path();
      case_dirs.insert(dir);
    }
    for (const auto& dir : case_dirs) {
      auto init = side_log(dir, "initiator"), resp = side_log(dir, "responder");
      if (init.empty() || resp.empty()) continue;
      note(diagnose_files({init, resp}, catalogue()),
           std::filesystem::relative(init, kData).string() + " + " + std::filesystem::relative(resp, kData).filename().string());
    }
    return out;
  }();
  return found;
}

TEST(RuleProof, TheRealLogsAreThere) {
  // Guards the test itself: without the captures every rule would look unproven.
  EXPECT_GT(real_logs().size(), 200u);
  EXPECT_GT(proofs().size(), 100u);
}

TEST(RuleProof, EveryRuleDecidesARealLogOrSaysWhyNot) {
  std::set<std::string> names;
  for (const auto& rule : catalogue().rules) {
    const std::string name = rule_name(rule);
    names.insert(name);
    auto proof = proofs().find(name);
    const bool proven = proof != proofs().end();
    const std::string where = rule.file + ":" + std::to_string(rule.line);
    if (rule.unproven.empty()) {
      EXPECT_TRUE(proven)
          << where << ": rule " << name << " decides no diagnosis of any real log under tests/data/logs or "
          << "tests/data/seeds: let the lab capture a log it names (README.md, \"How to add a rule\"), or give it "
          << "`unproven: <why the lab cannot produce that log>`";
    } else {
      EXPECT_FALSE(proven) << where << ": rule " << name << " is marked `unproven: " << rule.unproven
                                       << "`, but the real log " << proof->second
                                       << " proves it now: remove the mark";
    }
  }
  // Every rule a diagnosis names is one of the catalogue's (Diagnosis::rule and rule_name agree).
  for (const auto& [name, log] : proofs()) EXPECT_TRUE(names.count(name)) << name << " from " << log;
}

TEST(RuleProof, UnprovenNeedsAReason) {
  TempDir dir;
  dir.write("x.yaml",
            "fault: x\nfix: y\npatterns:\n  a: 'abc'\nrules:\n  - id: r\n    require: [a]\n    unproven: ''\n"
            "    summary: s\n");
  try {
    load_catalogue(dir.path);
    ADD_FAILURE() << "an empty `unproven:` was accepted";
  } catch (const RuleError& e) {
    EXPECT_NE(std::string(e.what()).find("x.yaml:8"), std::string::npos) << e.what();
  }
  TempDir ok;
  ok.write("x.yaml",
           "fault: x\nfix: y\npatterns:\n  a: 'abc'\nrules:\n  - id: r\n    require: [a]\n"
           "    unproven: the lab's daemons cannot write this line\n    summary: s\n");
  auto cat = load_catalogue(ok.path);
  ASSERT_EQ(cat->rules.size(), 1u);
  EXPECT_EQ(cat->rules[0].unproven, "the lab's daemons cannot write this line");
}

}  // namespace
}  // namespace ikelab::diag::test
