#pragma once

#include <CLI/CLI.hpp>

namespace ikelab::cli {

// `ikelab run [NAME...] [--ike 1|2] [-j N] [--out DIR] [--keep]`
void add_run_command(CLI::App& app, int& exit_code);
// `ikelab list`
void add_list_command(CLI::App& app, int& exit_code);

}  // namespace ikelab::cli
