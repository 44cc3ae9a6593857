// `ikelab corpus merge OUT PART...`: shards of one corpus into one folder.
#include "base/text_file.hpp"
#include "lab/corpus/corpus_run.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace ikelab::corpus {

namespace {

// Every finished case folder below PART/cases (those with entries.jsonl or left-out.json).
std::vector<std::string> finished_cases(const fs::path& part) {
  std::vector<std::string> ids;
  std::error_code ec;
  const fs::path cases = part / "cases";
  if (!fs::exists(cases, ec)) return ids;
  for (auto it = fs::recursive_directory_iterator(cases, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto name = it->path().filename();
    if (name == "entries.jsonl" || name == "left-out.json")
      ids.push_back(fs::relative(it->path().parent_path(), cases).string());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

int merge_corpora(const fs::path& out, const std::vector<fs::path>& parts) {
  try {
    if (parts.size() < 2) throw UsageError("merge needs at least two parts");
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_empty(out, ec)) throw UsageError(fmt::format("{} exists and is not empty", out.string()));
    nlohmann::json arguments;
    int count = 0;
    std::set<int> indices;
    std::map<std::string, fs::path> owner;  // case id -> part
    for (const auto& part : parts) {
      nlohmann::json header;
      try {
        header = nlohmann::json::parse(harness::read_text_file(part / "corpus.json"));
      } catch (const std::exception& e) {
        throw UsageError(fmt::format("{}: not a corpus ({}: {})", part.string(), (part / "corpus.json").string(), e.what()));
      }
      if (header.value("schema_version", 0) != kManifestSchemaVersion)
        throw UsageError(fmt::format("{}: schema_version {} (this ikelab writes {})", part.string(),
                                     header.value("schema_version", 0), kManifestSchemaVersion));
      if (arguments.is_null()) arguments = header["arguments"];
      else if (header["arguments"] != arguments)
        throw UsageError(fmt::format("{} was made with other arguments than {} (seed, scenarios, variants, formats, daemons "
                                     "and the variants file must be the same):\n  {}\n  {}",
                                     part.string(), parts.front().string(), header["arguments"].dump(), arguments.dump()));
      const int index = header["shard"].value("index", 0), n = header["shard"].value("count", 0);
      if (count == 0) count = n;
      if (n != count) throw UsageError(fmt::format("{} is shard {}/{}, the others are of {}", part.string(), index, n, count));
      if (!indices.insert(index).second)
        throw UsageError(fmt::format("{} is shard {}/{} again: the parts overlap", part.string(), index, n));
      for (const auto& id : finished_cases(part)) {
        auto [it, fresh] = owner.emplace(id, part);
        if (!fresh) throw UsageError(fmt::format("case {} is in both {} and {}: the parts overlap", id, it->second.string(), part.string()));
      }
    }
    fs::create_directories(out / "cases");
    std::string manifest, left_out;
    for (const auto& [id, part] : owner) {
      fs::create_directories((out / "cases" / id).parent_path());
      fs::copy(part / "cases" / id, out / "cases" / id, fs::copy_options::recursive);
      std::ifstream in(out / "cases" / id / (fs::exists(out / "cases" / id / "entries.jsonl") ? "entries.jsonl" : "left-out.json"));
      std::string line;
      const bool kept = fs::exists(out / "cases" / id / "entries.jsonl");
      while (std::getline(in, line))
        if (!line.empty()) (kept ? manifest : left_out) += line + "\n";
    }
    nlohmann::json shard = {{"index", 1}, {"count", 1}};
    if (static_cast<int>(indices.size()) != count) shard = {{"merged", indices}, {"count", count}};
    nlohmann::json header = {{"schema_version", kManifestSchemaVersion}, {"arguments", arguments}, {"shard", shard}};
    harness::write_text_file(out / "corpus.json", header.dump(2) + "\n");
    harness::write_text_file(out / "manifest.jsonl", manifest);
    harness::write_text_file(out / "left-out.jsonl", left_out);
    size_t lines = 0;
    for (char c : manifest) lines += c == '\n';
    fmt::print("merged {} parts ({} of {} shards): {} cases, {} labelled logs in {}\n", parts.size(), indices.size(), count,
               owner.size(), lines, (out / "manifest.jsonl").string());
    return 0;
  } catch (const UsageError& e) {
    fmt::print(stderr, "ikelab corpus merge: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab corpus merge: {}\n", e.what());
    return 2;
  }
}

}  // namespace ikelab::corpus
