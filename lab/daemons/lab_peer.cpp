#include "lab/daemons/lab_peer.hpp"

#include "lab/daemons/daemon_builds.hpp"
#include "lab/daemons/charon/charon_daemon.hpp"
#include "lab/daemons/pluto/pluto_control.hpp"
#include "lab/daemons/pluto/pluto_daemon.hpp"
#include "lab/daemons/pluto/pluto_nss.hpp"
#include "lab/run/redact.hpp"
#include "lab/daemons/charon/swanctl.hpp"
#include "base/text_file.hpp"

#include <fmt/core.h>

#include <chrono>

namespace fs = std::filesystem;

namespace ikelab::harness {
namespace {

std::string tool_problem(const char* what, const netns::CommandResult& r) {
  if (r.timed_out) return fmt::format("{}: no answer before the deadline\n{}", what, last_lines(r.output, 15));
  return fmt::format("{} failed ({}):\n{}", what, netns::describe_wait_status(r.wait_status), last_lines(r.output, 15));
}

bool any_line_since(const LogFollower& log, size_t mark, std::initializer_list<std::string_view> needles) {
  for (auto needle : needles)
    if (log.has_line_since(mark, {needle})) return true;
  return false;
}

// A tool's console output on the initiator (`swanctl --initiate`, `whack
// --initiate`), kept as a case artefact. It never holds a secret (the tools
// print only log and status lines); the case's secrets are still redacted,
// as everything the lab writes outside the config files is.
void save_console_output(const CaseConfig& config, const fs::path& file, const std::string& output) {
  auto secrets = secrets_of(config.initiator);
  for (auto& s : secrets_of(config.responder)) secrets.push_back(std::move(s));
  try {
    write_text_file(file, redact(output, secrets));
  } catch (const std::exception&) {
    // an artefact only: the case does not depend on it
  }
}

class CharonPeer final : public LabPeer {
 public:
  CharonPeer(const std::string& netns, const PeerFiles& files, const DaemonBuild& build, const CaseConfig& config,
             bool die_with_parent)
      : files_(files),
        config_(config),
        daemon_(netns,
                CharonDaemon::Paths{files.dir / "strongswan.conf", files.paths.rundir,
                                    files.paths.logdir / "charon.stdout", build.system_root},
                die_with_parent) {}

  const char* daemon_name() const override { return "charon"; }
  void start() override { daemon_.start(); }
  bool wait_ready(std::chrono::steady_clock::time_point deadline) override { return daemon_.wait_ready(deadline); }
  double startup_seconds() const override { return daemon_.startup_seconds(); }
  bool running() override { return daemon_.running(); }
  void stop() override { daemon_.stop(); }
  void kill_now() override { daemon_.kill_now(); }
  void detach() override { daemon_.detach(); }
  std::string failure() const override { return daemon_.failure(); }
  std::string output() const override { return daemon_.output(); }
  std::string control_address() const override { return daemon_.vici_uri(); }

  std::string load() override {
    auto r = swanctl().load_all((files_.paths.confdir / "swanctl.conf").string());
    // swanctl exits 0 even if one connection was refused; a loaded config says so.
    if (!r.ok() || r.output.find("loaded connection") == std::string::npos)
      return tool_problem("swanctl --load-all", r);
    return {};
  }

  InitiateResult initiate(LogFollower& log, std::chrono::milliseconds remaining) override {
    InitiateResult result;
    const size_t mark = log.size();
    auto r = swanctl().initiate(config_.child, remaining);
    if (r.interrupted) {
      result.interrupted = true;
      return result;
    }
    save_console_output(config_, swanctl_output_file(files_), r.output);
    if (r.timed_out) {
      result.problem = tool_problem("swanctl --initiate", r);
      return result;
    }
    log.poll();
    if (r.exit_code == 0) {
      result.outcome = Outcome::established;
    } else {
      const bool ike_up = log.has_line_since(mark, {fmt::format("IKE_SA {}[", config_.connection), "] established between"});
      result.outcome = ike_up ? Outcome::phase2_failed : Outcome::phase1_failed;
    }
    return result;
  }

