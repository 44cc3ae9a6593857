// Reads the rule catalogue (YAML, one file per fault) and compiles it.
#include "diagnoser/src/catalogue/catalogue.hpp"
#include "base/yaml_reader.hpp"

#include <fmt/core.h>
#include <hs/hs.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <set>

namespace ikelab::diag {

Catalogue::~Catalogue() {
  if (database) hs_free_database(database);
}

int Catalogue::find_pattern(const std::string& name) const {
  for (size_t i = 0; i < patterns.size(); ++i)
    if (patterns[i].name == name) return static_cast<int>(i);
  return -1;
}

Scratch::Scratch(const Catalogue& catalogue) {
  if (catalogue.database && hs_alloc_scratch(catalogue.database, &scratch_) != HS_SUCCESS)
    throw std::runtime_error("hyperscan: cannot allocate scratch space");
}

Scratch::~Scratch() {
  if (scratch_) hs_free_scratch(scratch_);
}

std::string to_string(Role role) {
  switch (role) {
    case Role::initiator: return "initiator";
    case Role::responder: return "responder";
    case Role::unknown: break;
  }
  return "unknown";
}

namespace {

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& what) {
  int line = node.IsDefined() ? node.Mark().line + 1 : 0;
  throw RuleError(fmt::format("{}:{}: {}", file, line, what));
}

void check_keys(const std::string& file, const YAML::Node& map, std::initializer_list<const char*> allowed) {
  if (!map.IsMap()) fail(file, map, "expected a mapping");
  for (const auto& item : map) {
    auto key = item.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      fail(file, item.first, fmt::format("unknown key '{}' (allowed: {})", key, list));
    }
  }
}

std::string scalar(const std::string& file, const YAML::Node& node, const char* what) {
  if (!node.IsScalar()) fail(file, node, fmt::format("'{}' must be a text value", what));
  return node.as<std::string>();
}

bool valid_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Role parse_role(const std::string& file, const YAML::Node& node) {
  auto value = scalar(file, node, "role");
  if (value == "initiator") return Role::initiator;
  if (value == "responder") return Role::responder;
  if (value == "any") return Role::unknown;
  fail(file, node, "role must be initiator, responder or any");
}

Dialect parse_dialect(const std::string& file, const YAML::Node& node) {
  auto value = scalar(file, node, "dialect");
  if (value == "charon") return Dialect::charon;
  if (value == "pluto") return Dialect::pluto;
  if (value == "any") return Dialect::unknown;
  fail(file, node, "dialect must be charon, pluto or any");
}

int parse_version(const std::string& file, const YAML::Node& node) {
  auto value = scalar(file, node, "ike_version");
  if (value == "1") return 1;
  if (value == "2") return 2;
  if (value == "any") return 0;
  fail(file, node, "ike_version must be 1, 2 or any");
}

unsigned parse_events(const std::string& file, const YAML::Node& node) {
  std::vector<YAML::Node> items;
  if (node.IsSequence())
    for (const auto& n : node) items.push_back(n);
  else
    items.push_back(node);
  unsigned flags = 0;
  for (const auto& n : items) {
    auto value = scalar(file, n, "event");
    if (value == "start") flags |= kStart;
    else if (value == "terminal") flags |= kTerminal;
    else if (value == "failure") flags |= kFailure;
    else if (value == "noise") flags |= kNoise;
    else if (value == "ike_up") flags |= kIkeUp;
    else if (value == "child_up") flags |= kChildUp;
    else if (value == "context") flags |= kContext;
    else if (value == "retry") flags |= kRetry;
    else if (value == "daemon") flags |= kDaemon;
    else if (value == "new_sa") flags |= kNewSa;
    else fail(file, n, "event must be one of start, terminal, failure, noise, ike_up, child_up, context, retry, daemon, new_sa");
  }
  return flags;
}

// Hyperscan has no capture groups: named groups become plain groups.
// Anchors refer to the message, which starts after the line's prefix, so the
// whole-line scan drops them (a looser prefilter; RE2 then checks exactly).
std::string hyperscan_form(const std::string& regex) {
  static const std::regex named(R"(\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>)");
  std::string form = std::regex_replace(regex, named, "(?:");
  if (!form.empty() && form.front() == '^') form.erase(0, 1);
  if (form.size() >= 2 && form.back() == '$' && form[form.size() - 2] != '\\') form.pop_back();
  return form;
}

