#pragma once
// The diagnosis engine's public API. The engine knows strongSwan (charon) and
// pluto logs, nothing about the lab.
//
//   auto catalogue = ikelab::diag::load_catalogue();          // rules from default_rules_dir()
//   auto result = ikelab::diag::diagnose_files({"resp.log"}, *catalogue);
//   std::cout << ikelab::diag::to_json(result).dump(2);
//
// diagnose_files() takes one log, or two logs of the two peers of the same
// connections (the attempts of one are paired with the other's; each diagnosis
// then carries both sides' evidence). "-" reads standard input.
// Errors: RuleError (a bad rule file, naming file and line), InputError (an
// unreadable input, or one that is binary from its first bytes: not a text
// log). Garbage inside a log is skipped, never an error.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::diag {

enum class Role { unknown, initiator, responder };
std::string to_string(Role role);

struct Evidence {
  std::string file;    // as given by the caller (display name)
  std::uint64_t line;  // 1-based line number in that file
  std::string text;    // the whole log line (truncated to 512 bytes)
};

struct Diagnosis {
  std::string fault = "none";  // a catalogue id, "none" or "unknown"
  int phase = 0;               // 1, 2 or 0 ("-" in the catalogue)
  Role role = Role::unknown;   // the part the (first) log's host played
  std::string connection;      // connection / IKE_SA name if the log shows it
  std::string local;           // this host's address
  std::string remote;          // the peer's address
  int ike_version = 0;         // 1, 2, 0 unknown
  std::string confidence = "low";  // high | medium | low
  std::string summary;
  std::string fix;
  std::vector<std::string> candidates;  // other faults the logs cannot rule out
  std::vector<Evidence> evidence;
  // Extra keys (the JSON contract allows additions).
  std::string rule;     // "<fault file>/<rule id>" that decided, empty if none
  std::string format;   // detected log format of the (first) log
  std::string dialect;  // charon | pluto | unknown
  std::vector<std::string> sources;  // files that contributed (1 or 2)
  std::uint64_t first_line = 0;      // where the attempt starts in the (first) log
  // The log holds only part of the attempt (no start line: a paste that
  // begins after it started, a single quoted line): what is missing to be
  // sure, in words (its start, its end, the role, the IKE version, ...).
  bool excerpt = false;
  std::vector<std::string> missing;
};

struct RuleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Catalogue;  // the compiled rule catalogue (immutable, shareable)

// Where the rule catalogue is when no folder is given, decided at run time:
// $IKELAB_DATA_DIR/rules; else the share folder of the prefix the running
// program is installed in (<prefix>/bin/ikelab -> <prefix>/share/ikelab/rules);
// else, in a developer build, the source tree's diagnoser/rules. Throws
// RuleError when none of them is a folder.
std::filesystem::path default_rules_dir();
// Loads every *.yaml under `dir` (files starting with '_' hold shared definitions).
std::shared_ptr<const Catalogue> load_catalogue(const std::filesystem::path& dir);
std::shared_ptr<const Catalogue> load_catalogue();  // from default_rules_dir()
// The fault ids the rule files under `dir` define (`none` included), sorted,
// read without compiling the catalogue (cheap). Throws RuleError.
std::vector<std::string> catalogue_fault_ids(const std::filesystem::path& dir);
// Fault ids the catalogue has rules for, sorted.
std::vector<std::string> fault_ids(const Catalogue& catalogue);

// One log as read: a single file, "-" (standard input), or the parts of a
// rotated log, oldest first (syslog.2.gz, syslog.1, syslog). Each part may be
// compressed (gzip, xz, bzip2, zstd: recognised by content, not by name);
// evidence names the part and its own line number.
struct LogInput {
  std::string name;                          // display name: the newest part
  std::vector<std::filesystem::path> parts;  // oldest first
};
// Command-line inputs into logs: a directory stands for the files in it (not
// recursive; hidden and binary files skipped, each with a note), rotated
// files of one log (NAME, NAME.N[.gz|.xz|.bz2|.zst], NAME-YYYYMMDD[...]) form
// one LogInput. Logs keep the order they are first named in. Throws InputError.
struct InputPlan {
  std::vector<LogInput> logs;
  std::vector<std::string> notes;  // what was skipped, and why
};
InputPlan plan_inputs(const std::vector<std::filesystem::path>& args);

// Whether two peers' logs were paired (two logs only).
struct Pairing {
  bool paired = false;     // at least one attempt of one log matched one of the other
  std::size_t pairs = 0;   // attempts diagnosed with both sides' evidence
  std::size_t unpaired_first = 0, unpaired_second = 0;
  std::string reason;      // why not (or why some attempts stayed alone); empty when all paired
};
// The JSON form: {"paired": ..., "pairs": ..., "unpaired": [n1, n2], "reason": ...}.
nlohmann::json to_json(const Pairing& pairing);

