#pragma once

// One host's IKE daemon as the case runner sees it, whichever implementation
// the scenario chose for that side: charon (CharonDaemon + swanctl over vici)
// or pluto (PlutoDaemon + addconn/whack over pluto.ctl). The runner starts,
// loads, initiates, lists, stops and keeps both the same way.

#include "lab/run/case_config.hpp"
#include "lab/daemons/log_follower.hpp"
#include "check/outcome.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ikelab::harness {

// Where one host's files are (the runner makes the directories).
struct PeerFiles {
  std::filesystem::path dir;  // the host's case directory
  HostPaths paths;
};

struct InitiateResult {
  Outcome outcome = Outcome::error;
  bool interrupted = false;
  std::string problem;  // non-empty: the lab failed (timeout, tool error), with output
  std::string note;     // worth a line in the case's detail
};

class LabPeer {
 public:
  virtual ~LabPeer() = default;

  virtual const char* daemon_name() const = 0;  // "charon" / "pluto"
  virtual void start() = 0;                     // throws std::exception if it cannot start at all
  virtual bool wait_ready(std::chrono::steady_clock::time_point deadline) = 0;
  virtual double startup_seconds() const = 0;
  virtual bool running() = 0;
  virtual void stop() = 0;  // graceful, the same way every time
  virtual void kill_now() = 0;
  virtual void detach() = 0;
  virtual std::string failure() const = 0;
  virtual std::string output() const = 0;
  // What a person uses to talk to the kept daemon (vici URI, pluto.ctl).
  virtual std::string control_address() const = 0;

  // Loads the case's connection; empty when loaded, else why not.
  virtual std::string load() = 0;
  // Starts the case's connection and waits for its outcome. `log` follows
  // this peer's log_file().
  virtual InitiateResult initiate(LogFollower& log, std::chrono::milliseconds remaining) = 0;
  // Forces a CHILD_SA rekey; the runner judges it from the log.
  virtual void rekey_child() = 0;
  // The peer's view of its SAs (swanctl --list-sas, whack --status).
  virtual std::string list_sas() = 0;

  // Judged from this peer's log since `mark` (a byte offset into log.text()):
  // a forced CHILD_SA rekey built the new CHILD_SA / failed; the peer declared
  // its dead peer dead; the case's CHILD_SA is established here (responders
  // too: an IKEv1 initiator counts phase 2 as up once it has sent Quick
  // Mode's third message, its responder only when that message has arrived).
  virtual bool child_rekeyed(const LogFollower& log, size_t mark) const = 0;
  virtual bool rekey_failed(const LogFollower& log, size_t mark) const = 0;
  virtual bool peer_declared_dead(const LogFollower& log, size_t mark) const = 0;
  virtual bool child_established(const LogFollower& log, size_t mark) const = 0;
  // The peer has started the connection over on a new IKE_SA that has neither
  // come up nor failed yet (charon retries an IKEv1 SA whose ModeCfg request
  // went unanswered).
  virtual bool retry_in_flight(const LogFollower&) const { return false; }
};

// The default-level log of the host's daemon (the runner follows and keeps it).
std::filesystem::path peer_log_file(const RenderedHost& host, const PeerFiles& files);
// A pluto initiator's `whack --initiate` output (its console output).
std::filesystem::path whack_output_file(const PeerFiles& files);
// Files worth keeping with a case's artefacts: (source, name in the artefact
// dir). Never a file holding a secret.
std::vector<std::pair<std::filesystem::path, std::string>> peer_artefacts(const RenderedHost& host,
                                                                            const PeerFiles& files);
// Writes the rendered configuration (and credential files below confdir) for
// the host's daemon; throws std::runtime_error naming a file that would leave confdir.
void write_peer_files(const RenderedHost& host, const PeerFiles& files);

// Makes the peer for one rendered host (its implementation decides which).
// `config` must outlive the peer.
std::unique_ptr<LabPeer> make_lab_peer(const std::string& netns, const PeerFiles& files, const RenderedHost& host,
                                       const CaseConfig& config, bool die_with_parent);

}  // namespace ikelab::harness
