#pragma once

// The one error type of `ikelab replay`'s readers: a customer's config that
// cannot be replayed. The message starts with "FILE:LINE: " where a line is
// known; the command prints it and exits with status 2.

#include <stdexcept>
#include <string>

namespace ikelab::replay {

class ReplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a value came from in the customer's files.
struct Origin {
  std::string file;
  int line = 0;
  std::string where() const { return file + ":" + std::to_string(line); }
};

}  // namespace ikelab::replay
