#include "lab/run/redact.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ikelab::harness {
namespace {

// Reads a "..." token with the escapes strongSwan's settings parser knows.
std::string unquote(const std::string& text, size_t open) {
  std::string value;
  for (size_t i = open + 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') break;
    if (c == '\\' && i + 1 < text.size()) {
      char e = text[++i];
      value += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
    } else {
      value += c;
    }
  }
  return value;
}

std::string hex_decode(const std::string& hex) {
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(hex[i])) || !std::isxdigit(static_cast<unsigned char>(hex[i + 1])))
      return "";
    raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return raw;
}

void swanctl_secrets(const std::string& conf, std::vector<std::string>& out) {
  std::istringstream lines(conf);
  std::string line;
  while (std::getline(lines, line)) {
    auto key = line.find_first_not_of(" \t");
    if (key == std::string::npos || line.compare(key, 6, "secret") != 0) continue;
    auto eq = line.find('=', key + 6);
    auto quote = line.find('"', key + 6);
    if (eq == std::string::npos) continue;
    if (quote != std::string::npos) out.push_back(unquote(line, quote));
    else out.push_back(line.substr(line.find_first_not_of(" \t", eq + 1)));
  }
}

void ipsec_secrets(const std::string& secrets, std::vector<std::string>& out) {
  std::istringstream words(secrets);
  std::string word;
  bool next_is_secret = false;
  while (words >> word) {
    if (next_is_secret) {
      if (word.starts_with("0x")) {
        out.push_back(word);
        out.push_back(hex_decode(word.substr(2)));
      } else if (word.starts_with("\"")) {
        auto pos = secrets.find(word);
        out.push_back(unquote(secrets, pos));
      } else {
        out.push_back(word);
      }
    }
    next_is_secret = word == "PSK" || word == "XAUTH" || word == "EAP";
  }
}

}  // namespace

std::vector<std::string> secrets_of(const RenderedHost& host) {
  std::vector<std::string> secrets;
  swanctl_secrets(host.swanctl_conf, secrets);
  ipsec_secrets(host.ipsec_secrets, secrets);
  return secrets;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  std::vector<std::string> sorted(secrets);
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& secret : sorted) {
    if (secret.size() < 3) continue;
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 8))
      text.replace(pos, secret.size(), "<secret>");
  }
  return text;
}

}  // namespace ikelab::harness
