// ikelab-loggen: builds a big gateway log out of logs the lab captured from
// real daemons (generate), and checks `ikelab diagnose --json` on it against
// the truth it wrote (check).
#include "bench/loggen/generator.hpp"
#include "bench/loggen/manifest.hpp"
#include "bench/loggen/rule_patterns.hpp"
#include "bench/loggen/truth_check.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <unistd.h>

namespace {

using ikelab::bench::Dialect;

std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  double value = std::stod(text, &used);
  std::string unit = text.substr(used);
  double mult = 1;
  if (unit == "k" || unit == "K" || unit == "KB") mult = 1e3;
  else if (unit == "M" || unit == "MB") mult = 1e6;
  else if (unit == "G" || unit == "GB") mult = 1e9;
  else if (unit == "KiB") mult = 1024.0;
  else if (unit == "MiB") mult = 1024.0 * 1024;
  else if (unit == "GiB") mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) throw std::runtime_error("size: unknown unit '" + unit + "' (use K, M, G, KiB, MiB, GiB)");
  if (value <= 0) throw std::runtime_error("size must be positive");
  return static_cast<std::uint64_t>(value * mult);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_out(const std::string& path) {
  File f(path == "-" ? fdopen(dup(1), "w") : std::fopen(path.c_str(), "w"));
  if (!f) throw std::runtime_error(path + ": cannot write");
  return f;
}

int run_generate(const std::string& manifest, const std::string& expected_dir, const std::string& format,
                 const std::string& size, const std::string& out, const std::string& truth,
                 ikelab::bench::GeneratorOptions options) {
  options.dialect = format == "pluto" ? Dialect::pluto : Dialect::charon;
  options.target_bytes = parse_size(size);
  auto templates = ikelab::bench::load_manifest(manifest, options.dialect, expected_dir);
  auto header = ikelab::bench::load_header(templates.front().path, options.dialect);
  File log = open_out(out), truth_file = open_out(truth);
  fmt::print(truth_file.get(), "# n\tremote\tconnection\trole\tike\ttruth\ttemplate\tgap\n");
  auto r = ikelab::bench::generate(templates, header, options, log.get(), truth_file.get());
  fmt::print(truth_file.get(), "# attempts {}\n", r.attempts);
  if (std::fflush(log.get()) != 0 || std::fflush(truth_file.get()) != 0) throw std::runtime_error("write failed");
  fmt::print(stderr, "{}: {} bytes, {} lines, {} attempts from {} templates ({}); truth: {}\n", out, r.bytes, r.lines,
             r.attempts, templates.size(), format, truth);
  return 0;
}

int run_check(const std::string& truth, const std::string& json) {
  auto r = ikelab::bench::check_truth(truth, json);
  double pct = r.attempts ? 100.0 * static_cast<double>(r.right()) / static_cast<double>(r.attempts) : 0.0;
  fmt::print("attempts {}  diagnoses {}  found {}  right {} ({:.2f}%: exact {}, via candidates {})  unmatched {}  "
             "duplicates {}\n",
             r.attempts, r.diagnoses, r.found, r.right(), pct, r.exact, r.via_candidates, r.unmatched, r.duplicates);
  for (const auto& [fault, t] : r.by_fault)
    fmt::print("  {:<44} {:>8} attempts  {:>8} exact  {:>8} via candidates{}\n", fault, t.total, t.exact,
               t.via_candidates, t.exact + t.via_candidates == t.total ? "" : "  <-- WRONG");
  bool header = false;
  for (const auto& [name, t] : r.by_template) {
    if (t.right == t.total && t.duplicates == 0) continue;
    if (!header) fmt::print("templates not always right (truth from expected/; xfail = a known diagnoser gap there):\n");
    header = true;
    fmt::print("  {} {} of {} wrong, truth {}{}\n", name, t.total - t.right, t.total, t.truth,
               t.known_gap ? " [xfail]" : "");
    if (t.missing) fmt::print("      {:>8}x not found\n", t.missing);
    if (t.duplicates) fmt::print("      {:>8}x diagnosed again (more diagnoses than attempts)\n", t.duplicates);
    for (const auto& [got, n] : t.wrong) fmt::print("      {:>8}x {}\n", n, got);
  }
  if (r.wrong_known_gap)
    fmt::print("wrong where expected/ marks a known gap (xfail): {} of {} wrong\n", r.wrong_known_gap,
               r.attempts - r.right());
  for (const auto& p : r.problems) fmt::print("  problem: {}\n", p);
  fmt::print("truth check: {}\n", r.all_right() ? "PASS (100% right)" : "FAIL");
  return r.all_right() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ikelab-loggen: big gateway logs from real lab-captured logs, and their truth"};
  app.require_subcommand(1);

  std::string manifest = std::string(IKELAB_BENCH_DIR) + "/templates/manifest.yaml";
  std::string expected_dir = IKELAB_EXPECTED_DIR;
  std::string format = "charon", size = "100M", out, truth;
  ikelab::bench::GeneratorOptions options;
  auto* gen = app.add_subcommand("generate", "Write a gateway log and its truth");
  gen->add_option("--manifest", manifest, "Template list (real captured logs)")->capture_default_str();
  gen->add_option("--expected", expected_dir, "expected/ folder: each template's truth (its scenario, IKE version, side)")
      ->capture_default_str();
  gen->add_option("--format", format, "charon (syslog) or pluto (syslog)")
      ->check(CLI::IsMember({"charon", "pluto"}))
      ->capture_default_str();
  gen->add_option("--size", size, "Approximate size: 100M, 1G, 500KiB ...")->capture_default_str();
  gen->add_option("--seed", options.seed, "Random seed (same seed, same file)")->capture_default_str();
  gen->add_option("--rate", options.attempts_per_second, "New attempts per second of log time")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  gen->add_option("-o,--out", out, "Log file to write (- for stdout)")->required();
  gen->add_option("--truth", truth, "Truth file to write (TSV)")->required();

  std::string check_truth_path, check_json;
  auto* check = app.add_subcommand("check", "Check `ikelab diagnose --json` output against the truth");
  check->add_option("--truth", check_truth_path, "Truth file written by generate")->required();
  check->add_option("--json", check_json, "ikelab diagnose --json output")->required();

  std::string rules_dir = IKELAB_RULES_DIR;
  auto* pats = app.add_subcommand("patterns", "Print the rule catalogue's patterns as POSIX ERE, one a line (for grep -E -f)");
  pats->add_option("--rules", rules_dir, "Rule catalogue folder")->capture_default_str();

  try {
    app.parse(argc, argv);
    if (*pats) {
      for (const auto& p : ikelab::bench::rule_patterns_as_ere(rules_dir)) fmt::print("{}\n", p);
      return 0;
    }
    if (*gen) return run_generate(manifest, expected_dir, format, size, out, truth, options);
    return run_check(check_truth_path, check_json);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab-loggen: {}\n", e.what());
    return 2;
  }
}
