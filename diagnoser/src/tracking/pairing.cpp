// Pairs each attempt in one peer's log with the same attempt in the other
// peer's log (mirrored addresses, opposite roles, close in time, in order)
// and merges the two sides' diagnoses into one.
#include "diagnoser/src/input/engine.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace ikelab::diag {

namespace {

constexpr int kNoPair = -1000;

// The ESP SPIs an attempt's CHILD_SAs were established with (inbound, outbound).
struct Spis {
  std::vector<std::string> in, out;
  bool empty() const { return in.empty() && out.empty(); }
};

Spis spis_of(const Attempt& a) {
  Spis s;
  for (const auto& h : a.hits)
    for (const auto& [k, v] : h.captures) {
      if (k == "spi_in") s.in.push_back(v);
      if (k == "spi_out") s.out.push_back(v);
    }
  return s;
}

bool intersects(const std::vector<std::string>& x, const std::vector<std::string>& y) {
  return std::any_of(x.begin(), x.end(), [&](const std::string& v) { return std::find(y.begin(), y.end(), v) != y.end(); });
}

// The first messages one side sent against what the other received. A log
// may miss an attempt's first packets (lines before the attempt is known), so
// the lists may be shifted by a few: -1 no shift lets them agree (`why` says
// where they differ), 0 nothing to compare, 1 they agree.
int compare_sizes(const std::vector<std::uint32_t>& sent, const std::vector<std::uint32_t>& received,
                  std::string& why) {
  if (sent.empty() || received.empty()) return 0;
  for (size_t shift = 0; shift < Attempt::kMaxPacketSizes; ++shift)
    for (bool skip_sent : {true, false}) {
      if (shift == 0 && !skip_sent) continue;
      const size_t s0 = skip_sent ? shift : 0, r0 = skip_sent ? 0 : shift;
      if (s0 >= sent.size() || r0 >= received.size()) continue;
      const size_t n = std::min(sent.size() - s0, received.size() - r0);
      bool agree = true;
      for (size_t i = 0; i < n && agree; ++i) agree = sent[s0 + i] == received[r0 + i];
      if (agree) return 1;
    }
  std::string s, r;
  for (auto v : sent) s += (s.empty() ? "" : " ") + std::to_string(v);
  for (auto v : received) r += (r.empty() ? "" : " ") + std::to_string(v);
  why = fmt::format("sizes {} against {}", s, r);
  return -1;
}

std::string role_word(Role r) { return r == Role::initiator ? "initiator" : "responder"; }

std::string seconds_text(double s) {
  return s < 10 ? fmt::format("{:.1f} s", s) : fmt::format("{:.0f} s", s);
}

// How well attempt `a` of the first log and `b` of the second fit as the two
// ends of one attempt. `mismatch` says why they cannot be (score kNoPair);
// `confirmed` whether anything beyond the absence of a contradiction ties them.
struct PairCheck {
  int score = 0;
  std::string mismatch;
  bool confirmed = false;
};

PairCheck check_pair(const Attempt& a, const Attempt& b, double max_skew) {
  PairCheck c;
  auto refuse = [&](std::string why) {
    c.score = kNoPair;
    c.mismatch = std::move(why);
    return c;
  };
  if (a.daemon || b.daemon) return refuse("a daemon's own lines are no connection attempt");
  const bool addresses_known = !a.local.empty() && !a.remote.empty() && !b.local.empty() && !b.remote.empty();
  auto differs = [](const std::string& x, const std::string& y) { return !x.empty() && !y.empty() && x != y; };
  if (differs(a.local, b.remote) || differs(a.remote, b.local))
    return refuse(fmt::format("the first log's attempt is between {} and {}, the second's between {} and {}",
                              a.local.empty() ? "?" : a.local, a.remote.empty() ? "?" : a.remote,
                              b.local.empty() ? "?" : b.local, b.remote.empty() ? "?" : b.remote));
  if (a.role != Role::unknown && b.role != Role::unknown && a.role == b.role)
    return refuse(fmt::format("both logs show the {} of their attempt", role_word(a.role)));
  if (a.ike_version && b.ike_version && a.ike_version != b.ike_version)
    return refuse(fmt::format("the first log's attempt is IKEv{}, the second's IKEv{}", a.ike_version, b.ike_version));
  const Spis sa = spis_of(a), sb = spis_of(b);
  bool spis_match = false;
  if (!sa.empty() && !sb.empty()) {
    spis_match = intersects(sa.in, sb.out) || intersects(sa.out, sb.in);
    if (!spis_match)
      return refuse(fmt::format("their CHILD_SAs have different SPIs ({}_i {}_o against {}_i {}_o)",
                                sa.in.empty() ? "?" : sa.in[0], sa.out.empty() ? "?" : sa.out[0],
                                sb.in.empty() ? "?" : sb.in[0], sb.out.empty() ? "?" : sb.out[0]));
    c.score += 10;
  }
  std::string why;
  int ab = compare_sizes(a.sent_sizes, b.received_sizes, why);
  if (ab < 0)
    return refuse("the messages the first log's attempt sent are not the ones the second's received (" + why +
                  " bytes)");
  int ba = compare_sizes(b.sent_sizes, a.received_sizes, why);
  if (ba < 0)
    return refuse("the messages the second log's attempt sent are not the ones the first's received (" + why +
                  " bytes)");
  const bool sizes_match = ab > 0 || ba > 0;
  if (sizes_match) c.score += 3;
  if (addresses_known) c.score += 4;
  if (a.role != Role::unknown && b.role != Role::unknown) c.score += 2;
  if (a.ike_version && b.ike_version) c.score += 1;
  bool close_in_time = false;
  if (a.first_time >= 0 && b.first_time >= 0) {
    const double dt = std::fabs(a.first_time - b.first_time);
    // SPIs are the same SA whatever the clocks say; without them the start
    // times must agree (the peers' clocks differ by at most max_skew).
    if (!spis_match && dt > max_skew)
      return refuse(fmt::format("they started {} apart (more than --max-skew {}; if the peers' clocks differ, "
                                "raise it)",
                                seconds_text(dt), seconds_text(max_skew)));
    close_in_time = dt <= max_skew;
    c.score += dt < 1 ? 3 : dt <= max_skew ? 2 : 0;
  }
  c.confirmed = spis_match || (addresses_known && (close_in_time || sizes_match));
  return c;
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

std::vector<Diagnosis> pair_and_merge(const Catalogue& catalogue, const ScannedLog& first, const ScannedLog& second,
                                      double max_skew, Pairing& pairing) {
  const auto& as = first.attempts;
  const auto& bs = second.attempts;
  std::vector<int> partner(as.size(), -1);
  std::vector<bool> taken(bs.size(), false);
  size_t floor = 0;  // pairs keep the order of both logs
  size_t unconfirmed = 0;
  std::string first_mismatch;  // why the first attempt that found no partner could not take its likeliest one
  for (size_t i = 0; i < as.size(); ++i) {
    int best = -1, best_score = kNoPair;
    bool best_confirmed = false;
    std::string mismatch;
    for (size_t j = floor; j < bs.size(); ++j) {
      if (taken[j]) continue;
      PairCheck c = check_pair(as[i], bs[j], max_skew);
      if (c.score > best_score) best = static_cast<int>(j), best_score = c.score, best_confirmed = c.confirmed;
      if (c.score == kNoPair && mismatch.empty() && !as[i].daemon && !bs[j].daemon) mismatch = c.mismatch;
    }
    if (best >= 0 && best_score >= 0) {
      partner[i] = best;
      taken[static_cast<size_t>(best)] = true;
      floor = static_cast<size_t>(best) + 1;
      if (!best_confirmed) ++unconfirmed;
    } else if (first_mismatch.empty() && !mismatch.empty()) {
      first_mismatch = mismatch;
    }
  }
  auto real = [](const Attempt& a) { return !a.daemon; };
  pairing = Pairing{};
  for (size_t i = 0; i < as.size(); ++i) {
    if (partner[i] >= 0) ++pairing.pairs;
    else if (real(as[i])) ++pairing.unpaired_first;
  }
  for (size_t j = 0; j < bs.size(); ++j)
    if (!taken[j] && real(bs[j])) ++pairing.unpaired_second;
  pairing.paired = pairing.pairs > 0;
  const std::string& a_name = first.name;
  const std::string& b_name = second.name;
  if (!pairing.paired && (pairing.unpaired_first > 0 && pairing.unpaired_second > 0)) {
    pairing.reason = fmt::format("{} and {} do not seem to belong to the same connection: {}; each is diagnosed alone",
                                 a_name, b_name, first_mismatch.empty() ? "no attempt of one matches one of the other" : first_mismatch);
  } else if (!pairing.paired) {
    pairing.reason = fmt::format("{} has no connection attempt to pair; each log is diagnosed alone",
                                 pairing.unpaired_first == 0 ? a_name : b_name);
  } else if (pairing.unpaired_first + pairing.unpaired_second > 0) {
    pairing.reason = fmt::format("{} attempt(s) of {} and {} of {} match none of the other log's and are diagnosed alone{}",
                                 pairing.unpaired_first, a_name, pairing.unpaired_second, b_name,
                                 first_mismatch.empty() ? "" : " (" + first_mismatch + ")");
  } else if (unconfirmed > 0) {
    pairing.reason = fmt::format("paired as given: nothing in the logs contradicts it, but {} of {} pair(s) lack the "
                                 "addresses and times (or SPIs) that would confirm it",
                                 unconfirmed, pairing.pairs);
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
