#pragma once

// The one way ikelab reads a YAML file (scenarios, expected files, rule
// files, corpus variants, replay fixes, bench manifests). yaml-cpp accepts a
// mapping that repeats a key and keeps both entries, so a later `[key]`
// lookup silently takes one of them; this reader rejects that, in every
// mapping at every depth, and gives every error one shape:
//
//   FILE:LINE:COLUMN: duplicate key 'auth'
//   FILE:LINE:COLUMN: <yaml-cpp's syntax message>
//   FILE: cannot read the file
//
// as a base::FileError (base/error.hpp); each layer passes the text on as its
// own error type (docs/error-handling.md).

#include "base/error.hpp"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace ikelab::base {

// Bounds for the small files people write (scenarios, expected files): the
// file's size and each line's length are checked before yaml-cpp sees any of
// it, so a 100 MB value is refused at once, with the file and line, instead
// of being parsed whole first. A FIFO or a device is refused too (it could
// block a read forever).
struct YamlLimits {
  std::size_t max_bytes = 1024 * 1024;  // the whole file
  std::size_t max_line = 4096;          // one line (so one plain or quoted value on it)
};

// Parses `file`; throws FileError on an unreadable file, a syntax error or a
// duplicate key.
YAML::Node load_yaml_file(const std::filesystem::path& file);

// The same, after the checks of `limits` (also FileError).
YAML::Node load_yaml_file(const std::filesystem::path& file, const YamlLimits& limits);

// The same for text in memory; `name` is the file name errors carry.
YAML::Node load_yaml_text(std::string_view text, const std::string& name);

}  // namespace ikelab::base
