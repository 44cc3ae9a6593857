#pragma once

// Reads strongSwan's settings syntax (swanctl.conf, strongswan.conf) as
// libstrongswan's settings parser does (settings_lexer.l / settings_parser.y):
// `name {` ... `}` sections, `key = value` settings (a value runs to the end
// of the line, or is one "quoted string" with \-escapes), `#` comments,
// `include PATTERN` (a glob, relative to the including file's folder),
// later definitions of a key replace earlier ones, sections of the same name
// are merged. Errors throw ReplayError "FILE:LINE: what".

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lab/replay/replay_error.hpp"

namespace ikelab::replay {

struct Setting {
  std::string value;
  Origin origin;
};

struct SettingsSection {
  std::string name;
  Origin origin;
  std::vector<std::pair<std::string, Setting>> settings;          // in file order, keys unique
  std::vector<std::unique_ptr<SettingsSection>> sections;         // in file order, names unique

  const Setting* setting(const std::string& key) const;
  const SettingsSection* section(const std::string& name) const;
  SettingsSection& section_for_write(const std::string& name, const Origin& origin);
  void set(const std::string& key, Setting value);
};

SettingsSection read_settings_file(const std::filesystem::path& file);
// For tests: text as if read from `name` (includes resolve relative to `name`).
SettingsSection read_settings_text(const std::string& text, const std::filesystem::path& name);

}  // namespace ikelab::replay
