#include "lab/corpus/corpus_run.hpp"

#include "lab/scenario/scenario_select.hpp"

#include "lab/run/credentials.hpp"
#include "check/expectations.hpp"
#include "lab/run/lab_run.hpp"
#include "lab/run/redact.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/scenario/scenario.hpp"
#include "base/text_file.hpp"
#include "lab/corpus/manifest.hpp"
#include "lab/corpus/prng.hpp"
#include "lab/corpus/renderings.hpp"
#include "lab/corpus/variants.hpp"
#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace ikelab::corpus {

std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  int k = 0, n = 0;
  try {
    if (slash == std::string::npos || text.find_first_not_of("0123456789/") != std::string::npos)
      throw std::invalid_argument(text);
    size_t used_k = 0, used_n = 0;
    k = std::stoi(text.substr(0, slash), &used_k);
    n = std::stoi(text.substr(slash + 1), &used_n);
    if (used_k != slash || used_n != text.size() - slash - 1) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--shard '{}': expected K/N, e.g. 1/4", text));
  }
  if (n < 1 || k < 1 || k > n) throw UsageError(fmt::format("--shard '{}': K must be between 1 and N", text));
  return {k, n};
}

std::string PlannedCase::id() const { return fmt::format("{}/ike{}/v{:03}", scenario, ike_version, variant); }

std::vector<PlannedCase> shard_of(const std::vector<PlannedCase>& all, int index, int count) {
  std::vector<PlannedCase> out;
  for (size_t i = 0; i < all.size(); ++i)
    if (static_cast<int>(i % static_cast<size_t>(count)) == index - 1) out.push_back(all[i]);
  return out;
}

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

const std::vector<std::string>& known_daemons() {
  static const std::vector<std::string> daemons = {"strongswan", "libreswan"};
  return daemons;
}

std::string daemon_kind(harness::Implementation i) {
  return i == harness::Implementation::strongswan ? "strongswan" : "libreswan";
}

// The chosen scenarios (names or globs: lab/scenario/scenario_select.hpp), by name.
std::vector<harness::Scenario> chosen_scenarios(const std::vector<harness::Scenario>& all,
                                                const std::vector<std::string>& patterns) {
  std::vector<harness::Scenario> chosen;
  try {
    chosen = harness::select_scenarios(all, patterns);
  } catch (const harness::SelectError& e) {
    throw UsageError(e.what());
  }
  std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return chosen;
}

// What makes two corpus folders the same corpus (resume, merge).
nlohmann::json arguments_json(const CorpusOptions& o, const std::vector<harness::Scenario>& scenarios,
                              const std::vector<std::string>& formats) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& s : scenarios) names.push_back(s.name);
  return {{"scenarios", names},   {"ike", o.ike},         {"variants", o.variants},
          {"seed", o.seed},       {"formats", formats},   {"daemons", o.daemons.empty() ? known_daemons() : o.daemons},
          {"variants_file_hash", fmt::format("{:016x}", fnv1a(harness::read_text_file(o.variants_file)))}};
}

// The strongSwan / Libreswan version a log's start line names.
std::string daemon_version(const std::string& log, harness::Implementation implementation) {
  static const std::regex charon(R"(strongSwan ([0-9][0-9A-Za-z.+~-]*))");
  static const std::regex pluto(R"(Libreswan (?:Version )?([0-9][0-9A-Za-z.+~-]*))", std::regex::icase);
  std::smatch m;
  const std::string head = log.substr(0, 4096);
  const bool strongswan = implementation == harness::Implementation::strongswan;
  if (std::regex_search(head, m, strongswan ? charon : pluto))
    return fmt::format("{}-{}", strongswan ? "strongswan" : "libreswan", m[1].str());
  return strongswan ? "strongswan" : "libreswan";
}

// Secrets out, this run's paths normalised: the same arguments give the same configs.
std::string clean_config(std::string text) {
  // Every `secret =` value (the lab writes them hex-encoded): the same redaction as `ikelab run --out`.
  text = harness::redact_config_secrets(text);
  static const std::regex run_dir(std::regex_replace(netns::state_root().string(), std::regex(R"([.^$|()\[\]{}*+?\\])"),
                                                     R"(\$&)") +
                                  "/[0-9]+(-[0-9]+)?/[0-9]+/");
  return std::regex_replace(text, run_dir, "/run/ikelab-case/");
}

