#include "cli/commands.hpp"

namespace ikelab::cli {

void add_lab_commands(CLI::App& app, int& exit_code) {
  (void)app;
  (void)exit_code;
}

}  // namespace ikelab::cli