// `{address}` in a rule's regex: an IP address, a host name, or what people
// put in its place when they post a log (xxx.xxx.xxx.xxx, x.x.x.x, a.b.c.d,
// REDACTED, ***, [server-ip], <client-ip>, a word). `{address_lazy}` is the
// same, as short as possible.
std::string expand_macros(std::string regex) {
  static constexpr std::string_view kAddressChars = "[0-9A-Za-z_.:%*#-]";
  static constexpr std::string_view kPlaceholders = R"(|\[[A-Za-z0-9 _.-]{1,40}\]|<[A-Za-z0-9 _.-]{1,40}>)";
  const std::pair<std::string_view, std::string> macros[] = {
      {"{address}", fmt::format("(?:{}+{})", kAddressChars, kPlaceholders)},
      {"{address_lazy}", fmt::format("(?:{}+?{})", kAddressChars, kPlaceholders)},
  };
  for (const auto& [name, expansion] : macros)
    for (size_t at = regex.find(name); at != std::string::npos; at = regex.find(name, at + expansion.size()))
      regex.replace(at, name.size(), expansion);
  return regex;
}

struct PendingRule {
  Rule rule;
  YAML::Node require, absent;
};

// A pattern written as a map: regex (or synthetic: true) and its hints.
void read_pattern_spec(const std::string& file, const YAML::Node& spec, Pattern& p) {
  check_keys(file, spec, {"regex", "event", "role", "ike_version", "dialect", "synthetic"});
  if (spec["synthetic"]) {
    if (scalar(file, spec["synthetic"], "synthetic") != "true")
      fail(file, spec["synthetic"], "synthetic must be true (or left out)");
    if (spec.size() != 1) fail(file, spec, fmt::format("synthetic pattern '{}' takes no other keys", p.name));
    p.synthetic = true;
  } else {
    if (!spec["regex"]) fail(file, spec, fmt::format("pattern '{}' has no 'regex'", p.name));
    p.regex = scalar(file, spec["regex"], "regex");
  }
  if (spec["event"]) p.events = parse_events(file, spec["event"]);
  if (spec["role"]) p.role_hint = parse_role(file, spec["role"]);
  if (spec["ike_version"]) p.version_hint = parse_version(file, spec["ike_version"]);
  if (spec["dialect"]) p.dialect = parse_dialect(file, spec["dialect"]);
}

// Expands and compiles a pattern's regex (errors at `node`, its value).
void compile_pattern(const std::string& file, const YAML::Node& node, Pattern& p) {
  if (p.regex.empty()) fail(file, node, fmt::format("pattern '{}' is empty", p.name));
  p.regex = expand_macros(p.regex);
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  p.re = std::make_unique<RE2>(p.regex, options);
  if (!p.re->ok()) fail(file, node, fmt::format("pattern '{}': {}", p.name, p.re->error()));
  if (RE2::FullMatch("", *p.re)) fail(file, node, fmt::format("pattern '{}' matches the empty line", p.name));
  p.group_names.assign(static_cast<size_t>(p.re->NumberOfCapturingGroups()), "");
  for (const auto& [group_name, index] : p.re->NamedCapturingGroups())
    p.group_names[static_cast<size_t>(index - 1)] = group_name;
}

void load_patterns(const std::string& file, const YAML::Node& node, Catalogue& cat, std::vector<int>& defined) {
  if (!node.IsMap()) fail(file, node, "'patterns' must map names to regular expressions");
  for (const auto& item : node) {
    Pattern p;
    p.name = item.first.as<std::string>();
    p.file = file;
    p.line = item.first.Mark().line + 1;
    if (!valid_id(p.name)) fail(file, item.first, "pattern names use a-z, 0-9 and _");
    const YAML::Node& spec = item.second;
    if (spec.IsScalar()) {
      p.regex = spec.as<std::string>();
    } else {
      read_pattern_spec(file, spec, p);
    }
    if (p.synthetic) {
      if (cat.find_pattern(p.name) >= 0)
        fail(file, item.first, fmt::format("synthetic pattern '{}' is defined twice", p.name));
      defined.push_back(static_cast<int>(cat.patterns.size()));
      cat.patterns.push_back(std::move(p));
      continue;
    }
    compile_pattern(file, item.second, p);

    int existing = cat.find_pattern(p.name);
    if (existing >= 0) {
      const Pattern& other = cat.patterns[static_cast<size_t>(existing)];
      if (other.regex != p.regex || other.events != p.events)
        fail(file, item.first, fmt::format("pattern '{}' is already defined differently in {}:{}", p.name, other.file, other.line));
      defined.push_back(existing);
      continue;
    }
    defined.push_back(static_cast<int>(cat.patterns.size()));
    cat.patterns.push_back(std::move(p));
  }
}

