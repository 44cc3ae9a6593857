#pragma once

// `ikelab corpus`: runs variants of scenarios as real lab cases and writes a
// labelled corpus (docs/corpus.md): DIR/corpus.json (the arguments),
// DIR/cases/<scenario>/ike<N>/v<NNN>/ (the case's logs, configs with secrets
// redacted, pcap; logs/<side>.<format>.<ext>), DIR/manifest.jsonl.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::corpus {

inline constexpr int kManifestSchemaVersion = 1;

// Bad arguments (unknown names, a DIR from other arguments): exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CorpusOptions {
  std::filesystem::path out;
  std::vector<std::string> scenarios;  // names or globs; empty: every scenario
  int ike = 0;                          // 0: every version the scenario runs
  int variants = 3;
  std::uint64_t seed = 1;
  std::vector<std::string> formats;  // empty: all
  std::vector<std::string> daemons;  // empty: all (strongswan, libreswan)
  int jobs = 1;
  int shard_index = 1, shard_count = 1;  // --shard K/N (1-based K)
  bool force = false;
  // Where the data is (the CLI fills them with base::data_path()).
  std::filesystem::path scenarios_dir;
  std::filesystem::path expected_dir;
  std::filesystem::path variants_file;
};

// "K/N" -> (K, N); throws UsageError.
std::pair<int, int> parse_shard(const std::string& text);

// One planned case of the corpus (before sharding).
struct PlannedCase {
  std::string scenario;
  int ike_version = 2;
  int variant = 1;
  std::string id() const;  // "<scenario>/ike<N>/v<NNN>"
};

// Case i of `all` (in plan order) belongs to shard K of N when i % N == K - 1.
std::vector<PlannedCase> shard_of(const std::vector<PlannedCase>& all, int index, int count);

// Runs the corpus; returns the exit status (0: every case labelled, 1: some
// left out or failed, 2: usage). Interrupts tear down and re-raise.
int run_corpus(const CorpusOptions& options);

// `ikelab corpus merge OUT DIR...`: joins shards into OUT; refuses overlaps
// and parts of other arguments. Returns the exit status.
int merge_corpora(const std::filesystem::path& out, const std::vector<std::filesystem::path>& parts);

// `ikelab corpus check DIR`: diagnoses every log, prints agreement with the
// labels (as tables, or with `json` as one JSON object: docs/json.md).
int check_corpus(const std::filesystem::path& dir, const std::filesystem::path& junit, bool json = false);

}  // namespace ikelab::corpus
