#include "cli/diagnose_html.hpp"

#include "base/text_file.hpp"
#include "picture/html_report.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cstdint>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ikelab::cli {
namespace {

// The whole file (throws naming it when it cannot be read).
std::string read_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<picture::LogMessage> lines_between(const std::vector<picture::LogMessage>& all, std::uint64_t from,
                                               std::uint64_t to) {
  std::vector<picture::LogMessage> out;
  for (const auto& m : all)
    if (m.line >= from && m.line < to) out.push_back(m);
  return out;
}

// The peer log's messages in the time span of this attempt's (±2 s); all of
// them when the lines have no time stamps.
std::vector<picture::LogMessage> peer_messages(const std::vector<picture::LogMessage>& peer,
                                               const std::vector<picture::LogMessage>& own, size_t attempts) {
  double first = -1, last = -1;
  for (const auto& m : own) {
    if (m.seconds < 0) continue;
    if (first < 0) first = m.seconds;
    last = m.seconds;
  }
  if (first < 0) return attempts == 1 ? peer : std::vector<picture::LogMessage>{};
  std::vector<picture::LogMessage> out;
  for (const auto& m : peer)
    if (m.seconds >= first - 2 && m.seconds <= last + 2) out.push_back(m);
  return out;
}

}  // namespace

int write_diagnose_html(const std::vector<std::string>& logs, const diag::Catalogue& catalogue, const std::string& html) {
  for (const auto& log : logs) {
    if (log == "-") {
      fmt::print(stderr, "ikelab diagnose: --html needs log files (standard input cannot be read twice)\n");
      return 2;
    }
  }
  picture::Report report;
  report.title = "ikelab diagnose";
  try {
    std::vector<std::string> texts;
    for (const auto& log : logs) texts.push_back(read_log(log));
    std::vector<std::filesystem::path> paths(logs.begin(), logs.end());
    auto diagnoses = diag::diagnose_files(paths, catalogue);
    report.subtitle = fmt::format("{} · {} connection attempt(s)", fmt::format("{}", fmt::join(logs, " + ")), diagnoses.size());
    std::vector<picture::LogMessage> own = picture::read_log_messages(texts[0]);
    std::vector<picture::LogMessage> peer;
    if (logs.size() > 1) peer = picture::read_log_messages(texts[1]);
    for (size_t k = 0; k < diagnoses.size(); ++k) {
      const auto& d = diagnoses[k];
      picture::CaseView c;
      c.title = fmt::format("attempt {}{}{}", k + 1, d.connection.empty() ? "" : " '" + d.connection + "'",
                            d.first_line ? fmt::format(" (from line {})", d.first_line) : "");
      const std::uint64_t end = k + 1 < diagnoses.size() && diagnoses[k + 1].first_line > d.first_line
                                    ? diagnoses[k + 1].first_line
                                    : UINT64_MAX;
      auto mine = lines_between(own, d.first_line, end);
      auto theirs = logs.size() > 1 ? peer_messages(peer, mine, diagnoses.size()) : std::vector<picture::LogMessage>{};
      picture::LogView own_log{logs[0], texts[0]};
      std::optional<picture::LogView> peer_log;
      if (logs.size() > 1) peer_log = picture::LogView{logs[1], texts[1]};
      const std::string own_label = fmt::format("{} ({})", d.role == diag::Role::unknown ? "this host" : diag::to_string(d.role),
                                                std::filesystem::path(logs[0]).filename().string());
      const std::string peer_label = logs.size() > 1
                                         ? fmt::format("{} ({})", d.role == diag::Role::initiator   ? "responder"
                                                                  : d.role == diag::Role::responder ? "initiator"
                                                                                                    : "peer",
                                                       std::filesystem::path(logs[1]).filename().string())
                                         : std::string("peer (no log)");
      // The initiator on the left whenever the roles are known.
      if (d.role == diag::Role::responder) {
        c.left_label = peer_label;
        c.right_label = own_label;
        c.left = std::move(theirs);
        c.right = std::move(mine);
        c.left_log = peer_log;
        c.right_log = own_log;
      } else {
        c.left_label = own_label;
        c.right_label = peer_label;
        c.left = std::move(mine);
        c.right = std::move(theirs);
        c.left_log = own_log;
        c.right_log = peer_log;
      }
      c.diagnoses = {d};
      c.ike_version = d.ike_version;
      report.cases.push_back(std::move(c));
    }
    harness::write_text_file(html, picture::render_html(report));
  } catch (const diag::InputError& e) {
    fmt::print(stderr, "ikelab diagnose: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ikelab diagnose: --html {}: {}\n", html, e.what());
    return 2;
  }
  return 0;
}

}  // namespace ikelab::cli
