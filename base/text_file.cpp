#include "base/text_file.hpp"

#include <fmt/core.h>

#include <fstream>
#include <stdexcept>

namespace ikelab::harness {

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
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
