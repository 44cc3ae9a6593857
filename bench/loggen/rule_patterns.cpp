#include "bench/loggen/rule_patterns.hpp"
#include "base/yaml_reader.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace ikelab::bench {

std::string re2_to_ere(const std::string& re2) {
  std::string out;
  out.reserve(re2.size());
  bool in_class = false;
  for (std::size_t i = 0; i < re2.size(); ++i) {
    char c = re2[i];
    if (c == '\\' && i + 1 < re2.size()) {
      out += c;
      out += re2[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < re2.size() && re2[i + 1] == '^') out += re2[++i];
      if (i + 1 < re2.size() && re2[i + 1] == ']') out += re2[++i];
      continue;
    }
    if (c == '(' && re2.compare(i, 4, "(?P<") == 0) {
      i = re2.find('>', i);
      if (i == std::string::npos) throw std::runtime_error("unterminated group name in " + re2);
      out += '(';
      continue;
    }
    if (c == '(' && re2.compare(i, 3, "(?:") == 0) {
      i += 2;
      out += '(';
      continue;
    }
    bool after_quantifier = i > 0 && std::strchr("*+?}", re2[i - 1]) != nullptr && !(i > 1 && re2[i - 2] == '\\');
    if (c == '?' && after_quantifier) continue;  // lazy quantifier
    out += c;
  }
  return out;
}

std::vector<std::string> rule_patterns_as_ere(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  if (files.empty()) throw std::runtime_error(dir + ": no rule files (*.yaml)");
  std::sort(files.begin(), files.end());
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& f : files) {
    YAML::Node root;
    try {
      root = base::load_yaml_file(f);
    } catch (const base::FileError& e) {
      throw std::runtime_error(e.what());
    }
    if (!root["patterns"]) continue;
    for (const auto& kv : root["patterns"]) {
      const YAML::Node& p = kv.second;
      std::string re = p.IsScalar() ? p.as<std::string>() : (p["regex"] ? p["regex"].as<std::string>() : "");
      if (re.empty()) continue;
      auto ere = re2_to_ere(re);
      if (seen.insert(ere).second) out.push_back(ere);
    }
  }
  return out;
}

}  // namespace ikelab::bench
