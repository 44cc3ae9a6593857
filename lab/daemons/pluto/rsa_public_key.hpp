#pragma once

// An RSA public key (PEM "PUBLIC KEY", as strongSwan's pki writes it) in the
// form libreswan's ipsec.conf wants for leftrsasigkey=/rightrsasigkey=:
// RFC 3110 (exponent length, exponent, modulus) in base64 with the "0s" prefix.

#include <stdexcept>
#include <string>
#include <string_view>

namespace ikelab::harness {

class KeyFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws KeyFormatError if `pem` is not an RSA SubjectPublicKeyInfo.
std::string libreswan_rsasigkey(std::string_view pem);

}  // namespace ikelab::harness
