#include "cli/output_format.hpp"

namespace ikelab::cli {

std::shared_ptr<OutputFormat> OutputFormat::add_to(CLI::App* cmd) {
  auto format = std::make_shared<OutputFormat>();
  CLI::Validator known(
      [](std::string& value) -> std::string {
        if (value == "table" || value == "json") return {};
        return "'" + value + "' is not an output format (use table or json)";
      },
      "table|json");
  format->option_ = cmd->add_option("--format", format->value_, "Output: table (for people) or json (on standard output)")
                        ->check(known)
                        ->capture_default_str();
  return format;
}

bool OutputFormat::json(bool older_json, const std::string& older_name) const {
  if (older_json && option_->count() > 0 && value_ == "table")
    throw CLI::ValidationError("--format", "table contradicts " + older_name + " (which asks for JSON)");
  return older_json || value_ == "json";
}

}  // namespace ikelab::cli