struct DiagnoseResult {
  std::vector<Diagnosis> diagnoses;
  std::vector<LogInput> logs;       // what was read
  std::vector<std::size_t> counts;  // diagnoses found per log, same order as logs
  bool two_peers = false;           // exactly two logs: `pairing` says how they matched
  Pairing pairing;
  std::vector<std::string> notes;   // from plan_inputs
};
// The logs of `args` (plan_inputs): one log is diagnosed alone; two are the
// two peers' logs, paired only where their attempts match (mirrored
// addresses and roles, IKE version, ESP SPIs, start times within
// `max_skew_seconds`), each side diagnosed alone otherwise; more than two are
// each diagnosed alone, in order.
DiagnoseResult diagnose_inputs(const std::vector<std::filesystem::path>& args, const Catalogue& catalogue,
                               double max_skew_seconds = 5.0);

// One diagnosis per connection attempt, in the order the attempts started
// (diagnose_inputs(logs).diagnoses).
std::vector<Diagnosis> diagnose_files(const std::vector<std::filesystem::path>& logs,
                                      const Catalogue& catalogue);
std::vector<Diagnosis> diagnose_files(const std::vector<std::filesystem::path>& logs);
// What the scan had to cut short to stay linear and bounded (the output says so).
struct ScanNotes {
  std::uint64_t cut_lines = 0;      // lines longer than kMaxLineBytes, scanned up to it
  std::uint64_t early_settles = 0;  // attempts settled early: too many open at once
  std::uint64_t bytes = 0;          // bytes read (decompressed)
  std::uint64_t lines = 0;          // lines read
};
inline constexpr std::size_t kMaxLineBytes = 1 << 20;
inline constexpr std::size_t kMaxOpenAttempts = 20000;

// One log, streamed: each diagnosis goes to `on_diagnosis` as soon as its
// attempt settles, in the order the attempts started; nothing is collected,
// so memory follows the open attempts, never the file's size. Returns what
// was cut short.
ScanNotes diagnose_file_stream(const std::filesystem::path& log, const Catalogue& catalogue,
                          const std::function<void(const Diagnosis&)>& on_diagnosis);
// An input that may stay open without sending (a pipe from `journalctl -f`,
// a terminal) and has stalled after its first lines is read as it comes:
// attempts then settle by wall clock as with --follow (StreamDiagnoser).
struct LiveSettings {
  double settle_seconds = 2.0;
  double idle_seconds = 30.0;
  double stall_seconds = 0.5;  // no byte for this long before the sample is full: the input is live
};
ScanNotes diagnose_file_stream(const LogInput& log, const Catalogue& catalogue,
                               const std::function<void(const Diagnosis&)>& on_diagnosis,
                               const LiveSettings* live = nullptr);
// Same for text already in memory (tests, the lab harness). `name` is the file
// name evidence refers to.
std::vector<Diagnosis> diagnose_text(std::string_view text, const std::string& name,
                                     const Catalogue& catalogue);

// Threads that scan a log's blocks (0, the default: one per core). The
// diagnoses are the same for every count; a Scanner reads it when made.
void set_scan_threads(unsigned threads);

// The `diagnose --json` contract (docs/json.md, docs/diagnose.schema.json):
// {"diagnoses": [...], "schema_version": kJsonSchemaVersion}. The version is
// raised only when a key of the contract changes meaning (keys may be added).
inline constexpr int kJsonSchemaVersion = 1;
nlohmann::json to_json(const Diagnosis& diagnosis);
nlohmann::json to_json(const std::vector<Diagnosis>& diagnoses);
// Serialise safely: invalid UTF-8 from logs is replaced, never throws.
std::string dump_json(const nlohmann::json& json, int indent = -1);

// Streaming use (diagnose --follow, huge files): feed bytes as they come; each
// attempt's diagnosis is handed to `on_diagnosis` as soon as it settles
// (a terminal line seen and `settle_seconds` of quiet, or `idle_seconds`
// without a line). Memory grows with open attempts only.
class StreamDiagnoser {
 public:
  using Callback = std::function<void(const Diagnosis&)>;
  StreamDiagnoser(std::shared_ptr<const Catalogue> catalogue, std::string name, Callback on_diagnosis);
  ~StreamDiagnoser();
  StreamDiagnoser(const StreamDiagnoser&) = delete;
  StreamDiagnoser& operator=(const StreamDiagnoser&) = delete;

  void feed(std::string_view bytes);
  // Wall-clock driven settling for --follow; `now` in seconds (monotonic).
  void tick(double now, double settle_seconds = 2.0, double idle_seconds = 30.0);
  void finish();  // end of input: every open attempt is diagnosed

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikelab::diag
