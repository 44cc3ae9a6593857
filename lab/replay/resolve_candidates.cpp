#include "lab/replay/resolve_candidates.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>

namespace fs = std::filesystem;

namespace ikelab::replay {
namespace {

struct PeerLookup {
  std::string idr;  // the ID the initiator asked for ("%any": none)
  std::string idi;  // the ID the initiator presented
};

// The responder's last `looking for peer configs matching R[IDr]...I[IDi]` line.
std::optional<PeerLookup> peer_lookup(const std::vector<fs::path>& logs) {
  static const std::regex line(R"(looking for peer configs matching [^\[\s]+\[([^\]]*)\]\.\.\.[^\[\s]+\[([^\]]*)\])");
  std::optional<PeerLookup> found;
  for (const auto& log : logs) {
    std::ifstream in(log);
    std::string text;
    std::smatch m;
    while (std::getline(in, text))
      if (std::regex_search(text, m, line)) found = PeerLookup{m[1].str(), m[2].str()};
  }
  return found;
}

bool any_id(const std::string& id) { return id.empty() || id == "%any"; }

bool is_candidate(const diag::Diagnosis& d, const std::string& fault) {
  return d.fault == fault || std::find(d.candidates.begin(), d.candidates.end(), fault) != d.candidates.end();
}

void decide(diag::Diagnosis& d, const std::string& fault) {
  if (d.fault == fault) {
    d.candidates.erase(std::remove(d.candidates.begin(), d.candidates.end(), fault), d.candidates.end());
    return;
  }
  std::vector<std::string> rest;
  rest.push_back(d.fault);
  for (const auto& c : d.candidates)
    if (c != fault) rest.push_back(c);
  d.candidates = rest;
  d.fault = fault;
}

// The responder's last `no IKE config found for R...I` line: I, the initiator's address.
std::optional<std::string> no_ike_config_from(const fs::path& log) {
  static const std::regex line(R"(no IKE config found for [^ .]+(?:\.[^ .]+)*\.\.\.([^ ,]+))");
  std::optional<std::string> found;
  std::ifstream in(log);
  std::string text;
  std::smatch m;
  while (std::getline(in, text))
    if (std::regex_search(text, m, line)) found = m[1].str();
  return found;
}

// wrong_remote_gateway / ike_version_mismatch: the responder has no IKE
// config for the initiator's address in both cases. Its config's remote
// address and IKE version decide which.
std::string version_or_gateway(diag::Diagnosis& d, const harness::Scenario& scenario, const fs::path& responder_log) {
  const auto initiator_address = no_ike_config_from(responder_log);
  if (!initiator_address) return {};
  const int case_version = scenario.ike_versions.empty() ? 2 : scenario.ike_versions.front();
  const int init_version = scenario.initiator.ike_version.value_or(case_version);
  const int resp_version = scenario.responder.ike_version.value_or(case_version);
  const std::string accepts = scenario.responder.remote_address.value_or("%any");
  const bool address_fits = accepts == "%any" || accepts == *initiator_address;
  const bool versions_differ = init_version != resp_version;
  if (address_fits == !versions_differ) return {};  // both wrong or neither: the configs do not decide
  if (versions_differ) {
    decide(d, "ike_version_mismatch");
    return fmt::format("the logs fit wrong_remote_gateway and ike_version_mismatch alike; the configs decide: the responder accepts "
                       "{} (the initiator's address {}), but speaks IKEv{} and the initiator IKEv{}",
                       accepts, *initiator_address, resp_version, init_version);
  }
  decide(d, "wrong_remote_gateway");
  return fmt::format("the logs fit wrong_remote_gateway and ike_version_mismatch alike; the configs decide: both speak IKEv{}, but "
                     "the responder accepts only {} and the initiator comes from {}",
                     init_version, accepts, *initiator_address);
}

}  // namespace

std::string resolve_with_configs(diag::Diagnosis& d, const harness::Scenario& scenario, const std::vector<fs::path>& logs) {
  // The responder's log is the second one (initiator first, as replay runs them).
  if (d.candidates.empty() || logs.size() < 2) return {};
  if (is_candidate(d, "wrong_remote_gateway") && is_candidate(d, "ike_version_mismatch"))
    return version_or_gateway(d, scenario, logs[1]);
  if (d.ike_version != 2) return {};
  if (!is_candidate(d, "wrong_id_initiator") || !is_candidate(d, "wrong_id_responder")) return {};
  const auto lookup = peer_lookup({logs[1]});
  if (!lookup) return {};
  const std::string own = scenario.responder.local_id.value_or("");
  const std::string expects = scenario.responder.remote_id.value_or("");
  if (own.empty()) return {};
  const bool idr_wrong = !any_id(lookup->idr) && lookup->idr != own;
  const bool idi_wrong = !any_id(expects) && lookup->idi != expects;
  if (idr_wrong == idi_wrong) return {};  // both or neither: the configs do not decide
  const std::string fault = idr_wrong ? "wrong_id_responder" : "wrong_id_initiator";
  decide(d, fault);
  return idr_wrong ? fmt::format("the logs fit wrong_id_initiator and wrong_id_responder alike; the configs decide: the initiator "
                                 "asked for IDr '{}', the responder's own ID is '{}', and IDi '{}' is the one it expects",
                                 lookup->idr, own, lookup->idi)
                   : fmt::format("the logs fit wrong_id_initiator and wrong_id_responder alike; the configs decide: the initiator "
                                 "presented IDi '{}', the responder expects '{}', and IDr '{}' is its own",
                                 lookup->idi, expects, lookup->idr);
}

}  // namespace ikelab::replay