struct CaseWork {
  PlannedCase plan;
  Variant variant;
  fs::path dir;  // DIR/cases/<id>
};

class ProgressLine {
 public:
  ProgressLine(size_t total, size_t already) : total_(total), done_(already), already_(already) {}
  void finished(bool ok, const std::string& what) {
    std::lock_guard lock(mutex_);
    ++done_;
    if (!ok) ++failures_;
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    const size_t run_here = done_ - already_;
    const double eta = run_here ? elapsed / static_cast<double>(run_here) * static_cast<double>(total_ - done_) : 0;
    const std::string line = fmt::format("[{}/{}] {} failures, {:.0f} s elapsed, ETA {:.0f} s: {} {}", done_, total_,
                                         failures_, elapsed, eta, what, ok ? "ok" : "LEFT OUT");
    if (terminal_) fmt::print(stderr, "\r\x1b[2K{}", line.substr(0, 110));
    else fmt::print(stderr, "{}\n", line);
    std::fflush(stderr);
  }
  void end() {
    if (terminal_) fmt::print(stderr, "\r\x1b[2K");
  }

 private:
  std::mutex mutex_;
  size_t total_, done_, already_, failures_ = 0;
  bool terminal_ = ::isatty(STDERR_FILENO) == 1;
  Clock::time_point started_ = Clock::now();
};

