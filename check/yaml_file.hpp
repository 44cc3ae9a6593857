#pragma once

// Reading the small YAML files people write (scenarios, expected files):
// the size of the file and the length of each line are checked before
// yaml-cpp sees any of it, so a 100 MB value is refused at once, with the
// file and line, instead of being parsed whole and refused afterwards.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <stdexcept>

namespace ikelab::check {

struct YamlLimits {
  std::size_t max_bytes = 1024 * 1024;  // the whole file
  std::size_t max_line = 4096;          // one line (so one plain or quoted value on it)
};

// The message names the file, and the line and column where it applies:
// "FILE:LINE:COL: ..." or "FILE: ...".
class YamlFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `file` after the checks. Throws YamlFileError when the file cannot
// be read, is not a regular file or exceeds a limit; a syntax error stays a
// YAML::Exception (with its mark) for the caller to report.
YAML::Node load_yaml_file(const std::filesystem::path& file, const YamlLimits& limits = {});

}  // namespace ikelab::check
