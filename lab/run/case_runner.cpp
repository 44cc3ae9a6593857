#include "lab/run/case_runner.hpp"

#include "lab/daemons/lab_peer.hpp"
#include "lab/scenario/lab_addresses.hpp"
#include "lab/daemons/log_follower.hpp"
#include "lab/run/redact.hpp"
#include "lab/run/wireshark_keys.hpp"
#include "base/text_file.hpp"
#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"
#include "netns/process.hpp"
#include "netns/topology.hpp"

#include <fmt/core.h>

#include <csignal>
#include <future>
#include <memory>
#include <stdexcept>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace ikelab::harness {
namespace {

// Raised inside the runner to end a case as `error` with a message.
struct CaseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HostFiles : PeerFiles {
  fs::path list_sas() const { return dir / "list-sas.txt"; }
};

HostFiles make_host_dirs(const fs::path& case_dir, const char* name) {
  HostFiles host;
  host.dir = case_dir / name;
  host.paths.rundir = host.dir / "run";
  host.paths.confdir = host.dir / "swanctl";
  host.paths.logdir = host.dir / "log";
  for (const auto& d : {host.paths.rundir, host.paths.confdir, host.paths.logdir}) fs::create_directories(d);
  // swanctl --load-all lists every credential folder and complains about each missing one.
  for (const char* sub : {"x509", "x509ca", "x509ocsp", "x509aa", "x509ac", "x509crl", "pubkey", "private", "rsa",
                          "ecdsa", "bliss", "pkcs8", "pkcs12"})
    fs::create_directories(host.paths.confdir / sub);
  return host;
}

void write_host_files(const HostFiles& host, const RenderedHost& rendered) {
  try {
    write_peer_files(rendered, host);
  } catch (const std::runtime_error& e) {
    throw CaseError(e.what());
  }
}

std::string daemon_report(const char* side, LabPeer& daemon, const fs::path& log_file) {
  const char* name = daemon.daemon_name();
  std::string text = fmt::format("{} {}: {}\n", side, name, daemon.failure());
  std::string out = last_lines(daemon.output(), 15);
  if (!out.empty()) text += fmt::format("--- {} {} output (last lines) ---\n{}", side, name, out);
  std::string log = last_lines(read_text_file(log_file), 15);
  if (!log.empty()) text += fmt::format("--- {} {} (last lines) ---\n{}", side, log_file.filename().string(), log);
  return text;
}


void copy_if_exists(const fs::path& from, const fs::path& to, mode_t mode = public_file_mode) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return;
  write_text_file(to, read_text_file(from), mode);
}

// A config that holds secrets goes to --out with them redacted, or whole
// (and 0600) with --keep-secrets; ipsec.secrets only with --keep-secrets.
void save_config_with_secrets(const fs::path& from, const fs::path& to, bool keep_secrets) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return;
  if (keep_secrets) write_text_file(to, read_text_file(from), private_file_mode);
  else write_text_file(to, redact_config_secrets(read_text_file(from)));
}

// Wireshark's key tables for ike.pcap from both charons' key logs (never
// kept themselves): 0600, only in the artefacts folder.
void save_key_tables(const fs::path& out, const HostFiles& initiator, const HostFiles& responder, const CaseConfig& config) {
  WiresharkKeyTables tables;
  bool charon = false;
  for (const auto& [host, rendered] : {std::pair{&initiator, &config.initiator}, std::pair{&responder, &config.responder}}) {
    if (rendered->implementation != Implementation::strongswan) continue;
    charon = true;
    tables = merge_key_tables(tables, wireshark_key_tables(read_text_file(host->paths.logdir / "charon-keys.log")));
  }
  // pluto writes no key tables (only plutodebug=private key dumps into its own log, which the lab keeps and prints).
  if (!charon) tables.notes += "no charon in this case: pluto does not log its keys for Wireshark, the tables stay empty\n";
  write_text_file(out / "ikev2_decryption_table", tables.ikev2_decryption_table, private_file_mode);
  write_text_file(out / "ikev1_decryption_table", tables.ikev1_decryption_table, private_file_mode);
  write_text_file(out / "esp_sa", tables.esp_sa, private_file_mode);
  if (!tables.notes.empty()) write_text_file(out / "key-tables-notes.txt", tables.notes);
}

