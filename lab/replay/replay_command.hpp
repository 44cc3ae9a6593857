#pragma once

// `ikelab replay`: what the command does once its arguments are parsed
// (cli/replay_command.cpp parses them). Exit status: 0 the tunnel came up
// (or, with --fix, the fixed config brought it up), 1 a fault was
// reproduced, 2 bad usage or a config that cannot be replayed.

#include <string>

namespace ikelab::replay {

struct ReplayArgs {
  std::string config;
  std::string peer_config;  // empty: the lab builds the counterpart
  std::string as = "initiator";
  std::string conn;
  std::string out;
  std::string customer_log;
  bool json = false;
  bool fix = false;
  bool redacted_secrets = false;  // replace every PSK/password by a stand-in (secret_standins.hpp)
};

int replay_command(const ReplayArgs& args);

}  // namespace ikelab::replay
