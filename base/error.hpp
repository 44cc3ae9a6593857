#pragma once

// The one shape of an error about an input file (a scenario, an expected
// file, a rule file, a corpus variants file, a customer's config):
//
//   FILE:LINE:COLUMN: message      (LINE and COLUMN 1-based; 0 leaves them out)
//
// Each layer keeps its own exception type for callers to catch (RuleError,
// ScenarioError, ExpectationError, VariantError, ReplayError); their message
// is built with at(), and the readers below them throw FileError, which the
// layer passes on with the same text. The policy: docs/error-handling.md.

#include <fmt/format.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace ikelab::base {

// "FILE:LINE:COLUMN: message", "FILE:LINE: message" or "FILE: message".
inline std::string at(std::string_view file, std::size_t line, std::size_t column, std::string_view message) {
  if (line == 0) return fmt::format("{}: {}", file, message);
  if (column == 0) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

// An error at a known place of an input file; what() is at(file, line, column, message).
class FileError : public std::runtime_error {
 public:
  FileError(std::string file, std::size_t line, std::size_t column, std::string message)
      : std::runtime_error(at(file, line, column, message)),
        file_(std::move(file)),
        line_(line),
        column_(column),
        message_(std::move(message)) {}

  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }      // 1-based, 0 unknown
  std::size_t column() const { return column_; }  // 1-based, 0 unknown
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string message_;
};

}  // namespace ikelab::base