void write_atomically(const fs::path& file, const std::string& text) {
  const fs::path temporary = file.string() + ".partial";
  harness::write_text_file(temporary, text);
  fs::rename(temporary, file);
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

struct Labels {
  std::string kind;  // exact | among_candidates | no_attempt | unlabelled
  std::vector<std::string> ids;
};

Labels labels_of(const std::optional<harness::ScenarioExpectations>& expected, int ike, harness::Side side) {
  if (!expected) return {"unlabelled", {}};
  auto it = expected->versions.find(ike);
  if (it == expected->versions.end() || !it->second.diagnosis) return {"unlabelled", {}};
  const auto& view = side == harness::Side::initiator ? it->second.diagnosis->initiator : it->second.diagnosis->responder;
  switch (view.kind) {
    case harness::FaultExpectation::Kind::exact: return {"exact", view.faults};
    case harness::FaultExpectation::Kind::among_candidates: return {"among_candidates", view.faults};
    case harness::FaultExpectation::Kind::no_attempt: return {"no_attempt", {"no_attempt"}};
  }
  return {"unlabelled", {}};
}

// Turns a finished case into corpus files and manifest entries; returns why
// it is left out (empty: kept).
std::string finalize_case(const CaseWork& work, const harness::CaseResult& result, const harness::Scenario& scenario,
                          const std::optional<harness::ScenarioExpectations>& expected, const CorpusOptions& options,
                          const std::vector<std::string>& formats) {
  // Configs: secrets redacted, this run's paths normalised.
  for (const char* side : {"initiator", "responder"})
    for (const char* name : {"swanctl.conf", "strongswan.conf", "ipsec.conf"}) {
      const fs::path file = work.dir / side / name;
      std::error_code ec;
      if (fs::exists(file, ec)) harness::write_text_file(file, clean_config(harness::read_text_file(file)));
    }
  const auto verdict = harness::judge_outcome(expected, result.ike_version, result.outcome);
  if (!verdict.pass) {
    std::string reason = fmt::format("outcome: {}", verdict.reason);
    if (!result.detail.empty()) reason += " (" + result.detail.substr(0, result.detail.find('\n')) + ")";
    write_atomically(work.dir / "left-out.json", nlohmann::json{{"case", work.plan.id()}, {"reason", reason}}.dump() + "\n");
    return reason;
  }
  const std::string log_name = work.variant.log_level == "cfg2"   ? "charon-cfg2.log"
                               : work.variant.log_level == "ike2" ? "charon-ike2.log"
                                                                  : "charon.log";
  struct SideLog {
    harness::Side side;
    const char* name;
    harness::Implementation implementation;
    std::string captured;
    std::string daemon;
    std::map<std::string, std::string> files;  // format -> path relative to DIR
  };
  std::vector<SideLog> sides;
  for (auto side : {harness::Side::initiator, harness::Side::responder}) {
    const harness::HostSettings& host = scenario.host(side);
    const char* name = side == harness::Side::initiator ? "initiator" : "responder";
    const bool pluto = host.implementation == harness::Implementation::libreswan;
    const fs::path log = work.dir / name / (pluto ? "pluto.log" : log_name);
    std::error_code ec;
    if (!host.start_daemon || !fs::exists(log, ec) || fs::file_size(log, ec) == 0) continue;
    SideLog s{side, name, host.implementation, harness::read_text_file(log), "", {}};
    s.daemon = daemon_version(harness::read_text_file(work.dir / name / (pluto ? "pluto.log" : "charon.log")),
                              host.implementation);
    LogSource source;
    source.daemon = pluto ? LogDaemon::pluto : LogDaemon::charon;
    source.host = work.variant.settings.contains("host_names")
                      ? work.variant.settings["host_names"][name].get<std::string>()
                      : std::string(name == std::string("initiator") ? "gw-a" : "gw-b");
    SplitMix64 rng(fnv1a(work.plan.id() + name, options.seed));
    source.pid = static_cast<int>(800 + rng.below(30000));
    source.year = 2026;
    source.boot_id = fmt::format("{:016x}{:016x}", rng.next(), rng.next());
    fs::create_directories(work.dir / "logs");
    for (const auto& format : formats) {
      const RenderingInfo* info = find_rendering(format);
      if (!info || (pluto ? !info->pluto : !info->charon)) continue;
      std::string text;
      if (info->console) {
        const fs::path console = work.dir / name / (pluto ? "whack-initiate.txt" : "swanctl-initiate.txt");
        if (!fs::exists(console, ec) || fs::file_size(console, ec) == 0) continue;
        text = harness::read_text_file(console);
      } else {
        auto rendered = render_log(format, s.captured, source);
        if (!rendered) continue;
        text = std::move(*rendered);
      }
      const fs::path file = work.dir / "logs" / fmt::format("{}.{}.{}", name, format, info->extension);
      harness::write_text_file(file, text);
      s.files[format] = fs::relative(file, options.out).string();
    }
    sides.push_back(std::move(s));
  }
  std::string entries;
  for (const auto& s : sides) {
    const SideLog* peer = nullptr;
    for (const auto& other : sides)
      if (other.side != s.side) peer = &other;
    const Labels labels = labels_of(expected, result.ike_version, s.side);
    for (const auto& [format, path] : s.files) {
      ManifestEntry e;
      e.log = path;
      if (peer)
        if (auto it = peer->files.find(format); it != peer->files.end()) e.peer_log = it->second;
      e.case_id = work.plan.id();
      e.scenario = scenario.name;
      e.variant = work.plan.variant;
      e.seed = options.seed;
      e.ike_version = result.ike_version;
      e.side = s.name;
      e.daemon = s.daemon;
      e.peer_daemon = peer ? std::optional<std::string>(peer->daemon) : std::nullopt;
      e.format = format;
      e.fault = scenario.fault;
      e.candidates = labels.ids;
      e.match = labels.kind;
      e.outcome = harness::to_string(result.outcome);
      e.log_level = s.implementation == harness::Implementation::libreswan ? "default" : work.variant.log_level;
      e.settings = work.variant.settings;
      entries += to_json(e).dump() + "\n";
    }
  }
  write_atomically(work.dir / "entries.jsonl", entries);
  return "";
}

}  // namespace

