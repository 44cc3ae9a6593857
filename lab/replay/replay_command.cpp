#include "lab/replay/replay_command.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "check/outcome.hpp"
#include "lab/replay/config_fix.hpp"
#include "lab/replay/replay_plan.hpp"
#include "lab/replay/replay_run.hpp"
#include "lab/replay/secret_standins.hpp"
#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {
namespace {

// The fault a run stands for: the first attempt that failed, else "none".
std::string fault_of(const std::vector<diag::Diagnosis>& diagnoses) {
  for (const auto& d : diagnoses)
    if (d.fault != "none") return d.fault;
  return diagnoses.empty() ? "no_attempt" : "none";
}

void print_diagnoses(const std::vector<diag::Diagnosis>& diagnoses) {
  size_t i = 0;
  for (const auto& d : diagnoses) {
    fmt::print("  [{}] {}  ({}, {} confidence, IKEv{})\n", ++i, d.fault, d.phase ? fmt::format("phase {}", d.phase) : "-",
               d.confidence, d.ike_version);
    fmt::print("      {}\n", d.summary);
    if (!d.candidates.empty()) fmt::print("      could also be: {}\n", fmt::join(d.candidates, ", "));
    if (d.fault != "none") fmt::print("      fix: {}\n", d.fix);
    for (const auto& e : d.evidence) fmt::print("      {}:{} {}\n", e.file, e.line, e.text.substr(0, 200));
  }
}

nlohmann::json diagnoses_json(const std::vector<diag::Diagnosis>& diagnoses) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : diagnoses) out.push_back(diag::to_json(d));
  return out;
}

struct Loaded {
  CustomerConfig customer;
  std::optional<CustomerConfig> peer;
};

}  // namespace

