#include "lab/replay/config_fix.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>

#include "base/text_file.hpp"
#include "base/yaml_reader.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// An ipsec.secrets line: the text after ": PSK ".
size_t psk_value_start(const std::string& line) {
  size_t at = line.find(": PSK");
  if (at == std::string::npos) return std::string::npos;
  return line.find_first_not_of(" \t", at + 5);
}

// The value text after '=' on `line` (quotes and trailing comment kept apart).
std::string value_text(const std::string& line) {
  if (size_t psk = psk_value_start(line); psk != std::string::npos) {
    std::string v = line.substr(psk);
    v.erase(v.find_last_not_of(" \t\r") + 1);
    return v;
  }
  size_t eq = line.find('=');
  if (eq == std::string::npos) return "";
  std::string v = line.substr(eq + 1);
  size_t hash = std::string::npos;
  bool quoted = false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '"') quoted = !quoted;
    if (v[i] == '#' && !quoted) { hash = i; break; }
  }
  v = v.substr(0, hash);
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t\r") + 1);
  return v;
}

// `line` with its value replaced, keeping the key, spacing and comment.
std::string replace_value(const std::string& line, const std::string& value) {
  if (size_t psk = psk_value_start(line); psk != std::string::npos) return line.substr(0, psk) + value;
  size_t eq = line.find('=');
  size_t start = line.find_first_not_of(" \t", eq + 1);
  std::string old = value_text(line);
  if (start == std::string::npos) return line + value;
  return line.substr(0, start) + value + line.substr(start + old.size());
}

std::string read_line(const Origin& at) {
  auto lines = lines_of(harness::read_text_file(at.file));
  return at.line >= 1 && static_cast<size_t>(at.line) <= lines.size() ? lines[at.line - 1] : "";
}

}  // namespace

ConfigFix fix_config(const CustomerConfig& customer, const CustomerConfig& peer, const std::string& fault,
                     const fs::path& copy_dir, const fs::path& fixes_file) {
  ConfigFix fix;
  fix.fault = fault;
  YAML::Node fixes;
  try {
    fixes = base::load_yaml_file(fixes_file);
  } catch (const base::FileError& e) {
    throw ReplayError(base::at(e.file(), e.line(), 0, e.message()));  // replay errors are FILE:LINE: ...
  }
  if (!fixes[fault]) {
    fix.why_not = fault == "none" ? "nothing to fix: the tunnel comes up" : fmt::format("no automatic fix for {} (lab/replay/fixes.yaml)", fault);
    return fix;
  }
  // Copy the customer's folder (every file it read lies under it, includes
  // too) to copy_dir/config; a strongswan.conf the reader found in the folder
  // above goes to copy_dir, so that it is beside the copy as it was.
  const fs::path source_dir = customer.main_file.parent_path();
  const fs::path config_copy = copy_dir / "config";
  fs::create_directories(config_copy);
  fs::permissions(copy_dir, fs::perms::owner_all);
  // A customer's folder is small; a system folder such as /etc is not copied whole.
  size_t entries = 0;
  for (auto it = fs::recursive_directory_iterator(source_dir); it != fs::recursive_directory_iterator() && entries <= 200; ++it) ++entries;
  if (entries <= 200) fs::copy(source_dir, config_copy, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  for (const auto& f : customer.files) {
    const bool above = f.parent_path() == source_dir.parent_path();
    fs::path target = above ? copy_dir / f.filename() : config_copy / f.lexically_relative(source_dir);
    if (!above && entries <= 200) continue;
    fs::create_directories(target.parent_path());
    fs::copy_file(f, target, fs::copy_options::overwrite_existing);
  }
  fix.fixed_config = config_copy / customer.main_file.filename();
  std::map<std::string, std::map<int, std::string>> edits;  // file -> line -> new text
  for (const auto& entry : fixes[fault]) {
    const std::string key = entry.first.as<std::string>(), peer_key = entry.second.as<std::string>();
    auto mine = customer.conn.origins.find(key);
    auto theirs = peer.conn.origins.find(peer_key);
    if (theirs == peer.conn.origins.end()) {
      // The peer leaves it at the default. A setting both sides name alike
      // (proposals, version, aggressive) agrees when the customer's line goes
      // too; one taken from another key (remote_ts from local_ts) has nothing to take.
      static const std::set<std::string> has_default = {"ike_proposals", "esp_proposals", "version", "keyexchange", "aggressive"};
      if (key != peer_key || !has_default.count(key) || mine == customer.conn.origins.end()) continue;
      fix.changes.push_back({mine->second, read_line(mine->second), ""});
      edits[(config_copy / fs::path(mine->second.file).lexically_relative(source_dir)).string()][mine->second.line] = "";
      continue;
    }
    if (mine == customer.conn.origins.end()) {
      fix.why_not = fmt::format("the fix sets {}, which {} does not set (add it by hand: {})", key, customer.main_file.string(),
                                value_text(read_line(theirs->second)));
      fix.changes.clear();
      return fix;
    }
    std::string before = read_line(mine->second);
    std::string value = value_text(read_line(theirs->second));
    std::string after = replace_value(before, value);
    if (after == before) continue;
    fix.changes.push_back({mine->second, before, after});
    fs::path in_copy = config_copy / fs::path(mine->second.file).lexically_relative(source_dir);
    edits[in_copy.string()][mine->second.line] = after;
  }
  for (const auto& [file, changes] : edits) {
    auto lines = lines_of(harness::read_text_file(file));
    for (const auto& [line, text] : changes) lines[line - 1] = text;
    std::string joined;
    for (size_t i = 0; i < lines.size(); ++i) joined += lines[i] + (i + 1 < lines.size() ? "\n" : "");
    std::ofstream(file, std::ios::trunc) << joined;
  }
  fix.automatic = !fix.changes.empty();
  if (!fix.automatic) fix.why_not = "the fix's settings already agree with the peer's";
  return fix;
}

}  // namespace ikelab::replay