void save_artefacts(const fs::path& out, const HostFiles& initiator, const HostFiles& responder,
                    const CaseConfig& config, const fs::path& pcap, const CaseResult& result, bool keep_secrets) {
  for (const auto& [name, host, rendered] : {std::tuple{"initiator", &initiator, &config.initiator},
                                             std::tuple{"responder", &responder, &config.responder}}) {
    fs::path dir = out / name;
    for (const auto& [from, to] : peer_artefacts(*rendered, *host)) {
      if (to == "swanctl.conf") save_config_with_secrets(from, dir / to, keep_secrets);
      else copy_if_exists(from, dir / to);
    }
    if (keep_secrets && rendered->implementation == Implementation::libreswan)
      copy_if_exists(host->paths.confdir / "ipsec.secrets", dir / "ipsec.secrets", private_file_mode);
    copy_if_exists(host->list_sas(), dir / "list-sas.txt");
  }
  copy_if_exists(pcap, out / "ike.pcap");
  save_key_tables(out, initiator, responder, config);
  std::string steps;
  for (const auto& [name, seconds] : result.steps) steps += fmt::format("  {}: {:.3f}\n", name, seconds);
  write_text_file(out / "outcome.txt", fmt::format("scenario: {}\nike_version: {}\noutcome: {}\nseconds: {:.2f}\nsteps:\n{}{}",
                                                   result.scenario, result.ike_version, to_string(result.outcome),
                                                   result.seconds, steps,
                                                   result.detail.empty() ? "" : "detail: |\n  " + result.detail + "\n"));
}

// A capture of IKE traffic (UDP 500/4500) inside a namespace.
class Capture {
 public:
  Capture(const std::string& netns, const fs::path& pcap, const fs::path& output, bool die_with_parent)
      : output_(output) {
    netns::LaunchOptions options;
    options.netns = netns;
    options.output = output;
    options.die_with_parent = die_with_parent;
    child_ = netns::launch({"tcpdump", "--immediate-mode", "-n", "-U", "-Z", "root", "-i", netns::Topology::outer_interface, "-w",
                            pcap.string(), "udp", "port", "500", "or", "udp", "port", "4500"},
                           options);
  }
  ~Capture() { stop(); }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  // tcpdump says "listening on" once the capture runs.
  bool wait_listening(Clock::time_point deadline) {
    return wait_until(
        [&] {
          std::error_code ec;
          return read_text_file(output_).find("listening on") != std::string::npos || !child_.running(ec);
        },
        deadline) &&
           read_text_file(output_).find("listening on") != std::string::npos;
  }
  void stop() {
    std::error_code ec;
    if (!child_.valid() || !child_.running(ec)) return;
    ::kill(child_.id(), SIGTERM);
    if (!netns::wait_for_exit(child_, Clock::now() + std::chrono::seconds(2))) {
      child_.terminate(ec);
      child_.wait(ec);
    }
  }

 private:
  fs::path output_;
  boost::process::child child_;
};


struct Runner {
  const CaseRequest& request;
  const CaseOptions& options;
  CaseResult result;
  Clock::time_point started = Clock::now();
  Clock::time_point deadline;

  netns::RunId id = netns::next_run_id();
  fs::path dir;
  HostFiles initiator_files, responder_files;
  CaseConfig config;
  std::unique_ptr<netns::Topology> topology;
  std::unique_ptr<LabPeer> initiator, responder;
  std::unique_ptr<Capture> capture;
  std::unique_ptr<LogFollower> initiator_log, responder_log;

  Runner(const CaseRequest& r, const CaseOptions& o) : request(r), options(o) {
    result.scenario = r.scenario;
    result.ike_version = r.ike_version;
    result.tag = r.tag;
    result.run_id = id.str();
  }

