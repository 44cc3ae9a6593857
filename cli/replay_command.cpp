// `ikelab replay`: argument parsing only (lab/replay/replay_command.hpp does the work).

#include "cli/commands.hpp"
#include "cli/output_format.hpp"

#include <memory>

#include "lab/replay/replay_command.hpp"

namespace ikelab::cli {

void add_replay_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<replay::ReplayArgs>();
  auto* cmd = app.add_subcommand("replay", "Replay a customer's swanctl.conf / ipsec.conf with real daemons, name the fault, verify the fix");
  cmd->add_option("config", args->config, "The customer's config: a file or a folder (swanctl.conf, ipsec.conf)")->required();
  cmd->add_option("peer_config", args->peer_config, "The peer's config (then CONFIG is the initiator)");
  cmd->add_option("--as", args->as, "The role of CONFIG's host (one config)")->check(CLI::IsMember({"initiator", "responder"}))->capture_default_str();
  cmd->add_option("--conn", args->conn, "The connection to replay when the file has several");
  cmd->add_option("--out", args->out, "Keep configs, logs and pcap in DIR");
  cmd->add_option("--log", args->customer_log, "The customer's own log: diagnose it and say whether the lab reproduced its fault");
  cmd->add_flag("--json", args->json, "Print JSON (the same as --format json)");
  auto format = OutputFormat::add_to(cmd);
  cmd->add_flag("--redacted-secrets", args->redacted_secrets,
               "The configs' PSKs are redacted: replace each distinct one by a lab stand-in (equal ones stay equal)");
  cmd->add_flag("--fix", args->fix, "Apply the diagnosis's fix to a copy of the config, rerun, show the changed lines");
  cmd->callback([args, format, &exit_code] {
    args->json = format->json(args->json);
    exit_code = replay::replay_command(*args);
  });
}

}  // namespace ikelab::cli
