#pragma once

// Follows a charon log file as it grows (charon writes it with flush_line = yes),
// so the runner reacts to what the daemon logs instead of sleeping.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ikelab::harness {

class LogFollower {
 public:
  explicit LogFollower(std::filesystem::path path) : path_(std::move(path)) {}

  // Reads what was appended since the last call; returns true if anything was.
  bool poll();
  const std::string& text() const { return text_; }
  size_t size() const { return text_.size(); }
  // Whole lines from `from` on (byte offset into text()) that contain every needle.
  bool has_line_since(size_t from, std::initializer_list<std::string_view> needles) const;
  size_t count_lines_since(size_t from, std::initializer_list<std::string_view> needles) const;
  // Those lines themselves (views into text(), valid until the next poll).
  std::vector<std::string_view> lines_since(size_t from, std::initializer_list<std::string_view> needles) const;

 private:
  std::filesystem::path path_;
  std::string text_;
  size_t offset_ = 0;
};

// Polls until `done` is true (checked after every poll of the logs), the
// deadline passes or ikelab is interrupted. Returns done's last value.
bool wait_until(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline);

// Waits until none of `logs` has grown for `quiet` (at most until `limit`):
// the daemon has settled after the decisive event.
void wait_quiet(std::initializer_list<LogFollower*> logs, std::chrono::milliseconds quiet,
                std::chrono::steady_clock::time_point limit);

}  // namespace ikelab::harness
