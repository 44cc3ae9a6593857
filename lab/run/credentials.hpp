#pragma once

// PKI material for the lab, made with strongSwan's own `pki` tool (run with
// an argument vector, never through a shell). Everything is generated on
// first use into one work directory and reused by every case of a run:
// a lab CA, another CA, RSA keys for the initiator, the responder and an
// "other" (wrong) key, host certificates from the lab CA, from the other CA
// and an expired one, and the raw public keys. All files are PEM.
//
// Thread-safe: several cases may be rendered at the same time.
// prepare_credentials() in render.hpp makes up front what a set of scenarios needs.

#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::harness {

class CredentialError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// pki was stopped because ikelab got SIGINT/SIGTERM/SIGHUP: no failure, the
// caller tears down and exits by the signal.
class CredentialInterrupted : public CredentialError {
 public:
  using CredentialError::CredentialError;
};

enum class KeyName { initiator, responder, other };
enum class CertIssuer { lab_ca, other_ca, lab_ca_expired };

class Credentials {
 public:
  // `workdir` is created if missing; `pki` is the pki binary.
  explicit Credentials(std::filesystem::path workdir, std::filesystem::path pki = "/usr/bin/pki");

  // PEM text of one item; generated on first use.
  std::string ca_cert() const;
  std::string private_key(KeyName key) const;
  std::string public_key(KeyName key) const;
  // Certificate for the initiator's or responder's identity (KeyName::other
  // is not a host and has no certificate).
  std::string host_cert(KeyName host, CertIssuer issuer) const;

  // How many times `pki` ran (for tests and timing).
  int pki_runs() const;

  const std::filesystem::path& workdir() const { return workdir_; }

  // The identities the certificates are issued for (subjectAltName and CN).
  static std::string identity(KeyName host);

 private:
  std::string item(const std::string& file) const;  // requires mutex_ held
  void generate(const std::string& file) const;
  void run_pki(const std::vector<std::string>& args, const std::filesystem::path& out) const;

  std::filesystem::path workdir_;
  std::filesystem::path pki_;
  mutable std::recursive_mutex mutex_;
  mutable std::map<std::string, std::string> cache_;
  mutable int pki_runs_ = 0;
};

}  // namespace ikelab::harness
