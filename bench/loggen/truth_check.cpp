#include "bench/loggen/truth_check.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace ikelab::bench {
namespace {

struct TruthRow {
  std::string remote, connection, fault, templ;
  int diagnoses = 0;
};

constexpr std::size_t kMaxProblems = 20;

void note(TruthReport& r, std::string text) {
  if (r.problems.size() < kMaxProblems) r.problems.push_back(std::move(text));
}

}  // namespace

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
    std::istringstream in(line);
    std::string n, remote, connection, role, ike, fault, templ;
    if (!std::getline(in, n, '\t') || !std::getline(in, remote, '\t') || !std::getline(in, connection, '\t') ||
        !std::getline(in, role, '\t') || !std::getline(in, ike, '\t') || !std::getline(in, fault, '\t') ||
        !std::getline(in, templ))
      throw std::runtime_error(fmt::format("{}:{}: expected 7 tab-separated fields", truth_path, line_no));
    by_remote.emplace(remote, rows.size());
    by_connection.emplace(connection, rows.size());
    rows.push_back({remote, connection, fault, templ, 0});
  }

  TruthReport r;
  r.attempts = rows.size();
  for (const auto& row : rows) ++r.by_fault[row.fault].total;

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
    if (++row.diagnoses > 1) {
      ++r.duplicates;
      note(r, fmt::format("attempt {} ({}) diagnosed again: {}", row.connection, row.templ, fault));
      continue;
    }
    ++r.found;
    FaultTally& tally = r.by_fault[row.fault];
    if (fault == row.fault) {
      ++r.exact;
      ++tally.exact;
      continue;
    }
    bool listed = false;
    if (d.contains("candidates"))
      for (const auto& c : d["candidates"])
        if (c.is_string() && c.get_ref<const std::string&>() == row.fault) listed = true;
    if (listed) {
      ++r.via_candidates;
      ++tally.via_candidates;
    } else {
      note(r, fmt::format("attempt {} ({}): expected {}, got {}", row.connection, row.templ, row.fault, fault));
    }
  }
  for (const auto& row : rows)
    if (row.diagnoses == 0) note(r, fmt::format("attempt {} ({}, {}) not found", row.connection, row.remote, row.templ));
  return r;
}

}  // namespace ikelab::bench
