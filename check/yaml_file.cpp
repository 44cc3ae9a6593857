#include "check/yaml_file.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace ikelab::check {
namespace {

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& file, const YamlLimits& limits) {
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (in.fd < 0) throw YamlFileError(fmt::format("{}: cannot read the file: {}", file.string(), std::strerror(errno)));
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw YamlFileError(fmt::format("{}: not a regular file", file.string()));
  if (static_cast<std::size_t>(st.st_size) > limits.max_bytes)
    throw YamlFileError(fmt::format("{}: {} bytes, more than the {} bytes such a file may have (refused before reading it)",
                                    file.string(), st.st_size, limits.max_bytes));
  // Read at most one byte past the limit: a file that grows meanwhile is still bounded.
  std::string text(limits.max_bytes + 1, '\0');
  std::size_t have = 0;
  while (have < text.size()) {
    const ssize_t n = ::read(in.fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw YamlFileError(fmt::format("{}: cannot read the file: {}", file.string(), std::strerror(errno)));
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  if (have > limits.max_bytes)
    throw YamlFileError(fmt::format("{}: more than the {} bytes such a file may have", file.string(), limits.max_bytes));
  text.resize(have);
  std::size_t line = 1, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end - start > limits.max_line)
      throw YamlFileError(fmt::format("{}:{}:{}: line of {} bytes, longer than the {} a line may have (refused before "
                                      "parsing)",
                                      file.string(), line, limits.max_line + 1, end - start, limits.max_line));
    start = end + 1;
    ++line;
  }
  return YAML::Load(text);
}

}  // namespace ikelab::check
