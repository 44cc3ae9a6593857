// Command-line inputs into logs: directories expand to the files in them,
// rotated files of one log (NAME, NAME.1, NAME.2.gz, NAME-20261201.xz) form one
// log read oldest part first. Compression is recognised by content when the
// parts are read (source.cpp); only the rotation suffixes are names.
#include "diagnoser/src/input/source.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace ikelab::diag {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Rotation {
  std::string base;   // the live file's path
  int kind = 2;       // 0 dated (NAME-YYYYMMDD...), 1 numbered (NAME.N), 2 the live file
  long long value = 0;
};

Rotation rotation_of(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  for (std::string_view ext : {".gz", ".xz", ".bz2", ".zst"})
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      name.resize(name.size() - ext.size());
      break;
    }
  Rotation r;
  size_t dot = name.rfind('.');
  size_t dash = name.rfind('-');
  if (dot != std::string::npos && dot > 0 && all_digits(std::string_view(name).substr(dot + 1)) &&
      name.size() - dot - 1 <= 4) {
    r.kind = 1;
    r.value = std::stoll(name.substr(dot + 1));
    name.resize(dot);
  } else if (dash != std::string::npos && dash > 0 && all_digits(std::string_view(name).substr(dash + 1)) &&
             name.size() - dash - 1 >= 8 && name.size() - dash - 1 <= 14) {
    r.kind = 0;
    r.value = std::stoll(name.substr(dash + 1));
    name.resize(dash);
  }
  r.base = (path.parent_path() / name).string();
  return r;
}

// Oldest first: dated parts by date, numbered parts from the highest number, the live file last.
bool older(const Rotation& a, const Rotation& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.kind == 1 ? a.value > b.value : a.value < b.value;
}

// The first bytes of a file, decompressed: is it text?
std::string sniff_binary(const std::filesystem::path& file) {
  Source source(LogInput{file.string(), {file}});
  std::string sample(64 * 1024, '\0');
  size_t got = 0;
  while (got < sample.size()) {
    size_t n = source.read(sample.data() + got, sample.size() - got);
    if (n == 0) break;
    got += n;
  }
  sample.resize(got);
  return binary_reason(sample);
}

}  // namespace

InputPlan plan_inputs(const std::vector<std::filesystem::path>& args) {
  InputPlan plan;
  std::vector<std::filesystem::path> files;
  for (const auto& arg : args) {
    std::error_code ec;
    if (arg != "-" && std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> inside;
      for (const auto& entry : std::filesystem::directory_iterator(arg, ec)) {
        std::error_code fec;
        if (entry.path().filename().string().starts_with('.') || !entry.is_regular_file(fec)) continue;
        inside.push_back(entry.path());
      }
      if (ec) throw InputError(fmt::format("{}: cannot list: {}", arg.string(), ec.message()));
      std::sort(inside.begin(), inside.end());
      size_t kept = 0;
      for (const auto& f : inside) {
        std::string why;
        try {
          why = sniff_binary(f);
        } catch (const InputError& e) {
          why = e.what();
        }
        if (!why.empty()) {
          plan.notes.push_back(fmt::format("skipped {}: {}", f.string(), why));
          continue;
        }
        files.push_back(f);
        ++kept;
      }
      if (kept == 0) throw InputError(fmt::format("{}: a directory with no text log file in it", arg.string()));
      continue;
    }
    files.push_back(arg);
  }
  // Group by rotation base, in the order each log first appears.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::pair<Rotation, std::filesystem::path>>> groups;
  for (const auto& f : files) {
    Rotation r = f == "-" ? Rotation{"-", 2, 0} : rotation_of(f);
    auto& g = groups[r.base];
    if (g.empty()) order.push_back(r.base);
    if (std::any_of(g.begin(), g.end(), [&](const auto& p) { return p.second == f; })) continue;  // named twice
    g.emplace_back(r, f);
  }
  for (const auto& base : order) {
    auto& g = groups[base];
    std::stable_sort(g.begin(), g.end(), [](const auto& a, const auto& b) { return older(a.first, b.first); });
    LogInput log;
    for (const auto& [r, f] : g) log.parts.push_back(f);
    // A single file keeps its own name; a set is named after its newest part.
    log.name = log.parts.back().string();
    plan.logs.push_back(std::move(log));
  }
  return plan;
}

}  // namespace ikelab::diag
