// The rule catalogue's own patterns (diagnoser/rules/*.yaml), rewritten from
// RE2 syntax to POSIX ERE so `grep -E -f` can run the same set.
#pragma once

#include <string>
#include <vector>

namespace ikelab::bench {

// Every pattern of every rules file in `dir`, in ERE syntax, without duplicates.
std::vector<std::string> rule_patterns_as_ere(const std::string& dir);

// RE2 -> ERE: named and non-capturing groups become plain groups, lazy
// quantifiers greedy ones (same lines match; grep only counts lines).
std::string re2_to_ere(const std::string& re2);

}  // namespace ikelab::bench
