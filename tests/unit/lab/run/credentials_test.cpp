// PKI material made with the real strongSwan `pki` tool; checked with `pki --verify`.

#include <gtest/gtest.h>

#include "base/temp_dir.hpp"

#include <boost/process.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lab/run/credentials.hpp"
#include "lab/daemons/charon/render_swanctl.hpp"

namespace fs = std::filesystem;
namespace bp = boost::process;
using namespace ikelab::harness;

namespace {

fs::path fresh_dir(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("ikelab-cred-test-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

// Exit code of `pki --verify` for a certificate against a CA certificate.
int verify(const fs::path& dir, const std::string& cert, const std::string& ca) {
  std::ofstream(dir / "verify-cert.pem") << cert;
  std::ofstream(dir / "verify-ca.pem") << ca;
  return bp::system("/usr/bin/pki", bp::args({"--verify", "--in", (dir / "verify-cert.pem").string(), "--cacert",
                                              (dir / "verify-ca.pem").string()}),
                    bp::std_out > bp::null, bp::std_err > bp::null, bp::std_in < bp::null);
}

}  // namespace

TEST(Credentials, CertificatesVerifyOnlyWhenTheyShould) {
  const fs::path dir = fresh_dir("verify");
  const Credentials c(dir / "pki");
  const std::string ca = c.ca_cert();
  EXPECT_NE(ca.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_EQ(verify(dir, c.host_cert(KeyName::initiator, CertIssuer::lab_ca), ca), 0);
  EXPECT_EQ(verify(dir, c.host_cert(KeyName::responder, CertIssuer::lab_ca), ca), 0);
  EXPECT_NE(verify(dir, c.host_cert(KeyName::initiator, CertIssuer::other_ca), ca), 0);
  EXPECT_NE(verify(dir, c.host_cert(KeyName::responder, CertIssuer::lab_ca_expired), ca), 0);
  EXPECT_THROW(c.host_cert(KeyName::other, CertIssuer::lab_ca), CredentialError);
  fs::remove_all(dir);
}

TEST(Credentials, KeysAreDistinctAndCached) {
  const fs::path dir = fresh_dir("keys");
  const Credentials c(dir);
  const std::string initiator = c.public_key(KeyName::initiator);
  const std::string other = c.public_key(KeyName::other);
  EXPECT_NE(initiator.find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  EXPECT_NE(initiator, other);
  EXPECT_NE(c.private_key(KeyName::initiator).find("PRIVATE KEY-----"), std::string::npos);
  const int runs = c.pki_runs();
  EXPECT_EQ(runs, 4);  // two keys, two public keys
  EXPECT_EQ(c.public_key(KeyName::initiator), initiator);
  EXPECT_EQ(c.pki_runs(), runs);
  fs::remove_all(dir);
}

TEST(Credentials, ConcurrentRequestsGenerateOnce) {
  const fs::path dir = fresh_dir("threads");
  const Credentials c(dir);
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { got[t] = c.ca_cert(); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, got[0]);
  EXPECT_EQ(c.pki_runs(), 2);  // CA key and CA certificate
  fs::remove_all(dir);
}

TEST(Credentials, PrepareMakesOnlyWhatScenariosNeed) {
  const fs::path dir = fresh_dir("prepare");
  const Credentials c(dir);
  prepare_credentials({load_scenario(fs::path(IKELAB_SCENARIOS_DIR) / "baseline_psk.yaml")}, c);
  EXPECT_EQ(c.pki_runs(), 0);
  prepare_credentials({load_scenario(fs::path(IKELAB_SCENARIOS_DIR) / "baseline_pubkey.yaml")}, c);
  EXPECT_EQ(c.pki_runs(), 4);  // initiator and responder key pairs
  fs::remove_all(dir);
}

TEST(Credentials, MissingPkiIsAClearError) {
  const ikelab::testing::TempDir dir("ikelab-cred-test-nopki");
  EXPECT_THROW(Credentials(dir.path(), "/nonexistent/pki"), CredentialError);
}
