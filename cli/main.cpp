#include "cli/commands.hpp"

#include <fmt/core.h>

#include <exception>

int main(int argc, char** argv) {
  CLI::App app{"ikelab: an IPsec lab of real strongSwan daemons, and a diagnoser of IKE logs"};
  app.set_version_flag("--version", std::string("ikelab ") + IKELAB_VERSION);
  app.require_subcommand(1);

  int exit_code = 0;
  ikelab::cli::add_diagnose_command(app, exit_code);
  ikelab::cli::add_lab_commands(app, exit_code);
  ikelab::cli::add_corpus_command(app, exit_code);
  ikelab::cli::add_replay_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 returns 0 for --help/--version; usage errors become exit code 2.
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab: {}\n", e.what());
    return 2;
  }
  return exit_code;
}
