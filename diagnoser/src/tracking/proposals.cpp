#include "diagnoser/src/tracking/proposals.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ikelab::diag {

const char* component_name(Component component) {
  switch (component) {
    case Component::encryption: return "encryption";
    case Component::integrity: return "integrity";
    case Component::prf: return "PRF";
    case Component::dh: return "DH group";
    case Component::esn: return "ESN";
  }
  return "?";
}

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Which component a charon transform name belongs to, -1 if none.
int component_of(std::string_view t) {
  if (starts_with(t, "PRF_")) return static_cast<int>(Component::prf);
  if (starts_with(t, "HMAC_") || starts_with(t, "AES_XCBC") || starts_with(t, "AES_CMAC") ||
      starts_with(t, "AUTH_") || starts_with(t, "UNDEFINED"))
    return static_cast<int>(Component::integrity);
  if (starts_with(t, "MODP") || starts_with(t, "ECP_") || starts_with(t, "CURVE_") || starts_with(t, "FFDHE_") ||
      starts_with(t, "ECP") || starts_with(t, "ML_KEM") || starts_with(t, "KE"))
    return static_cast<int>(Component::dh);
  if (t == "NO_EXT_SEQ" || t == "EXT_SEQ") return static_cast<int>(Component::esn);
  if (starts_with(t, "AES_") || starts_with(t, "3DES") || starts_with(t, "DES") || starts_with(t, "CHACHA20") ||
      starts_with(t, "CAMELLIA") || starts_with(t, "BLOWFISH") || starts_with(t, "CAST") || t == "NULL" ||
      starts_with(t, "ENCR_"))
    return static_cast<int>(Component::encryption);
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

bool intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) != b.end()) return true;
  return false;
}

// Components where a and b share no transform. An ESP proposal without a DH
// group and one with it differ in the DH group (PFS); a component both leave
// out (AEAD's integrity, ESP's PRF) does not differ.
std::vector<Component> differences(const Proposal& a, const Proposal& b) {
  std::vector<Component> out;
  for (int c = 0; c < kComponentCount; ++c) {
    const auto& x = a.transforms[c];
    const auto& y = b.transforms[c];
    if (x.empty() && y.empty()) continue;
    if (!intersects(x, y)) out.push_back(static_cast<Component>(c));
  }
  return out;
}

std::string shown(const std::vector<std::string>& v) { return v.empty() ? "none" : join(v, "/"); }

}  // namespace

std::vector<Proposal> parse_proposals(std::string_view list) {
  std::vector<Proposal> out;
  size_t pos = 0;
  while (pos < list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = trim(list.substr(pos, comma - pos));
    pos = comma + 1;
    // "1:IKE:..." (pluto's v2 list) or "IKE:..."
    size_t colon = item.find(':');
    if (colon != std::string_view::npos && colon > 0 && std::all_of(item.begin(), item.begin() + colon, ::isdigit)) {
      item.remove_prefix(colon + 1);
      colon = item.find(':');
    }
    if (colon == std::string_view::npos) continue;
    Proposal p;
    p.protocol = std::string(trim(item.substr(0, colon)));
    std::string_view rest = item.substr(colon + 1);
    size_t at = 0;
    bool any = false;
    while (at <= rest.size()) {
      size_t slash = rest.find('/', at);
      if (slash == std::string_view::npos) slash = rest.size();
      std::string_view t = trim(rest.substr(at, slash - at));
      at = slash + 1;
      int c = component_of(t);
      if (c < 0) continue;
      p.transforms[c].emplace_back(t);
      any = true;
    }
    if (any) out.push_back(std::move(p));
  }
  return out;
}

