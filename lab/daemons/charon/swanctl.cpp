#include "lab/daemons/charon/swanctl.hpp"

#include <algorithm>

namespace ikelab::harness {

netns::CommandResult Swanctl::run(std::vector<std::string> args, std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv{"swanctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--uri");
  argv.push_back(uri);
  netns::CommandOptions options;
  options.timeout = timeout;
  options.stop_on_interrupt = true;
  if (!swanctl_dir.empty()) options.env = {{"SWANCTL_DIR", swanctl_dir}};
  return netns::run_command(argv, options);
}

netns::CommandResult Swanctl::load_all(const std::string& swanctl_conf) const {
  return run({"--load-all", "--noprompt", "--file", swanctl_conf});
}

netns::CommandResult Swanctl::initiate(const std::string& child, std::chrono::milliseconds timeout) const {
  // swanctl's own --timeout (seconds) stops the wait on charon's side too.
  auto seconds = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
  return run({"--initiate", "--child", child, "--timeout", std::to_string(seconds)},
             timeout + std::chrono::seconds(2));
}

netns::CommandResult Swanctl::rekey_child(const std::string& child) const {
  return run({"--rekey", "--child", child});
}

netns::CommandResult Swanctl::list_sas() const { return run({"--list-sas"}); }

}  // namespace ikelab::harness
