#include "cli/commands.hpp"

#include "base/close_match.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  CLI::App app{"ikelab: an IPsec lab of real strongSwan daemons, and a diagnoser of IKE logs"};
  app.set_version_flag("--version", std::string("ikelab ") + IKELAB_VERSION);
  app.require_subcommand(1);

  int exit_code = 0;
  ikelab::cli::add_diagnose_command(app, exit_code);
  ikelab::cli::add_lab_commands(app, exit_code);
  ikelab::cli::add_corpus_command(app, exit_code);
  ikelab::cli::add_replay_command(app, exit_code);

  // A mistyped command gets a suggestion (CLI11 would say "A subcommand is required").
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      fmt::print(stderr, "ikelab: unknown command '{}'{}\nRun 'ikelab --help' for the commands.\n", argv[1],
                 ikelab::base::did_you_mean(argv[1], names));
      return 2;
    }
  }

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
