// ikelab-faults-md: writes docs/faults.md from the rule catalogue
// (diagnoser/rules/*.yaml: each file's fault, phase, title, fix and rules),
// so the list of fault ids has one source. The ctest faults_md_current runs
// it with --check and fails while the committed docs/faults.md is stale.
//
//   ikelab-faults-md RULES_DIR > docs/faults.md      regenerate
//   ikelab-faults-md --check docs/faults.md RULES_DIR   exit 1 when it differs
#include "base/yaml_reader.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Fault {
  std::string id, phase, title, fix, file;
  size_t rules = 0, unproven = 0;
};

std::string cell(std::string text) {  // one table cell: no '|' and no line break may end it
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string scalar(const YAML::Node& root, const char* key, const std::string& file) {
  if (!root[key] || !root[key].IsScalar())
    throw std::runtime_error(fmt::format("{}: no '{}:' (every rule file has fault, phase, title and fix)", file, key));
  return root[key].Scalar();
}

std::vector<Fault> read_catalogue(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (entry.is_regular_file() && p.extension() == ".yaml" && p.filename().string().rfind('_', 0) != 0)
      files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  std::vector<Fault> faults;
  for (const auto& path : files) {
    const YAML::Node root = ikelab::base::load_yaml_file(path);
    const std::string file = "diagnoser/rules/" + path.filename().string();
    Fault f{scalar(root, "fault", file), scalar(root, "phase", file), scalar(root, "title", file),
            scalar(root, "fix", file), file};
    if (root["rules"] && root["rules"].IsSequence()) {
      f.rules = root["rules"].size();
      for (const auto& rule : root["rules"]) f.unproven += rule["unproven"] ? 1 : 0;
    }
    faults.push_back(std::move(f));
  }
  std::sort(faults.begin(), faults.end(), [](const Fault& a, const Fault& b) { return a.id < b.id; });
  return faults;
}

std::string render(const std::vector<Fault>& faults) {
  std::string out =
      "# Fault catalogue\n"
      "\n"
      "<!-- Generated from diagnoser/rules/*.yaml by `build/ikelab-faults-md diagnoser/rules > docs/faults.md`;\n"
      "     do not edit by hand: the ctest faults_md_current fails while this file is stale. -->\n"
      "\n"
      "The stable fault ids that scenarios, expected files, rules and reports use. Each id is defined by one rule "
      "file, `diagnoser/rules/<id>.yaml` (its `fault:`, `phase:`, `title:` and `fix:`); add an id by adding a rule "
      "file, never rename one. `unknown` is no id of the catalogue: the diagnoser says it when no rule explains a "
      "failure.\n"
      "\n"
      "| id | phase | what is wrong | rules | rule file |\n"
      "| --- | --- | --- | --- | --- |\n";
  size_t rules = 0, unproven = 0;
  for (const auto& f : faults) {
    out += fmt::format("| `{}` | {} | {} | {} | `{}` |\n", f.id, f.phase, cell(f.title), f.rules, f.file);
    rules += f.rules;
    unproven += f.unproven;
  }
  out += fmt::format(
      "\nPhase 0 means \"not a negotiation phase\" (a daemon that did not start, a DPD timeout or a rekey of an "
      "established SA). {} faults, {} rules ({} marked `unproven:`, see [rules.md](rules.md)).\n",
      faults.size(), rules, unproven);
  out += "\n## The fix each fault's diagnosis gives\n\n";
  out += "Rules may word their own fix; this is the fault's default (`{name}` is filled from the log).\n\n";
  for (const auto& f : faults) out += fmt::format("- `{}`: {}\n", f.id, f.fix);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 2) {
      fmt::print("{}", render(read_catalogue(argv[1])));
      return 0;
    }
    if (argc == 4 && std::string(argv[1]) == "--check") {
      std::ifstream in(argv[2], std::ios::binary);
      const std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (committed == render(read_catalogue(argv[3]))) return 0;
      fmt::print(stderr,
                 "{}: stale: it differs from what the rule files say; regenerate it with\n"
                 "  build/ikelab-faults-md diagnoser/rules > docs/faults.md\n",
                 argv[2]);
      return 1;
    }
    fmt::print(stderr, "usage: ikelab-faults-md RULES_DIR | ikelab-faults-md --check FAULTS_MD RULES_DIR\n");
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab-faults-md: {}\n", e.what());
    return 2;
  }
}
