#pragma once
// `--format table|json`: the one way every subcommand that prints results is
// asked for JSON on standard output (docs/cli.md).

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace ikelab::cli {

class OutputFormat {
 public:
  // Adds `--format table|json` (default table) to `cmd`; any other value is a
  // usage error (exit 2) naming the value and the accepted ones.
  static std::shared_ptr<OutputFormat> add_to(CLI::App* cmd);

  // True when the results go to standard output as JSON: --format json, or
  // the subcommand's older switch (`older_json`, e.g. diagnose --json, named
  // `older_name` in messages). --format table given together with that switch
  // is a contradiction: throws CLI::ValidationError (exit 2).
  bool json(bool older_json = false, const std::string& older_name = "--json") const;

 private:
  std::string value_ = "table";
  CLI::Option* option_ = nullptr;
};

}  // namespace ikelab::cli
