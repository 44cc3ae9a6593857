#pragma once

// --redacted-secrets: customers often send configs with their PSKs blanked
// out (`secret = <redacted>`, `PSK "xxxx"`). Each distinct secret value is
// replaced by a lab stand-in: equal values (on one side or both) get the
// same stand-in, different ones different stand-ins, so a PSK mismatch in
// the customer's files stays one and matching keys still match. The
// stand-ins never reveal the customer's values; only what changed is noted.

#include <map>
#include <string>
#include <vector>

#include "lab/replay/customer_config.hpp"

namespace ikelab::replay {

class SecretStandins {
 public:
  // Replaces the PSK and the EAP/XAuth password of `config`; returns what
  // was replaced, in words (file:line, never the value).
  std::vector<std::string> apply(CustomerConfig& config);

 private:
  std::string standin_for(const std::string& value);
  std::map<std::string, std::string> by_value_;
};

}  // namespace ikelab::replay
