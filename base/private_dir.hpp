#pragma once

// Directories that nobody but this user can have prepared. The lab runs as
// root; a path anybody could create first (a folder in /tmp, a symlink) would
// let them choose where root writes keys and configs. A PrivateDir is an
// open directory fd, verified after opening: a directory (never a symlink),
// owned by this user, no permission for group or others, reached from `/`
// through directories nobody else can change. Everything inside is opened
// relative to that fd with O_NOFOLLOW, new files with O_EXCL.

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ikelab::base {

// A directory that is not private (or cannot be made so); the message names it and why.
class PrivateDirError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An owned file descriptor (closed on destruction).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

class PrivateDir {
 public:
  // Opens `path`, creating it (mode 0700) and any missing parents (0755) if
  // needed. Throws PrivateDirError when it, or a directory on the way, is a
  // symlink, someone else's, or writable by others (a sticky /tmp is fine as
  // long as the next directory is this user's).
  static PrivateDir open_or_create(const std::filesystem::path& path);

  // A new child directory (0700); throws if the name exists already.
  PrivateDir make_child(const std::string& name) const;
  // An existing child directory, verified like the root; nothing if missing or not private.
  std::optional<PrivateDir> open_child(const std::string& name) const;

  // Creates a new file (O_EXCL|O_NOFOLLOW, `mode`) holding `text`; throws if it exists.
  void write_new_file(const std::string& name, const std::string& text, mode_t mode = 0600) const;
  // Replaces `name` atomically: a new temporary file with a random name, then renameat.
  void replace_file(const std::string& name, const std::string& text, mode_t mode = 0600) const;
  // A regular file's text (O_NOFOLLOW, at most `limit` bytes); nothing if missing or not a regular file.
  std::optional<std::string> read_file(const std::string& name, size_t limit = 1 << 20) const;
  bool has_file(const std::string& name) const;
  // Removes a child and everything below it without following any symlink.
  // Returns false (errno-like message in `problem`) when something stayed.
  bool remove_child(const std::string& name, std::string& problem) const;

  const std::filesystem::path& path() const { return path_; }
  int fd() const { return fd_.get(); }

 private:
  friend class SharedDir;
  PrivateDir(Fd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Fd fd_;
  std::filesystem::path path_;
};

// A directory others may write to, but where nobody can rename or remove
// this user's entries (root's or ours, sticky if writable by others: /tmp).
// Only its private children are opened or removed; anything else in it (a
// symlink, someone else's folder, a folder with a wider mode) is left alone.
class SharedDir {
 public:
  // Throws PrivateDirError when `path`, or a directory on the way, is not such a directory.
  static SharedDir open(const std::filesystem::path& path);

  // The names of its entries that start with `prefix`.
  std::vector<std::string> names(const std::string& prefix) const;
  // A child that is a private directory of this user; nothing otherwise.
  std::optional<PrivateDir> open_private_child(const std::string& name) const;
  // Removes a child that is a private directory of this user, and everything
  // below it (as PrivateDir::remove_child). False, with the reason in
  // `problem`, when it is not one or something stayed.
  bool remove_private_child(const std::string& name, std::string& problem) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  SharedDir(Fd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  Fd fd_;
  std::filesystem::path path_;
};

// Whether `fd` is a directory owned by this user with no group/other permission.
bool is_private_dir(int fd);

}  // namespace ikelab::base