// _candidates.yaml: `frequency: {fault: count}` and `peer_line: {fault: text}`.
void load_candidate_data(const std::string& file, const YAML::Node& root, Catalogue& cat) {
  if (const YAML::Node freq = root["frequency"]) {
    if (!freq.IsMap()) fail(file, freq, "'frequency' must map fault ids to counts");
    for (const auto& item : freq) {
      const std::string id = scalar(file, item.first, "frequency");
      if (!valid_id(id)) fail(file, item.first, fmt::format("'{}' is not a fault id", id));
      const std::string text = scalar(file, item.second, "frequency");
      if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        fail(file, item.second, fmt::format("frequency of '{}' must be a count (0 to 999999)", id));
      cat.frequency[id] = std::stoi(text);
    }
  }
  if (const YAML::Node lines = root["peer_line"]) {
    if (!lines.IsMap()) fail(file, lines, "'peer_line' must map fault ids to text");
    for (const auto& item : lines) {
      const std::string id = scalar(file, item.first, "peer_line");
      if (!valid_id(id)) fail(file, item.first, fmt::format("'{}' is not a fault id", id));
      cat.peer_line[id] = scalar(file, item.second, "peer_line");
    }
  }
}

// A rule's keys after its fix: unproven, candidates, same, priority, require, absent.
void load_rule_lists(const std::string& file, const YAML::Node& node, PendingRule& pr) {
  Rule& r = pr.rule;
  if (node["unproven"]) {
    r.unproven = scalar(file, node["unproven"], "unproven");
    if (r.unproven.find_first_not_of(" \t") == std::string::npos)
      fail(file, node["unproven"], fmt::format("rule '{}': 'unproven' needs the reason no real log proves it", r.id));
  }
  if (node["candidates"]) {
    if (!node["candidates"].IsSequence()) fail(file, node["candidates"], "'candidates' must be a list of fault ids");
    for (const auto& c : node["candidates"]) r.candidates.push_back(scalar(file, c, "candidates"));
  }
  if (node["same"]) {
    if (!node["same"].IsSequence()) fail(file, node["same"], "'same' must be a list of capture names");
    for (const auto& c : node["same"]) r.same.push_back(scalar(file, c, "same"));
  }
  if (node["priority"]) {
    try {
      r.priority = node["priority"].as<int>();
    } catch (const YAML::Exception&) {
      fail(file, node["priority"], "priority must be a whole number");
    }
  }
  if (!node["require"] || !node["require"].IsSequence() || node["require"].size() == 0)
    fail(file, node, fmt::format("rule '{}' needs a non-empty 'require' list", r.id));
  pr.require = node["require"];
  if (node["absent"]) {
    if (!node["absent"].IsSequence()) fail(file, node["absent"], "'absent' must be a list of pattern names");
    pr.absent = node["absent"];
  }
}

// One entry of 'rules': the rule's own keys (its fault's phase and fix are
// the defaults) and its require and absent lists, resolved later.
PendingRule load_rule(const std::string& file, const YAML::Node& node, const std::string& fault, int phase,
                      const std::string& fix, const std::vector<int>& defined) {
  check_keys(file, node,
             {"id", "role", "ike_version", "dialect", "phase", "require", "absent", "confidence", "summary", "fix",
              "candidates", "priority", "same", "unproven"});
  PendingRule pr;
  Rule& r = pr.rule;
  r.fault = fault;
  r.file = file;
  r.line = node.Mark().line + 1;
  r.phase = phase;
  r.fix = fix;
  r.file_patterns = defined;
  if (!node["id"]) fail(file, node, "a rule needs an 'id'");
  r.id = scalar(file, node["id"], "id");
  if (node["role"]) r.role = parse_role(file, node["role"]);
  if (node["ike_version"]) r.ike_version = parse_version(file, node["ike_version"]);
  if (node["dialect"]) r.dialect = parse_dialect(file, node["dialect"]);
  if (node["phase"]) r.phase = node["phase"].as<int>(phase);
  if (node["confidence"]) {
    r.confidence = scalar(file, node["confidence"], "confidence");
    if (r.confidence != "high" && r.confidence != "medium" && r.confidence != "low")
      fail(file, node["confidence"], "confidence must be high, medium or low");
  }
  if (!node["summary"]) fail(file, node, fmt::format("rule '{}' needs a 'summary'", r.id));
  r.summary = scalar(file, node["summary"], "summary");
  if (node["fix"]) r.fix = scalar(file, node["fix"], "fix");
  if (r.fix.empty()) fail(file, node, fmt::format("rule '{}' has no 'fix' (and the file none)", r.id));
  load_rule_lists(file, node, pr);
  return pr;
}

