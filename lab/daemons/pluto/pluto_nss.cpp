#include "lab/daemons/pluto/pluto_nss.hpp"

#include "lab/daemons/pluto/render_ipsec_conf.hpp"
#include "netns/process.hpp"

#include <fmt/core.h>

namespace fs = std::filesystem;

namespace ikelab::harness {
namespace {

void run(const std::vector<std::string>& argv) {
  netns::CommandOptions options;
  options.timeout = std::chrono::milliseconds(20000);
  const auto r = netns::run_command(argv, options);
  if (!r.ok()) {
    throw NssError(fmt::format("{} failed ({}{}): {}", netns::describe_command(argv),
                               netns::describe_wait_status(r.wait_status), r.timed_out ? ", timed out" : "", r.output));
  }
}

}  // namespace

void prepare_pluto_nss(const fs::path& confdir, const fs::path& nssdir) {
  fs::create_directories(nssdir);
  const std::string db = "sql:" + nssdir.string();
  run({"certutil", "-N", "-d", db, "--empty-password"});
  const fs::path ca = confdir / pluto_files::ca_cert;
  const fs::path cert = confdir / pluto_files::host_cert;
  const fs::path key = confdir / pluto_files::host_key;
  if (fs::exists(ca)) run({"certutil", "-A", "-d", db, "-n", "lab-ca", "-t", "CT,,", "-a", "-i", ca.string()});
  if (fs::exists(cert) && fs::exists(key)) {
    // A throwaway passphrase protects the PKCS#12 file between the two tools.
    const fs::path p12 = confdir / "nss-import/host.p12";
    const std::string pass = "ikelab-transfer";
    run({"openssl", "pkcs12", "-export", "-in", cert.string(), "-inkey", key.string(), "-name",
         pluto_files::host_nickname, "-out", p12.string(), "-passout", "pass:" + pass});
    run({"pk12util", "-i", p12.string(), "-d", db, "-W", pass});
    std::error_code ec;
    fs::remove(p12, ec);
  } else if (fs::exists(cert)) {
    run({"certutil", "-A", "-d", db, "-n", pluto_files::host_nickname, "-t", ",,", "-a", "-i", cert.string()});
  }
  const fs::path raw = confdir / pluto_files::raw_key;
  if (fs::exists(raw)) {
    const fs::path carrier = confdir / "nss-import/raw-carrier.crt";
    const fs::path p12 = confdir / "nss-import/raw.p12";
    const std::string pass = "ikelab-transfer";
    run({"openssl", "req", "-x509", "-key", raw.string(), "-subj", "/CN=ikelab raw key carrier", "-days", "1",
         "-out", carrier.string()});
    run({"openssl", "pkcs12", "-export", "-in", carrier.string(), "-inkey", raw.string(), "-name", "raw-key",
         "-out", p12.string(), "-passout", "pass:" + pass});
    run({"pk12util", "-i", p12.string(), "-d", db, "-W", pass});
    run({"certutil", "-D", "-d", db, "-n", "raw-key"});
    std::error_code ec;
    fs::remove(p12, ec);
  }
}

}  // namespace ikelab::harness
