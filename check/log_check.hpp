#pragma once

// Evidence patterns: FileCheck-style checks of both peers' logs.
//
// A script is a list of directive lines, each for one peer (the prefix):
//
//   RESP: tried [[N:[0-9]+]] shared key for '{{[^']+}}'
//   RESP-NOT: IKE_SA .* established
//   INIT-NEXT: received AUTHENTICATION_FAILED notify error
//
// Prefixes: INIT (the initiator's log), RESP (the responder's log).
// Directives (per peer, FileCheck semantics, every match is within one line):
//   P:       the first line at or after this peer's position that matches;
//            the position moves to the line after it.
//   P-NEXT:  the very next line (the one after the previous match of P) must match.
//   P-NOT:   no line between the previous positive match of P and the next
//            one (or the end of the log, if no positive match of P follows) matches.
// Pattern text is literal (a substring of the line), except
//   {{regex}}          an RE2 regex (the last "}}" of a run of braces closes it: {{[0-9a-f]{8}}}),
//   [[NAME:regex]]     a capture: matches regex and remembers the text,
//   [[NAME]]           the text a capture remembered (either peer, any earlier line).
// Directives run in the order written; captures are visible to later lines
// of both peers. Blank lines and lines starting with '#' are ignored.

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::harness {

enum class Peer { initiator, responder };
std::string to_string(Peer peer);
std::string check_prefix(Peer peer);  // INIT / RESP

enum class CheckKind { check, next, not_ };

// One piece of a pattern: literal text, an inline regex, a capture, or a use.
struct PatternPart {
  enum class Kind { literal, regex, define, use } kind;
  std::string text;  // literal text or regex
  std::string name;  // capture name (define, use)
};

struct CheckLine {
  Peer peer = Peer::initiator;
  CheckKind kind = CheckKind::check;
  std::string source;  // the directive as written, e.g. "RESP: tried ..."
  std::string file;    // where it was written
  int line = 0;        // 1-based
  std::vector<PatternPart> parts;
};

struct CheckScript {
  std::vector<CheckLine> lines;
  bool empty() const { return lines.empty(); }
};

struct CheckSyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;  // "FILE:LINE: why"
};

// Parses `text` whose first line is line `first_line` of `file`.
CheckScript parse_check_script(const std::string& text, const std::string& file, int first_line);

struct LogText {
  std::string name;  // shown in reports, e.g. "responder/charon.log"
  std::vector<std::string> lines;
};
LogText read_log(const std::filesystem::path& file, std::string name);
LogText log_from_text(const std::string& text, std::string name);

struct CheckFailure {
  const CheckLine* check = nullptr;
  std::string what;  // one line: what went wrong
  std::string report;  // FileCheck-like annotated input
};

struct CheckResult {
  bool pass() const { return failures.empty(); }
  std::vector<CheckFailure> failures;
  std::map<std::string, std::string> captures;  // at the end
};

// Runs the script against both logs. A missing log (nullopt) fails every
// directive of that peer that needs a line, and passes its NOT lines.
CheckResult run_checks(const CheckScript& script, const std::optional<LogText>& initiator,
                       const std::optional<LogText>& responder);

}  // namespace ikelab::harness
