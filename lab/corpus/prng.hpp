#pragma once

// The corpus's own random numbers: splitmix64 seeded by an FNV-1a hash of
// (seed, scenario, IKE version, variant), so a draw depends on nothing but
// those and the same arguments give the same corpus on every machine and
// standard library (std:: distributions are implementation-defined).

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace ikelab::corpus {

inline std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // 0 <= result < bound (bound > 0); the modulo bias is irrelevant for these pools.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }
  // lo <= result <= hi
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }
  template <class T>
  void shuffle(std::vector<T>& items) {  // Fisher-Yates
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  std::uint64_t state_;
};

}  // namespace ikelab::corpus
