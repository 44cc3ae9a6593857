#pragma once
// Helpers shared by the diagnoser's unit tests.
#include "ikelab/diagnoser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ikelab::diag::test {

inline const std::filesystem::path kData = IKELAB_TEST_DATA;  // tests/data

inline const Catalogue& catalogue() {
  static std::shared_ptr<const Catalogue> cat = load_catalogue();
  return *cat;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The lines of a text (a final newline ends the last line, it adds none).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

inline bool names(const Diagnosis& d, const std::string& fault) {
  return d.fault == fault || std::find(d.candidates.begin(), d.candidates.end(), fault) != d.candidates.end();
}

inline std::string describe(const std::vector<Diagnosis>& ds) {
  std::string out;
  for (const auto& d : ds) {
    out += d.fault + "(" + d.rule + ")";
    for (const auto& c : d.candidates) out += " ~" + c;
    out += "; ";
  }
  return out;
}

// A temporary folder that is removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("ikldiag-test-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(counter()++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace ikelab::diag::test