std::string keyword_of(std::string_view t) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 40> names = {{
      {"AES_CBC_128", "aes128"},          {"AES_CBC_192", "aes192"},          {"AES_CBC_256", "aes256"},
      {"AES_CTR_128", "aes128ctr"},       {"AES_CTR_256", "aes256ctr"},       {"AES_GCM_16_128", "aes128gcm16"},
      {"AES_GCM_16_256", "aes256gcm16"},  {"AES_GCM_12_128", "aes128gcm12"},  {"AES_GCM_8_128", "aes128gcm8"},
      {"AES_GCM_16_192", "aes192gcm16"},  {"3DES_CBC", "3des"},               {"DES_CBC", "des"},
      {"CHACHA20_POLY1305", "chacha20poly1305"}, {"NULL", "null"},
      {"HMAC_MD5_96", "md5"},             {"HMAC_SHA1_96", "sha1"},           {"HMAC_SHA2_256_128", "sha256"},
      {"HMAC_SHA2_384_192", "sha384"},    {"HMAC_SHA2_512_256", "sha512"},    {"HMAC_SHA2_256_96", "sha256_96"},
      {"AES_XCBC_96", "aesxcbc"},         {"AES_CMAC_96", "aescmac"},
      {"PRF_HMAC_MD5", "prfmd5"},         {"PRF_HMAC_SHA1", "prfsha1"},       {"PRF_HMAC_SHA2_256", "prfsha256"},
      {"PRF_HMAC_SHA2_384", "prfsha384"}, {"PRF_HMAC_SHA2_512", "prfsha512"}, {"PRF_AES128_XCBC", "prfaesxcbc"},
      {"MODP_768", "modp768"},            {"MODP_1024", "modp1024"},          {"MODP_1536", "modp1536"},
      {"MODP_2048", "modp2048"},          {"MODP_3072", "modp3072"},          {"MODP_4096", "modp4096"},
      {"MODP_8192", "modp8192"},          {"ECP_256", "ecp256"},              {"ECP_384", "ecp384"},
      {"ECP_521", "ecp521"},              {"CURVE_25519", "x25519"},          {"CURVE_448", "x448"},
  }};
  for (const auto& [name, keyword] : names)
    if (t == name) return std::string(keyword);
  if (t == "EXT_SEQ") return "esn";
  return {};
}

std::string describe_refused(const std::vector<std::string>& transforms) {
  std::vector<std::string> offered[kComponentCount];
  int shared[kComponentCount];  // how many refused transforms have first[c], the first one's value
  std::string first[kComponentCount];
  std::fill(std::begin(shared), std::end(shared), 0);
  int parsed = 0;
  for (const auto& transform : transforms) {
    std::string_view rest = transform;
    std::string seen[kComponentCount];
    bool any = false;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view t = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (auto paren = t.find(" ("); paren != std::string_view::npos) t = trim(t.substr(0, paren));  // key size
      int c = component_of(t);
      if (c < 0) continue;
      any = true;
      seen[c] = std::string(t);
      if (std::find(offered[c].begin(), offered[c].end(), seen[c]) == offered[c].end()) offered[c].push_back(seen[c]);
    }
    if (!any) continue;
    for (int c = 0; c < kComponentCount; ++c) {
      if (parsed == 0) first[c] = seen[c];
      if (!seen[c].empty() && seen[c] == first[c]) ++shared[c];
    }
    ++parsed;
  }
  if (parsed == 0) return {};
  std::vector<std::string> parts, common;
  for (int c = 0; c < kComponentCount; ++c) {
    if (offered[c].empty()) continue;
    const std::string name = component_name(static_cast<Component>(c));
    parts.push_back(name + " " + join(offered[c], "/"));
    if (parsed > 1 && shared[c] == parsed) common.push_back(name + " " + first[c]);
  }
  std::string out = "the peer offers " + join(parts, ", ");
  if (!common.empty()) out += "; every refused transform has " + join(common, " and ");
  return out;
}

ProposalDiff compare_proposals(std::string_view received, std::string_view configured) {
  ProposalDiff diff;
  const auto offered = parse_proposals(received);
  const auto accepted = parse_proposals(configured);
  if (offered.empty() || accepted.empty()) return diff;
  diff.compared = true;
  size_t best_o = 0, best_a = 0, best = SIZE_MAX;
  for (size_t i = 0; i < offered.size(); ++i)
    for (size_t j = 0; j < accepted.size(); ++j) {
      size_t n = differences(offered[i], accepted[j]).size();
      if (n < best) best = n, best_o = i, best_a = j;
    }
  const Proposal& o = offered[best_o];
  const Proposal& a = accepted[best_a];
  diff.differing = differences(o, a);
  std::vector<std::string> parts;
  for (Component c : diff.differing) {
    const auto& x = o.transforms[static_cast<int>(c)];
    const auto& y = a.transforms[static_cast<int>(c)];
    parts.push_back(std::string(component_name(c)) + ": peer offers " + shown(x) + ", this host accepts " + shown(y));
  }
  diff.summary = join(parts, "; ");
  // The peer's proposal in configuration syntax (first transform of each
  // component), e.g. aes256-sha256-modp2048.
  std::vector<std::string> words;
  for (int c = 0; c < kComponentCount; ++c)
    if (!o.transforms[c].empty()) {
      std::string k = keyword_of(o.transforms[c].front());
      if (!k.empty()) words.push_back(k);
    }
  diff.offered = join(words, "-");
  return diff;
}

}  // namespace ikelab::diag
