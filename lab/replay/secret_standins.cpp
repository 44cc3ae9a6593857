#include "lab/replay/secret_standins.hpp"

#include <fmt/core.h>

namespace ikelab::replay {

std::string SecretStandins::standin_for(const std::string& value) {
  auto it = by_value_.find(value);
  if (it != by_value_.end()) return it->second;
  std::string standin = fmt::format("ikelab-standin-secret-{}", by_value_.size() + 1);
  by_value_.emplace(value, standin);
  return standin;
}

std::vector<std::string> SecretStandins::apply(CustomerConfig& config) {
  std::vector<std::string> notes;
  CustomerConn& c = config.conn;
  auto where = [&](const char* key) {
    auto it = c.origins.find(key);
    return it == c.origins.end() ? config.main_file.string() : it->second.where();
  };
  if (!c.secret.empty()) {
    c.secret = standin_for(c.secret);
    notes.push_back(fmt::format("{}: PSK replaced by the stand-in '{}' (--redacted-secrets; equal customer values share a stand-in)",
                                where("secret"), c.secret));
  }
  if (!c.user_password.empty()) {
    c.user_password = standin_for(c.user_password);
    notes.push_back(fmt::format("{}: user password replaced by the stand-in '{}' (--redacted-secrets)", where("user_password"), c.user_password));
  }
  return notes;
}

}  // namespace ikelab::replay