  void rekey_child() override { swanctl().rekey_child(config_.child); }
  std::string list_sas() override { return swanctl().list_sas().output; }

  bool child_rekeyed(const LogFollower& log, size_t mark) const override {
    return log.has_line_since(mark, {fmt::format("CHILD_SA {}{{", config_.child), "} established with SPIs"});
  }
  bool rekey_failed(const LogFollower& log, size_t mark) const override {
    return any_line_since(log, mark,
                          {"rekeying failed", "failed to establish CHILD_SA", "no CHILD_SA built", "error notify",
                           "notify error", "giving up after"});
  }
  bool peer_declared_dead(const LogFollower& log, size_t mark) const override {
    return any_line_since(log, mark, {"DPD check timed out", "giving up after"});
  }
  bool child_established(const LogFollower& log, size_t mark) const override {
    return log.has_line_since(mark, {fmt::format("CHILD_SA {}{{", config_.child), "} established with SPIs"});
  }
  bool retry_in_flight(const LogFollower& log) const override {
    const std::string& text = log.text();
    const std::string sa = fmt::format("IKE_SA {}[", config_.connection);
    for (size_t at = text.rfind(sa); at != std::string::npos; at = at ? text.rfind(sa, at - 1) : std::string::npos) {
      const size_t newline = text.rfind('\n', at);
      const size_t line_start = newline == std::string::npos ? 0 : newline + 1;
      if (text.find("initiating ", line_start) >= at) continue;  // not the start of an IKE_SA
      const size_t number_start = at + sa.size();
      const size_t number_end = text.find(']', number_start);
      if (number_end == std::string::npos) return false;
      const std::string number = text.substr(number_start, number_end - number_start);
      if (number == "1") return false;  // the case's own first attempt: already judged
      const std::string ike_name = fmt::format("<{}|{}>", config_.connection, number);
      for (std::string_view end : {"] established between", "giving up after", "failed", "error notify",
                                   "notify error", "deleting IKE_SA", "destroying IKE_SA"})
        if (log.has_line_since(line_start, {ike_name, end})) return false;
      return true;
    }
    return false;
  }

 private:
  Swanctl swanctl() const {
    return Swanctl{daemon_.vici_uri(), files_.paths.confdir.string(), daemon_.paths().system_root};
  }

  PeerFiles files_;
  const CaseConfig& config_;
  CharonDaemon daemon_;
};

class PlutoPeer final : public LabPeer {
  static constexpr int whack_limit_ms = 4500;

 public:
  PlutoPeer(const std::string& netns, const PeerFiles& files, const RenderedHost& host, const DaemonBuild& build,
            const CaseConfig& config, bool die_with_parent)
      : netns_(netns),
        files_(files),
        config_(config),
        daemon_(netns,
                PlutoDaemon::Paths{files.paths.confdir / "ipsec.conf", files.paths.confdir / "ipsec.secrets",
                                   files.paths.confdir / "ipsec.d", files.dir / "nss", files.paths.rundir,
                                   files.paths.logdir / "pluto.log", files.paths.logdir / "pluto.stdout",
                                   build.system_root},
                host.xfrm_standin, die_with_parent) {}

  const char* daemon_name() const override { return "pluto"; }
  void start() override {
    prepare_pluto_nss(files_.paths.confdir, daemon_.paths().nssdir);
    daemon_.start();
  }
  bool wait_ready(std::chrono::steady_clock::time_point deadline) override { return daemon_.wait_ready(deadline); }
  double startup_seconds() const override { return daemon_.startup_seconds(); }
  bool running() override { return daemon_.running(); }
  void stop() override { daemon_.stop(); }
  void kill_now() override { daemon_.kill_now(); }
  void detach() override { daemon_.detach(); }
  std::string failure() const override { return daemon_.failure(); }
  std::string output() const override { return daemon_.output(); }
  std::string control_address() const override { return daemon_.ctl_socket().string(); }

