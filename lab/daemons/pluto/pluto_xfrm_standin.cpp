// A userspace stand-in for the kernel's ESP SA install, preloaded (LD_PRELOAD)
// into lab pluto daemons only.
//
// Why: the lab kernels have XFRM netlink but no ESP module. charon copes with
// its kernel-libipsec plugin; pluto has no such plugin, so it negotiates both
// phases and then fails on XFRM_MSG_NEWSA ("netlink response for Add SA ...:
// Protocol not supported (errno 93)" or "Function not implemented (errno
// 38)"). That refusal is a real kernel_sa_install_failed, but it hides every
// successful phase 2.
//
// What: on pluto's XFRM netlink sockets, exactly these kernel answers are
// turned into acknowledgements: NEWSA/UPDSA of an ESP SA refused with
// EPROTONOSUPPORT or ENOSYS; for an SA this stand-in acknowledged, a GETSA
// ("no such process") is answered with the SA as pluto sent it (zero traffic)
// and a DELSA ("no such process") is acknowledged. Everything else passes unchanged; pluto itself,
// its packets and its log are untouched. No traffic can flow through these SAs.
// Set IKELAB_XFRM_STANDIN_LOG=path to record every rewrite (one line each).

#include <dlfcn.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <map>
#include <set>
#include <string>

