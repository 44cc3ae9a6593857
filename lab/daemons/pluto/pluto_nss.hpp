#pragma once

// A lab pluto's own NSS database, made before pluto starts from the credential
// files render_ipsec_conf() put under the host's confdir (pluto_files::*):
// the lab CA as trusted (CT,,), the host certificate with its private key
// (through a PKCS#12 file: NSS imports private keys no other way) under the
// nickname pluto_files::host_nickname, or the certificate alone when the
// scenario leaves the key out. A raw RSA key (pubkey auth) is imported the
// same way with a throwaway self-signed certificate that is deleted again, so
// only the private key stays (pluto finds it by its public key). Tools (certutil, pk12util, openssl) run with
// argument vectors, never through a shell.

#include <filesystem>
#include <stdexcept>

namespace ikelab::harness {

class NssError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Creates `nssdir` (an empty-password sql: database) and imports what
// `confdir` holds. Throws NssError with the failing tool's output.
void prepare_pluto_nss(const std::filesystem::path& confdir, const std::filesystem::path& nssdir);

}  // namespace ikelab::harness