  std::string load() override {
    wait_listening();
    auto r = control().add_connection(daemon_.paths().ipsec_conf, config_.connection);
    if (!r.ok()) {
      // addconn prints nothing when pluto refuses the connection (it only
      // exits with pluto's reply code); pluto's own reason is in its log:
      // "site1": failed to add connection: IKE DH algorithm 'modp1024' is not supported
      std::string problem = tool_problem("addconn", r);
      const auto reason = pluto_refusal();
      if (!reason.empty()) problem += (problem.empty() || problem.back() == '\n' ? "" : "\n") + reason;
      return problem;
    }
    return {};
  }

  InitiateResult initiate(LogFollower& log, std::chrono::milliseconds remaining) override {
    InitiateResult result;
    // With keyingtries=1 and the lab's retransmit timers (2 s) whack returns
    // within ~2.5 s. A pluto that cannot proceed (e.g. no private key to sign with)
    // keeps its state and whack would wait for ever: what it printed so far
    // is the outcome then.
    const auto limit = std::min(remaining - std::chrono::milliseconds(2000), std::chrono::milliseconds(whack_limit_ms));
    if (limit <= std::chrono::milliseconds(0)) {
      result.problem = "no time left to initiate before the case deadline";
      return result;
    }
    auto r = control().initiate(config_.connection, limit);
    if (r.interrupted) {
      result.interrupted = true;
      return result;
    }
    log.poll();
    save_whack_output(r.output);
    result.outcome = pluto_initiate_outcome(r.output);
    if (r.timed_out) {
      result.note = fmt::format("whack --initiate reported no end within {:.0f} s; judged by what it printed:\n{}",
                                limit.count() / 1000.0, last_lines(r.output, 5));
    }
    return result;
  }

  void rekey_child() override { control().rekey_child(config_.connection); }
  std::string list_sas() override { return control().status().output; }

  bool child_rekeyed(const LogFollower& log, size_t mark) const override {
    // IKEv2: "initiator rekeyed Child SA #2 using #1"; IKEv1: a new Quick Mode.
    return any_line_since(log, mark, {"rekeyed Child SA", "IPsec SA established"});
  }
  bool rekey_failed(const LogFollower& log, size_t mark) const override {
    return any_line_since(log, mark, {"NO_PROPOSAL_CHOSEN", "timeout exceeded", "encountered fatal error"});
  }
  bool peer_declared_dead(const LogFollower& log, size_t mark) const override {
    // IKEv1: "DPD action - clearing connection ...", IKEv2: "liveness action - clearing connection ...".
    return any_line_since(log, mark, {"DPD action - ", "liveness action - "});
  }
  bool child_established(const LogFollower& log, size_t mark) const override {
    // IKEv1 "IPsec SA established tunnel mode ...", IKEv2 "... established Child SA using #1; ...".
    return any_line_since(log, mark, {"IPsec SA established", "established Child SA"});
  }

 private:
  PlutoControl control() const { return PlutoControl{netns_, daemon_.ctl_socket(), daemon_.paths().system_root}; }

  // What `whack --initiate` printed (pluto's console output, the text a user
  // pastes from `ipsec auto --up`), kept as a case artefact.
  void save_whack_output(const std::string& output) const { save_console_output(config_, whack_output_file(files_), output); }

  // pluto.ctl answers before pluto has listened on its interfaces; a whack
  // --initiate then only gets `024 need --listen before --initiate` (seen
  // once in pluto_init_virtual_ip_no_pool under load). Waits up to 2 s for
  // pluto's `listening for IKE messages`; a pluto that never says it fails
  // later with its own words.
  void wait_listening() const {
    LogFollower log(daemon_.paths().logfile);
    wait_until(
        [&] {
          log.poll();
          return log.has_line_since(0, {"listening for IKE messages"});
        },
        std::chrono::steady_clock::now() + std::chrono::milliseconds(2000));
  }

  // pluto's log lines about refusing this case's connection, e.g.
  // `"site1": failed to add connection: ...` (the log is written before pluto
  // answers addconn; a short wait covers a slow flush).
  std::string pluto_refusal() const {
    const std::string needle = fmt::format("\"{}\": failed to add connection", config_.connection);
    LogFollower log(daemon_.paths().logfile);
    std::string found;
    wait_until(
        [&] {
          log.poll();
          for (std::string_view line : log.lines_since(0, {needle})) found.append(line).push_back('\n');
          return !found.empty();
        },
        std::chrono::steady_clock::now() + std::chrono::milliseconds(500));
    return last_lines(found, 5);
  }

