#pragma once
// The compiled rule catalogue: every pattern of every rule file, compiled once
// into a single Hyperscan database (one scan per line finds all candidate
// patterns) plus one RE2 per pattern that confirms a hit and extracts captures.

#include "ikelab/diagnoser.hpp"
#include "diagnoser/src/formats/line_format.hpp"

#include <re2/re2.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace ikelab::diag {

// What a matching line tells about its attempt (pattern `sets:` / `event:` in YAML).
enum EventFlag : unsigned {
  kStart = 1u << 0,     // a new connection attempt begins
  kTerminal = 1u << 1,  // the attempt is over (success or failure)
  kFailure = 1u << 2,   // the attempt failed (unknown unless a rule explains it)
  kNoise = 1u << 3,     // known noise: the whole line is ignored
  kIkeUp = 1u << 4,     // IKE_SA / ISAKMP SA established
  kChildUp = 1u << 5,   // CHILD_SA / IPsec SA established
  kContext = 1u << 6,   // only routes lines to attempts (addresses); never stored
  kRetry = 1u << 7,     // this IKE_SA is dropped and the peer retries with a new one
  kDaemon = 1u << 8,    // a daemon-wide line (start-up, config loading): never joins a connection attempt
  kNewSa = 1u << 9,     // a peer's first request of a new IKE_SA: never joins an attempt that is over
};

struct Pattern {
  std::string name;
  std::string regex;
  std::string file;
  int line = 0;
  unsigned events = 0;
  Role role_hint = Role::unknown;
  int version_hint = 0;
  Dialect dialect = Dialect::unknown;  // when set, lines of another dialect are not matched
  std::unique_ptr<RE2> re;
  std::vector<std::string> group_names;  // index i = capture group i+1 ("" if unnamed)
  bool in_rule = false;                  // referenced by some rule
  bool synthetic = false;  // no regex: the tracker adds such hits itself (see _markers.yaml)
};

struct RequireStep {
  std::vector<int> alternatives;  // pattern indices; any of them satisfies the step
};

struct Rule {
  std::string fault;
  std::string id;
  std::string file;
  int line = 0;
  int phase = 0;
  Role role = Role::unknown;  // unknown = any
  int ike_version = 0;        // 0 = any
  Dialect dialect = Dialect::unknown;
  std::vector<RequireStep> require;  // in order
  std::vector<int> absent;           // none of these anywhere in the attempt
  std::vector<std::string> same;     // captures that must have one value across the required lines
  std::string confidence = "high";
  std::string summary;
  std::string fix;
  std::vector<std::string> candidates;
  int priority = 0;
  std::vector<int> file_patterns;  // patterns defined in the same file (evidence)
  // `unproven:` in the YAML: why no real log captured by the lab proves this
  // rule yet (e.g. the daemon feature is not in Debian 12's packages); empty
  // for a rule that some real log under tests/data must prove
  // (tests/unit/diagnoser/diagnoser_rule_proof_test.cpp).
  std::string unproven;
};

class Catalogue {
 public:
  Catalogue() = default;
  ~Catalogue();
  Catalogue(const Catalogue&) = delete;
  Catalogue& operator=(const Catalogue&) = delete;

  std::vector<Pattern> patterns;
  std::vector<Rule> rules;
  std::map<std::string, int> fault_phase;
  std::map<std::string, std::string> fault_fix;
  // _candidates.yaml: how often each fault is the cause in the real-log
  // corpus (orders a diagnosis's candidates), and the peer's log line that
  // tells each fault (named in a summary that has candidates).
  std::map<std::string, int> frequency;
  std::map<std::string, std::string> peer_line;
  hs_database* database = nullptr;

  int find_pattern(const std::string& name) const;
};

// A per-thread scratch space for scanning with the catalogue's database.
class Scratch {
 public:
  explicit Scratch(const Catalogue& catalogue);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  hs_scratch* get() const { return scratch_; }

 private:
  hs_scratch* scratch_ = nullptr;
};

}  // namespace ikelab::diag
