#include "diagnoser/src/input/packet_reader.hpp"

namespace ikelab::diag {

namespace {

// The catalogue's regexes these readers stand for (diagnoser/rules/_markers.yaml).
constexpr std::string_view kCharonIn =
    R"(received packet: from (?P<remote>[0-9A-Fa-f.:]+)\[[0-9]+\] to (?P<local>[0-9A-Fa-f.:]+)\[[0-9]+\])";
constexpr std::string_view kCharonOut =
    R"(sending packet: from (?P<local>[0-9A-Fa-f.:]+)\[[0-9]+\] to (?P<remote>[0-9A-Fa-f.:]+)\[[0-9]+\])";
constexpr std::string_view kPlutoFrom = R"(packet from (?P<remote>[0-9A-Fa-f.:]+?):[0-9]+:)";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_address_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

// `[0-9A-Fa-f.:]+\[[0-9]+\]` at s[pos..]: the address (greedy: its class
// holds no '[', so the longest run is the only candidate); advances pos.
bool read_address_port(std::string_view s, size_t& pos, std::string_view& address) {
  size_t p = pos;
  while (p < s.size() && is_address_char(s[p])) ++p;
  if (p == pos || p >= s.size() || s[p] != '[') return false;
  address = s.substr(pos, p - pos);
  size_t d = ++p;
  while (p < s.size() && is_digit(s[p])) ++p;
  if (p == d || p >= s.size() || s[p] != ']') return false;
  pos = p + 1;
  return true;
}

// "A[p] to B[q]" at s[pos..].
bool read_charon_pair(std::string_view s, size_t pos, std::string_view& first, std::string_view& second) {
  static constexpr std::string_view kTo = " to ";
  if (!read_address_port(s, pos, first)) return false;
  if (s.substr(pos, kTo.size()) != kTo) return false;
  pos += kTo.size();
  return read_address_port(s, pos, second);
}

// `[0-9A-Fa-f.:]+?:[0-9]+:` at s[pos..]: the shortest address run followed
// by ":digits:" (the lazy quantifier tries the shortest first).
bool read_pluto_address(std::string_view s, size_t pos, std::string_view& address) {
  for (size_t k = pos + 1; k < s.size() && is_address_char(s[k - 1]); ++k) {
    if (s[k] != ':') continue;
    size_t p = k + 1;
    while (p < s.size() && is_digit(s[p])) ++p;
    if (p > k + 1 && p < s.size() && s[p] == ':') {
      address = s.substr(pos, k - pos);
      return true;
    }
  }
  return false;
}

}  // namespace

FixedReader fixed_reader_for(std::string_view regex) {
  if (regex == kCharonIn) return FixedReader::charon_packet_in;
  if (regex == kCharonOut) return FixedReader::charon_packet_out;
  if (regex == kPlutoFrom) return FixedReader::pluto_packet_from;
  return FixedReader::none;
}

bool read_fixed(FixedReader reader, std::string_view message,
                std::vector<std::pair<std::string, std::string>>& captures) {
  static constexpr std::string_view kIn = "received packet: from ";
  static constexpr std::string_view kOut = "sending packet: from ";
  static constexpr std::string_view kFrom = "packet from ";
  const std::string_view literal = reader == FixedReader::charon_packet_in    ? kIn
                                   : reader == FixedReader::charon_packet_out ? kOut
                                                                              : kFrom;
  if (reader == FixedReader::none) return false;
  // Leftmost match: the first occurrence of the literal the rest fits.
  for (size_t at = message.find(literal); at != std::string_view::npos; at = message.find(literal, at + 1)) {
    const size_t rest = at + literal.size();
    std::string_view first, second;
    if (reader == FixedReader::pluto_packet_from) {
      if (!read_pluto_address(message, rest, first)) continue;
      captures.emplace_back("remote", std::string(first));
      return true;
    }
    if (!read_charon_pair(message, rest, first, second)) continue;
    const bool in = reader == FixedReader::charon_packet_in;
    captures.emplace_back(in ? "remote" : "local", std::string(first));
    captures.emplace_back(in ? "local" : "remote", std::string(second));
    return true;
  }
  return false;
}

}  // namespace ikelab::diag
