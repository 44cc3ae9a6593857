#include "base/private_dir.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace ikelab::base {
namespace {

constexpr int dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::string errno_text() { return std::strerror(errno); }

std::string mode_text(mode_t mode) { return fmt::format("{:04o}", mode & 07777); }

// A directory on the way to a private one: root's or ours, and nobody else
// can rename or replace what is in it (writable by others only with the sticky bit).
void check_ancestor(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw PrivateDirError(fmt::format("{}: {}", path.string(), errno_text()));
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    throw PrivateDirError(fmt::format("{}: owned by uid {}, not by root: refusing to keep lab files below it",
                                      path.string(), st.st_uid));
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
    throw PrivateDirError(fmt::format("{}: writable by others (mode {}): refusing to keep lab files below it",
                                      path.string(), mode_text(st.st_mode)));
}

void check_private(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw PrivateDirError(fmt::format("{}: {}", path.string(), errno_text()));
  if (!S_ISDIR(st.st_mode)) throw PrivateDirError(fmt::format("{}: not a directory", path.string()));
  if (st.st_uid != ::geteuid())
    throw PrivateDirError(fmt::format("{}: owned by uid {}, not by uid {} (someone else made it): refusing to use it",
                                      path.string(), st.st_uid, ::geteuid()));
  if (st.st_mode & 077)
    throw PrivateDirError(fmt::format("{}: mode {}, not 0700: refusing to use it", path.string(), mode_text(st.st_mode)));
}

// Opens `name` below `parent` as a directory, creating it with `mode` when
// missing. A symlink, a file or anything else but a directory is refused.
Fd open_dir_at(int parent, const std::string& name, mode_t mode, const fs::path& shown) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::openat(parent, name.c_str(), dir_flags);
    if (fd >= 0) return Fd(fd);
    if (errno == ELOOP || errno == ENOTDIR)
      throw PrivateDirError(fmt::format("{}: a symlink or not a directory: refusing to use it", shown.string()));
    if (errno != ENOENT) throw PrivateDirError(fmt::format("{}: {}", shown.string(), errno_text()));
    if (::mkdirat(parent, name.c_str(), mode) != 0 && errno != EEXIST)
      throw PrivateDirError(fmt::format("cannot create {}: {}", shown.string(), errno_text()));
  }
  throw PrivateDirError(fmt::format("{}: appeared and vanished while being created", shown.string()));
}

std::string random_suffix() {
  unsigned char bytes[8];
  if (::getrandom(bytes, sizeof bytes, 0) != sizeof bytes)
    throw PrivateDirError(fmt::format("getrandom: {}", errno_text()));
  std::string text;
  for (unsigned char b : bytes) text += fmt::format("{:02x}", b);
  return text;
}

void write_all(int fd, const std::string& text, const std::string& shown) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw PrivateDirError(fmt::format("cannot write {}: {}", shown, errno_text()));
    done += static_cast<size_t>(n);
  }
}

bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

void require_plain_name(const std::string& name) {
  if (!is_plain_name(name)) throw PrivateDirError(fmt::format("'{}' is not a plain file name", name));
}

// Removes everything below the open directory `fd` (on device `dev`) without
// following symlinks or crossing into another file system.
bool empty_tree(int fd, dev_t dev, const fs::path& shown, std::string& problem) {
  int copy = ::dup(fd);
  if (copy < 0) return false;
  DIR* dir = ::fdopendir(copy);
  if (!dir) {
    ::close(copy);
    return false;
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  bool ok = true;
  for (const auto& name : names) {
    struct stat st {};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != dev) {
        problem += fmt::format("{}: another file system is mounted there; left alone\n", (shown / name).string());
        ok = false;
        continue;
      }
      int child = ::openat(fd, name.c_str(), dir_flags);
      if (child < 0) {
        ok = false;
        continue;
      }
      Fd owned(child);
      ok = empty_tree(child, dev, shown / name, problem) && ok;
      if (::unlinkat(fd, name.c_str(), AT_REMOVEDIR) != 0) {
        problem += fmt::format("{}: {}\n", (shown / name).string(), errno_text());
        ok = false;
      }
    } else if (::unlinkat(fd, name.c_str(), 0) != 0) {
      problem += fmt::format("{}: {}\n", (shown / name).string(), errno_text());
      ok = false;
    }
  }
  return ok;
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