  std::string netns_;
  PeerFiles files_;
  const CaseConfig& config_;
  PlutoDaemon daemon_;
};

}  // namespace

fs::path whack_output_file(const PeerFiles& files) { return files.paths.logdir / "whack-initiate.txt"; }
fs::path swanctl_output_file(const PeerFiles& files) { return files.paths.logdir / "swanctl-initiate.txt"; }

fs::path peer_log_file(const RenderedHost& host, const PeerFiles& files) {
  return files.paths.logdir / (host.implementation == Implementation::libreswan ? "pluto.log" : "charon.log");
}

std::vector<std::pair<fs::path, std::string>> peer_artefacts(const RenderedHost& host, const PeerFiles& files) {
  const auto& log = files.paths.logdir;
  if (host.implementation == Implementation::libreswan) {
    return {{log / "pluto.log", "pluto.log"},
            {log / "pluto.stdout", "pluto.stdout"},
            {whack_output_file(files), "whack-initiate.txt"},  // an initiator only
            {files.paths.confdir / "ipsec.conf", "ipsec.conf"}};  // never ipsec.secrets
  }
  return {{log / "charon.log", "charon.log"},
          {log / "charon-cfg2.log", "charon-cfg2.log"},
          {log / "charon.json.log", "charon.json.log"},  // strongSwan 6 only (json = yes)
          {log / "charon-ike2.log", "charon-ike2.log"},              // only with HostSettings::ike2_log
          {swanctl_output_file(files), "swanctl-initiate.txt"},  // an initiator only
          {log / "charon.stdout", "charon.stdout"},
          {files.dir / "strongswan.conf", "strongswan.conf"},
          {files.paths.confdir / "swanctl.conf", "swanctl.conf"}};
}

void write_peer_files(const RenderedHost& host, const PeerFiles& files) {
  // Every file that may hold a secret is created 0600 (never chmod-ed later):
  // swanctl.conf (PSKs, EAP/XAuth passwords), ipsec.secrets, private keys.
  if (host.implementation == Implementation::libreswan) {
    write_text_file(files.paths.confdir / "ipsec.conf", host.ipsec_conf);
    write_text_file(files.paths.confdir / "ipsec.secrets", host.ipsec_secrets, private_file_mode);
  } else {
    write_text_file(files.dir / "strongswan.conf", host.strongswan_conf);
    write_text_file(files.paths.confdir / "swanctl.conf", host.swanctl_conf, private_file_mode);
  }
  for (const auto& [relative, content] : host.files) {
    fs::path rel(relative);
    bool escapes = rel.is_absolute() || rel.empty();
    for (const auto& part : rel)
      if (part == "..") escapes = true;
    if (escapes) throw std::runtime_error(fmt::format("rendered file name '{}' leaves the config dir", relative));
    const auto first = rel.begin()->string();
    const bool secret = first == "private" || rel.filename().extension() == ".key" || rel.filename() == "passwd";
    write_text_file(files.paths.confdir / rel, content, secret ? private_file_mode : public_file_mode);
  }
}

std::unique_ptr<LabPeer> make_lab_peer(const std::string& netns, const PeerFiles& files, const RenderedHost& host,
                                       const CaseConfig& config, bool die_with_parent) {
  const DaemonBuild* build = find_daemon_build(host.daemon_build);
  if (!build) build = &default_daemon_build(host.implementation);
  if (build->implementation != host.implementation)
    throw std::runtime_error(fmt::format("daemon build {} is not the host's implementation", build->name));
  if (auto missing = build->missing(); !missing.empty()) throw std::runtime_error(missing);
  if (host.implementation == Implementation::libreswan)
    return std::make_unique<PlutoPeer>(netns, files, host, *build, config, die_with_parent);
  return std::make_unique<CharonPeer>(netns, files, *build, config, die_with_parent);
}

}  // namespace ikelab::harness