// A fault file's 'phase': 1, 2, or 0 (also written '-'); 0 when left out.
int parse_phase(const std::string& file, const YAML::Node& root) {
  int phase = 0;
  if (root["phase"]) {
    auto text = scalar(file, root["phase"], "phase");
    if (text == "1" || text == "2")
      phase = text[0] - '0';
    else if (text != "0" && text != "-")
      fail(file, root["phase"], "phase must be 1, 2 or 0");
  }
  return phase;
}

void load_file(const std::filesystem::path& path, Catalogue& cat, std::vector<PendingRule>& pending) {
  const std::string file = path.string();
  YAML::Node root;
  try {
    root = base::load_yaml_file(path);
  } catch (const base::FileError& e) {
    throw RuleError(base::at(e.file(), e.line(), 0, e.message()));  // rule errors are FILE:LINE: ...
  }
  if (root.IsNull()) return;
  check_keys(file, root, {"fault", "phase", "title", "fix", "patterns", "rules", "frequency", "peer_line"});
  std::vector<int> defined;
  if (root["patterns"]) load_patterns(file, root["patterns"], cat, defined);
  if (!root["fault"]) {
    if (root["rules"]) fail(file, root["rules"], "'rules' need a 'fault' id in the same file");
    load_candidate_data(file, root, cat);
    return;
  }
  if (root["frequency"] || root["peer_line"])
    fail(file, root["frequency"] ? root["frequency"] : root["peer_line"],
         "'frequency' and 'peer_line' belong in a file without 'fault' (_candidates.yaml)");
  const std::string fault = scalar(file, root["fault"], "fault");
  if (!valid_id(fault)) fail(file, root["fault"], "fault ids use a-z, 0-9 and _");
  if (cat.fault_phase.count(fault)) fail(file, root["fault"], fmt::format("fault '{}' is defined by two files", fault));
  const int phase = parse_phase(file, root);
  cat.fault_phase[fault] = phase;
  std::string fix = root["fix"] ? scalar(file, root["fix"], "fix") : "";
  cat.fault_fix[fault] = fix;
  if (!root["rules"]) return;
  if (!root["rules"].IsSequence()) fail(file, root["rules"], "'rules' must be a list");
  for (const auto& node : root["rules"]) pending.push_back(load_rule(file, node, fault, phase, fix, defined));
}

int resolve(const std::string& file, const YAML::Node& node, Catalogue& cat) {
  auto name = scalar(file, node, "pattern name");
  int index = cat.find_pattern(name);
  if (index < 0) fail(file, node, fmt::format("no pattern named '{}'", name));
  cat.patterns[static_cast<size_t>(index)].in_rule = true;
  return index;
}

// The rule files of `dir` (.yaml, .yml), sorted, shared pattern files
// (no fault, named _*) first.
std::vector<std::filesystem::path> rule_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  // Shared pattern files (no fault) first, so fault files can refer to them.
  std::stable_partition(files.begin(), files.end(), [](const auto& p) {
    auto stem = p.stem().string();
    return stem.rfind("_", 0) == 0;
  });
  return files;
}

// Each 'same' name must be captured by two required steps (by every
// alternative of each).
void check_same(const PendingRule& pr, const Catalogue& cat) {
  for (const auto& name : pr.rule.same) {
    size_t capturing = 0;  // required steps whose every alternative captures `name`
    for (const auto& step : pr.rule.require) {
      bool all = true;
      for (int alt : step.alternatives) {
        const auto& groups = cat.patterns[static_cast<size_t>(alt)].group_names;
        if (std::find(groups.begin(), groups.end(), name) == groups.end()) all = false;
      }
      if (all) ++capturing;
    }
    if (capturing < 2)
      fail(pr.rule.file, pr.require,
           fmt::format("rule '{}': 'same: {}' needs two required steps that capture '{}'", pr.rule.id, name, name));
  }
}

