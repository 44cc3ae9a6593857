#include "lab/run/wireshark_keys.hpp"

#include <fmt/core.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

namespace ikelab::harness {
namespace {

struct Patterns {
  // "Nov 22 14:29:11 09[IKE] <site1|1> message" (filelog with ike_name = yes)
  RE2 prefix{R"(^(?:[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d(?:\.\d+)? )?(\d+)\[([A-Z]+)\] (?:<([^>]*)> )?(.*)$)"};
  RE2 dump_head{R"(^(.+?) => (\d+) bytes @ (?:0x)?[0-9a-fA-F]+$)"};
  RE2 dump_row{R"(^\s*\d+: ((?:[0-9A-F]{2} ?)+))"};
  RE2 checkin{R"(^checkin (IKEv[12]) SA \S*\[(\d+)\] with SPIs ([0-9a-f]{16})_i ([0-9a-f]{16})_r)"};
  RE2 ike_proposal{R"(^selected proposal: IKE:(\S+))"};
  RE2 using_alg{R"(^\s*using (\S+) for (encryption|integrity))"};
  RE2 parsed{R"(^parsed [A-Z_0-9]+ (request|response))"};
  RE2 child_up{R"(^CHILD_SA \S+\{\d+\} established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o)"};
};

const Patterns& patterns() {
  static const Patterns p;
  return p;
}

std::string uid_of(const std::string& sa) {
  auto bar = sa.rfind('|');
  return bar == std::string::npos ? sa : sa.substr(bar + 1);
}

struct IkeSa {
  std::string version;  // IKEv1 | IKEv2
  std::string spi_i, spi_r;
  std::string proposal;  // AES_CBC_128/HMAC_SHA2_256_128/PRF_.../MODP_2048
  std::map<std::string, std::string> keys;  // "Sk_ei secret" -> hex
};

struct ChildKeys {
  std::string encryption, integrity;        // charon's names (AES_CBC, HMAC_SHA2_256_128)
  std::map<std::string, std::string> keys;  // "encryption initiator key" -> hex
  bool exchange_initiator = false;
};

struct Thread {
  std::optional<std::string> dump_label;
  std::string dump_sa;
  size_t dump_bytes = 0;
  std::string dump_hex;
  std::string parsed_kind;  // the last `parsed X request|response` in this thread
  ChildKeys child;
};

// Wireshark's names (its UAT value strings) for charon's algorithm names.
std::optional<std::string> ikev2_encryption(const std::string& alg) {
  static const std::map<std::string, std::string> names = {
      {"AES_CBC_128", "AES-CBC-128 [RFC3602]"}, {"AES_CBC_192", "AES-CBC-192 [RFC3602]"},
      {"AES_CBC_256", "AES-CBC-256 [RFC3602]"}, {"3DES_CBC", "3DES [RFC2451]"},
      {"AES_CTR_128", "AES-CTR-128 [RFC5930]"}, {"AES_CTR_192", "AES-CTR-192 [RFC5930]"},
      {"AES_CTR_256", "AES-CTR-256 [RFC5930]"},
      {"AES_GCM_16_128", "AES-GCM-128 with 16 octet ICV [RFC5282]"},
      {"AES_GCM_16_192", "AES-GCM-192 with 16 octet ICV [RFC5282]"},
      {"AES_GCM_16_256", "AES-GCM-256 with 16 octet ICV [RFC5282]"},
      {"AES_GCM_12_128", "AES-GCM-128 with 12 octet ICV [RFC5282]"},
      {"AES_GCM_12_256", "AES-GCM-256 with 12 octet ICV [RFC5282]"},
      {"AES_GCM_8_128", "AES-GCM-128 with 8 octet ICV [RFC5282]"},
      {"AES_GCM_8_256", "AES-GCM-256 with 8 octet ICV [RFC5282]"},
  };
  auto it = names.find(alg);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> ikev2_integrity(const std::string& alg) {
  static const std::map<std::string, std::string> names = {
      {"HMAC_MD5_96", "HMAC_MD5_96 [RFC2403]"},
      {"HMAC_SHA1_96", "HMAC_SHA1_96 [RFC2404]"},
      {"HMAC_SHA2_256_128", "HMAC_SHA2_256_128 [RFC4868]"},
      {"HMAC_SHA2_384_192", "HMAC_SHA2_384_192 [RFC4868]"},
      {"HMAC_SHA2_512_256", "HMAC_SHA2_512_256 [RFC4868]"},
      {"", "NONE [RFC4306]"},  // AEAD: no separate integrity
  };
  auto it = names.find(alg);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> esp_encryption(const std::string& alg) {
  static const std::map<std::string, std::string> names = {
      {"AES_CBC", "AES-CBC [RFC3602]"},         {"3DES_CBC", "TripleDES-CBC [RFC2451]"},
      {"DES_CBC", "DES-CBC [RFC2405]"},         {"AES_CTR", "AES-CTR [RFC3686]"},
      {"AES_GCM_16", "AES-GCM with 16 octet ICV [RFC4106]"},
      {"AES_GCM_12", "AES-GCM with 12 octet ICV [RFC4106]"},
      {"AES_GCM_8", "AES-GCM with 8 octet ICV [RFC4106]"}, {"NULL", "NULL"},
  };
  auto it = names.find(alg);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> esp_integrity(const std::string& alg) {
  static const std::map<std::string, std::string> names = {
      {"HMAC_MD5_96", "HMAC-MD5-96 [RFC2403]"},
      {"HMAC_SHA1_96", "HMAC-SHA-1-96 [RFC2404]"},
      {"HMAC_SHA2_256_128", "HMAC-SHA-256-128 [RFC4868]"},
      {"HMAC_SHA2_384_192", "HMAC-SHA-384-192 [RFC4868]"},
      {"HMAC_SHA2_512_256", "HMAC-SHA-512-256 [RFC4868]"},
      {"", "NULL"},  // AEAD
  };
  auto it = names.find(alg);
  if (it == names.end()) return std::nullopt;
  return it->second;
}

// One UAT record: text fields quoted, byte fields (keys, SPIs of IKE) bare hex.
struct Field {
  std::string value;
  bool bytes = false;
};
std::string uat_line(const std::vector<Field>& fields) {
  std::string line;
  for (const auto& f : fields) line += (line.empty() ? "" : ",") + (f.bytes ? f.value : "\"" + f.value + "\"");
  return line + "\n";
}
Field bytes_field(std::string value) { return {std::move(value), true}; }
Field text_field(std::string value) { return {std::move(value), false}; }

// The proposal's encryption and integrity parts: "AES_CBC_128/HMAC_SHA2_256_128/PRF_.../MODP_2048".
std::pair<std::string, std::string> ike_algorithms(const std::string& proposal) {
  std::vector<std::string> parts;
  std::stringstream in(proposal);
  for (std::string p; std::getline(in, p, '/');) parts.push_back(p);
  std::string encryption = parts.empty() ? "" : parts[0], integrity;
  for (size_t k = 1; k < parts.size(); ++k)
    if (parts[k].starts_with("HMAC_") || parts[k].starts_with("AES_XCBC") || parts[k].starts_with("AES_CMAC")) {
      integrity = parts[k];
      break;
    }
  return {encryption, integrity};
}

void add_unique(std::string& table, std::set<std::string>& seen, const std::string& line) {
  if (seen.insert(line).second) table += line;
}

}  // namespace

WiresharkKeyTables wireshark_key_tables(std::string_view log) {
  const auto& p = patterns();
  WiresharkKeyTables out;
  std::map<std::string, IkeSa> sas;  // unique id -> SA
  std::vector<std::string> order;     // unique ids in the order their keys appear
  std::map<std::string, Thread> threads;
  std::set<std::string> seen_esp;
  std::set<std::string> rekeyed;  // IKE_SAs with a second key set

  auto finish_dump = [&](Thread& t) {
    if (!t.dump_label) return;
    const std::string label = *t.dump_label;
    t.dump_label.reset();
    if (t.dump_hex.size() != 2 * t.dump_bytes) return;  // cut short: not a key
    if (label.starts_with("Sk_") || label == "encryption key Ka") {
      std::string uid = uid_of(t.dump_sa);
      if (std::find(order.begin(), order.end(), uid) == order.end()) order.push_back(uid);
      // A second set under the same IKE_SA is its rekey's new IKE_SA (derived
      // in the old one's context, with SPIs the log does not pair with it).
      auto& keys = sas[uid].keys;
      if (keys.count(label)) {
        const bool new_sa = label == "Sk_ei secret" || label == "encryption key Ka";  // PPK re-logs only Sk_d/Sk_p
        if (new_sa && rekeyed.insert(uid).second)
          out.notes += fmt::format("IKE_SA {} was rekeyed: the new IKE_SA's keys are not in the table\n", uid);
        return;
      }
      keys[label] = t.dump_hex;
    } else if (label.starts_with("encryption ") || label.starts_with("integrity ")) {
      t.child.keys[label] = t.dump_hex;
      t.child.exchange_initiator = t.parsed_kind == "response";
    }
  };

  std::istringstream in{std::string(log)};
  for (std::string line; std::getline(in, line);) {
    std::string thread, group, sa, message;
    if (!RE2::FullMatch(line, p.prefix, &thread, &group, &sa, &message)) continue;
    Thread& t = threads[thread];
    std::string hex;
    if (t.dump_label && RE2::PartialMatch(message, p.dump_row, &hex)) {
      for (char c : hex)
        if (c != ' ') t.dump_hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (t.dump_hex.size() >= 2 * t.dump_bytes) finish_dump(t);
      continue;
    }
    finish_dump(t);
    std::string label, bytes, a, b, c, d;
    if (RE2::FullMatch(message, p.dump_head, &label, &bytes)) {
      t.dump_label = label;
      t.dump_sa = sa;
      t.dump_bytes = std::stoul(bytes.substr(0, 6));
      t.dump_hex.clear();
      if (t.dump_bytes == 0) finish_dump(t);
    } else if (RE2::PartialMatch(message, p.checkin, &a, &b, &c, &d)) {
      if (d != std::string(16, '0')) {
        sas[b].version = a;
        sas[b].spi_i = c;
        sas[b].spi_r = d;
      } else if (sas[b].spi_i.empty()) {
        sas[b].version = a;
        sas[b].spi_i = c;  // an IKEv1 initiator cookie is known before the responder's
      }
    } else if (RE2::PartialMatch(message, p.ike_proposal, &a)) {
      sas[uid_of(sa)].proposal = a;
    } else if (RE2::PartialMatch(message, p.using_alg, &a, &b)) {
      if (b == "encryption") t.child = ChildKeys{a, "", {}, false};
      else t.child.integrity = a;
    } else if (RE2::PartialMatch(message, p.parsed, &a)) {
      t.parsed_kind = a;
    } else if (RE2::PartialMatch(message, p.child_up, &a, &b)) {
      ChildKeys child = t.child;
      t.child = {};
      const bool have = child.keys.count("encryption initiator key") || child.keys.count("integrity initiator key");
      if (!have) {
        out.notes += fmt::format("CHILD_SA with SPIs {}_i {}_o: no keys in the log\n", a, b);
        continue;
      }
      auto enc = esp_encryption(child.encryption);
      auto integ = esp_integrity(child.integrity);
      if (!enc || !integ) {
        out.notes += fmt::format("CHILD_SA with SPIs {}_i {}_o: {} / {} has no Wireshark name here\n", a, b,
                                 child.encryption, child.integrity);
        continue;
      }
      // Traffic from the CHILD_SA exchange's initiator uses the "initiator" keys.
      const char* in_dir = child.exchange_initiator ? "responder" : "initiator";
      const char* out_dir = child.exchange_initiator ? "initiator" : "responder";
      auto key = [&](const char* kind, const char* dir) {
        auto it = child.keys.find(fmt::format("{} {} key", kind, dir));
        return it == child.keys.end() ? std::string() : "0x" + it->second;
      };
      // Wireshark's esp_sa keys are text ("0x" and hex, quoted), unlike the
      // IKE tables' byte fields: unquoted it reads them as 17 bytes (Bad Keylen).
      for (const auto& [spi, dir] : {std::pair{a, in_dir}, std::pair{b, out_dir}})
        add_unique(out.esp_sa, seen_esp,
                   uat_line({text_field("IPv4"), text_field("*"), text_field("*"), text_field("0x" + spi), text_field(*enc), text_field(key("encryption", dir)),
                             text_field(*integ), text_field(key("integrity", dir))}));
    }
  }
  for (auto& [name, t] : threads) finish_dump(t);

  for (const auto& uid : order) {
    const IkeSa& s = sas[uid];
    if (s.keys.count("encryption key Ka")) {
      if (s.spi_i.empty()) {
        out.notes += fmt::format("IKEv1 SA {}: its initiator cookie is not in the log\n", uid);
        continue;
      }
      out.ikev1_decryption_table += uat_line({bytes_field(s.spi_i), bytes_field(s.keys.at("encryption key Ka"))});
      continue;
    }
    if (!s.keys.count("Sk_ei secret") || !s.keys.count("Sk_er secret")) continue;
    if (s.spi_r.empty()) {
      out.notes += fmt::format("IKEv2 SA {}: its SPIs are not in the log (a rekeyed IKE_SA)\n", uid);
      continue;
    }
    auto [encryption, integrity] = ike_algorithms(s.proposal);
    auto enc = ikev2_encryption(encryption);
    auto integ = ikev2_integrity(integrity);
    if (!enc || !integ) {
      out.notes += fmt::format("IKEv2 SA {}: {} has no Wireshark name here\n", uid, s.proposal);
      continue;
    }
    auto get = [&](const char* k) { return s.keys.count(k) ? s.keys.at(k) : std::string(); };
    out.ikev2_decryption_table += uat_line({bytes_field(s.spi_i), bytes_field(s.spi_r), bytes_field(get("Sk_ei secret")), bytes_field(get("Sk_er secret")),
                                             text_field(*enc), bytes_field(get("Sk_ai secret")), bytes_field(get("Sk_ar secret")), text_field(*integ)});
  }
  return out;
}

WiresharkKeyTables merge_key_tables(const WiresharkKeyTables& a, const WiresharkKeyTables& b) {
  WiresharkKeyTables out;
  auto merge = [](const std::string& x, const std::string& y) {
    std::set<std::string> seen;
    std::string table;
    for (const auto* t : {&x, &y}) {
      std::istringstream in(*t);
      for (std::string line; std::getline(in, line);) add_unique(table, seen, line + "\n");
    }
    return table;
  };
  out.ikev2_decryption_table = merge(a.ikev2_decryption_table, b.ikev2_decryption_table);
  out.ikev1_decryption_table = merge(a.ikev1_decryption_table, b.ikev1_decryption_table);
  out.esp_sa = merge(a.esp_sa, b.esp_sa);
  out.notes = merge(a.notes, b.notes);
  return out;
}

}  // namespace ikelab::harness
