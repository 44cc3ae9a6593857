#pragma once

// Reads ipsec.conf (libreswan's and strongSwan's legacy starter) and
// ipsec.secrets with their grammar: sections start at column 0 (`config
// setup`, `conn NAME`, `ca NAME`), their `key=value` lines are indented,
// `#` starts a comment, a value with spaces is "quoted", `include PATTERN`
// (a glob, relative to the including file) at column 0. A conn is resolved
// as both daemons do: its own settings, then those of its `also=` conns
// (recursively, first definition wins), then `conn %default`.
// ipsec.secrets: `[ID ...] : PSK|XAUTH|EAP|RSA|ECDSA VALUE`, continued on
// indented lines. Errors throw ReplayError "FILE:LINE: what".

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/replay/replay_error.hpp"

namespace ikelab::replay {

struct ConfValue {
  std::string value;
  Origin origin;
};

struct ConfSection {
  std::string kind;  // "config", "conn" or "ca"
  std::string name;
  Origin origin;
  std::vector<std::pair<std::string, ConfValue>> settings;  // file order; a repeated key: the last wins
  const ConfValue* get(const std::string& key) const;
};

struct IpsecConf {
  std::vector<ConfSection> sections;
  std::vector<std::filesystem::path> files;  // every file read, includes too
  const ConfSection* find(const std::string& kind, const std::string& name) const;
  std::vector<std::string> conn_names() const;  // without %default
};

IpsecConf read_ipsec_conf_file(const std::filesystem::path& file);
IpsecConf read_ipsec_conf_text(const std::string& text, const std::filesystem::path& name);

// A conn with also= and %default folded in: key -> value (with its origin).
std::map<std::string, ConfValue> resolve_conn(const IpsecConf& conf, const std::string& name);

struct Secret {
  std::vector<std::string> ids;  // selectors as written (may be empty)
  std::string type;              // PSK, XAUTH, EAP, RSA, ECDSA, ... (upper case)
  std::string value;             // unquoted; a "quoted" value's text as is
  bool quoted = false;
  Origin origin;
};

std::vector<Secret> read_ipsec_secrets_file(const std::filesystem::path& file);
std::vector<Secret> read_ipsec_secrets_text(const std::string& text, const std::filesystem::path& name);

}  // namespace ikelab::replay
