#pragma once

#include <CLI/CLI.hpp>

namespace ikelab::cli {

// Each function adds its subcommand(s) to `app`. A subcommand's callback
// stores the process exit code in `exit_code`.
void add_diagnose_command(CLI::App& app, int& exit_code);
void add_lab_commands(CLI::App& app, int& exit_code);
void add_corpus_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace ikelab::cli
