// Pairs each attempt in one peer's log with the same attempt in the other
// peer's log (mirrored addresses, opposite roles, close in time, in order)
// and merges the two sides' diagnoses into one.
#include "diagnoser/src/input/engine.hpp"

#include <algorithm>
#include <cmath>

namespace ikelab::diag {

namespace {

constexpr int kNoPair = -1000;

int pair_score(const Attempt& a, const Attempt& b) {
  if (a.daemon || b.daemon) return kNoPair;  // a daemon's own failure is no connection attempt
  int score = 0;
  auto cmp = [&](const std::string& x, const std::string& y) -> int {
    if (x.empty() || y.empty()) return 0;
    return x == y ? 2 : kNoPair;
  };
  int s1 = cmp(a.local, b.remote), s2 = cmp(a.remote, b.local);
  if (s1 == kNoPair || s2 == kNoPair) return kNoPair;
  score += s1 + s2;
  if (a.role != Role::unknown && b.role != Role::unknown) {
    if (a.role == b.role) return kNoPair;
    score += 2;
  }
  if (a.ike_version && b.ike_version && a.ike_version == b.ike_version) score += 1;
  if (a.first_time >= 0 && b.first_time >= 0) {
    double dt = std::fabs(a.first_time - b.first_time);
    if (dt > 600) return kNoPair;
    score += dt < 5 ? 3 : dt < 60 ? 1 : 0;
  }
  return score;
}

int rank(const Diagnosis& d) {
  int r = 0;
  if (d.fault != "none" && d.fault != "unknown") r += 100;
  else if (d.fault == "unknown") r += 50;
  r += (d.confidence == "high" ? 3 : d.confidence == "medium" ? 2 : 1) * 10;
  if (d.candidates.empty()) r += 5;
  if (d.role == Role::responder) r += 1;
  return r;
}

Role opposite(Role r) {
  return r == Role::initiator ? Role::responder : r == Role::responder ? Role::initiator : Role::unknown;
}

Diagnosis merge(Diagnosis first, const Diagnosis& second) {
  const bool second_wins = rank(second) > rank(first);
  Diagnosis out = second_wins ? second : first;
  // Describe the attempt from the first log's host.
  out.role = first.role != Role::unknown ? first.role : opposite(second.role);
  out.connection = !first.connection.empty() ? first.connection : second.connection;
  out.local = !first.local.empty() ? first.local : second.remote;
  out.remote = !first.remote.empty() ? first.remote : second.local;
  out.ike_version = first.ike_version ? first.ike_version : second.ike_version;
  out.format = first.format;
  out.first_line = first.first_line;
  out.dialect = first.dialect != "unknown" ? first.dialect : second.dialect;
  out.evidence = first.evidence;
  out.evidence.insert(out.evidence.end(), second.evidence.begin(), second.evidence.end());
  out.sources = {first.sources.empty() ? "" : first.sources[0], second.sources.empty() ? "" : second.sources[0]};
  // The other side may narrow down a candidate list: if it names one of the
  // candidates with more confidence, that one wins.
  // Summaries speak of "this host": say whose log decided.
  if (second_wins && !second.sources.empty())
    out.summary = "the peer's log (" + std::filesystem::path(second.sources[0]).filename().string() + "): " + out.summary;
  const Diagnosis& loser = second_wins ? first : second;
  if (!out.candidates.empty() &&
      std::find(out.candidates.begin(), out.candidates.end(), loser.fault) != out.candidates.end() &&
      loser.candidates.empty()) {
    out.candidates.erase(std::find(out.candidates.begin(), out.candidates.end(), loser.fault));
    out.candidates.push_back(out.fault);
    out.fault = loser.fault;
    out.summary = loser.summary;
    out.fix = loser.fix;
    out.phase = loser.phase;
    out.rule = loser.rule;
  }
  return out;
}

}  // namespace

std::vector<Diagnosis> pair_and_merge(const Catalogue& catalogue, const ScannedLog& first, const ScannedLog& second) {
  const auto& as = first.attempts;
  const auto& bs = second.attempts;
  std::vector<int> partner(as.size(), -1);
  std::vector<bool> taken(bs.size(), false);
  size_t floor = 0;  // pairs keep the order of both logs
  for (size_t i = 0; i < as.size(); ++i) {
    int best = -1, best_score = kNoPair;
    for (size_t j = floor; j < bs.size(); ++j) {
      if (taken[j]) continue;
      int s = pair_score(as[i], bs[j]);
      if (s > best_score) best = static_cast<int>(j), best_score = s;
    }
    if (best >= 0 && best_score >= 0) {
      partner[i] = best;
      taken[static_cast<size_t>(best)] = true;
      floor = static_cast<size_t>(best) + 1;
    }
  }
  // Output in the first log's order; unpaired attempts of the second log slot
  // in before the next paired attempt that follows them.
  std::vector<Diagnosis> out;
  size_t next_b = 0;
  auto emit_unpaired_b_until = [&](size_t limit) {
    for (; next_b < limit && next_b < bs.size(); ++next_b)
      if (!taken[next_b]) out.push_back(diagnose_attempt(catalogue, bs[next_b], second.name, second.facts));
  };
  for (size_t i = 0; i < as.size(); ++i) {
    Diagnosis da = diagnose_attempt(catalogue, as[i], first.name, first.facts);
    if (partner[i] < 0) {
      out.push_back(std::move(da));
      continue;
    }
    size_t j = static_cast<size_t>(partner[i]);
    emit_unpaired_b_until(j);
    next_b = std::max(next_b, j + 1);
    out.push_back(merge(std::move(da), diagnose_attempt(catalogue, bs[j], second.name, second.facts)));
  }
  emit_unpaired_b_until(bs.size());
  return out;
}

}  // namespace ikelab::diag
