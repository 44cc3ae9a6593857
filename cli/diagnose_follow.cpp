// `--follow FILE` with the semantics of `tail -F`, and `--follow -`.
#include "cli/diagnose_follow.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ikelab::cli {

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

}  // namespace

bool stop_requested() { return g_stop; }

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int follow_file(const std::string& path, const FollowOptions& options, const Feed& feed,
                const std::function<void()>& tick) {
  install_stop_handlers();
  const bool is_stdin = path == "-";
  int fd = is_stdin ? 0 : -1;
  struct stat opened {};
  off_t offset = 0;
  bool stream = false;  // a pipe or terminal: poll it, its end is the end
  bool announced_wait = false;
  std::string buffer(1 << 20, '\0');
  double last_data = now_seconds();
  auto open_path = [&]() -> bool {
    int f = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (f < 0) {
      if (errno != ENOENT) {
        fmt::print(stderr, "ikelab diagnose: {}: cannot open: {}\n", path, std::strerror(errno));
        return false;
      }
      return true;  // not there (yet)
    }
    fd = f;
    ::fstat(fd, &opened);
    offset = 0;
    stream = !S_ISREG(opened.st_mode);
    if (!stream) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return true;
  };
  if (is_stdin) {
    ::fstat(fd, &opened);
    stream = !S_ISREG(opened.st_mode);
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      fmt::print(stderr, "ikelab diagnose: {}: is a directory; --follow takes one file\n", path);
      return 2;
    }
    if (!open_path()) return 2;
  }
  auto drain = [&]() {  // everything the open file still holds
    for (;;) {
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      offset += n;
    }
  };
  while (!g_stop) {
    const double now = now_seconds();
    if (options.stop_after > 0 && now - last_data >= options.stop_after) break;
    if (fd < 0) {
      if (!announced_wait) {
        fmt::print(stderr, "ikelab diagnose: {} does not exist (yet); waiting for it\n", path);
        announced_wait = true;
      }
      if (!open_path()) return 2;
      if (fd < 0) {
        tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      if (announced_wait) fmt::print(stderr, "ikelab diagnose: {} appeared; following it\n", path);
      announced_wait = false;
    }
    if (stream) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 100);
      if (r < 0 && errno != EINTR) break;
      if (r <= 0) {
        tick();
        continue;
      }
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;  // the writer closed the pipe: the input has ended
      feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      last_data = now_seconds();
      tick();
      continue;
    }
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      offset += n;
      last_data = now_seconds();
      tick();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fmt::print(stderr, "ikelab diagnose: {}: cannot read: {}\n", path, std::strerror(errno));
      return 2;
    }
    tick();
    if (!is_stdin) {
      struct stat now_st {};
      if (::stat(path.c_str(), &now_st) != 0) {
        // Renamed away or removed: wait for the new file; the old one may still grow a little.
      } else if (now_st.st_ino != opened.st_ino || now_st.st_dev != opened.st_dev) {
        drain();  // rotated by rename: finish the old file, then the new one from its start
        ::close(fd);
        fd = -1;
        fmt::print(stderr, "ikelab diagnose: {} has been replaced; following the new file\n", path);
        if (!open_path()) return 2;
        continue;
      } else if (now_st.st_size < offset) {
        fmt::print(stderr, "ikelab diagnose: {}: file truncated; reading it from its start\n", path);
        ::lseek(fd, 0, SEEK_SET);
        offset = 0;
        continue;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (fd > 2) ::close(fd);
  return 0;
}

}  // namespace ikelab::cli
