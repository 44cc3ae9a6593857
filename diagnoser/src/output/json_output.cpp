#include "ikelab/diagnoser.hpp"

namespace ikelab::diag {

nlohmann::json to_json(const Diagnosis& d) {
  nlohmann::json j;
  j["fault"] = d.fault;
  j["phase"] = d.phase;
  j["role"] = to_string(d.role);
  j["connection"] = d.connection;
  j["local"] = d.local;
  j["remote"] = d.remote;
  j["ike_version"] = d.ike_version;
  j["confidence"] = d.confidence;
  j["summary"] = d.summary;
  j["fix"] = d.fix;
  j["evidence"] = nlohmann::json::array();
  for (const auto& e : d.evidence) j["evidence"].push_back({{"file", e.file}, {"line", e.line}, {"text", e.text}});
  if (!d.candidates.empty()) j["candidates"] = d.candidates;
  if (!d.rule.empty()) j["rule"] = d.rule;
  j["format"] = d.format;
  j["dialect"] = d.dialect;
  j["first_line"] = d.first_line;
  if (d.excerpt) {
    j["excerpt"] = true;
    j["missing"] = d.missing;
  }
  return j;
}

nlohmann::json to_json(const std::vector<Diagnosis>& diagnoses) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : diagnoses) list.push_back(to_json(d));
  return {{"diagnoses", list}, {"schema_version", kJsonSchemaVersion}};
}

nlohmann::json to_json(const Pairing& p) {
  nlohmann::json j = {{"paired", p.paired},
                      {"pairs", p.pairs},
                      {"unpaired", nlohmann::json::array({p.unpaired_first, p.unpaired_second})}};
  if (!p.reason.empty()) j["reason"] = p.reason;
  return j;
}

std::string dump_json(const nlohmann::json& json, int indent) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ikelab::diag
