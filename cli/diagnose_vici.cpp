#include "cli/diagnose_vici.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <map>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace ikelab::cli {

namespace {

// vici packet and element types (strongSwan's src/libcharon/plugins/vici/vici_socket.h, vici_message.h).
enum : std::uint8_t { kEventRegister = 3, kEventConfirm = 5, kEventUnknown = 6, kEvent = 7 };
enum : std::uint8_t { kSectionStart = 1, kSectionEnd = 2, kKeyValue = 3, kListStart = 4, kListItem = 5, kListEnd = 6 };

bool write_all(int fd, const std::string& bytes) {
  for (size_t at = 0; at < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + at, bytes.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}

// The top-level key/values of an event message (sections and lists skipped).
std::map<std::string, std::string> key_values(std::string_view body) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  int depth = 0;
  auto u8 = [&](size_t& p) -> int { return p < body.size() ? static_cast<unsigned char>(body[p++]) : -1; };
  auto u16 = [&](size_t& p) -> int {
    if (p + 2 > body.size()) return -1;
    int v = (static_cast<unsigned char>(body[p]) << 8) | static_cast<unsigned char>(body[p + 1]);
    p += 2;
    return v;
  };
  while (at < body.size()) {
    int type = u8(at);
    if (type == kSectionStart || type == kListStart) {
      int len = u8(at);
      if (len < 0 || at + static_cast<size_t>(len) > body.size()) break;
      at += static_cast<size_t>(len);
      ++depth;
    } else if (type == kSectionEnd || type == kListEnd) {
      --depth;
    } else if (type == kKeyValue) {
      int klen = u8(at);
      if (klen < 0 || at + static_cast<size_t>(klen) > body.size()) break;
      std::string key(body.substr(at, static_cast<size_t>(klen)));
      at += static_cast<size_t>(klen);
      int vlen = u16(at);
      if (vlen < 0 || at + static_cast<size_t>(vlen) > body.size()) break;
      if (depth == 0) out[key] = std::string(body.substr(at, static_cast<size_t>(vlen)));
      at += static_cast<size_t>(vlen);
    } else if (type == kListItem) {
      int vlen = u16(at);
      if (vlen < 0 || at + static_cast<size_t>(vlen) > body.size()) break;
      at += static_cast<size_t>(vlen);
    } else {
      break;  // unknown element: the rest cannot be read
    }
  }
  return out;
}

// A log event as charon's file logger writes it (default time_format "%b %e %T").
std::string log_line(const std::map<std::string, std::string>& kv) {
  auto get = [&](const char* k) {
    auto it = kv.find(k);
    return it == kv.end() ? std::string() : it->second;
  };
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%b %e %T", &tm);
  std::string thread = get("thread");
  if (thread.size() == 1) thread = "0" + thread;
  std::string sa;
  if (!get("ikesa-name").empty() || !get("ikesa-uniqueid").empty())
    sa = fmt::format("<{}{}{}> ", get("ikesa-name"), get("ikesa-name").empty() ? "" : "|", get("ikesa-uniqueid"));
  std::string out;
  std::string msg = get("msg");
  size_t at = 0;
  do {  // a multi-line message is logged line by line, as the file logger does
    size_t nl = msg.find('\n', at);
    std::string piece = msg.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    out += fmt::format("{} {}[{}] {}{}\n", when, thread, get("group"), sa, piece);
    at = nl == std::string::npos ? msg.size() : nl + 1;
  } while (at < msg.size());
  return out;
}

}  // namespace

int follow_vici(const std::string& uri, const FollowOptions& options, const Feed& feed,
                const std::function<void()>& tick) {
  install_stop_handlers();
  const std::string prefix = "unix://";
  std::string path = uri.rfind(prefix, 0) == 0 ? uri.substr(prefix.size()) : uri;
  if (uri.find("://") != std::string::npos && uri.rfind(prefix, 0) != 0) {
    fmt::print(stderr, "ikelab diagnose: --vici {}: only unix:// sockets are supported\n", uri);
    return 2;
  }
  sockaddr_un addr{};
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    fmt::print(stderr, "ikelab diagnose: --vici {}: not a socket path\n", uri);
    return 2;
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    fmt::print(stderr, "ikelab diagnose: --vici {}: cannot connect: {} (is charon running with its vici plugin?)\n",
               uri, std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return 2;
  }
  std::string reg;
  reg += static_cast<char>(kEventRegister);
  reg += static_cast<char>(3);
  reg += "log";
  std::string packet = {static_cast<char>(0), static_cast<char>(0), static_cast<char>(0),
                        static_cast<char>(reg.size())};
  packet += reg;
  if (!write_all(fd, packet)) {
    fmt::print(stderr, "ikelab diagnose: --vici {}: cannot register for log events: {}\n", uri, std::strerror(errno));
    ::close(fd);
    return 2;
  }
  std::string in;
  char buffer[65536];
  double last_data = now_seconds();
  bool confirmed = false;
  int rc = 0;
  while (!stop_requested()) {
    if (options.stop_after > 0 && now_seconds() - last_data >= options.stop_after) break;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, 100);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) {
      tick();
      continue;
    }
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fmt::print(stderr, "ikelab diagnose: --vici {}: charon closed the connection\n", uri);
      break;
    }
    in.append(buffer, static_cast<size_t>(n));
    // Whole packets: a 32-bit big-endian length, then the packet.
    while (in.size() >= 4) {
      const auto* b = reinterpret_cast<const unsigned char*>(in.data());
      const std::uint32_t len = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
      if (len > (1u << 24)) {
        fmt::print(stderr, "ikelab diagnose: --vici {}: not a vici peer (packet of {} bytes)\n", uri, len);
        ::close(fd);
        return 2;
      }
      if (in.size() < 4 + len) break;
      std::string_view pkt(in.data() + 4, len);
      const std::uint8_t type = pkt.empty() ? 0 : static_cast<std::uint8_t>(pkt[0]);
      if (type == kEventConfirm) {
        confirmed = true;
        fmt::print(stderr, "ikelab diagnose: attached to charon at {}; diagnosing its log as it comes\n", uri);
        std::fflush(stderr);
      } else if (type == kEventUnknown) {
        fmt::print(stderr, "ikelab diagnose: --vici {}: charon has no log events\n", uri);
        rc = 2;
      } else if (type == kEvent && pkt.size() >= 2) {
        const size_t name_len = static_cast<unsigned char>(pkt[1]);
        if (2 + name_len <= pkt.size() && pkt.substr(2, name_len) == "log") {
          feed(log_line(key_values(pkt.substr(2 + name_len))));
          last_data = now_seconds();
        }
      }
      in.erase(0, 4 + len);
    }
    if (rc) break;
    tick();
  }
  (void)confirmed;
  ::close(fd);
  return rc;
}

}  // namespace ikelab::cli
