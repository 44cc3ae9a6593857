// `ikelab corpus ...`: argument parsing only (lab/corpus/ does the work).
#include "cli/commands.hpp"
#include "cli/output_format.hpp"

#include "base/data_dir.hpp"
#include "lab/corpus/corpus_run.hpp"
#include "lab/run/lab_run.hpp"

#include <fmt/core.h>

#include <memory>
#include <sstream>
#include <thread>

namespace ikelab::cli {

namespace {

std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::stringstream items(v);
    std::string item;
    while (std::getline(items, item, ','))
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

struct CorpusArgs {
  std::string out, shard = "1/1";
  std::vector<std::string> scenarios, formats, daemons;
  int ike = 0, variants = 3, jobs = 0;
  std::uint64_t seed = 1;
  bool force = false;
  std::string scenarios_dir, expected_dir, variants_file;  // empty: base::data_path() decides
  std::vector<std::string> merge_parts;
  std::string merge_out, check_dir, junit;
};

}  // namespace

void add_corpus_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<CorpusArgs>();
  auto* cmd = app.add_subcommand("corpus", "Generate a labelled corpus of real IKE logs in every format (docs/corpus.md)");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--out", a->out, "Corpus folder (resumed when it holds the same corpus)");
  cmd->add_option("--scenarios", a->scenarios, "Scenario names or globs, comma-separated (default: all)");
  cmd->add_option("--ike", a->ike, "Only this IKE version")->check(CLI::IsMember({1, 2}));
  cmd->add_option("--variants", a->variants, "Variants per scenario and IKE version")->check(CLI::Range(1, 999));
  cmd->add_option("--seed", a->seed, "Seed of the variants' settings");
  cmd->add_option("--formats", a->formats, "Renderings to write, comma-separated (default: all)");
  cmd->add_option("--daemons", a->daemons, "Only cases whose daemons are all of these: strongswan, libreswan");
  cmd->add_option("-j,--jobs", a->jobs, "Cases in parallel (default: as ikelab run)")->check(CLI::Range(1, 64));
  cmd->add_option("--shard", a->shard, "Run only shard K of N (K/N, 1-based; see docs/corpus.md)");
  cmd->add_flag("--force", a->force, "Start DIR over when it holds a corpus of other arguments");
  cmd->add_option("--scenario-dir", a->scenarios_dir, "Scenario folder (default: as for ikelab run --scenarios)");
  cmd->add_option("--expected-dir", a->expected_dir, "Expected-outcome folder (default: as for ikelab run --expected)");
  cmd->add_option("--variants-file", a->variants_file,
                  "What may vary, per fault (default: $IKELAB_DATA_DIR/corpus/variants.yaml, else the installed "
                  "share/ikelab/corpus/variants.yaml, else the source tree)");

  auto* merge = cmd->add_subcommand("merge", "Join shards of one corpus into OUT");
  merge->add_option("out", a->merge_out, "The merged corpus folder (new)")->required();
  merge->add_option("parts", a->merge_parts, "Shard folders")->required();
  merge->callback([a, &exit_code] {
    std::vector<std::filesystem::path> parts(a->merge_parts.begin(), a->merge_parts.end());
    exit_code = corpus::merge_corpora(a->merge_out, parts);
  });
  auto* check = cmd->add_subcommand("check", "Diagnose every log of a corpus and compare with its labels");
  check->add_option("dir", a->check_dir, "Corpus folder")->required();
  check->add_option("--junit", a->junit, "Write one JUnit test case per log to FILE");
  auto format = OutputFormat::add_to(check);
  check->callback([a, format, &exit_code] { exit_code = corpus::check_corpus(a->check_dir, a->junit, format->json()); });

  cmd->callback([a, cmd, &exit_code] {
    if (cmd->got_subcommand("merge") || cmd->got_subcommand("check")) return;
    if (a->out.empty()) {
      fmt::print(stderr, "ikelab corpus: --out DIR is required\n");
      exit_code = 2;
      return;
    }
    corpus::CorpusOptions o;
    o.out = a->out;
    o.scenarios = split_list(a->scenarios);
    o.formats = split_list(a->formats);
    o.daemons = split_list(a->daemons);
    o.ike = a->ike;
    o.variants = a->variants;
    o.seed = a->seed;
    o.jobs = a->jobs > 0 ? a->jobs : harness::default_lab_jobs(std::thread::hardware_concurrency());
    o.force = a->force;
    try {
      o.scenarios_dir = base::data_path(base::DataKind::scenarios, a->scenarios_dir);
      o.expected_dir = base::data_path(base::DataKind::expected, a->expected_dir);
      o.variants_file = base::data_path(base::DataKind::variants, a->variants_file);
    } catch (const base::DataDirError& e) {
      fmt::print(stderr, "ikelab corpus: {}\n", e.what());
      exit_code = 2;
      return;
    }
    try {
      std::tie(o.shard_index, o.shard_count) = corpus::parse_shard(a->shard);
    } catch (const corpus::UsageError& e) {
      fmt::print(stderr, "ikelab corpus: {}\n", e.what());
      exit_code = 2;
      return;
    }
    exit_code = corpus::run_corpus(o);
  });
}

}  // namespace ikelab::cli
