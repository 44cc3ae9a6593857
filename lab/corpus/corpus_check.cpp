// `ikelab corpus check DIR [--junit FILE]`: the diagnoser against a whole
// corpus's labels (which come from expected/, never from the diagnoser).
#include "lab/run/case_check.hpp"
#include "lab/run/diagnose_logs.hpp"
#include "base/text_file.hpp"
#include "lab/corpus/corpus_run.hpp"
#include "lab/corpus/manifest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

namespace fs = std::filesystem;

namespace ikelab::corpus {

namespace {

struct Tally {
  size_t agree = 0, total = 0;
};

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? '?' : c;
    }
  }
  return out;
}

void print_table(const char* title, const std::map<std::string, Tally>& tallies) {
  size_t width = std::string_view(title).size();
  for (const auto& [key, _] : tallies) width = std::max(width, key.size());
  fmt::print("{:<{}}  agree  total  percent\n", title, width);
  for (const auto& [key, t] : tallies)
    fmt::print("{:<{}}  {:>5}  {:>5}  {:>6.1f}%\n", key, width, t.agree, t.total,
               t.total ? 100.0 * static_cast<double>(t.agree) / static_cast<double>(t.total) : 0.0);
  fmt::print("\n");
}

}  // namespace

int check_corpus(const fs::path& dir, const fs::path& junit, bool json) {
  std::vector<ManifestEntry> entries;
  try {
    std::ifstream in(dir / "manifest.jsonl");
    if (!in) throw std::runtime_error(fmt::format("cannot read {}", (dir / "manifest.jsonl").string()));
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
      if (line.empty()) continue;
      try {
        entries.push_back(entry_from_json(nlohmann::json::parse(line)));
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}:{}: {}", (dir / "manifest.jsonl").string(), number, e.what()));
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab corpus check: {}\n", e.what());
    return 2;
  }
  harness::KnownFaults known;
  harness::DiagnoseLogs diagnose;
  try {
    diagnose = harness::catalogue_diagnoser(known);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab corpus check: the diagnoser's rule catalogue: {}\n", e.what());
    return 2;
  }
  std::map<std::string, Tally> per_fault, per_format, per_daemon;
  Tally all;
  size_t unlabelled = 0;
  std::vector<std::string> disagreements;
  nlohmann::ordered_json disagreeing = nlohmann::ordered_json::array();  // --format json
  std::string testcases;
  for (const auto& e : entries) {
    if (e.match == "unlabelled") {
      ++unlabelled;
      continue;
    }
    harness::FaultExpectation expected;
    expected.kind = e.match == "exact"              ? harness::FaultExpectation::Kind::exact
                    : e.match == "among_candidates" ? harness::FaultExpectation::Kind::among_candidates
                                                    : harness::FaultExpectation::Kind::no_attempt;
    expected.faults = e.candidates;
    std::string got, failure;
    bool agree = false;
    try {
      const auto found = diagnose({dir / e.log});
      agree = harness::diagnosis_matches(expected, found);
      const auto chosen = harness::case_diagnosis(found);
      got = chosen.fault;
      if (!chosen.candidates.empty()) {
        std::string list;
        for (const auto& c : chosen.candidates) list += (list.empty() ? "" : ", ") + c;
        got += " (candidates: " + list + ")";
      }
    } catch (const std::exception& ex) {
      got = fmt::format("diagnoser error: {}", ex.what());
    }
    for (auto* t : {&per_fault[e.fault], &per_format[e.format], &per_daemon[e.daemon], &all}) {
      ++t->total;
      if (agree) ++t->agree;
    }
    std::string want = expected.kind == harness::FaultExpectation::Kind::exact ? e.candidates.front()
                                                                               : "[" + fmt::format("{}", fmt::join(e.candidates, ", ")) + "]";
    if (!agree) {
      failure = fmt::format("expected {}, got {}", want, got);
      disagreements.push_back(fmt::format("{}: {}", e.log, failure));
      disagreeing.push_back({{"log", e.log}, {"expected", want}, {"got", got}});
    }
    testcases += fmt::format("  <testcase classname=\"corpus.{}\" name=\"{}\">{}</testcase>\n", xml_escape(e.fault),
                             xml_escape(e.log),
                             agree ? "" : fmt::format("<failure message=\"{}\"/>", xml_escape(failure)));
  }
  const double percent = all.total ? 100.0 * static_cast<double>(all.agree) / static_cast<double>(all.total) : 0.0;
  if (json) {
    auto tallies = [](const std::map<std::string, Tally>& by) {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& [key, t] : by) out[key] = {{"agree", t.agree}, {"total", t.total}};
      return out;
    };
    nlohmann::ordered_json out = {{"schema_version", 1}, {"agree", all.agree}, {"total", all.total},
                                  {"percent", percent},         {"unlabelled", unlabelled},
                                  {"by_fault", tallies(per_fault)}, {"by_format", tallies(per_format)},
                                  {"by_daemon", tallies(per_daemon)}, {"disagreements", disagreeing}};
    fmt::print("{}\n", out.dump(2));
  } else {
    print_table("fault", per_fault);
    print_table("format", per_format);
    print_table("daemon", per_daemon);
    for (const auto& d : disagreements) fmt::print("DISAGREE {}\n", d);
    fmt::print("{}{} of {} labelled logs agree with their labels ({:.1f}%){}\n", disagreements.empty() ? "" : "\n",
               all.agree, all.total, percent,
               unlabelled ? fmt::format("; {} unlabelled logs not checked", unlabelled) : "");
  }
  if (!junit.empty()) {
    try {
      harness::write_text_file(
          junit, fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"ikelab corpus check\" "
                             "tests=\"{}\" failures=\"{}\">\n{}</testsuite>\n",
                             all.total, all.total - all.agree, testcases));
    } catch (const std::exception& ex) {
      fmt::print(stderr, "ikelab corpus check: {}\n", ex.what());
      return 2;
    }
  }
  return disagreements.empty() ? 0 : 1;
}

}  // namespace ikelab::corpus
