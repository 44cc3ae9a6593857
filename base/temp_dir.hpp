#pragma once

// A private folder under the system's temp directory that is removed with
// everything in it when the object dies (for statics: at the test's exit).
// ctest runs every test in its own process, so a folder left behind per
// process would pile up by the thousand.

#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace ikelab::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" +
                                                        std::to_string(counter_++))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

}  // namespace ikelab::testing
