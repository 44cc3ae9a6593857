#pragma once
// Fixed-format readers for the routing-context lines (charon's "received
// packet: from A[p] to B[q]" / "sending packet: ...", pluto's "packet from
// A:p:"), about half of a busy gateway's lines. Each gives exactly what an
// unanchored RE2 search of its catalogue pattern gives (match or not, and the
// captures in group order), without running a regex. A pattern gets a reader
// only when its regex is, character for character, the one the reader was
// written for: a rule author who changes the regex falls back to RE2.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ikelab::diag {

enum class FixedReader { none, charon_packet_in, charon_packet_out, pluto_packet_from };

FixedReader fixed_reader_for(std::string_view regex);

// Appends the captures (name, value) of the leftmost match in `message`;
// false when the pattern does not match.
bool read_fixed(FixedReader reader, std::string_view message,
                std::vector<std::pair<std::string, std::string>>& captures);

}  // namespace ikelab::diag
