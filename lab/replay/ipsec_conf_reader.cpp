#include "lab/replay/ipsec_conf_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <glob.h>
#include <set>

#include "base/text_file.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {

const ConfValue* ConfSection::get(const std::string& key) const {
  const ConfValue* found = nullptr;
  for (const auto& [k, v] : settings)
    if (k == key) found = &v;
  return found;
}

const ConfSection* IpsecConf::find(const std::string& kind, const std::string& name) const {
  for (const auto& s : sections)
    if (s.kind == kind && s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> IpsecConf::conn_names() const {
  std::vector<std::string> names;
  for (const auto& s : sections)
    if (s.kind == "conn" && s.name != "%default") names.push_back(s.name);
  return names;
}

namespace {

constexpr int max_include_depth = 10;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string read_file(const fs::path& file) {
  try {
    return harness::read_text_file(file);
  } catch (const std::exception& e) {
    throw ReplayError(fmt::format("{}: {}", file.string(), e.what()));
  }
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// The text before a '#' that is not inside a "quoted" value.
std::string strip_comment(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted) return line.substr(0, i);
  }
  return line;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::vector<fs::path> glob_files(const fs::path& base_file, const std::string& pattern) {
  fs::path full = fs::path(pattern).is_absolute() ? fs::path(pattern) : base_file.parent_path() / pattern;
  glob_t found{};
  std::vector<fs::path> files;
  if (::glob(full.c_str(), 0, nullptr, &found) == 0)
    for (size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
  ::globfree(&found);
  std::sort(files.begin(), files.end());
  return files;
}

// "value" -> value (no escapes: neither starter nor pluto has them); a bare word as is.
std::string unquote(const std::string& raw, const Origin& at, bool& quoted) {
  quoted = false;
  if (!raw.empty() && raw.front() == '{') return raw;  // libreswan's {a b} lists
  if (raw.empty() || raw.front() != '"') {
    if (raw.find('"') != std::string::npos) throw ReplayError(fmt::format("{}: stray '\"' in value '{}'", at.where(), raw));
    if (raw.find_first_of(" \t") != std::string::npos)
      throw ReplayError(fmt::format("{}: value '{}' has a space; quote it (\"...\")", at.where(), raw));
    return raw;
  }
  size_t close = raw.find('"', 1);
  if (close == std::string::npos) throw ReplayError(fmt::format("{}: string not terminated (missing '\"')", at.where()));
  if (!trim(raw.substr(close + 1)).empty())
    throw ReplayError(fmt::format("{}: text after the closing '\"': '{}'", at.where(), trim(raw.substr(close + 1))));
  quoted = true;
  return raw.substr(1, close - 1);
}

void parse_conf(const std::string& text, const fs::path& file, int depth, IpsecConf& out) {
  out.files.push_back(file);
  auto lines = split_lines(text);
  ConfSection* current = nullptr;
  for (size_t i = 0; i < lines.size(); ++i) {
    Origin at{file.string(), static_cast<int>(i + 1)};
    std::string raw = strip_comment(lines[i]);
    if (trim(raw).empty()) continue;
    if (!is_space(raw.front())) {
      // Column 0: a section header or an include.
      std::string line = trim(raw);
      size_t space = line.find_first_of(" \t");
      std::string word = line.substr(0, space);
      std::string rest = space == std::string::npos ? "" : trim(line.substr(space));
      if (word == "include") {
        if (rest.empty()) throw ReplayError(fmt::format("{}: include without a file name", at.where()));
        if (depth >= max_include_depth)
          throw ReplayError(fmt::format("{}: include '{}': more than {} levels of includes (a loop?)", at.where(), rest, max_include_depth));
        for (const auto& f : glob_files(file, rest)) parse_conf(read_file(f), f, depth + 1, out);
        current = nullptr;  // an included file ends the section, as in both parsers
        continue;
      }
      if (word == "version") continue;  // "version 2" of old ipsec.conf files: ignored by both daemons
      if (word != "conn" && word != "config" && word != "ca")
        throw ReplayError(fmt::format("{}: '{}' at the start of a line: expected 'conn NAME', 'config setup', 'ca NAME' or 'include' (settings are indented)", at.where(), word));
      if (rest.empty() || rest.find_first_of(" \t") != std::string::npos)
        throw ReplayError(fmt::format("{}: '{}' needs exactly one name", at.where(), word));
      if (word == "config" && rest != "setup")
        throw ReplayError(fmt::format("{}: 'config {}': the only config section is 'config setup'", at.where(), rest));
      if (word == "conn" && out.find("conn", rest))
        throw ReplayError(fmt::format("{}: conn '{}' is defined twice (first at {})", at.where(), rest, out.find("conn", rest)->origin.where()));
      out.sections.push_back(ConfSection{word, rest, at, {}});
      current = &out.sections.back();
      continue;
    }
    std::string line = trim(raw);
    if (!current) throw ReplayError(fmt::format("{}: setting '{}' outside a section (indented lines belong to the 'conn' above them)", at.where(), line));
    size_t eq = line.find('=');
    if (eq == std::string::npos) throw ReplayError(fmt::format("{}: '{}' is not 'key=value'", at.where(), line));
    std::string key = trim(line.substr(0, eq));
    if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
      throw ReplayError(fmt::format("{}: '{}' is not a setting name", at.where(), key));
    bool quoted = false;
    std::string value = unquote(trim(line.substr(eq + 1)), at, quoted);
    current->settings.emplace_back(key, ConfValue{value, at});
  }
}

}  // namespace

IpsecConf read_ipsec_conf_text(const std::string& text, const fs::path& name) {
  IpsecConf conf;
  parse_conf(text, name, 0, conf);
  return conf;
}

IpsecConf read_ipsec_conf_file(const fs::path& file) { return read_ipsec_conf_text(read_file(file), file); }

std::map<std::string, ConfValue> resolve_conn(const IpsecConf& conf, const std::string& name) {
  std::map<std::string, ConfValue> out;
  std::set<std::string> seen;
  std::function<void(const ConfSection&)> fold = [&](const ConfSection& section) {
    if (!seen.insert(section.name).second)
      throw ReplayError(fmt::format("{}: conn '{}': also= loop", section.origin.where(), section.name));
    std::map<std::string, ConfValue> own;
    for (const auto& [k, v] : section.settings) own[k] = v;  // the last definition in the section wins
    for (const auto& [k, v] : own)
      if (k != "also") out.emplace(k, v);  // emplace: what is already set wins
    for (const auto& [k, v] : section.settings) {
      if (k != "also") continue;
      for (size_t start = 0; start < v.value.size();) {
        size_t end = v.value.find_first_of(" \t", start);
        std::string target = v.value.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? v.value.size() : end + 1;
        if (target.empty()) continue;
        const ConfSection* other = conf.find("conn", target);
        if (!other) throw ReplayError(fmt::format("{}: also={}: no conn '{}' in the file", v.origin.where(), target, target));
        fold(*other);
      }
    }
  };
  const ConfSection* conn = conf.find("conn", name);
  if (!conn) throw ReplayError(fmt::format("no conn '{}'", name));
  fold(*conn);
  if (const ConfSection* defaults = conf.find("conn", "%default"); defaults && name != "%default") {
    for (const auto& [k, v] : defaults->settings)
      if (k != "also") out.emplace(k, v);
  }
  return out;
}

namespace {

void parse_secrets(const std::string& text, const fs::path& file, int depth, std::vector<Secret>& out) {
  auto lines = split_lines(text);
  // Join an entry's continuation lines (indented) to its first line.
  std::vector<std::pair<int, std::string>> entries;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string raw = strip_comment(lines[i]);
    if (trim(raw).empty()) continue;
    if (is_space(raw.front()) && !entries.empty() && entries.back().second.find(':') == std::string::npos) {
      entries.back().second += " " + trim(raw);
    } else if (is_space(raw.front()) && !entries.empty() && trim(entries.back().second).back() == ':') {
      entries.back().second += " " + trim(raw);
    } else {
      entries.emplace_back(static_cast<int>(i + 1), trim(raw));
    }
  }
  for (const auto& [line, text_line] : entries) {
    Origin at{file.string(), line};
    if (text_line.rfind("include", 0) == 0 && text_line.size() > 7 && is_space(text_line[7])) {
      if (depth >= max_include_depth) throw ReplayError(fmt::format("{}: include: more than {} levels (a loop?)", at.where(), max_include_depth));
      for (const auto& f : glob_files(file, trim(text_line.substr(8)))) parse_secrets(read_file(f), f, depth + 1, out);
      continue;
    }
    // The ':' that separates selectors from the secret: outside quotes, followed by a space.
    size_t colon = std::string::npos;
    bool quoted = false;
    for (size_t i = 0; i < text_line.size(); ++i) {
      if (text_line[i] == '"') quoted = !quoted;
      if (!quoted && text_line[i] == ':' && (i + 1 == text_line.size() || is_space(text_line[i + 1])) &&
          (i == 0 || is_space(text_line[i - 1]))) {
        colon = i;
        break;
      }
    }
    if (colon == std::string::npos) throw ReplayError(fmt::format("{}: expected 'IDS : TYPE SECRET' (no ' : ' found)", at.where()));
    Secret s;
    s.origin = at;
    std::string selectors = trim(text_line.substr(0, colon));
    for (size_t start = 0; start < selectors.size();) {
      if (selectors[start] == ' ' || selectors[start] == '\t') { ++start; continue; }
      size_t end;
      if (selectors[start] == '"') {
        end = selectors.find('"', start + 1);
        if (end == std::string::npos) throw ReplayError(fmt::format("{}: ID not terminated (missing '\"')", at.where()));
        s.ids.push_back(selectors.substr(start + 1, end - start - 1));
        start = end + 1;
      } else {
        end = selectors.find_first_of(" \t", start);
        if (end == std::string::npos) end = selectors.size();
        s.ids.push_back(selectors.substr(start, end - start));
        start = end;
      }
    }
    std::string rest = trim(text_line.substr(colon + 1));
    size_t space = rest.find_first_of(" \t");
    s.type = rest.substr(0, space);
    std::transform(s.type.begin(), s.type.end(), s.type.begin(), [](unsigned char c) { return std::toupper(c); });
    if (s.type.empty()) throw ReplayError(fmt::format("{}: no secret type after ':' (PSK, XAUTH, EAP, RSA, ...)", at.where()));
    std::string value = space == std::string::npos ? "" : trim(rest.substr(space));
    s.value = unquote(value, at, s.quoted);
    if (s.value.empty() && (s.type == "PSK" || s.type == "XAUTH" || s.type == "EAP"))
      throw ReplayError(fmt::format("{}: {} without a secret", at.where(), s.type));
    out.push_back(std::move(s));
  }
}

}  // namespace

std::vector<Secret> read_ipsec_secrets_text(const std::string& text, const fs::path& name) {
  std::vector<Secret> out;
  parse_secrets(text, name, 0, out);
  return out;
}

std::vector<Secret> read_ipsec_secrets_file(const fs::path& file) { return read_ipsec_secrets_text(read_file(file), file); }

}  // namespace ikelab::replay
