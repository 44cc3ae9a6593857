#include "lab/corpus/manifest.hpp"

#include "lab/corpus/corpus_run.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace ikelab::corpus {

nlohmann::json to_json(const ManifestEntry& e) {
  return {{"schema_version", kManifestSchemaVersion},
          {"log", e.log},
          {"peer_log", e.peer_log ? nlohmann::json(*e.peer_log) : nlohmann::json(nullptr)},
          {"case", e.case_id},
          {"scenario", e.scenario},
          {"variant", e.variant},
          {"seed", e.seed},
          {"ike_version", e.ike_version},
          {"side", e.side},
          {"daemon", e.daemon},
          {"peer_daemon", e.peer_daemon ? nlohmann::json(*e.peer_daemon) : nlohmann::json(nullptr)},
          {"format", e.format},
          {"fault", e.fault},
          {"candidates", e.candidates},
          {"match", e.match},
          {"outcome", e.outcome},
          {"log_level", e.log_level},
          {"settings", e.settings}};
}

namespace {

template <class T>
T field(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) throw std::runtime_error(fmt::format("manifest line without '{}'", name));
  try {
    return j.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(fmt::format("manifest line: '{}' has the wrong type", name));
  }
}

std::optional<std::string> optional_text(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) throw std::runtime_error(fmt::format("manifest line without '{}'", name));
  if (j.at(name).is_null()) return std::nullopt;
  return field<std::string>(j, name);
}

}  // namespace

ManifestEntry entry_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("manifest line is not a JSON object");
  if (field<int>(j, "schema_version") != kManifestSchemaVersion)
    throw std::runtime_error(fmt::format("manifest schema_version {} (this ikelab reads {})", j.at("schema_version").dump(),
                                         kManifestSchemaVersion));
  ManifestEntry e;
  e.log = field<std::string>(j, "log");
  e.peer_log = optional_text(j, "peer_log");
  e.case_id = field<std::string>(j, "case");
  e.scenario = field<std::string>(j, "scenario");
  e.variant = field<int>(j, "variant");
  e.seed = field<std::uint64_t>(j, "seed");
  e.ike_version = field<int>(j, "ike_version");
  e.side = field<std::string>(j, "side");
  e.daemon = field<std::string>(j, "daemon");
  e.peer_daemon = optional_text(j, "peer_daemon");
  e.format = field<std::string>(j, "format");
  e.fault = field<std::string>(j, "fault");
  e.candidates = field<std::vector<std::string>>(j, "candidates");
  e.match = field<std::string>(j, "match");
  e.outcome = field<std::string>(j, "outcome");
  e.log_level = field<std::string>(j, "log_level");
  e.settings = j.at("settings");
  return e;
}

}  // namespace ikelab::corpus
