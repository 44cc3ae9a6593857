#include "base/close_match.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace ikelab::base {

size_t edit_distance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

std::vector<std::string> close_matches(const std::string& word, const std::vector<std::string>& candidates,
                                       size_t limit) {
  const size_t allowed = std::max<size_t>(2, word.size() / 3);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& candidate : candidates) {
    const size_t distance = edit_distance(word, candidate);
    const bool prefix = word.size() >= 3 && candidate.starts_with(word);
    if (distance <= allowed || prefix) scored.emplace_back(prefix ? 0 : distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  // Only the closest: "baseline_pks" suggests baseline_psk, not also baseline_eap.
  std::vector<std::string> out;
  for (const auto& [distance, candidate] : scored) {
    if (out.size() == limit || distance > scored.front().first) break;
    if (candidate != word) out.push_back(candidate);
  }
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const auto matches = close_matches(word, candidates);
  return matches.empty() ? "" : fmt::format(" (did you mean {}?)", fmt::join(matches, ", "));
}

}  // namespace ikelab::base
