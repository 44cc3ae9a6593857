#include "lab/report/run_report.hpp"

#include "lab/daemons/pluto/pluto_daemon.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

namespace ikelab::harness {

std::string format_table(const std::vector<JudgedCase>& cases) {
  size_t width = std::string("scenario").size();
  for (const auto& c : cases) width = std::max(width, c.result.scenario.size());
  std::string text = fmt::format("{:<{}}  {:>3}  {:<13}  {:<7}  {:>7}\n", "scenario", width, "IKE", "outcome",
                                 "verdict", "seconds");
  for (const auto& c : cases) {
    text += fmt::format("{:<{}}  {:>3}  {:<13}  {:<7}  {:>7.2f}\n", c.result.scenario, width, c.result.ike_version,
                        to_string(c.result.outcome), c.verdict.pass ? "pass" : "FAIL", c.result.seconds);
  }
  return text;
}

std::string format_failures(const std::vector<JudgedCase>& cases) {
  std::string text;
  for (const auto& c : cases) {
    if (c.verdict.pass) continue;
    text += fmt::format("\nFAIL {} IKEv{}: {}\n", c.result.scenario, c.result.ike_version, c.verdict.reason);
    if (!c.result.detail.empty()) {
      std::string indented = "  ";
      for (char ch : c.result.detail) {
        indented += ch;
        if (ch == '\n') indented += "  ";
      }
      text += indented + "\n";
    }
  }
  return text;
}

std::string format_kept(const std::vector<JudgedCase>& cases) {
  std::string text;
  std::set<std::string> owners;
  for (const auto& c : cases) {
    if (!c.result.kept) continue;
    const KeptCase& k = *c.result.kept;
    owners.insert(k.run_id.substr(0, k.run_id.find('-')));
    // charon answers swanctl on a vici URI; pluto answers whack on a control socket path.
    auto status = [](const std::string& address) {
      if (address.empty()) return std::string("(no daemon)");
      if (address.starts_with("unix://")) return "swanctl --list-sas --uri " + address;
      return libreswan_program("whack").string() + " --ctlsocket " + address + " --status";
    };
    text += fmt::format(
        "\nkept {} IKEv{} (run {}):\n"
        "  initiator: ip netns exec {} bash     {}\n"
        "  responder: ip netns exec {} bash     {}\n"
        "  files:     {}/{{initiator,responder}}/{{log,swanctl}}/\n",
        c.result.scenario, c.result.ike_version, k.run_id, k.initiator_ns, status(k.initiator_uri), k.responder_ns,
        status(k.responder_uri), k.workdir.string());
  }
  for (const auto& owner : owners) text += fmt::format("remove them with: ikelab cleanup --force {}\n", owner);
  return text;
}

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::string format_timings(const std::vector<JudgedCase>& cases) {
  std::vector<double> startups, durations;
  for (const auto& c : cases) {
    durations.push_back(c.result.seconds);
    for (double s : {c.result.initiator_startup, c.result.responder_startup})
      if (s > 0) startups.push_back(s);
  }
  if (durations.empty()) return "";
  std::string text = fmt::format("case time: median {:.2f} s, max {:.2f} s", median(durations),
                                 *std::max_element(durations.begin(), durations.end()));
  if (!startups.empty())
    text += fmt::format("; daemon start-up (exec until its control socket answers): median {:.2f} s, max {:.2f} s over {} daemons",
                        median(startups), *std::max_element(startups.begin(), startups.end()), startups.size());
  return text + "\n";
}

std::string format_summary(const std::vector<JudgedCase>& cases, double wall_seconds) {
  size_t passed = std::count_if(cases.begin(), cases.end(), [](const auto& c) { return c.verdict.pass; });
  return fmt::format("{} case{}: {} passed, {} failed ({:.1f} s)\n", cases.size(), cases.size() == 1 ? "" : "s",
                     passed, cases.size() - passed, wall_seconds);
}

}  // namespace ikelab::harness
