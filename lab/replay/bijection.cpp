#include "lab/replay/bijection.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <arpa/inet.h>
#include <optional>

#include "lab/replay/replay_error.hpp"

namespace ikelab::replay {
namespace {

struct Net {
  uint32_t base = 0;
  int prefix = 32;
  uint32_t mask() const { return prefix == 0 ? 0 : ~0u << (32 - prefix); }
  bool contains(const Net& other) const { return prefix <= other.prefix && (other.base & mask()) == base; }
};

std::optional<uint32_t> parse_v4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::optional<Net> parse_net(const std::string& text) {
  size_t slash = text.find('/');
  auto a = parse_v4(text.substr(0, slash));
  if (!a) return std::nullopt;
  int prefix = 32;
  if (slash != std::string::npos) {
    try {
      prefix = std::stoi(text.substr(slash + 1));
    } catch (...) {
      return std::nullopt;
    }
    if (prefix < 0 || prefix > 32) return std::nullopt;
  }
  Net n{*a, prefix};
  n.base &= n.mask();
  return n;
}

std::string format_v4(uint32_t a) {
  in_addr n{htonl(a)};
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &n, text, sizeof text);
  return text;
}

std::string format_net(const Net& n, bool had_prefix) {
  return had_prefix || n.prefix != 32 ? fmt::format("{}/{}", format_v4(n.base), n.prefix) : format_v4(n.base);
}

bool is_wildcard(const std::string& s) { return s.empty() || s == "%any" || s == "%any4" || s == "dynamic" || s == "0.0.0.0/0"; }

}  // namespace

void LabMapping::note(const std::string& from, const std::string& to, const std::string& where) {
  for (const auto& s : substitutions_)
    if (s.from == from && s.to == to && s.where == where) return;
  substitutions_.push_back({from, to, where});
}

void LabMapping::own_address(const std::string& customer, const std::string& lab_address, const std::string& where) {
  if (is_wildcard(customer)) return;
  auto [it, inserted] = addresses_.emplace(customer, lab_address);
  if (!inserted && it->second != lab_address)
    throw ReplayError(fmt::format("both hosts claim the address {} as their own ({}); a lab host cannot share it", customer, where));
  note(customer, lab_address, where);
}

void LabMapping::own_id(const std::string& customer, const std::string& lab_id, const std::string& where) {
  if (is_wildcard(customer)) return;
  if (ids_.count(customer) && ids_[customer] != lab_id) return;  // both hosts use one ID: it stays one ID
  ids_.emplace(customer, lab_id);
  note(customer, lab_id, where);
}

std::string LabMapping::address(const std::string& customer, const std::string& where) {
  if (is_wildcard(customer)) return customer.empty() ? "%any" : customer;
  auto it = addresses_.find(customer);
  if (it == addresses_.end()) {
    if (next_unowned_ < 3) throw ReplayError("too many distinct gateway addresses to map into the lab's link");
    it = addresses_.emplace(customer, fmt::format("192.0.2.{}", next_unowned_--)).first;
  }
  note(customer, it->second, where);
  return it->second;
}

void LabMapping::declare_subnet(const std::string& customer, const std::string& hint) {
  if (is_wildcard(customer)) return;
  declared_subnets_.push_back(customer);
  if (!hint.empty()) hints_.emplace(customer, hint);
  subnets_assigned_ = false;
}

void LabMapping::assign_subnets() {
  // Outermost subnets first (shortest prefix), each a lab block of its size
  // in 10.0.0.0/8; nested ones keep their offset inside their outermost one.
  struct Item { std::string text; Net net; };
  std::vector<Item> items;
  for (const auto& s : declared_subnets_) {
    auto n = parse_net(s);
    if (!n) throw ReplayError(fmt::format("subnet '{}': only IPv4 subnets are replayed", s));
    items.push_back({s, *n});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.net.prefix < b.net.prefix; });
  std::vector<std::pair<Net, Net>> roots;  // customer block -> lab block
  uint64_t cursor = 10u << 24;
  subnets_.clear();
  for (const auto& item : items) {
    // A /32 that is a gateway's address follows the gateway.
    if (item.net.prefix == 32) {
      auto owned = addresses_.find(format_v4(item.net.base));
      if (owned != addresses_.end()) {
        subnets_[item.text] = owned->second + (item.text.find('/') != std::string::npos ? "/32" : "");
        continue;
      }
    }
    const std::pair<Net, Net>* root = nullptr;
    for (const auto& r : roots)
      if (r.first.contains(item.net)) root = &r;
    Net lab;
    if (root) {
      lab = {root->second.base + (item.net.base - root->first.base), item.net.prefix};
    } else {
      if (item.net.prefix < 8) throw ReplayError(fmt::format("subnet '{}' is larger than the lab's 10.0.0.0/8", item.text));
      const uint64_t size = 1ull << (32 - item.net.prefix);
      auto taken = [&](uint64_t base) {
        Net candidate{static_cast<uint32_t>(base), item.net.prefix};
        for (const auto& r : roots)
          if (r.second.contains(candidate) || candidate.contains(r.second)) return true;
        return false;
      };
      std::optional<uint64_t> base;
      if (auto hint = hints_.find(item.text); hint != hints_.end()) {
        if (auto h = parse_v4(hint->second)) {
          uint64_t b = *h & Net{0, item.net.prefix}.mask();
          if (!taken(b)) base = b;
        }
      }
      if (!base) {
        cursor = (cursor + size - 1) / size * size;
        while (cursor + size <= (11ull << 24) && taken(cursor)) cursor += size;
        if (cursor + size > (11ull << 24)) throw ReplayError("the configs' subnets do not fit into the lab's 10.0.0.0/8");
        base = cursor;
        cursor += size;
      }
      lab = {static_cast<uint32_t>(*base), item.net.prefix};
      roots.push_back({item.net, lab});
    }
    subnets_[item.text] = format_net(lab, item.text.find('/') != std::string::npos);
  }
  subnets_assigned_ = true;
}

std::string LabMapping::subnet(const std::string& customer, const std::string& where) {
  if (is_wildcard(customer)) return customer;
  if (!subnets_assigned_ || !subnets_.count(customer)) {
    if (std::find(declared_subnets_.begin(), declared_subnets_.end(), customer) == declared_subnets_.end())
      declared_subnets_.push_back(customer);
    assign_subnets();
  }
  note(customer, subnets_.at(customer), where);
  return subnets_.at(customer);
}

std::string LabMapping::id(const std::string& customer, const std::string& where) {
  if (is_wildcard(customer)) return customer.empty() ? "%any" : customer;
  auto it = ids_.find(customer);
  if (it == ids_.end()) {
    // An ID that is an address (or a gateway's name) maps like that address.
    if (parse_v4(customer) || addresses_.count(customer)) return address(customer, where);
    it = ids_.emplace(customer, fmt::format("id{}.replay.ikelab.test", next_id_++)).first;
  }
  note(customer, it->second, where);
  return it->second;
}

}  // namespace ikelab::replay
