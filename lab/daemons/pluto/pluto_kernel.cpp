#include "lab/daemons/pluto/pluto_kernel.hpp"

#include "netns/process.hpp"

#include <mutex>
#include <optional>

namespace ikelab::harness {

bool kernel_installs_esp(const std::string& netns) {
  static std::mutex mutex;
  static std::optional<bool> answer;
  std::lock_guard lock(mutex);
  if (answer) return *answer;
  const std::string key = "0x00000000000000000000000000000001";
  netns::CommandOptions options;
  options.netns = netns;
  options.timeout = std::chrono::milliseconds(5000);
  const auto added = netns::run_command({"ip", "xfrm", "state", "add", "src", "192.0.2.1", "dst", "192.0.2.2", "proto",
                                         "esp", "spi", "0x1", "enc", "cbc(aes)", key, "auth", "hmac(sha256)",
                                         key + key.substr(2)},
                                        options);
  if (added.ok()) netns::run_command({"ip", "xfrm", "state", "flush"}, options);
  answer = added.ok();
  return *answer;
}

}  // namespace ikelab::harness
