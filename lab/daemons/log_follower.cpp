#include "lab/daemons/log_follower.hpp"

#include "netns/interrupt.hpp"

#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace ikelab::harness {

bool LogFollower::poll() {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool grew = false;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(offset_));
    if (n <= 0) break;
    text_.append(buffer, static_cast<size_t>(n));
    offset_ += static_cast<size_t>(n);
    grew = true;
  }
  ::close(fd);
  return grew;
}

static bool line_matches(std::string_view line, std::initializer_list<std::string_view> needles) {
  for (auto needle : needles)
    if (line.find(needle) == std::string_view::npos) return false;
  return true;
}

std::vector<std::string_view> LogFollower::lines_since(size_t from, std::initializer_list<std::string_view> needles) const {
  std::vector<std::string_view> lines;
  std::string_view all(text_);
  size_t pos = std::min(from, all.size());
  while (pos < all.size()) {
    size_t end = all.find('\n', pos);
    if (end == std::string_view::npos) break;  // a partial line is judged once complete
    if (line_matches(all.substr(pos, end - pos), needles)) lines.push_back(all.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

size_t LogFollower::count_lines_since(size_t from, std::initializer_list<std::string_view> needles) const {
  return lines_since(from, needles).size();
}

bool LogFollower::has_line_since(size_t from, std::initializer_list<std::string_view> needles) const {
  return count_lines_since(from, needles) > 0;
}

bool wait_until(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline || netns::interrupted()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void wait_quiet(std::initializer_list<LogFollower*> logs, std::chrono::milliseconds quiet,
                std::chrono::steady_clock::time_point limit) {
  auto last_growth = std::chrono::steady_clock::now();
  for (;;) {
    bool grew = false;
    for (auto* log : logs) grew = log->poll() || grew;
    auto now = std::chrono::steady_clock::now();
    if (grew) last_growth = now;
    if (now - last_growth >= quiet || now >= limit || netns::interrupted()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace ikelab::harness
