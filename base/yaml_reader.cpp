#include "base/yaml_reader.hpp"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

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

YAML::Node load_yaml_text(std::string_view text, const std::string& name) {
  std::istringstream in{std::string(text)};
  return parse(in, name);
}

}  // namespace ikelab::base
