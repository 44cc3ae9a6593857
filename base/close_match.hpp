#pragma once

// "Did you mean ...?" for a mistyped subcommand or scenario name: the
// candidates within a small edit distance (insertions, deletions,
// substitutions and swaps of neighbours), closest first.

#include <string>
#include <vector>

namespace ikelab::base {

// Optimal string alignment distance (a swap of two neighbours counts one).
size_t edit_distance(const std::string& a, const std::string& b);

// The closest candidates (all at the same, smallest distance; a candidate
// that starts with `word`, of at least 3 characters, counts as distance 0),
// if at most max(2, word.size() / 3) edits away; at most `limit`.
std::vector<std::string> close_matches(const std::string& word, const std::vector<std::string>& candidates,
                                       size_t limit = 3);

// "" when there is no close match, else " (did you mean a, b?)".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace ikelab::base
