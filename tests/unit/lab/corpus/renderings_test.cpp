// Every rendering of a log the lab captured (tests/data/logs: real charon and
// pluto logs) keeps every message of the daemon in order and gives the
// diagnoser the same faults as the captured log.
#include "ikelab/diagnoser.hpp"
#include "lab/corpus/renderings.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ikelab::corpus {
namespace {

const std::filesystem::path kData = IKELAB_TEST_DATA;

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const diag::Catalogue& catalogue() {
  static auto c = diag::load_catalogue();
  return *c;
}

std::vector<std::string> faults(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : diag::diagnose_text(text, "log", catalogue())) out.push_back(d.fault);
  return out;
}

LogSource source(LogDaemon daemon) {
  return {daemon, "vpn-gw1", 2211, 2026, "0f3c5a9e7d2b4c1a8e6f0d9b7a5c3e1f"};
}

void expect_same_faults(const std::filesystem::path& log, LogDaemon daemon) {
  const std::string captured = read(kData / "logs" / log);
  ASSERT_FALSE(captured.empty()) << log;
  const auto want = faults(captured);
  ASSERT_FALSE(want.empty()) << log;
  int rendered = 0;
  for (const auto& r : known_renderings()) {
    auto text = render_log(r.name, captured, source(daemon));
    if (!text) continue;
    ++rendered;
    EXPECT_EQ(faults(*text), want) << log << " as " << r.name;
  }
  EXPECT_GE(rendered, 5) << log;
}

TEST(Renderings, CharonLogsGiveTheCapturedFaults) {
  for (const char* log : {"psk_mismatch/ike1/initiator.log", "psk_mismatch/ike2/responder.log",
                          "ts_mismatch/ike2/responder.log", "ike_proposal_mismatch/ike1/responder.log",
                          "wrong_id_initiator/ike2/responder.log", "baseline_psk/ike2/initiator.log"})
    expect_same_faults(log, LogDaemon::charon);
}

TEST(Renderings, PlutoLogsGiveTheCapturedFaults) {
  expect_same_faults("pluto/pluto_init_psk_mismatch/ike2/initiator/pluto.log", LogDaemon::pluto);
}

TEST(Renderings, FramingAsTheToolsWriteIt) {
  const std::string line = "Nov  2 13:08:40 11[IKE] <hq-branch|1> initiating IKE_SA hq-branch[1] to 192.0.2.2\n";
  const auto s = source(LogDaemon::charon);
  EXPECT_EQ(*render_log("syslog", line, s),
            "Nov  2 13:08:40 vpn-gw1 charon[2211]: 11[IKE] <hq-branch|1> initiating IKE_SA hq-branch[1] to 192.0.2.2\n");
  EXPECT_EQ(*render_log("journald-short-iso", line, s),
            "2026-11-02T13:08:40+0000 vpn-gw1 charon[2211]: 11[IKE] <hq-branch|1> initiating IKE_SA hq-branch[1] to 192.0.2.2\n");
  const std::string exported = *render_log("journald-export", line, s);
  EXPECT_NE(exported.find("\nMESSAGE=11[IKE] <hq-branch|1> initiating IKE_SA hq-branch[1] to 192.0.2.2\n"), std::string::npos);
  EXPECT_NE(exported.find("\n__REALTIME_TIMESTAMP=1793624920"), std::string::npos) << exported;
  EXPECT_TRUE(exported.ends_with("\n\n"));
  EXPECT_EQ(*render_log("livelog-table", line, s),
            "Service |\nMessage\n|\nIPSec |\n11[IKE] initiating IKE_SA hq-branch[1] to 192.0.2.2\n|\n");
  EXPECT_EQ(*render_log("newest-first", "a\nb\n", s), "b\na\n");
  EXPECT_FALSE(render_log("pluto-log", line, s));
  EXPECT_FALSE(render_log("swanctl-initiate", line, s));  // a console capture, never made from the log

  const std::string pluto = "Nov 22 14:28:23.400219: \"site1\" #1: initiating IKEv2 connection\n";
  EXPECT_EQ(*render_log("syslog", pluto, source(LogDaemon::pluto)),
            "Nov 22 14:28:23 vpn-gw1 pluto[2211]: \"site1\" #1: initiating IKEv2 connection\n");
  EXPECT_FALSE(render_log("livelog-table", pluto, source(LogDaemon::pluto)));
}

}  // namespace
}  // namespace ikelab::corpus