int replay_command(const ReplayArgs& args) {
  if (::geteuid() != 0) {
    fmt::print(stderr, "ikelab replay: the lab needs root (network namespaces, mounts); run it as root\n");
    return 2;
  }
  const harness::Side side = args.as == "responder" ? harness::Side::responder : harness::Side::initiator;
  if (!args.peer_config.empty() && side == harness::Side::responder) {
    fmt::print(stderr, "ikelab replay: --as responder is for one config (with two, CONFIG is the initiator)\n");
    return 2;
  }
  Loaded in;
  SecretStandins standins;
  std::vector<std::string> standin_notes;
  ReplayPlan plan;
  std::shared_ptr<const diag::Catalogue> catalogue;
  try {
    in.customer = load_customer_config(args.config, args.conn);
    if (!args.peer_config.empty()) in.peer = load_customer_config(args.peer_config, args.conn);
    if (args.redacted_secrets) {
      for (CustomerConfig* c : {&in.customer, in.peer ? &*in.peer : nullptr})
        if (c)
          for (auto& n : standins.apply(*c)) standin_notes.push_back(n);
    }
    plan = plan_replay(in.customer, in.peer, side);
    for (auto& n : standin_notes) plan.notes.push_back(n);
    catalogue = diag::load_catalogue();
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab replay: {}\n", e.what());
    return 2;
  }
  netns::install_interrupt_handler();
  netns::register_this_process();
  const std::optional<fs::path> out = args.out.empty() ? std::nullopt : std::optional<fs::path>(args.out);
  ReplayResult result;
  try {
    result = run_replay(plan, *catalogue, out, "replay");
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab replay: {}\n", e.what());
    return 2;
  }
  if (netns::interrupted()) {
    netns::remove_own_state_dir();
    netns::reraise_interrupt();
  }
  const std::string fault = fault_of(result.diagnoses);

  // The customer's own log, if given.
  std::vector<diag::Diagnosis> customer_diagnoses;
  std::optional<bool> same_fault;
  if (!args.customer_log.empty()) {
    try {
      customer_diagnoses = diag::diagnose_files({args.customer_log}, *catalogue);
    } catch (const std::exception& e) {
      fmt::print(stderr, "ikelab replay: --log: {}\n", e.what());
      return 2;
    }
    same_fault = fault_of(customer_diagnoses) == fault;
  }

  // --fix: the fault's fix on a private copy, rerun.
  nlohmann::json fix_json;
  std::optional<ConfigFix> fix;
  std::optional<ReplayResult> fixed_result;
  if (args.fix) {
    // In this run's own private (0700) state folder, removed when ikelab ends.
    fs::path copy_dir;
    try {
      copy_dir = netns::own_run_dir().make_child("replay-fix").path();
      if (fault == "none" || fault == "no_attempt") {
        fix = ConfigFix{fault, false, fault == "none" ? "nothing to fix: the tunnel comes up" : "no attempt to diagnose", {}, {}};
      } else {
        // One config: the counterpart mirrors it, so nothing between the two can be derived.
        if (!in.peer) {
          fix = ConfigFix{fault, false, "with one config the peer mirrors it, so a fix between the two cannot be derived; give PEER_CONFIG", {}, {}};
        } else {
          // The first config, then the peer's: the first change whose rerun establishes is kept.
          int attempt = 0;
          for (const bool change_customer : {true, false}) {
            const CustomerConfig& target = change_customer ? in.customer : *in.peer;
            const CustomerConfig& other = change_customer ? *in.peer : in.customer;
            ConfigFix candidate = fix_config(target, other, fault, copy_dir / std::to_string(++attempt));
            if (!candidate.automatic) {
              if (!fix) fix = candidate;
              continue;
            }
            CustomerConfig fixed = load_customer_config(candidate.fixed_config, args.conn);
            if (args.redacted_secrets) standins.apply(fixed);
            ReplayPlan fixed_plan = change_customer ? plan_replay(fixed, in.peer, side) : plan_replay(in.customer, fixed, side);
            auto rerun = run_replay(fixed_plan, *catalogue, out ? std::optional<fs::path>(*out / "fixed") : std::nullopt,
                                    "replay-fixed" + std::to_string(attempt));
            if (!fixed_result || rerun.outcome == harness::Outcome::established) {
              fix = candidate;
              fixed_result = rerun;
            }
            if (rerun.outcome == harness::Outcome::established) break;
          }
        }
      }
    } catch (const std::exception& e) {
      std::error_code ec;
      fs::remove_all(copy_dir, ec);
      fmt::print(stderr, "ikelab replay: --fix: {}\n", e.what());
      return 2;
    }
    std::error_code ec;
    fs::remove_all(copy_dir, ec);  // the copy holds the customer's secrets
    fix_json = {{"fault", fix->fault}, {"automatic", fix->automatic}};
    if (!fix->automatic) fix_json["reason"] = fix->why_not;
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : fix->changes) {
      // Never print a secret: a secret's line is shown with its value hidden.
      const bool secret = c.before.find("secret") != std::string::npos || c.before.find("PSK") != std::string::npos;
      changes.push_back({{"file", c.origin.file}, {"line", c.origin.line}, {"before", secret ? "(secret, hidden)" : c.before},
                         {"after", secret ? "(secret, hidden: now the peer's)" : c.after}});
    }
    fix_json["changes"] = changes;
    if (fixed_result) {
      fix_json["outcome"] = std::string(harness::to_string(fixed_result->outcome));
      fix_json["established"] = fixed_result->outcome == harness::Outcome::established;
      fix_json["diagnoses"] = diagnoses_json(fixed_result->diagnoses);
    }
  }

  if (args.json) {
    nlohmann::json j;
    j["outcome"] = std::string(harness::to_string(result.outcome));
    j["ike_version"] = plan.ike_version;
    j["connection"] = plan.connection;
    j["kind"] = to_string(in.customer.kind);
    j["diagnoses"] = diagnoses_json(result.diagnoses);
    j["decided_by_configs"] = result.resolutions;
    nlohmann::json subs = nlohmann::json::array();
    for (const auto& s : plan.substitutions) subs.push_back({{"from", s.from}, {"to", s.to}, {"where", s.where}});
    j["substitutions"] = subs;
    nlohmann::json nr = nlohmann::json::array();
    for (const CustomerConfig* c : {&in.customer, in.peer ? &*in.peer : nullptr})
      if (c)
        for (const auto& n : c->not_replayed) nr.push_back({{"setting", n.setting}, {"where", n.origin.where()}, {"reason", n.reason}});
    j["not_replayed"] = nr;
    nlohmann::json notes = plan.notes;
    for (const CustomerConfig* c : {&in.customer, in.peer ? &*in.peer : nullptr})
      if (c)
        for (const auto& n : c->credential_notes) notes.push_back(n);
    j["notes"] = notes;
    j["fix"] = args.fix ? fix_json : nlohmann::json(nullptr);
    if (same_fault) {
      j["customer_log"] = {{"diagnoses", diagnoses_json(customer_diagnoses)}, {"same_fault", *same_fault}};
    }
    if (result.kept) j["out"] = result.kept->string();
    fmt::print("{}\n", diag::dump_json(j, 2));
  } else {
    fmt::print("replay of {} ({}), connection '{}', IKEv{}\n", in.customer.main_file.string(), to_string(in.customer.kind),
               plan.connection, plan.ike_version);
    if (in.peer) fmt::print("peer: {} ({})\n", in.peer->main_file.string(), to_string(in.peer->kind));
    for (const auto& n : plan.notes) fmt::print("note: {}\n", n);
    fmt::print("\nsubstitutions:\n");
    for (const auto& s : plan.substitutions) fmt::print("  {} -> {} ({})\n", s.from, s.to, s.where);
    std::vector<std::string> not_replayed;
    for (const CustomerConfig* c : {&in.customer, in.peer ? &*in.peer : nullptr})
      if (c) {
        for (const auto& n : c->not_replayed) not_replayed.push_back(fmt::format("  {} ({}): {}", n.setting, n.origin.where(), n.reason));
        for (const auto& n : c->credential_notes) not_replayed.push_back("  " + n);
      }
    if (!not_replayed.empty()) fmt::print("\nnot replayed:\n{}\n", fmt::join(not_replayed, "\n"));
    fmt::print("\noutcome: {}\n", harness::to_string(result.outcome));
    if (result.outcome == harness::Outcome::error && !result.detail.empty()) fmt::print("  {}\n", result.detail);
    fmt::print("diagnoses (both logs, as ikelab diagnose INITIATOR_LOG RESPONDER_LOG):\n");
    print_diagnoses(result.diagnoses);
    for (const auto& r : result.resolutions) fmt::print("  decided by the configs: {}\n", r);
    if (same_fault) {
      fmt::print("\ncustomer's log {}: {}\n", args.customer_log, fault_of(customer_diagnoses));
      fmt::print("  the lab {} the same fault\n", *same_fault ? "reproduced" : "did NOT reproduce");
    }
    if (fix) {
      fmt::print("\nfix for {}:\n", fix->fault);
      if (!fix->automatic) fmt::print("  no automatic fix: {}\n", fix->why_not);
      for (const auto& c : fix->changes) {
        const bool secret = c.before.find("secret") != std::string::npos || c.before.find("PSK") != std::string::npos;
        if (c.after.empty()) fmt::print("  {}:\n  - {}\n  (line removed: the peer leaves the setting at its default)\n", c.origin.where(), c.before);
        else
          fmt::print("  {}:\n  - {}\n  + {}\n", c.origin.where(), secret ? "(secret, hidden)" : c.before,
                     secret ? "(secret, hidden: now the peer's)" : c.after);
      }
      if (fixed_result)
        fmt::print("  rerun with the fix: {}{}\n", harness::to_string(fixed_result->outcome),
                   fixed_result->outcome == harness::Outcome::established ? " (verified fix)" : " (the fix did not bring the tunnel up)");
    }
    if (result.kept) fmt::print("\nconfigs, logs and pcap: {}\n", result.kept->string());
  }
  if (fixed_result) return fixed_result->outcome == harness::Outcome::established ? 0 : 1;
  return result.outcome == harness::Outcome::established ? 0 : 1;
}

}  // namespace ikelab::replay
