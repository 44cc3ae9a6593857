#include "lab/run/credentials.hpp"

#include "netns/process.hpp"

#include <fmt/format.h>

#include <chrono>

#include <fstream>
#include <iterator>
#include <sstream>

namespace ikelab::harness {
namespace {

const char* key_stem(KeyName key) {
  switch (key) {
    case KeyName::initiator: return "initiator";
    case KeyName::responder: return "responder";
    case KeyName::other: return "other";
  }
  return "other";
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Credentials::Credentials(std::filesystem::path workdir, std::filesystem::path pki)
    : workdir_(std::move(workdir)), pki_(std::move(pki)) {
  std::error_code ec;
  std::filesystem::create_directories(workdir_, ec);
  if (ec) throw CredentialError(fmt::format("{}: cannot create: {}", workdir_.string(), ec.message()));
  if (!std::filesystem::exists(pki_)) {
    throw CredentialError(fmt::format("{} not found (install strongswan-pki)", pki_.string()));
  }
}

std::string Credentials::identity(KeyName host) {
  return fmt::format("{}.ikelab.test", key_stem(host));
}

std::string Credentials::ca_cert() const {
  std::lock_guard lock(mutex_);
  return item("ca.crt");
}

std::string Credentials::private_key(KeyName key) const {
  std::lock_guard lock(mutex_);
  return item(fmt::format("{}.key", key_stem(key)));
}

std::string Credentials::public_key(KeyName key) const {
  std::lock_guard lock(mutex_);
  return item(fmt::format("{}.pub", key_stem(key)));
}

std::string Credentials::host_cert(KeyName host, CertIssuer issuer) const {
  if (host == KeyName::other) throw CredentialError("the 'other' key has no certificate");
  const char* suffix = issuer == CertIssuer::lab_ca ? "" : issuer == CertIssuer::other_ca ? "-otherca" : "-expired";
  std::lock_guard lock(mutex_);
  return item(fmt::format("{}{}.crt", key_stem(host), suffix));
}

int Credentials::pki_runs() const {
  std::lock_guard lock(mutex_);
  return pki_runs_;
}

std::string Credentials::item(const std::string& file) const {
  if (auto it = cache_.find(file); it != cache_.end()) return it->second;
  generate(file);
  auto text = read_file(workdir_ / file);
  if (text.empty()) throw CredentialError(fmt::format("pki wrote an empty {}", (workdir_ / file).string()));
  cache_[file] = text;
  return text;
}

// The recipe for each file; dependencies are made first through item().
void Credentials::generate(const std::string& file) const {
  const auto out = workdir_ / file;
  const auto path = [&](const std::string& f) {
    item(f);
    return (workdir_ / f).string();
  };
  if (ends_with(file, ".key")) {
    run_pki({"--gen", "--type", "rsa", "--size", "2048", "--outform", "pem"}, out);
    return;
  }
  const std::string stem = file.substr(0, file.find_first_of(".-"));
  if (file == "ca.crt" || file == "otherca.crt") {
    const bool lab = file == "ca.crt";
    run_pki({"--self", "--ca", "--lifetime", "3650", "--in", path(stem + ".key"), "--type", "rsa", "--dn",
             lab ? "C=CH, O=ikelab, CN=ikelab lab CA" : "C=CH, O=elsewhere, CN=another CA", "--outform", "pem"},
            out);
    return;
  }
  if (ends_with(file, ".pub")) {
    run_pki({"--pub", "--in", path(stem + ".key"), "--type", "rsa", "--outform", "pem"}, out);
    return;
  }
  if (ends_with(file, ".crt") && (stem == "initiator" || stem == "responder")) {
    const std::string id = fmt::format("{}.ikelab.test", stem);
    const bool other_ca = ends_with(file, "-otherca.crt");
    const std::string ca = other_ca ? "otherca" : "ca";
    std::vector<std::string> args = {"--issue", "--in", path(stem + ".key"), "--type", "priv",
                                     "--cacert", path(ca + ".crt"), "--cakey", path(ca + ".key"),
                                     "--dn", fmt::format("C=CH, O={}, CN={}", other_ca ? "elsewhere" : "ikelab", id),
                                     "--san", id, "--outform", "pem"};
    if (ends_with(file, "-expired.crt")) {
      args.insert(args.end(), {"--not-before", "2020-01-01 00:00:00", "--not-after", "2021-01-01 00:00:00",
                               "--dateform", "%Y-%m-%d %H:%M:%S"});
    } else {
      args.insert(args.end(), {"--lifetime", "365"});
    }
    run_pki(args, out);
    return;
  }
  throw CredentialError(fmt::format("no recipe for credential file '{}'", file));
}

void Credentials::run_pki(const std::vector<std::string>& args, const std::filesystem::path& out) const {
  // The project's own spawn code: no shell, pki in its own process group and
  // killed with ikelab (PR_SET_PDEATHSIG), stopped at once by an interrupt.
  netns::CommandOptions options;
  options.timeout = std::chrono::seconds(120);
  options.stop_on_interrupt = true;
  options.stdout_file = out;
  std::error_code ignored;
  std::filesystem::remove(out, ignored);  // a file of an earlier attempt (never follows a link)
  std::vector<std::string> argv{pki_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = netns::run_command(argv, options);
  ++pki_runs_;
  if (result.ok()) return;
  std::filesystem::remove(out, ignored);
  if (result.interrupted) throw CredentialInterrupted(fmt::format("pki {} stopped by an interrupt", args.front()));
  if (result.timed_out)
    throw CredentialError(fmt::format("pki {} did not finish in {} s", args.front(), options.timeout.count() / 1000));
  throw CredentialError(
      fmt::format("pki {} failed ({}): {}", args.front(), netns::describe_wait_status(result.wait_status), result.output));
}

}  // namespace ikelab::harness