namespace {

std::mutex guard;
std::set<int>& xfrm_sockets() {
  static std::set<int> fds;
  return fds;
}
std::map<std::string, xfrm_usersa_info>& acknowledged_sas() {
  static std::map<std::string, xfrm_usersa_info> sas;
  return sas;
}

template <typename Function>
Function next_symbol(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

bool is_xfrm_socket(int fd) {
  std::lock_guard lock(guard);
  return xfrm_sockets().contains(fd);
}

std::string sa_key(const xfrm_address_t& daddr, __be32 spi, __u8 proto) {
  std::string key(reinterpret_cast<const char*>(&daddr), sizeof daddr);
  key.append(reinterpret_cast<const char*>(&spi), sizeof spi);
  key.push_back(static_cast<char>(proto));
  return key;
}

void note(const char* what, __be32 spi, int error) {
  const char* path = std::getenv("IKELAB_XFRM_STANDIN_LOG");
  if (path == nullptr) return;
  if (FILE* f = std::fopen(path, "a")) {
    std::fprintf(f, "%s spi=%08x kernel_error=%d\n", what, ntohl(spi), error);
    std::fclose(f);
  }
}

// Rewrites the one NLMSG_ERROR answer in a buffer of `capacity` bytes when it
// is one of the refusals the stand-in covers; returns the new length.
ssize_t rewrite_error(nlmsghdr& message, ssize_t length, std::size_t capacity) {
  auto& answer = *static_cast<nlmsgerr*>(NLMSG_DATA(&message));
  const nlmsghdr request = answer.msg;
  const std::size_t header = NLMSG_LENGTH(sizeof(nlmsgerr));
  const std::size_t available = std::min<std::size_t>(message.nlmsg_len, static_cast<std::size_t>(length));
  if (answer.error == 0 || available < header) return length;
  const auto* payload = reinterpret_cast<const unsigned char*>(&answer.msg) + NLMSG_HDRLEN;
  std::lock_guard lock(guard);
  if (request.nlmsg_type == XFRM_MSG_NEWSA || request.nlmsg_type == XFRM_MSG_UPDSA) {
    if (available < header + sizeof(xfrm_usersa_info)) return length;
    xfrm_usersa_info sa;
    std::memcpy(&sa, payload, sizeof sa);
    if (sa.id.proto != IPPROTO_ESP) return length;
    if (answer.error != -EPROTONOSUPPORT && answer.error != -ENOSYS) return length;
    note("acknowledged NEWSA/UPDSA", sa.id.spi, answer.error);
    acknowledged_sas()[sa_key(sa.id.daddr, sa.id.spi, sa.id.proto)] = sa;
    answer.error = 0;
    return length;
  }
  if (request.nlmsg_type != XFRM_MSG_DELSA && request.nlmsg_type != XFRM_MSG_GETSA) return length;
  if (answer.error != -ESRCH || available < header + sizeof(xfrm_usersa_id)) return length;
  xfrm_usersa_id id;
  std::memcpy(&id, payload, sizeof id);
  const auto found = acknowledged_sas().find(sa_key(id.daddr, id.spi, id.proto));
  if (found == acknowledged_sas().end()) return length;
  if (request.nlmsg_type == XFRM_MSG_DELSA) {
    note("acknowledged DELSA", id.spi, answer.error);
    acknowledged_sas().erase(found);
    answer.error = 0;
    return length;
  }
  // GETSA: the kernel's answer would be the SA itself.
  const std::size_t reply_length = NLMSG_LENGTH(sizeof(xfrm_usersa_info));
  if (capacity < reply_length) return length;
  note("answered GETSA", id.spi, answer.error);
  xfrm_usersa_info sa = found->second;
  sa.curlft = {};
  sa.stats = {};
  message.nlmsg_type = XFRM_MSG_NEWSA;
  message.nlmsg_len = static_cast<__u32>(reply_length);
  message.nlmsg_flags = 0;
  message.nlmsg_seq = request.nlmsg_seq;
  message.nlmsg_pid = request.nlmsg_pid;
  std::memcpy(NLMSG_DATA(&message), &sa, sizeof sa);
  return static_cast<ssize_t>(reply_length);
}

// The kernel answers a request with exactly one message; only such buffers are
// considered.
ssize_t rewrite_answers(int fd, void* buffer, ssize_t length, std::size_t capacity) {
  if (length < static_cast<ssize_t>(NLMSG_HDRLEN) || !is_xfrm_socket(fd)) return length;
  auto& message = *static_cast<nlmsghdr*>(buffer);
  if (message.nlmsg_type != NLMSG_ERROR || message.nlmsg_len > static_cast<std::size_t>(length)) {
    return length;
  }
  return rewrite_error(message, length, capacity);
}

}  // namespace

extern "C" {

int socket(int domain, int type, int protocol) {
  static const auto real = next_symbol<int (*)(int, int, int)>("socket");
  const int fd = real(domain, type, protocol);
  if (fd >= 0) {
    std::lock_guard lock(guard);
    if (domain == AF_NETLINK && protocol == NETLINK_XFRM) {
      xfrm_sockets().insert(fd);
    } else {
      xfrm_sockets().erase(fd);  // a reused number
    }
  }
  return fd;
}

int close(int fd) {
  static const auto real = next_symbol<int (*)(int)>("close");
  {
    std::lock_guard lock(guard);
    xfrm_sockets().erase(fd);
  }
  return real(fd);
}

ssize_t recvfrom(int fd, void* buffer, size_t size, int flags, sockaddr* from, socklen_t* from_size) {
  static const auto real =
      next_symbol<ssize_t (*)(int, void*, size_t, int, sockaddr*, socklen_t*)>("recvfrom");
  const ssize_t n = real(fd, buffer, size, flags, from, from_size);
  return (flags & MSG_PEEK) == 0 ? rewrite_answers(fd, buffer, n, size) : n;
}

ssize_t recv(int fd, void* buffer, size_t size, int flags) {
  static const auto real = next_symbol<ssize_t (*)(int, void*, size_t, int)>("recv");
  const ssize_t n = real(fd, buffer, size, flags);
  return (flags & MSG_PEEK) == 0 ? rewrite_answers(fd, buffer, n, size) : n;
}

ssize_t read(int fd, void* buffer, size_t size) {
  static const auto real = next_symbol<ssize_t (*)(int, void*, size_t)>("read");
  const ssize_t n = real(fd, buffer, size);
  return rewrite_answers(fd, buffer, n, size);
}

ssize_t recvmsg(int fd, msghdr* message, int flags) {
  static const auto real = next_symbol<ssize_t (*)(int, msghdr*, int)>("recvmsg");
  const ssize_t n = real(fd, message, flags);
  // Netlink answers arrive in one buffer; pluto passes a single iovec.
  if ((flags & MSG_PEEK) == 0 && message != nullptr && message->msg_iovlen == 1 &&
      n <= static_cast<ssize_t>(message->msg_iov[0].iov_len)) {
    return rewrite_answers(fd, message->msg_iov[0].iov_base, n, message->msg_iov[0].iov_len);
  }
  return n;
}

}  // extern "C"