bool is_private_dir(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

PrivateDir PrivateDir::open_or_create(const fs::path& path) {
  if (!path.is_absolute()) throw PrivateDirError(fmt::format("{}: not an absolute path", path.string()));
  Fd current(::open("/", dir_flags));
  if (!current.valid()) throw PrivateDirError(fmt::format("/: {}", errno_text()));
  std::vector<std::string> parts;
  for (const auto& part : path.relative_path())
    if (!part.empty() && part != ".") parts.push_back(part.string());
  if (parts.empty()) throw PrivateDirError("/ cannot be the lab's private directory");
  fs::path shown = "/";
  check_ancestor(current.get(), shown);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") throw PrivateDirError(fmt::format("{}: '..' in the path", path.string()));
    const bool last = i + 1 == parts.size();
    shown /= parts[i];
    Fd next = open_dir_at(current.get(), parts[i], last ? 0700 : 0755, shown);
    if (last) check_private(next.get(), shown);
    else check_ancestor(next.get(), shown);
    current = std::move(next);
  }
  return PrivateDir(std::move(current), path);
}

PrivateDir PrivateDir::make_child(const std::string& name) const {
  require_plain_name(name);
  const fs::path shown = path_ / name;
  if (::mkdirat(fd(), name.c_str(), 0700) != 0)
    throw PrivateDirError(fmt::format("cannot create {}: {}", shown.string(), errno_text()));
  int child = ::openat(fd(), name.c_str(), dir_flags);
  if (child < 0) throw PrivateDirError(fmt::format("{}: {}", shown.string(), errno_text()));
  Fd owned(child);
  check_private(child, shown);
  return PrivateDir(std::move(owned), shown);
}

std::optional<PrivateDir> PrivateDir::open_child(const std::string& name) const {
  if (!is_plain_name(name)) return std::nullopt;
  int child = ::openat(fd(), name.c_str(), dir_flags);
  if (child < 0) return std::nullopt;
  Fd owned(child);
  if (!is_private_dir(child)) return std::nullopt;
  return PrivateDir(std::move(owned), path_ / name);
}