  Clock::time_point step_started = Clock::now();
  void step_done(const char* name) {
    auto now = Clock::now();
    result.steps.emplace_back(name, std::chrono::duration<double>(now - step_started).count());
    step_started = now;
  }

  void check_interrupt() {
    if (netns::interrupted()) throw CaseError("interrupted");
  }

  void prepare() {
    dir = netns::case_dir(id);
    initiator_files = make_host_dirs(dir, "initiator");
    responder_files = make_host_dirs(dir, "responder");
    try {
      config = request.render(initiator_files.paths, responder_files.paths);
    } catch (const std::exception& e) {
      throw CaseError(fmt::format("rendering the configuration failed: {}", e.what()));
    }
    deadline = started + config.deadline;
    write_host_files(initiator_files, config.initiator);
    write_host_files(responder_files, config.responder);
    initiator_log = std::make_unique<LogFollower>(peer_log_file(config.initiator, initiator_files));
    responder_log = std::make_unique<LogFollower>(peer_log_file(config.responder, responder_files));

    netns::TopologySpec spec;
    spec.initiator = {fmt::format("{}/{}", lab_addresses::initiator_outer, lab_addresses::outer_prefix),
                      fmt::format("{}/24", lab_addresses::initiator_inner_address)};
    spec.responder = {fmt::format("{}/{}", lab_addresses::responder_outer, lab_addresses::outer_prefix),
                      fmt::format("{}/24", lab_addresses::responder_inner_address)};
    try {
      topology = std::make_unique<netns::Topology>(id, spec);
      netns::drop_inbound_udp(topology->initiator_ns(), config.initiator.drop_inbound_udp);
      netns::drop_inbound_udp(topology->responder_ns(), config.responder.drop_inbound_udp);
    } catch (const netns::TopologyError& e) {
      throw CaseError(fmt::format("creating the namespaces failed: {}", e.what()));
    }
    check_interrupt();
  }

  std::unique_ptr<LabPeer> make_daemon(const std::string& ns, const HostFiles& host, const RenderedHost& rendered) {
    return make_lab_peer(ns, host, rendered, config, !options.keep);
  }

  std::string report(const char* side) {
    const bool init = std::string_view(side) == "initiator";
    return daemon_report(side, init ? *initiator : *responder,
                         peer_log_file(init ? config.initiator : config.responder, init ? initiator_files : responder_files));
  }

  void start_daemons() {
    if (config.initiator.start_daemon)
      initiator = make_daemon(topology->initiator_ns(), initiator_files, config.initiator);
    if (config.responder.start_daemon)
      responder = make_daemon(topology->responder_ns(), responder_files, config.responder);
    if (!initiator) throw CaseError("the initiator has no daemon: nothing to run");
    initiator->start();
    if (responder) responder->start();
    auto ready_by = std::min(deadline, Clock::now() + std::chrono::seconds(10));
    if (!initiator->wait_ready(ready_by)) throw CaseError(report("initiator"));
    result.initiator_startup = initiator->startup_seconds();
    if (responder) {
      if (!responder->wait_ready(ready_by)) throw CaseError(report("responder"));
      result.responder_startup = responder->startup_seconds();
    }
    check_interrupt();
  }

  void load_configs() {
    auto load = [&](const char* side, LabPeer& daemon) {
      if (auto problem = daemon.load(); !problem.empty()) throw CaseError(fmt::format("{}: {}", side, problem));
    };
    // Both hosts at once: they are independent daemons.
    std::future<void> responder_loaded;
    if (responder) responder_loaded = std::async(std::launch::async, [&] { load("responder", *responder); });
    load("initiator", *initiator);
    if (responder_loaded.valid()) responder_loaded.get();
    check_interrupt();
  }

  void start_capture() {
    if (!options.artefacts_dir) return;
    capture = std::make_unique<Capture>(topology->initiator_ns(), dir / "ike.pcap", dir / "tcpdump.out", !options.keep);
    if (!capture->wait_listening(std::min(deadline, Clock::now() + std::chrono::seconds(5))))
      result.detail += fmt::format("capture did not start: {}\n", last_lines(read_text_file(dir / "tcpdump.out"), 5));
  }

