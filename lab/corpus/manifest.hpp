#pragma once

// One line of DIR/manifest.jsonl: one log file of the corpus and its labels
// (schema: docs/corpus-manifest.schema.json, described in docs/corpus.md).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ikelab::corpus {

struct ManifestEntry {
  std::string log;                       // relative to DIR
  std::optional<std::string> peer_log;   // the other side's log in the same format
  std::string case_id;                   // <scenario>/ike<N>/v<NNN>
  std::string scenario;
  int variant = 1;
  std::uint64_t seed = 0;
  int ike_version = 2;
  std::string side;                      // initiator | responder
  std::string daemon;                    // strongswan-5.9.8, libreswan-4.x
  std::optional<std::string> peer_daemon;
  std::string format;
  std::string fault;                     // the scenario's fault (ground truth)
  std::vector<std::string> candidates;   // ids the expected file lists for this side's log
  std::string match;                     // exact | among_candidates | no_attempt | unlabelled
  std::string outcome;
  std::string log_level;                 // default | cfg2 | ike2
  nlohmann::json settings = nlohmann::json::object();
};

nlohmann::json to_json(const ManifestEntry& entry);
// Throws std::runtime_error naming the missing or mistyped field.
ManifestEntry entry_from_json(const nlohmann::json& json);

}  // namespace ikelab::corpus
