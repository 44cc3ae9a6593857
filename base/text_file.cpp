#include "base/text_file.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>
#include <stdexcept>

namespace ikelab::harness {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_text_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(), std::strerror(saved)));
}

std::string last_lines(const std::string& text, int lines) {
  if (text.empty()) return text;
  size_t pos = text.size();
  if (text.back() == '\n') --pos;
  while (lines > 0 && pos > 0) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
    --lines;
  }
  return lines > 0 ? text : text.substr(pos + 1);
}

}  // namespace ikelab::harness
