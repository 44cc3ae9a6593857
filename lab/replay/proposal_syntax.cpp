#include "lab/replay/proposal_syntax.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <arpa/inet.h>
#include <map>

#include "lab/scenario/scenario_values.hpp"

namespace ikelab::replay {
namespace {

std::vector<std::string> split(const std::string& value, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(sep, start);
    if (end == std::string::npos) end = value.size();
    std::string part = value.substr(start, end - start);
    part.erase(0, part.find_first_not_of(" \t"));
    part.erase(part.find_last_not_of(" \t") + 1);
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

void check(const std::string& proposal, const std::string& written, const Origin& at) {
  if (auto why = harness::values::check_proposal(proposal); !why.empty())
    throw ReplayError(fmt::format("{}: proposal '{}': {}", at.where(), written, why));
}

bool is_dh(const std::string& t) { return t.rfind("modp", 0) == 0 || t.rfind("ecp", 0) == 0 || t == "curve25519" || t == "x25519" || t == "curve448" || t == "x448"; }

}  // namespace

std::vector<std::string> strongswan_proposals(const std::string& value, const Origin& at) {
  std::vector<std::string> out;
  for (auto p : split(value, ',')) {
    std::string written = p;
    if (!p.empty() && p.back() == '!') p.pop_back();  // starter's "strict" marker: the lab's renderer is strict already
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    check(p, written, at);
    out.push_back(p);
  }
  if (out.empty()) throw ReplayError(fmt::format("{}: empty proposal list", at.where()));
  return out;
}

std::vector<std::string> libreswan_proposals(const std::string& value, const Origin& at, bool ike) {
  static const std::map<std::string, std::string> words = {
      {"sha2", "sha256"}, {"sha2_256", "sha256"}, {"sha256", "sha256"}, {"sha2_384", "sha384"}, {"sha384", "sha384"},
      {"sha2_512", "sha512"}, {"sha512", "sha512"}, {"sha1", "sha1"}, {"sha", "sha1"}, {"md5", "md5"},
      {"aes", "aes128"}, {"aes128", "aes128"}, {"aes192", "aes192"}, {"aes256", "aes256"}, {"3des", "3des"},
      {"aes_gcm", "aes128gcm16"}, {"aes_gcm128", "aes128gcm16"}, {"aes_gcm256", "aes256gcm16"}, {"aes_gcm_c", "aes128gcm12"},
      {"aes_ctr", "aes128ctr"}, {"aes_ctr128", "aes128ctr"}, {"aes_ctr256", "aes256ctr"}, {"chacha20_poly1305", "chacha20poly1305"},
      {"aes_xcbc", "aesxcbc"}, {"null", "null"}, {"des", "des"},
      {"dh2", "modp1024"}, {"modp1024", "modp1024"}, {"dh5", "modp1536"}, {"modp1536", "modp1536"}, {"dh14", "modp2048"},
      {"modp2048", "modp2048"}, {"dh15", "modp3072"}, {"modp3072", "modp3072"}, {"dh16", "modp4096"}, {"modp4096", "modp4096"},
      {"dh18", "modp8192"}, {"modp8192", "modp8192"}, {"dh19", "ecp256"}, {"ecp256", "ecp256"}, {"dh20", "ecp384"},
      {"ecp384", "ecp384"}, {"dh21", "ecp521"}, {"ecp521", "ecp521"}, {"dh31", "curve25519"}, {"x25519", "curve25519"},
      {"curve25519", "curve25519"}, {"none", ""}};
  std::vector<std::string> out;
  for (auto p : split(value, ',')) {
    std::string written = p;
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    std::replace(p.begin(), p.end(), ';', '-');
    std::vector<std::string> tokens;
    bool has_dh = false;
    for (const auto& t : split(p, '-')) {
      auto it = words.find(t);
      if (it == words.end()) throw ReplayError(fmt::format("{}: proposal '{}': libreswan algorithm '{}' is not known to ikelab replay", at.where(), written, t));
      if (it->second.empty()) continue;
      has_dh = has_dh || is_dh(it->second);
      tokens.push_back(it->second);
    }
    // libreswan's IKE default DH when a proposal names none.
    if (ike && !has_dh) tokens.push_back("modp2048");
    std::string joined;
    for (const auto& t : tokens) joined += (joined.empty() ? "" : "-") + t;
    check(joined, written, at);
    out.push_back(joined);
  }
  if (out.empty()) throw ReplayError(fmt::format("{}: empty proposal list", at.where()));
  return out;
}

std::string address_range_to_subnet(const std::string& value, const Origin& at) {
  if (harness::values::check_subnet(value).empty()) return value;
  size_t dash = value.find('-');
  in_addr a{}, b{};
  if (dash == std::string::npos || inet_pton(AF_INET, value.substr(0, dash).c_str(), &a) != 1 ||
      inet_pton(AF_INET, value.substr(dash + 1).c_str(), &b) != 1)
    throw ReplayError(fmt::format("{}: address pool '{}': expected a subnet or an IPv4 range A-B", at.where(), value));
  uint32_t lo = ntohl(a.s_addr), hi = ntohl(b.s_addr);
  for (int prefix = 32; prefix >= 8; --prefix) {
    uint32_t mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
    uint32_t net = lo & mask, broadcast = net | ~mask;
    if ((hi & mask) != net) continue;
    // The range must be the subnet (or its usable addresses) for the pool to be the same.
    if ((lo == net || lo == net + 1) && (hi == broadcast || hi == broadcast - 1)) {
      in_addr n{htonl(net)};
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &n, text, sizeof text);
      return fmt::format("{}/{}", text, prefix);
    }
    break;
  }
  throw ReplayError(fmt::format("{}: address pool '{}' is not a whole subnet (ikelab replay hands out subnets)", at.where(), value));
}

}  // namespace ikelab::replay
