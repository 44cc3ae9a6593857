#include "diagnoser/src/tracking/verdict.hpp"

#include "diagnoser/src/tracking/proposals.hpp"

#include <algorithm>

namespace ikelab::diag {

namespace {

constexpr size_t kMaxEvidence = 16;
constexpr size_t kMaxValue = 120;  // longest capture quoted in a summary

bool role_fits(Role wanted, Role actual) { return wanted == Role::unknown || actual == Role::unknown || wanted == actual; }

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const std::string* capture_of(const Hit& hit, const std::string& name) {
  for (const auto& [k, v] : hit.captures)
    if (k == name) return &v;
  return nullptr;
}

// Earliest in-order match of the rule's steps; the indices of the hits used.
// With `same:`, the first hit that captures a name fixes its value; later
// steps only take hits that capture the same value (or do not capture it).
bool match_in_order(const Rule& rule, const Attempt& attempt, std::vector<size_t>& used) {
  used.clear();
  size_t next = 0;
  std::vector<std::pair<std::string, std::string>> bound;
  auto bound_value = [&](const std::string& name) -> const std::string* {
    for (const auto& [k, v] : bound)
      if (k == name) return &v;
    return nullptr;
  };
  auto consistent = [&](const Hit& hit) {
    for (const auto& name : rule.same) {
      const std::string* value = capture_of(hit, name);
      const std::string* fixed = bound_value(name);
      if (value && fixed && *fixed != *value) return false;
    }
    return true;
  };
  for (const auto& step : rule.require) {
    bool found = false;
    for (size_t i = next; i < attempt.hits.size(); ++i) {
      if (contains(step.alternatives, attempt.hits[i].pattern) && consistent(attempt.hits[i])) {
        for (const auto& name : rule.same) {
          const std::string* value = capture_of(attempt.hits[i], name);
          if (value && !bound_value(name)) bound.emplace_back(name, *value);
        }
        used.push_back(i);
        next = i + 1;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

int confidence_rank(const std::string& c) { return c == "high" ? 3 : c == "medium" ? 2 : 1; }

void add_builtin(std::vector<std::pair<std::string, std::string>>& values, const char* key, const std::string& value) {
  if (!value.empty()) values.emplace_back(key, value);
}

// The first value of capture `name` that starts with `prefix`, null if none.
const std::string* first_capture(const Attempt& attempt, const std::string& name, std::string_view prefix) {
  for (const auto& hit : attempt.hits)
    for (const auto& [k, v] : hit.captures)
      if (k == name && std::string_view(v).substr(0, prefix.size()) == prefix) return &v;
  return nullptr;
}

// A proposal mismatch whose log holds both lists: compared by meaning. Only
// the DH group differs: pfs_mismatch; encryption or integrity too:
// esp_proposal_mismatch (a responder that also asks for a DH group is not
// a PFS problem then). The summary names what differs, the fix the peer's
// proposal in configuration syntax.
void compare_by_meaning(const Catalogue& catalogue, const Attempt& attempt, Diagnosis& d) {
  const bool ike = d.fault == "ike_proposal_mismatch";
  if (!ike && d.fault != "esp_proposal_mismatch" && d.fault != "pfs_mismatch") return;
  const std::string_view protocol = ike ? "IKE:" : "ESP:";
  const std::string* received = first_capture(attempt, "received", protocol);
  const std::string* configured = first_capture(attempt, "configured", protocol);
  if (!received || !configured) return;
  const ProposalDiff diff = compare_proposals(*received, *configured);
  if (!diff.compared || diff.differing.empty()) return;
  const std::string fault = ike ? d.fault : diff.only_dh() ? "pfs_mismatch" : "esp_proposal_mismatch";
  if (fault != d.fault) {  // the rule went by the first line that matched; the lists say otherwise
    d.fault = fault;
    d.summary = fault == "pfs_mismatch" ? "the ESP proposals would match but for the DH group (PFS)"
                                        : "no common ESP proposal (more than the DH group differs)";
    auto fix = catalogue.fault_fix.find(fault);
    if (fix != catalogue.fault_fix.end()) d.fix = fix->second;
  }
  d.summary += "; what differs: " + diff.summary;
  if (diff.offered.empty()) return;
  d.fix += ike ? " For this host to accept the peer's proposal: swanctl.conf proposals = " + diff.offered +
                     " (ipsec.conf ike=" + diff.offered + ")."
               : " For this host to accept the peer's proposal: swanctl.conf esp_proposals = " + diff.offered +
                     " (ipsec.conf esp=" + diff.offered + ").";
}

// Candidates, most frequent cause in the real-log corpus first
// (_candidates.yaml `frequency`); equal counts keep the rule's order.
std::vector<std::string> rank_candidates(const Catalogue& catalogue, std::vector<std::string> candidates) {
  auto count = [&](const std::string& id) {
    auto it = catalogue.frequency.find(id);
    return it == catalogue.frequency.end() ? 0 : it->second;
  };
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const std::string& a, const std::string& b) { return count(a) > count(b); });
  return candidates;
}

// Where one log cannot decide: the line that tells each fault
// (_candidates.yaml `peer_line`), the likelier first.
std::string deciding_lines(const Catalogue& catalogue, const Diagnosis& d) {
  if (d.candidates.empty()) return {};
  std::string out;
  std::vector<std::string> faults{d.fault};
  faults.insert(faults.end(), d.candidates.begin(), d.candidates.end());
  for (const auto& id : faults) {
    auto it = catalogue.peer_line.find(id);
    if (it == catalogue.peer_line.end()) continue;
    out += out.empty() ? "; what decides: " : "; ";
    out += id + ": " + it->second;
  }
  return out;
}

// pluto logs each phase 1 transform it refuses, never what it accepts: the
// summary says what the peer offers per component and what every refused
// transform shares (the likely culprit, e.g. a DH group not compiled in).
void describe_refused_transforms(const Catalogue& catalogue, const Attempt& attempt, Diagnosis& d) {
  if (d.fault != "ike_proposal_mismatch") return;
  const int pattern = catalogue.find_pattern("p_oakley_refused");
  if (pattern < 0) return;
  std::vector<std::string> refused;
  for (const auto& hit : attempt.hits)
    if (hit.pattern == pattern)
      if (const std::string* r = capture_of(hit, "refused")) refused.push_back(*r);
  if (refused.size() < 2) return;  // one refused transform: the rule's summary quotes it
  std::string text = describe_refused(refused);
  if (text.empty()) return;
  const int total = attempt.count(pattern);
  if (total > static_cast<int>(refused.size()))
    text += " (the first " + std::to_string(refused.size()) + " of " + std::to_string(total) + " refused transforms)";
  d.summary += "; " + text;
}

// An attempt whose start the log does not hold is an excerpt: say what a
// longer log would add.
void note_excerpt(const Attempt& attempt, Diagnosis& d) {
  if (attempt.started || attempt.daemon) return;
  d.excerpt = true;
  d.missing.push_back("the attempt's first line (initiating / is initiating / responding to ...)");
  if (!attempt.terminal && d.fault == "none") d.missing.push_back("the attempt's end (established, failed or deleted)");
  if (d.role == Role::unknown) d.missing.push_back("which side this host was (initiator or responder)");
  if (!d.ike_version) d.missing.push_back("the IKE version");
  if (d.connection.empty()) d.missing.push_back("the connection's name");
  if (d.remote.empty()) d.missing.push_back("the peer's address");
}

}  // namespace

std::string render_template(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    std::string key = text.substr(i + 1, close - i - 1);
    std::string fallback = "?";
    if (auto bar = key.find('|'); bar != std::string::npos) {
      fallback = key.substr(bar + 1);
      key = key.substr(0, bar);
    }
    std::string value;
    for (const auto& [k, v] : values)
      if (k == key && !v.empty()) {
        value = v;
        break;
      }
    if (value.size() > kMaxValue) {  // long proposal lists: keep the first part
      size_t cut = value.find_last_of(" /,", kMaxValue);
      value = value.substr(0, cut == std::string::npos || cut < kMaxValue / 2 ? kMaxValue : cut) + " ...";
    }
    out += value.empty() ? fallback : value;
    i = close;
  }
  return out;
}

Diagnosis decide(const Catalogue& catalogue, const Attempt& attempt, const std::string& file) {
  Diagnosis d;
  d.role = attempt.role;
  d.ike_version = attempt.ike_version;
  d.connection = attempt.connection;
  d.local = attempt.local;
  d.remote = attempt.remote;
  d.dialect = dialect_name(attempt.dialect);
  d.sources = {file};
  d.first_line = attempt.first_line;

  const Rule* best = nullptr;
  long best_score = 0;
  std::vector<size_t> used, best_used;
  for (const auto& rule : catalogue.rules) {
    if (!role_fits(rule.role, attempt.role)) continue;
    if (rule.ike_version && attempt.ike_version && rule.ike_version != attempt.ike_version) continue;
    if (rule.dialect != Dialect::unknown && attempt.dialect != Dialect::unknown && rule.dialect != attempt.dialect) continue;
    bool excluded = false;
    for (int a : rule.absent)
      if (attempt.count(a) > 0) excluded = true;
    if (excluded || !match_in_order(rule, attempt, used)) continue;
    long score = rule.priority * 100000L + static_cast<long>(rule.require.size()) * 100;
    if (rule.role != Role::unknown && rule.role == attempt.role) score += 10;
    if (rule.ike_version && rule.ike_version == attempt.ike_version) score += 5;
    if (rule.dialect != Dialect::unknown && rule.dialect == attempt.dialect) score += 2;
    score += confidence_rank(rule.confidence);
    if (!best || score > best_score) {
      best = &rule;
      best_score = score;
      best_used = used;
    }
  }
  if (best && best->fault == "none" && attempt.failed) best = nullptr;  // a failure no rule explains

  std::vector<size_t> evidence;
  std::vector<std::pair<std::string, std::string>> values;
  if (best) {
    d.fault = best->fault;
    d.phase = best->phase;
    d.confidence = best->confidence;
    d.candidates = rank_candidates(catalogue, best->candidates);
    d.rule = std::filesystem::path(best->file).stem().string() + "/" + best->id;
    if (d.role == Role::unknown) d.role = best->role;
    if (!d.ike_version) d.ike_version = best->ike_version;
    evidence = best_used;
    for (size_t i = 0; i < attempt.hits.size(); ++i)
      if (contains(best->file_patterns, attempt.hits[i].pattern)) evidence.push_back(i);
    for (size_t i : best_used)
      for (const auto& c : attempt.hits[i].captures) values.push_back(c);
  } else {
    d.fault = attempt.failed ? "unknown" : "none";
    d.confidence = attempt.failed ? "low" : ((attempt.ike_up || attempt.child_up) ? "medium" : "low");
    d.phase = attempt.failed ? (attempt.ike_up ? 2 : 1) : 0;
    for (size_t i = 0; i < attempt.hits.size(); ++i) {
      unsigned events = catalogue.patterns[static_cast<size_t>(attempt.hits[i].pattern)].events;
      if (events & (kFailure | kIkeUp | kChildUp | kStart)) evidence.push_back(i);
    }
  }
  for (const auto& hit : attempt.hits)
    for (const auto& c : hit.captures) values.push_back(c);
  add_builtin(values, "connection", attempt.connection);
  add_builtin(values, "local", attempt.local);
  add_builtin(values, "remote", attempt.remote);
  add_builtin(values, "role", to_string(d.role));

  if (best) {
    d.summary = render_template(best->summary, values) + deciding_lines(catalogue, d);
    d.fix = render_template(best->fix, values);
  } else if (attempt.failed) {
    d.summary = "the attempt failed, but no rule of the catalogue explains how; read the evidence lines";
    d.fix = "Compare both peers' logs and configurations; add a rule for this pattern once the cause is known.";
  } else if (attempt.child_up || attempt.ike_up) {
    d.summary = attempt.child_up ? "the connection was established" : "phase 1 (IKE_SA) was established; no failure is logged";
    d.fix = "Nothing to fix.";
  } else {
    d.summary = "no failure is logged for this attempt (it had not finished when the log ends)";
    d.fix = "Nothing to fix in this log; if the tunnel still does not come up, capture a longer log or the peer's log.";
  }

  std::sort(evidence.begin(), evidence.end());
  evidence.erase(std::unique(evidence.begin(), evidence.end()), evidence.end());
  if (evidence.size() > kMaxEvidence) {
    // Keep the lines the rule used, then the earliest others.
    std::vector<size_t> kept = best_used;
    for (size_t i : evidence)
      if (kept.size() < kMaxEvidence && !std::count(kept.begin(), kept.end(), i)) kept.push_back(i);
    std::sort(kept.begin(), kept.end());
    evidence = kept;
  }
  for (size_t i : evidence) d.evidence.push_back({file, attempt.hits[i].line, attempt.hits[i].text});
  compare_by_meaning(catalogue, attempt, d);
  describe_refused_transforms(catalogue, attempt, d);
  note_excerpt(attempt, d);
  return d;
}

}  // namespace ikelab::diag
