#include "bench/loggen/truth_check.hpp"

#include "check/diagnosis_match.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace ikelab::bench {
namespace {

struct TruthRow {
  std::string remote, connection, truth, templ;
  bool known_gap = false;
  int diagnoses = 0;
  int attempts = 1;  // the template's log holds this many attempts
};

constexpr std::size_t kMaxProblems = 20;

void note(TruthReport& r, std::string text) {
  if (r.problems.size() < kMaxProblems) r.problems.push_back(std::move(text));
}

}  // namespace

bool meets_truth(const std::string& truth, const std::string& fault, const std::vector<std::string>& candidates) {
  return harness::diagnosis_meets(harness::fault_expectation_from_text(truth), {fault, candidates, {}});
}

TruthReport check_truth(const std::string& truth_path, const std::string& json_path) {
  std::ifstream truth(truth_path);
  if (!truth) throw std::runtime_error(fmt::format("{}: cannot open", truth_path));
  std::vector<TruthRow> rows;
  std::unordered_map<std::string, std::size_t> by_remote, by_connection;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(truth, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, '\t');) f.push_back(field);
    if (f.size() < 7 || f.size() > 9)
      throw std::runtime_error(fmt::format("{}:{}: expected 9 tab-separated fields (n remote connection role ike "
                                           "truth template gap attempts)",
                                           truth_path, line_no));
    TruthRow row{f[1], f[2], f[5], f[6], f.size() >= 8 && f[7] == "xfail", 0, 1};
    if (f.size() == 9) {
      try {
        row.attempts = std::stoi(f[8]);
      } catch (const std::exception&) {
        row.attempts = 0;
      }
      if (row.attempts < 1)
        throw std::runtime_error(fmt::format("{}:{}: attempts '{}' is not a positive number", truth_path, line_no, f[8]));
    }
    by_remote.emplace(row.remote, rows.size());
    by_connection.emplace(row.connection, rows.size());
    rows.push_back(std::move(row));
  }

  TruthReport r;
  r.attempts = 0;
  for (const auto& row : rows) {
    r.attempts += static_cast<std::uint64_t>(row.attempts);
    r.by_fault[row.truth].total += static_cast<std::uint64_t>(row.attempts);
    TemplateTally& t = r.by_template[row.templ];
    t.truth = row.truth;
    t.known_gap = row.known_gap;
    t.total += static_cast<std::uint64_t>(row.attempts);
  }

  std::ifstream json(json_path);
  if (!json) throw std::runtime_error(fmt::format("{}: cannot open", json_path));
  // Keep only what the check needs, so a huge output parses in little memory.
  auto keep = [](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event != nlohmann::json::parse_event_t::key) return true;
    const auto& key = parsed.get_ref<const std::string&>();
    return key != "evidence" && key != "summary" && key != "fix";
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json, keep);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not JSON: {}", json_path, e.what()));
  }
  if (!doc.contains("diagnoses") || !doc["diagnoses"].is_array())
    throw std::runtime_error(fmt::format("{}: no \"diagnoses\" array", json_path));

  for (const auto& d : doc["diagnoses"]) {
    ++r.diagnoses;
    std::string remote = d.value("remote", "");
    std::string fault = d.value("fault", "");
    // The peer's address is the key; pluto names no address for a fixed
    // peer's connection, so the (per attempt unique) connection name is next.
    std::size_t index = rows.size();
    if (auto it = by_remote.find(remote); it != by_remote.end()) index = it->second;
    else if (auto c = by_connection.find(d.value("connection", "")); c != by_connection.end()) index = c->second;
    if (index == rows.size()) {
      ++r.unmatched;
      note(r, fmt::format("diagnosis #{} ({}, remote '{}', connection '{}') matches no attempt", r.diagnoses, fault,
                          remote, d.value("connection", "")));
      continue;
    }
    TruthRow& row = rows[index];
    if (++row.diagnoses > row.attempts) {
      ++r.duplicates;
      ++r.by_template[row.templ].duplicates;
      note(r, fmt::format("attempt {} ({}) diagnosed again: {}", row.connection, row.templ, fault));
      continue;
    }
    ++r.found;
    std::vector<std::string> candidates;
    if (d.contains("candidates"))
      for (const auto& c : d["candidates"])
        if (c.is_string()) candidates.push_back(c.get<std::string>());
    FaultTally& tally = r.by_fault[row.truth];
    TemplateTally& templ = r.by_template[row.templ];
    if (meets_truth(row.truth, fault, candidates)) {
      ++templ.right;
      if (fault == harness::fault_expectation_from_text(row.truth).faults.front()) {
        ++r.exact;
        ++tally.exact;
      } else {
        ++r.via_candidates;
        ++tally.via_candidates;
      }
      continue;
    }
    std::string got = fault;
    if (!candidates.empty()) {
      got += " (candidates";
      for (const auto& c : candidates) got += " " + c;
      got += ")";
    }
    ++templ.wrong[got];
    if (row.known_gap) ++r.wrong_known_gap;
    note(r, fmt::format("attempt {} ({}): expected {}, got {}{}", row.connection, row.templ, row.truth, got,
                        row.known_gap ? " [known gap: xfail in expected/]" : ""));
  }
  for (const auto& row : rows)
    if (row.diagnoses < row.attempts) {
      r.by_template[row.templ].missing += static_cast<std::uint64_t>(row.attempts - row.diagnoses);
      note(r, fmt::format("attempt {} ({}, {}) not found", row.connection, row.remote, row.templ));
    }
  return r;
}

}  // namespace ikelab::bench
