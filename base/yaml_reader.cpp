#include "base/yaml_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace ikelab::base {

namespace {

std::size_t line_of(const YAML::Mark& mark) { return mark.is_null() ? 0 : static_cast<std::size_t>(mark.line) + 1; }
std::size_t column_of(const YAML::Mark& mark) { return mark.is_null() ? 0 : static_cast<std::size_t>(mark.column) + 1; }

// Every mapping below `node`: a scalar key seen twice is an error at the second one.
// Iterative, so a deeply nested file cannot exhaust the stack here.
void reject_duplicate_keys(const YAML::Node& root, const std::string& name) {
  std::vector<YAML::Node> todo{root};
  while (!todo.empty()) {
    const YAML::Node node = todo.back();
    todo.pop_back();
    if (node.IsMap()) {
      std::set<std::string> seen;
      for (const auto& entry : node) {
        if (entry.first.IsScalar() && !seen.insert(entry.first.Scalar()).second) {
          const YAML::Mark mark = entry.first.Mark();
          throw FileError(name, line_of(mark), column_of(mark),
                          fmt::format("duplicate key '{}'", entry.first.Scalar()));
        }
        todo.push_back(entry.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) todo.push_back(item);
    }
  }
}

YAML::Node parse(std::istream& in, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw FileError(name, line_of(e.mark), column_of(e.mark), e.msg);
  }
  reject_duplicate_keys(root, name);
  return root;
}

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(file, ec)) throw FileError(file.string(), 0, 0, "cannot read the file");
  return parse(in, file.string());
}

namespace {

struct OwnedFd {
  int fd;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
};

// The text of `file` if it keeps within `limits`.
std::string read_bounded(const std::filesystem::path& file, const YamlLimits& limits) {
  const std::string name = file.string();
  OwnedFd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (in.fd < 0) throw FileError(name, 0, 0, fmt::format("cannot read the file: {}", std::strerror(errno)));
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) throw FileError(name, 0, 0, "not a regular file");
  if (static_cast<std::size_t>(st.st_size) > limits.max_bytes)
    throw FileError(name, 0, 0,
                    fmt::format("{} bytes, more than the {} bytes such a file may have (refused before reading it)",
                                st.st_size, limits.max_bytes));
  // Read at most one byte past the limit: a file that grows meanwhile is still bounded.
  std::string text(limits.max_bytes + 1, '\0');
  std::size_t have = 0;
  while (have < text.size()) {
    const ssize_t n = ::read(in.fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FileError(name, 0, 0, fmt::format("cannot read the file: {}", std::strerror(errno)));
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  if (have > limits.max_bytes)
    throw FileError(name, 0, 0, fmt::format("more than the {} bytes such a file may have", limits.max_bytes));
  text.resize(have);
  std::size_t line = 1, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end - start > limits.max_line)
      throw FileError(name, line, limits.max_line + 1,
                      fmt::format("line of {} bytes, longer than the {} a line may have (refused before parsing)",
                                  end - start, limits.max_line));
    start = end + 1;
    ++line;
  }
  return text;
}

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& file, const YamlLimits& limits) {
  return load_yaml_text(read_bounded(file, limits), file.string());
}

YAML::Node load_yaml_text(std::string_view text, const std::string& name) {
  std::istringstream in{std::string(text)};
  return parse(in, name);
}

}  // namespace ikelab::base
