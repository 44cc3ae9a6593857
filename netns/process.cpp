#include "netns/process.hpp"

#include "netns/interrupt.hpp"

#include <boost/process/args.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>
#include <boost/process/start_dir.hpp>
#include <fmt/core.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sched.h>
#include <stdexcept>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace bp = boost::process;

namespace ikelab::netns {
namespace {

// Boost.Process creates its error pipe before marking it close-on-exec; a fork
// in another thread in between would inherit it and make this launch hang.
// All of the lab's forks go through here, one at a time (a fork+exec is ~1 ms).
std::mutex launch_mutex;

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct File {
  FILE* file = nullptr;
  explicit File(FILE* f) : file(f) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (file) std::fclose(file);
  }
};

FILE* open_output(const std::filesystem::path& path) {
  const char* target = path.empty() ? "/dev/null" : path.c_str();
  int fd = ::open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::system_category(), fmt::format("open {}", target));
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    throw std::system_error(errno, std::system_category(), "fdopen");
  }
  return f;
}

// Anonymous temporary file for a command's output.
FILE* open_scratch() {
  char name[] = "/tmp/ikelab-out-XXXXXX";
  int fd = ::mkostemp(name, O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::system_category(), "mkostemp");
  ::unlink(name);
  FILE* f = ::fdopen(fd, "w+");
  if (!f) {
    ::close(fd);
    throw std::system_error(errno, std::system_category(), "fdopen");
  }
  return f;
}

std::string read_all(FILE* f) {
  std::fflush(f);
  std::string text;
  char buffer[8192];
  ::lseek(fileno(f), 0, SEEK_SET);
  for (;;) {
    ssize_t n = ::read(fileno(f), buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

// mount(2) sources and targets that lay ROOT/usr and ROOT/etc over /usr and
// /etc (LaunchOptions::system_root), made before fork.
std::vector<std::pair<std::string, std::string>> system_root_mounts(const std::filesystem::path& root) {
  if (root.empty()) return {};
  return {{(root / "usr").string(), "/usr"}, {(root / "etc").string(), "/etc"}};
}

// In the child after fork (syscalls only): own mount namespace, private
// propagation, then each (source, target) bound read-only. Returns the failed
// step or nullptr.
const char* enter_system_root(const std::vector<std::pair<std::string, std::string>>& mounts, bool unshared) {
  if (mounts.empty()) return nullptr;
  if (!unshared) {
    if (::unshare(CLONE_NEWNS) != 0) return "unshare(CLONE_NEWNS)";
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return "mount --make-rprivate /";
  }
  for (const auto& [source, target] : mounts) {
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) return "mount --bind ROOT/DIR DIR";
    if (::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0)
      return "mount -o remount,bind,ro DIR";
  }
  return nullptr;
}

}  // namespace

std::filesystem::path find_program(const std::string& name) {
  if (!name.empty() && name.front() == '/') return name;
  std::vector<boost::filesystem::path> dirs = ::boost::this_process::path();
  for (const char* extra : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) dirs.emplace_back(extra);
  auto found = bp::search_path(name, dirs);
  if (found.empty()) throw std::runtime_error(fmt::format("program '{}' not found (run scripts/setup.sh)", name));
  return found.string();
}

bp::child launch(const std::vector<std::string>& argv, const LaunchOptions& options) {
  if (argv.empty()) throw std::invalid_argument("launch: empty argv");
  std::filesystem::path exe = find_program(argv.front());
  std::vector<std::string> args(argv.begin() + 1, argv.end());

  Fd netns_fd(-1);
  if (!options.netns.empty()) {
    std::string path = "/run/netns/" + options.netns;
    netns_fd.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (netns_fd.fd < 0) throw std::system_error(errno, std::system_category(), "open " + path);
  }
  File output(open_output(options.output));

  bp::environment env = ::boost::this_process::environment();
  for (const auto& [key, value] : options.env) env[key] = value;

  // Everything the child touches is prepared here: after fork only syscalls.
  const int ns_fd = netns_fd.fd;
  const std::string run_dir = options.private_run.string();
  const char* run_dir_c = run_dir.empty() ? nullptr : run_dir.c_str();
  // mount(2) arguments for the overlays, made before fork.
  std::vector<std::pair<std::string, std::string>> overlays;  // (target, options)
  for (const auto& [lower, target] : options.read_only_overlays)
    overlays.emplace_back(target.string(), "lowerdir=" + lower.string() + ":" + target.string());
  const auto root_mounts = system_root_mounts(options.system_root);
  const bool die_with_parent = options.die_with_parent;
  const bool own_group = options.own_process_group;
  const pid_t parent = ::getpid();

  auto setup = [=](auto& exec) {
    if (own_group) ::setpgid(0, 0);
    if (die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);  // the orchestrator died before prctl took effect
    }
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "setns");
      return;
    }
    if (run_dir_c) {
      if (::unshare(CLONE_NEWNS) != 0) {
        exec.set_error(std::error_code(errno, std::system_category()), "unshare(CLONE_NEWNS)");
        return;
      }
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        exec.set_error(std::error_code(errno, std::system_category()), "mount --make-rprivate /");
        return;
      }
      if (::mount(run_dir_c, "/run", nullptr, MS_BIND, nullptr) != 0) {
        exec.set_error(std::error_code(errno, std::system_category()), "mount --bind RUNDIR /run");
        return;
      }
      for (const auto& [target, mount_options] : overlays) {
        if (::mount("overlay", target.c_str(), "overlay", MS_RDONLY, mount_options.c_str()) != 0) {
          exec.set_error(std::error_code(errno, std::system_category()), "mount -t overlay");
          return;
        }
      }
    }
    if (const char* failed = enter_system_root(root_mounts, run_dir_c != nullptr)) {
      exec.set_error(std::error_code(errno, std::system_category()), failed);
      return;
    }
  };

  std::error_code ec;
  bp::child child;
  {
    std::lock_guard lock(launch_mutex);
    if (options.working_dir.empty()) {
      child = bp::child(bp::exe = exe.string(), bp::args = args, env, (bp::std_out & bp::std_err) > output.file,
                        bp::std_in < bp::null, bp::extend::on_exec_setup = setup, ec);
    } else {
      child = bp::child(bp::exe = exe.string(), bp::args = args, env, (bp::std_out & bp::std_err) > output.file,
                        bp::std_in < bp::null, bp::start_dir = options.working_dir.string(),
                        bp::extend::on_exec_setup = setup, ec);
    }
  }
  if (ec) throw std::system_error(ec, fmt::format("starting {}", describe_command(argv)));
  return child;
}