int run_corpus(const CorpusOptions& options) {
  if (::geteuid() != 0) {
    fmt::print(stderr, "ikelab corpus: the lab needs root (network namespaces, mounts); run it as root\n");
    return 2;
  }
  const auto started = Clock::now();
  std::vector<harness::Scenario> scenarios;
  VariantRules rules;
  std::map<std::string, std::optional<harness::ScenarioExpectations>> expectations;
  std::vector<std::string> formats = options.formats;
  nlohmann::json arguments;
  std::vector<CaseWork> work;
  size_t planned_total = 0;
  try {
    for (const auto& f : formats)
      if (!find_rendering(f)) {
        std::vector<std::string> names;
        for (const auto& r : known_renderings()) names.push_back(r.name);
        throw UsageError(fmt::format("unknown format '{}' (known: {})", f, join(names)));
      }
    if (formats.empty())
      for (const auto& r : known_renderings()) formats.push_back(r.name);
    for (const auto& d : options.daemons)
      if (std::find(known_daemons().begin(), known_daemons().end(), d) == known_daemons().end())
        throw UsageError(fmt::format("unknown daemon '{}' (known: {})", d, join(known_daemons())));
    if (options.variants < 1) throw UsageError("--variants must be at least 1");
    scenarios = chosen_scenarios(harness::load_scenarios(options.scenarios_dir), options.scenarios);
    rules = load_variant_rules(options.variants_file);
    for (const auto& s : scenarios) expectations[s.name] = harness::find_expectations(options.expected_dir, s.name);
    arguments = arguments_json(options, scenarios, formats);

    std::vector<PlannedCase> plan;
    std::map<std::string, Variant> drawn;
    for (const auto& s : scenarios) {
      bool daemons_ok = true;
      for (auto side : {harness::Side::initiator, harness::Side::responder}) {
        const auto& host = s.host(side);
        if (!host.start_daemon || options.daemons.empty()) continue;
        const std::string kind = daemon_kind(host.implementation);
        if (std::find(options.daemons.begin(), options.daemons.end(), kind) == options.daemons.end()) daemons_ok = false;
      }
      if (!daemons_ok) continue;
      for (int ike : s.ike_versions) {
        if (options.ike != 0 && ike != options.ike) continue;
        for (int index = 1; index <= options.variants; ++index) {
          auto v = draw_variant(s, ike, index, options.seed, rules);
          if (!v) continue;
          PlannedCase p{s.name, ike, index};
          drawn.emplace(p.id(), std::move(*v));
          plan.push_back(p);
        }
      }
    }
    planned_total = plan.size();
    for (auto& p : shard_of(plan, options.shard_index, options.shard_count))
      work.push_back({p, drawn.at(p.id()), options.out / "cases" / p.id()});
    if (work.empty()) throw UsageError("no case to run (no scenario, IKE version and daemon match the arguments)");
  } catch (const UsageError& e) {
    fmt::print(stderr, "ikelab corpus: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab corpus: {}\n", e.what());
    return 2;
  }

  // The folder: new, the same corpus (resume), or refused unless --force.
  nlohmann::json header = {{"schema_version", kManifestSchemaVersion},
                           {"arguments", arguments},
                           {"shard", {{"index", options.shard_index}, {"count", options.shard_count}}}};
  const fs::path header_file = options.out / "corpus.json";
  std::error_code ec;
  if (fs::exists(header_file, ec)) {
    nlohmann::json existing;
    try {
      existing = nlohmann::json::parse(harness::read_text_file(header_file));
    } catch (const std::exception&) {
    }
    if (existing != header) {
      if (!options.force) {
        fmt::print(stderr,
                   "ikelab corpus: {} holds a corpus made with other arguments ({}); use --force to start it over\n",
                   options.out.string(), header_file.string());
        return 2;
      }
      for (const char* name : {"cases", "manifest.jsonl", "left-out.jsonl", "corpus.json"}) fs::remove_all(options.out / name, ec);
    }
  } else if (fs::exists(options.out, ec) && !fs::is_empty(options.out, ec) && !options.force) {
    fmt::print(stderr, "ikelab corpus: {} exists and is not a corpus; use --force to write into it\n", options.out.string());
    return 2;
  }
  fs::create_directories(options.out, ec);
  if (ec) {
    fmt::print(stderr, "ikelab corpus: cannot create {}: {}\n", options.out.string(), ec.message());
    return 2;
  }
  write_atomically(header_file, header.dump(2) + "\n");

  // Resume: finished cases (entries.jsonl or left-out.json) are kept, the rest redone.
  std::vector<size_t> to_run;
  for (size_t i = 0; i < work.size(); ++i) {
    if (fs::exists(work[i].dir / "entries.jsonl", ec) || fs::exists(work[i].dir / "left-out.json", ec)) continue;
    fs::remove_all(work[i].dir, ec);
    to_run.push_back(i);
  }
  const size_t already = work.size() - to_run.size();
  fmt::print(stderr, "ikelab corpus: {} cases{} ({} planned), {} already done, {} to run at -j {}\n", work.size(),
             options.shard_count > 1 ? fmt::format(" in shard {}/{}", options.shard_index, options.shard_count) : "",
             planned_total, already, to_run.size(), options.jobs);

  netns::install_interrupt_handler();
  netns::register_this_process();
  // In this run's own private state folder, removed when ikelab ends.
  auto credentials = std::make_shared<harness::Credentials>(netns::own_run_dir().make_child("credentials").path());
  std::map<std::string, const harness::Scenario*> by_name;
  for (const auto& s : scenarios) by_name[s.name] = &s;
  std::vector<harness::CaseRequest> requests;
  try {
    std::vector<harness::Scenario> variant_scenarios;
    for (size_t i : to_run) variant_scenarios.push_back(work[i].variant.scenario);
    harness::prepare_credentials(variant_scenarios, *credentials);
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab corpus: preparing credentials failed: {}\n", e.what());
    return 2;
  }
  for (size_t i : to_run) {
    const CaseWork& w = work[i];
    harness::CaseRequest r;
    r.scenario = w.plan.scenario;
    r.ike_version = w.plan.ike_version;
    r.tag = std::to_string(i);
    r.artefacts_subdir = w.plan.id();
    const harness::Scenario* variant_scenario = &w.variant.scenario;
    const int ike = w.plan.ike_version;
    r.render = [variant_scenario, ike, credentials](const harness::HostPaths& a, const harness::HostPaths& b) {
      return harness::render_case(*variant_scenario, ike, a, b, *credentials);
    };
    requests.push_back(std::move(r));
  }

  harness::LabRunOptions run_options;
  run_options.jobs = options.jobs;
  run_options.out_dir = fs::absolute(options.out / "cases");
  ProgressLine progress(work.size(), already);
  // Each case is turned into corpus files as soon as it ends (serialised by run_cases).
  auto on_progress = [&](const harness::LabProgress& p) {
    if (!p.just_finished) return;
    const harness::CaseResult& result = *p.just_finished;
    const CaseWork& w = work[std::stoul(result.tag)];
    if (netns::interrupted() && result.outcome == harness::Outcome::error) return;  // redone on resume
    std::string reason;
    try {
      reason = finalize_case(w, result, w.variant.scenario, expectations[w.plan.scenario], options, formats);
    } catch (const std::exception& e) {
      reason = fmt::format("writing its corpus files failed: {}", e.what());
    }
    progress.finished(reason.empty(), w.plan.id());
  };
  harness::run_cases(requests, run_options, on_progress);
  progress.end();

  // The manifest: every finished case's entries in plan order, so the same
  // arguments give the same manifest whatever order the cases ran in.
  std::string manifest, left_out_lines;
  size_t logs = 0, kept = 0, missing = 0;
  std::vector<std::string> all_left_out;
  // In case id order (as `corpus merge` writes it).
  std::vector<const CaseWork*> sorted;
  for (const auto& w : work) sorted.push_back(&w);
  std::sort(sorted.begin(), sorted.end(), [](const CaseWork* a, const CaseWork* b) { return a->plan.id() < b->plan.id(); });
  for (const CaseWork* case_work : sorted) {
    const CaseWork& w = *case_work;
    if (fs::exists(w.dir / "entries.jsonl", ec)) {
      ++kept;
      for (const auto& line : read_lines(w.dir / "entries.jsonl")) {
        manifest += line + "\n";
        ++logs;
      }
    } else if (fs::exists(w.dir / "left-out.json", ec)) {
      for (const auto& line : read_lines(w.dir / "left-out.json")) left_out_lines += line + "\n";
      try {
        auto j = nlohmann::json::parse(harness::read_text_file(w.dir / "left-out.json"));
        all_left_out.push_back(fmt::format("{}: {}", j.value("case", w.plan.id()), j.value("reason", "")));
      } catch (const std::exception&) {
        all_left_out.push_back(w.plan.id());
      }
    } else {
      ++missing;
    }
  }
  write_atomically(options.out / "manifest.jsonl", manifest);
  write_atomically(options.out / "left-out.jsonl", left_out_lines);
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  for (const auto& l : all_left_out) fmt::print("left out {}\n", l);
  fmt::print("{} cases: {} labelled, {} left out (outcome disagrees with expected/), {} not run; {} labelled logs in {} ({:.1f} s, {:.0f} logs/min)\n",
             work.size(), kept, all_left_out.size(), missing, logs, (options.out / "manifest.jsonl").string(), wall,
             wall > 0 ? static_cast<double>(logs) * 60.0 / wall : 0.0);
  std::fflush(stdout);
  if (netns::interrupted()) {
    fmt::print(stderr, "ikelab corpus: interrupted; rerun the same command to resume ({} cases done)\n", kept + all_left_out.size());
    netns::remove_own_state_dir();
    netns::reraise_interrupt();
  }
  return all_left_out.empty() && missing == 0 ? 0 : 1;
}

}  // namespace ikelab::corpus