void PrivateDir::write_new_file(const std::string& name, const std::string& text, mode_t mode) const {
  require_plain_name(name);
  const std::string shown = (path_ / name).string();
  int file = ::openat(fd(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (file < 0) throw PrivateDirError(fmt::format("cannot create {}: {}", shown, errno_text()));
  Fd owned(file);
  write_all(file, text, shown);
}

void PrivateDir::replace_file(const std::string& name, const std::string& text, mode_t mode) const {
  require_plain_name(name);
  const std::string temporary = fmt::format(".{}.{}", name, random_suffix());
  write_new_file(temporary, text, mode);
  if (::renameat(fd(), temporary.c_str(), fd(), name.c_str()) != 0) {
    int saved = errno;
    ::unlinkat(fd(), temporary.c_str(), 0);
    throw PrivateDirError(fmt::format("cannot replace {}: {}", (path_ / name).string(), std::strerror(saved)));
  }
}

std::optional<std::string> PrivateDir::read_file(const std::string& name, size_t limit) const {
  if (!is_plain_name(name)) return std::nullopt;
  int file = ::openat(fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (file < 0) return std::nullopt;
  Fd owned(file);
  struct stat st {};
  if (::fstat(file, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string text;
  char buffer[4096];
  while (text.size() < limit) {
    ssize_t n = ::read(file, buffer, std::min(sizeof buffer, limit - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

bool PrivateDir::has_file(const std::string& name) const {
  struct stat st {};
  return is_plain_name(name) && ::fstatat(fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

namespace {

// Removes the directory `name` below `parent` (on the same file system) and
// everything in it, never following a link.
bool remove_dir_at(int parent, const fs::path& shown, const std::string& name, std::string& problem) {
  struct stat st {};
  if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT;
  struct stat self {};
  ::fstat(parent, &self);
  int child = ::openat(parent, name.c_str(), dir_flags);
  if (child < 0) {
    problem += fmt::format("{}: {}\n", shown.string(), errno_text());
    return false;
  }
  Fd owned(child);
  if (st.st_dev != self.st_dev) {
    problem += fmt::format("{}: another file system is mounted there; left alone\n", shown.string());
    return false;
  }
  bool ok = empty_tree(child, st.st_dev, shown, problem);
  if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0) {
    problem += fmt::format("{}: {}\n", shown.string(), errno_text());
    ok = false;
  }
  return ok;
}

}  // namespace

bool PrivateDir::remove_child(const std::string& name, std::string& problem) const {
  if (!is_plain_name(name)) {
    problem += fmt::format("'{}' is not a plain file name\n", name);
    return false;
  }
  const fs::path shown = path_ / name;
  struct stat st {};
  if (::fstatat(fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(fd(), name.c_str(), 0) == 0) return true;
    problem += fmt::format("{}: {}\n", shown.string(), errno_text());
    return false;
  }
  return remove_dir_at(fd(), shown, name, problem);
}

SharedDir SharedDir::open(const fs::path& path) {
  if (!path.is_absolute()) throw PrivateDirError(fmt::format("{}: not an absolute path", path.string()));
  Fd current(::open("/", dir_flags));
  if (!current.valid()) throw PrivateDirError(fmt::format("/: {}", errno_text()));
  fs::path shown = "/";
  check_ancestor(current.get(), shown);
  for (const auto& part : path.relative_path()) {
    const std::string name = part.string();
    if (name.empty() || name == ".") continue;
    if (name == "..") throw PrivateDirError(fmt::format("{}: '..' in the path", path.string()));
    shown /= name;
    int next = ::openat(current.get(), name.c_str(), dir_flags);
    if (next < 0) throw PrivateDirError(fmt::format("{}: {}", shown.string(), errno_text()));
    current = Fd(next);
    check_ancestor(current.get(), shown);
  }
  return SharedDir(std::move(current), path);
}

std::vector<std::string> SharedDir::names(const std::string& prefix) const {
  std::vector<std::string> found;
  int copy = ::dup(fd_.get());
  if (copy < 0) return found;
  DIR* dir = ::fdopendir(copy);
  if (!dir) {
    ::close(copy);
    return found;
  }
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.starts_with(prefix) && is_plain_name(name)) found.push_back(name);
  }
  ::closedir(dir);
  return found;
}

std::optional<PrivateDir> SharedDir::open_private_child(const std::string& name) const {
  if (!is_plain_name(name)) return std::nullopt;
  int child = ::openat(fd_.get(), name.c_str(), dir_flags);
  if (child < 0) return std::nullopt;
  Fd owned(child);
  if (!is_private_dir(child)) return std::nullopt;
  return PrivateDir(std::move(owned), path_ / name);
}

bool SharedDir::remove_private_child(const std::string& name, std::string& problem) const {
  const fs::path shown = path_ / name;
  // In a sticky directory nobody else can rename or replace an entry of ours,
  // so the one verified here is the one removed.
  if (!open_private_child(name)) {
    problem += fmt::format("{}: not a private directory of uid {}; left alone\n", shown.string(), ::geteuid());
    return false;
  }
  return remove_dir_at(fd_.get(), shown, name, problem);
}

}  // namespace ikelab::base
