#pragma once

// --color auto|always|never and NO_COLOR (https://no-color.org): `auto`
// colours only a terminal and only when NO_COLOR is unset or empty; an
// explicit --color always or never wins over NO_COLOR.

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace ikelab::cli {

inline bool use_color(const std::string& when, int fd) {
  if (when == "always") return true;
  if (when == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(fd) == 1 && (no_color == nullptr || *no_color == '\0');
}

}  // namespace ikelab::cli