  std::chrono::milliseconds remaining() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  }

  void require_daemon_alive(const char* side, LabPeer* daemon) {
    if (daemon && !daemon->running()) {
      // wait_ready records why it is not running
      daemon->wait_ready(Clock::now());
      throw CaseError(fmt::format("{} daemon died during the case\n{}", side, report(side)));
    }
  }

  Outcome initiate() {
    auto r = initiator->initiate(*initiator_log, remaining());
    if (r.interrupted) throw CaseError("interrupted");
    if (!r.problem.empty()) throw CaseError(r.problem);
    if (!r.note.empty()) result.detail += r.note + "\n";
    require_daemon_alive("initiator", initiator.get());
    return r.outcome;
  }

  Outcome rekey_child() {
    initiator_log->poll();
    size_t mark = initiator_log->size();
    auto child_up = [&] { return initiator->child_rekeyed(*initiator_log, mark); };
    auto failed = [&] { return initiator->rekey_failed(*initiator_log, mark); };
    // swanctl --rekey reports success even when the rekey then fails: judge by the log.
    initiator->rekey_child();
    bool decided = wait_until(
        [&] {
          initiator_log->poll();
          return child_up() || failed();
        },
        deadline);
    if (!decided) throw CaseError(netns::interrupted() ? "interrupted" : "the CHILD_SA rekey had no result before the deadline");
    if (failed()) {
      result.detail += "the forced CHILD_SA rekey failed\n";
      return Outcome::phase2_failed;
    }
    result.detail += "the forced CHILD_SA rekey succeeded\n";
    return Outcome::established;
  }

  Outcome dead_peer() {
    if (!responder) throw CaseError("dpd needs a responder daemon to kill");
    // The initiator may report the tunnel up before the responder has it: an
    // IKEv1 initiator is done once it has sent Quick Mode's last message. Kill
    // the responder only when its log shows the CHILD_SA, so that every run
    // kills an established tunnel.
    bool responder_up = wait_until(
        [&] {
          responder_log->poll();
          return responder->child_established(*responder_log, 0);
        },
        std::min(deadline, Clock::now() + std::chrono::seconds(3)));
    if (!responder_up) {
      if (netns::interrupted()) throw CaseError("interrupted");
      result.detail += "the responder's log showed no established CHILD_SA within 3 s; killed it anyway\n";
    }
    initiator_log->poll();
    size_t mark = initiator_log->size();
    responder->kill_now();
    bool detected = wait_until(
        [&] {
          initiator_log->poll();
          return initiator->peer_declared_dead(*initiator_log, mark);
        },
        deadline);
    if (!detected)
      throw CaseError(netns::interrupted() ? "interrupted"
                                           : "dead peer detection did not declare the peer dead before the deadline");
    result.detail += "the initiator declared the killed responder dead (DPD)\n";
    return Outcome::established;
  }

  void act() {
    Outcome outcome = initiate();
    if (outcome == Outcome::established && config.action == Action::rekey_child) outcome = rekey_child();
    if (outcome == Outcome::established && config.action == Action::dpd) outcome = dead_peer();
    step_done("action");
    // An initiator that started over gets to finish that attempt first, so that
    // what the peer's log holds does not depend on this machine's speed.
    wait_until(
        [&] {
          initiator_log->poll();
          return !initiator->retry_in_flight(*initiator_log);
        },
        std::min(deadline, Clock::now() + std::chrono::milliseconds(1500)));
    // The decisive event is in; let both daemons finish reacting (DELETEs, notifies).
    wait_quiet({initiator_log.get(), responder_log.get()}, std::chrono::milliseconds(50),
               std::min(deadline, Clock::now() + std::chrono::milliseconds(1500)));
    step_done("settle");
    require_daemon_alive("initiator", initiator.get());
    if (config.action != Action::dpd) require_daemon_alive("responder", responder.get());
    result.outcome = outcome;
  }

  void save_list_sas() {
    auto save = [](LabPeer* daemon, const HostFiles* host) {
      if (daemon && daemon->running()) write_text_file(host->list_sas(), daemon->list_sas());
    };
    auto responder_saved = std::async(std::launch::async, save, responder.get(), &responder_files);
    save(initiator.get(), &initiator_files);
    responder_saved.get();
  }

  // Always the same order: the initiator first (it sends DELETEs as it shuts
  // down), then the responder once it has received them, so every log ends alike.
  void stop_everything() {
    // The capture runs until both daemons are down: it holds the last DELETE and its answer.
    size_t initiator_mark = 0, responder_mark = 0;
    if (initiator_log && responder_log) {
      initiator_log->poll();
      responder_log->poll();
      initiator_mark = initiator_log->size();
      responder_mark = responder_log->size();
    }
    if (initiator) initiator->stop();
    step_done("stop-initiator");
    if (responder && responder->running() && initiator_log && !netns::interrupted()) {
      initiator_log->poll();
      // charon: one line per DELETE; pluto: one "deleting state (...) ... and
      // sending notification" per Delete payload it sends.
      size_t sent = initiator_log->count_lines_since(initiator_mark, {"sending DELETE for"}) +
                    initiator_log->count_lines_since(initiator_mark, {"deleting state", "and sending notification"});
      wait_until(
          [&] {
            responder_log->poll();
            return responder_log->count_lines_since(responder_mark, {"received DELETE for"}) >= sent;
          },
          Clock::now() + std::chrono::milliseconds(500));
    }
    if (responder) responder->stop();
    if (capture) capture->stop();
    step_done("stop-responder");
    if (topology) topology->teardown();
  }

  void keep_running() {
    if (capture) capture->stop();
    if (initiator) initiator->detach();
    if (responder) responder->detach();
    if (topology) topology->release();
    netns::mark_kept();
    KeptCase kept;
    kept.run_id = id.str();
    kept.initiator_ns = topology ? topology->initiator_ns() : "";
    kept.responder_ns = topology ? topology->responder_ns() : "";
    kept.initiator_uri = initiator ? initiator->control_address() : "";
    kept.responder_uri = responder ? responder->control_address() : "";
    kept.workdir = dir;
    result.kept = kept;
  }

  CaseResult run() {
    try {
      prepare();
      step_done("prepare");
      start_daemons();
      step_done("daemons");
      load_configs();
      step_done("load");
      start_capture();
      step_done("capture");
      act();
    } catch (const CaseError& e) {
      result.outcome = Outcome::error;
      result.detail += e.what();
    } catch (const std::exception& e) {
      result.outcome = Outcome::error;
      result.detail += fmt::format("lab failure: {}", e.what());
    }
    result.interrupted = netns::interrupted() && result.outcome == Outcome::error;
    step_started = Clock::now();
    try {
      save_list_sas();
    } catch (const std::exception& e) {
      result.detail += fmt::format("\nlist-sas not saved: {}", e.what());
    }
    step_done("list-sas");
    bool keep = options.keep && !netns::interrupted() && topology;
    if (keep) keep_running();
    else stop_everything();
    step_done(keep ? "keep" : "teardown");
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    auto secrets = secrets_of(config.initiator);
    for (auto& s : secrets_of(config.responder)) secrets.push_back(std::move(s));
    result.detail = redact(std::move(result.detail), secrets);
    if (options.artefacts_dir && !dir.empty()) {
      try {
        save_artefacts(*options.artefacts_dir, initiator_files, responder_files, config, dir / "ike.pcap", result,
                       options.keep_secrets);
      } catch (const std::exception& e) {
        result.detail += fmt::format("\nartefacts not saved: {}", e.what());
      }
    }
    if (!keep && !dir.empty()) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
    while (!result.detail.empty() && result.detail.back() == '\n') result.detail.pop_back();
    return result;
  }
};

}  // namespace

CaseResult run_case(const CaseRequest& request, const CaseOptions& options) {
  Runner runner(request, options);
  return runner.run();
}

}  // namespace ikelab::harness