// A rule's require and absent lists resolved to pattern indexes, and its
// candidates and 'same' names checked.
void resolve_rule(PendingRule& pr, Catalogue& cat) {
  for (const auto& step : pr.require) {
    RequireStep s;
    if (step.IsSequence()) {
      for (const auto& alt : step) s.alternatives.push_back(resolve(pr.rule.file, alt, cat));
      if (s.alternatives.empty()) fail(pr.rule.file, step, "an alternative list must not be empty");
    } else {
      s.alternatives.push_back(resolve(pr.rule.file, step, cat));
    }
    pr.rule.require.push_back(std::move(s));
  }
  if (pr.absent)
    for (const auto& a : pr.absent) pr.rule.absent.push_back(resolve(pr.rule.file, a, cat));
  for (const auto& c : pr.rule.candidates)
    if (!valid_id(c)) fail(pr.rule.file, pr.require, fmt::format("candidate '{}' is not a fault id", c));
  check_same(pr, cat);
}

// _candidates.yaml names only faults that a rule file defines.
void check_candidate_data(const std::filesystem::path& dir, const Catalogue& cat) {
  for (const auto* data : {&cat.frequency})
    for (const auto& [id, n] : *data)
      if (id != "none" && !cat.fault_phase.count(id))
        throw RuleError(
            fmt::format("{}: _candidates.yaml: frequency names '{}', which no rule file defines", dir.string(), id));
  for (const auto& [id, text] : cat.peer_line)
    if (!cat.fault_phase.count(id))
      throw RuleError(
          fmt::format("{}: _candidates.yaml: peer_line names '{}', which no rule file defines", dir.string(), id));
}

void compile_database(Catalogue& cat) {
  std::vector<std::string> forms;
  std::vector<const char*> expressions;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < cat.patterns.size(); ++i) {
    if (cat.patterns[i].synthetic) continue;  // never matched against a line
    forms.push_back(hyperscan_form(cat.patterns[i].regex));
    flags.push_back(HS_FLAG_MULTILINE);
    ids.push_back(static_cast<unsigned>(i));
  }
  for (auto& f : forms) expressions.push_back(f.c_str());
  if (expressions.empty()) return;
  for (int attempt = 0; attempt < static_cast<int>(expressions.size()) + 1; ++attempt) {
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                         HS_MODE_BLOCK, nullptr, &cat.database, &error) == HS_SUCCESS)
      return;
    std::string message = error ? error->message : "unknown error";
    int which = error ? error->expression : -1;
    hs_free_compile_error(error);
    if (which < 0) throw RuleError("hyperscan: " + message);
    auto& p = cat.patterns[ids[static_cast<size_t>(which)]];  // `which` indexes the expressions
    if (flags[static_cast<size_t>(which)] & HS_FLAG_PREFILTER)
      throw RuleError(fmt::format("{}:{}: pattern '{}' cannot be compiled: {}", p.file, p.line, p.name, message));
    // RE2 confirms every hit, so a looser prefilter form is still exact.
    flags[static_cast<size_t>(which)] |= HS_FLAG_PREFILTER;
  }
}

}  // namespace

std::shared_ptr<const Catalogue> load_catalogue(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw RuleError(fmt::format("{}: not a rules directory", dir.string()));
  const std::vector<std::filesystem::path> files = rule_files(dir);
  auto cat = std::make_shared<Catalogue>();
  std::vector<PendingRule> pending;
  for (const auto& f : files) load_file(f, *cat, pending);
  for (auto& pr : pending) {
    resolve_rule(pr, *cat);
    cat->rules.push_back(std::move(pr.rule));
  }
  if (cat->rules.empty()) throw RuleError(fmt::format("{}: no rules found", dir.string()));
  check_candidate_data(dir, *cat);
  compile_database(*cat);
  return cat;
}

std::vector<std::string> fault_ids(const Catalogue& catalogue) {
  std::set<std::string> ids;
  for (const auto& r : catalogue.rules) ids.insert(r.fault);
  return {ids.begin(), ids.end()};
}

}  // namespace ikelab::diag
