// templates/manifest.yaml: which real logs the generator interleaves. Each
// log's truth (the fault that log alone must be diagnosed as) is NOT written
// there: it is read from expected/<scenario>.yaml, the same file the lab
// checks that log's case against (diagnosis: initiator: / responder: of the
// log's IKE version), so the benchmark and the lab agree by construction.
#pragma once

#include "bench/loggen/log_template.hpp"

#include <string>
#include <vector>

namespace ikelab::bench {

// Where a captured log comes from, read from its path:
//   charon/<scenario>/ike<N>-<side>.log
//   .../<scenario>/ike<N>/<side>/pluto.log
struct TemplateOrigin {
  std::string scenario;
  int ike_version = 0;
  std::string side;  // initiator or responder
};

// Throws std::runtime_error when the path has neither form.
TemplateOrigin template_origin(const std::string& path);

// The truth of one side's log alone, from expected/<scenario>.yaml.
struct TemplateTruth {
  std::string text;   // as written there: "psk_mismatch" or "[psk_mismatch, wrong_id_initiator]"
  bool known_gap = false;  // the side is in that version's `xfail:` (a known diagnoser gap)
};

// Throws std::runtime_error naming the expected file (and line) when it is
// missing, has no such version or diagnosis, or says no_attempt (a log with no
// attempt cannot be a template).
TemplateTruth expected_truth(const std::string& expected_dir, const TemplateOrigin& origin);

// Loads every template of one dialect listed in the manifest, each with its
// truth from expected_dir. Entries: {log: PATH relative to the manifest,
// weight: N (optional)}; a `fault:` key is an error (the truth lives in
// expected/ only).
std::vector<LogTemplate> load_manifest(const std::string& manifest, Dialect dialect, const std::string& expected_dir);

}  // namespace ikelab::bench
