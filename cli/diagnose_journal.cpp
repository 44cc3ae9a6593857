#include "cli/diagnose_journal.hpp"

#include <fmt/core.h>
#include <systemd/sd-journal.h>

#include <cstring>
#include <ctime>

namespace ikelab::cli {

namespace {

// A field's value, "" when the entry has none.
std::string field(sd_journal* j, const char* name) {
  const void* data = nullptr;
  size_t size = 0;
  if (sd_journal_get_data(j, name, &data, &size) < 0) return "";
  std::string_view d(static_cast<const char*>(data), size);
  const size_t eq = d.find('=');
  return eq == std::string_view::npos ? "" : std::string(d.substr(eq + 1));
}

// The entry as journalctl -o short shows it (local time).
std::string short_line(sd_journal* j) {
  std::uint64_t usec = 0;
  sd_journal_get_realtime_usec(j, &usec);
  std::time_t secs = static_cast<std::time_t>(usec / 1000000);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%b %d %H:%M:%S", &tm);
  std::string ident = field(j, "SYSLOG_IDENTIFIER");
  if (ident.empty()) ident = field(j, "_COMM");
  const std::string pid = field(j, "_PID");
  std::string message = field(j, "MESSAGE");
  for (auto& c : message)
    if (c == '\n') c = ' ';  // one entry, one line
  std::string host = field(j, "_HOSTNAME");
  return fmt::format("{} {} {}{}: {}\n", when, host.empty() ? "localhost" : host, ident,
                     pid.empty() ? "" : "[" + pid + "]", message);
}

}  // namespace

int follow_journal(const std::string& unit, const std::string& journal_file, const FollowOptions& options,
                   const Feed& feed, const std::function<void()>& tick) {
  install_stop_handlers();
  sd_journal* j = nullptr;
  int r;
  const std::string source = journal_file.empty() ? "the systemd journal" : journal_file;
  if (journal_file.empty()) {
    r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
  } else {
    const char* files[] = {journal_file.c_str(), nullptr};
    r = sd_journal_open_files(&j, files, 0);
  }
  if (r < 0) {
    fmt::print(stderr, "ikelab diagnose: {}: cannot open: {}\n", source, std::strerror(-r));
    return 2;
  }
  if (!unit.empty()) {
    std::string service = unit.find('.') == std::string::npos ? unit + ".service" : unit;
    std::string by_unit = "_SYSTEMD_UNIT=" + service, by_ident = "SYSLOG_IDENTIFIER=" + unit;
    sd_journal_add_match(j, by_unit.data(), by_unit.size());
    sd_journal_add_disjunction(j);
    sd_journal_add_match(j, by_ident.data(), by_ident.size());
  }
  sd_journal_seek_head(j);
  double last_data = now_seconds();
  int rc = 0;
  while (!stop_requested()) {
    r = sd_journal_next(j);
    if (r < 0) {
      fmt::print(stderr, "ikelab diagnose: {}: cannot read: {}\n", source, std::strerror(-r));
      rc = 2;
      break;
    }
    if (r > 0) {
      feed(short_line(j));
      last_data = now_seconds();
      continue;
    }
    tick();
    if (options.stop_after > 0 && now_seconds() - last_data >= options.stop_after) break;
    r = sd_journal_wait(j, 100000);  // 0.1 s
    if (r < 0) {
      fmt::print(stderr, "ikelab diagnose: {}: cannot wait for new entries: {}\n", source, std::strerror(-r));
      rc = 2;
      break;
    }
  }
  sd_journal_close(j);
  return rc;
}

}  // namespace ikelab::cli