bool wait_for_exit(bp::child& child, std::chrono::steady_clock::time_point deadline, bool stop_on_interrupt) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    std::error_code ec;
    if (!child.running(ec)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (stop_on_interrupt && interrupted()) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(10));
  }
}

CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options) {
  File scratch(open_scratch());
  File input(open_scratch());
  if (!options.input.empty()) {
    std::fwrite(options.input.data(), 1, options.input.size(), input.file);
    std::fflush(input.file);
    ::lseek(fileno(input.file), 0, SEEK_SET);
  }
  std::filesystem::path exe = find_program(argv.front());
  std::vector<std::string> args(argv.begin() + 1, argv.end());

  Fd netns_fd(-1);
  if (!options.netns.empty()) {
    std::string path = "/run/netns/" + options.netns;
    netns_fd.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (netns_fd.fd < 0) {
      CommandResult failed;
      failed.exit_code = 127;
      failed.wait_status = 127 << 8;  // as a shell reports a command it could not start
      failed.output = fmt::format("cannot open {}: {}", path, std::strerror(errno));
      return failed;
    }
  }
  const int ns_fd = netns_fd.fd;
  const pid_t parent = ::getpid();
  const auto root_mounts = system_root_mounts(options.system_root);
  bp::environment env = ::boost::this_process::environment();
  for (const auto& [key, value] : options.env) env[key] = value;
  auto setup = [=](auto& exec) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "setns");
      return;
    }
    if (const char* failed = enter_system_root(root_mounts, false))
      exec.set_error(std::error_code(errno, std::system_category()), failed);
  };

  std::optional<File> stdout_file;
  if (!options.stdout_file.empty()) {
    const int fd = ::open(options.stdout_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      CommandResult failed;
      failed.exit_code = 127;
      failed.wait_status = 127 << 8;
      failed.output = fmt::format("cannot create {}: {}", options.stdout_file.string(), std::strerror(errno));
      return failed;
    }
    FILE* f = ::fdopen(fd, "w");
    if (!f) {
      ::close(fd);
      throw std::system_error(errno, std::system_category(), "fdopen");
    }
    stdout_file.emplace(f);
  }
  std::error_code ec;
  bp::child child;
  {
    std::lock_guard lock(launch_mutex);
    if (stdout_file) {
      child = bp::child(bp::exe = exe.string(), bp::args = args, env, bp::std_out > stdout_file->file,
                        bp::std_err > scratch.file, bp::std_in < input.file, bp::extend::on_exec_setup = setup, ec);
    } else {
      child = bp::child(bp::exe = exe.string(), bp::args = args, env, (bp::std_out & bp::std_err) > scratch.file,
                        bp::std_in < input.file, bp::extend::on_exec_setup = setup, ec);
    }
  }
  CommandResult result;
  if (ec) {
    result.exit_code = 127;
    result.wait_status = 127 << 8;
    result.output = fmt::format("cannot start {}: {}", describe_command(argv), ec.message());
    return result;
  }
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  if (!wait_for_exit(child, deadline, options.stop_on_interrupt)) {
    result.timed_out = !(options.stop_on_interrupt && interrupted());
    result.interrupted = !result.timed_out;
    child.terminate(ec);
    child.wait(ec);
  }
  result.exit_code = child.exit_code();
  result.wait_status = child.native_exit_code();
  result.output = read_all(scratch.file);
  return result;
}

std::string describe_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = ::sigabbrev_np(sig);
    return name ? fmt::format("killed by signal {} (SIG{})", sig, name) : fmt::format("killed by signal {}", sig);
  }
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  return fmt::format("ended (wait status {})", status);
}

std::string describe_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) text += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`") == std::string::npos;
    text += plain ? arg : "'" + arg + "'";
  }
  return text;
}

}  // namespace ikelab::netns
