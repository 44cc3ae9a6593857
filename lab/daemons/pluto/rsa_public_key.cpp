#include "lab/daemons/pluto/rsa_public_key.hpp"

#include <cstdint>
#include <vector>

namespace ikelab::harness {
namespace {

using Bytes = std::vector<std::uint8_t>;

const std::string_view b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Bytes pem_body(std::string_view pem) {
  const std::string_view begin = "-----BEGIN PUBLIC KEY-----", end = "-----END PUBLIC KEY-----";
  const auto from = pem.find(begin), to = pem.find(end);
  if (from == std::string_view::npos || to == std::string_view::npos || to < from)
    throw KeyFormatError("not a PEM public key");
  Bytes out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : pem.substr(from + begin.size(), to - from - begin.size())) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    const auto value = b64.find(c);
    if (value == std::string_view::npos) throw KeyFormatError("bad base64 in the PEM public key");
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    if (++count == 4) {
      out.push_back(static_cast<std::uint8_t>(bits >> 16));
      out.push_back(static_cast<std::uint8_t>(bits >> 8));
      out.push_back(static_cast<std::uint8_t>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 3) {
    out.push_back(static_cast<std::uint8_t>(bits >> 10));
    out.push_back(static_cast<std::uint8_t>(bits >> 2));
  } else if (count == 2) {
    out.push_back(static_cast<std::uint8_t>(bits >> 4));
  }
  return out;
}

// A DER reader over the bytes [pos, end).
struct Der {
  const Bytes& bytes;
  size_t pos;
  size_t end;

  // Reads one element of `tag`; returns a reader over its contents.
  Der element(std::uint8_t tag) {
    if (pos + 2 > end || bytes[pos] != tag) throw KeyFormatError("unexpected DER structure in the public key");
    size_t length = bytes[pos + 1];
    size_t header = 2;
    if (length & 0x80) {
      const size_t octets = length & 0x7f;
      if (octets == 0 || octets > 4 || pos + 2 + octets > end) throw KeyFormatError("bad DER length");
      length = 0;
      for (size_t i = 0; i < octets; ++i) length = (length << 8) | bytes[pos + 2 + i];
      header += octets;
    }
    if (pos + header + length > end) throw KeyFormatError("truncated DER element");
    Der inner{bytes, pos + header, pos + header + length};
    pos += header + length;
    return inner;
  }
  Bytes unsigned_integer() {
    Der value = element(0x02);
    while (value.pos + 1 < value.end && value.bytes[value.pos] == 0) ++value.pos;  // sign octet
    return Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(value.pos),
                 bytes.begin() + static_cast<std::ptrdiff_t>(value.end));
  }
};

const Bytes rsa_encryption_oid = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};

std::string base64(const Bytes& data) {
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(data[i]) << 16;
    if (i + 1 < data.size()) chunk |= static_cast<std::uint32_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) chunk |= data[i + 2];
    out += b64[(chunk >> 18) & 63];
    out += b64[(chunk >> 12) & 63];
    out += i + 1 < data.size() ? b64[(chunk >> 6) & 63] : '=';
    out += i + 2 < data.size() ? b64[chunk & 63] : '=';
  }
  return out;
}

}  // namespace

std::string libreswan_rsasigkey(std::string_view pem) {
  const Bytes der = pem_body(pem);
  Der top{der, 0, der.size()};
  Der spki = top.element(0x30);
  Der algorithm = spki.element(0x30);
  if (algorithm.end - algorithm.pos < rsa_encryption_oid.size() ||
      !std::equal(rsa_encryption_oid.begin(), rsa_encryption_oid.end(), der.begin() + static_cast<std::ptrdiff_t>(algorithm.pos)))
    throw KeyFormatError("the public key is not RSA");
  Der bit_string = spki.element(0x03);
  if (bit_string.pos >= bit_string.end || der[bit_string.pos] != 0) throw KeyFormatError("bad public key bit string");
  ++bit_string.pos;
  Der rsa = bit_string.element(0x30);
  const Bytes modulus = rsa.unsigned_integer();
  const Bytes exponent = rsa.unsigned_integer();
  if (exponent.empty() || exponent.size() > 255 || modulus.empty()) throw KeyFormatError("bad RSA key numbers");
  Bytes rfc3110;
  rfc3110.push_back(static_cast<std::uint8_t>(exponent.size()));
  rfc3110.insert(rfc3110.end(), exponent.begin(), exponent.end());
  rfc3110.insert(rfc3110.end(), modulus.begin(), modulus.end());
  return "0s" + base64(rfc3110);
}

}  // namespace ikelab::harness
