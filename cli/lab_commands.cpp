#include "cli/commands.hpp"

#include "cli/lab_cleanup.hpp"
#include "cli/lab_run.hpp"

namespace ikelab::cli {

void add_lab_commands(CLI::App& app, int& exit_code) {
  add_run_command(app, exit_code);
  add_list_command(app, exit_code);
  add_cleanup_command(app, exit_code);
}

}  // namespace ikelab::cli
