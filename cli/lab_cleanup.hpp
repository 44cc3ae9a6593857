#pragma once

#include <CLI/CLI.hpp>

namespace ikelab::cli {

// `ikelab cleanup [--force RUN]... [--dry-run]`
void add_cleanup_command(CLI::App& app, int& exit_code);

}  // namespace ikelab::cli
