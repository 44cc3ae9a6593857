// Readers: the prefix parser for each format, and whole real logs rewritten
// into every format users paste (same lines, other wrapping) give the same
// diagnoses as the original.
#include "diagnoser/line_format.hpp"
#include "test_support.hpp"

#include <functional>
#include <regex>

namespace ikelab::diag::test {
namespace {

TEST(LineFormat, CharonFilelogWithTimeAndIkeName) {
  auto info = parse_line("Nov 22 13:08:40 11[IKE] <lab|1> initiating Main Mode IKE_SA lab[1] to 192.0.2.2");
  EXPECT_EQ(info.format, Format::filelog);
  EXPECT_EQ(info.dialect, Dialect::charon);
  EXPECT_EQ(info.thread, 11);
  EXPECT_EQ(info.ike_name, "lab");
  EXPECT_EQ(info.ike_id, 1);
  EXPECT_GE(info.time, 0);
  EXPECT_EQ(info.message, "initiating Main Mode IKE_SA lab[1] to 192.0.2.2");
}

TEST(LineFormat, CharonUnnamedIkeSaAndNoTime) {
  auto info = parse_line("16[IKE] <1> 192.0.2.1 is initiating a Main Mode IKE_SA\r");
  EXPECT_EQ(info.format, Format::filelog);
  EXPECT_EQ(info.ike_id, 1);
  EXPECT_TRUE(info.ike_name.empty());
  EXPECT_EQ(info.message, "192.0.2.1 is initiating a Main Mode IKE_SA");
}

TEST(LineFormat, SyslogVariants) {
  for (const char* line : {"Nov  5 10:54:40 host charon[123]: 09[IKE] message parsing failed",
                           "Nov 5 10:54:40 host charon: 09[IKE] message parsing failed",
                           "2026-11-22T13:00:00.123456+00:00 gw charon-systemd[77]: 09[IKE] message parsing failed"}) {
    auto info = parse_line(line);
    EXPECT_EQ(info.format, Format::syslog) << line;
    EXPECT_EQ(info.dialect, Dialect::charon) << line;
    EXPECT_EQ(info.thread, 9) << line;
    EXPECT_EQ(info.message, "message parsing failed") << line;
  }
}

TEST(LineFormat, PlutoSyslogAndMessageForms) {
  auto info = parse_line(
      R"(Nov 5 10:54:40 intra pluto[2332]: "C2"[1] 192.168.1.200 #1: responding to Main Mode from unknown peer 192.168.1.200)");
  EXPECT_EQ(info.format, Format::syslog);
  EXPECT_EQ(info.dialect, Dialect::pluto);
  EXPECT_EQ(info.pluto_conn, "\"C2\"[1]");
  EXPECT_EQ(info.pluto_peer, "192.168.1.200");
  EXPECT_EQ(info.pluto_state, 1);
  EXPECT_EQ(info.message, "responding to Main Mode from unknown peer 192.168.1.200");

  auto own = parse_line(R"(Nov 22 13:07:09.511163: "lab" #2: no acceptable Proposal in IPsec SA)");
  EXPECT_EQ(own.format, Format::pluto);
  EXPECT_EQ(own.pluto_state, 2);
  EXPECT_EQ(own.message, "no acceptable Proposal in IPsec SA");
}

TEST(LineFormat, ConsoleLogcatJournaldLivelog) {
  auto console = parse_line("[IKE] received AUTHENTICATION_FAILED notify error");
  EXPECT_EQ(console.format, Format::console);
  EXPECT_EQ(console.thread, -1);
  EXPECT_EQ(console.message, "received AUTHENTICATION_FAILED notify error");

  auto logcat = parse_line("I/charon  ( 123): 09[IKE] received AUTHENTICATION_FAILED notify error");
  EXPECT_EQ(logcat.format, Format::logcat);
  EXPECT_EQ(logcat.thread, 9);
  auto threadtime = parse_line("11-22 13:00:00.123  123  456 I charon  : 09[IKE] message parsing failed");
  EXPECT_EQ(threadtime.format, Format::logcat);
  EXPECT_EQ(threadtime.message, "message parsing failed");

  auto journal = parse_line("MESSAGE=09[IKE] message parsing failed");
  EXPECT_EQ(journal.format, Format::journald);
  EXPECT_EQ(journal.message, "message parsing failed");

  EXPECT_TRUE(parse_line("IPSec |").livelog_marker);
}

TEST(LineFormat, GarbageIsJustAMessage) {
  std::string garbage = "\xff\xfe\x00\x01 [x] <|> \"\" #: ";
  garbage.push_back('\0');
  auto info = parse_line(garbage);
  EXPECT_EQ(info.thread, -1);
  EXPECT_FALSE(info.livelog_marker);
}

// --- whole logs in every format ---------------------------------------------

using Rewrite = std::function<std::string(const std::string& log)>;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

std::string map_lines(const std::string& text, const std::function<std::string(const std::string&)>& f) {
  std::string out;
  for (const auto& l : lines_of(text)) out += f(l);
  return out;
}

// "Nov 22 13:08:40 11[IKE] <lab|1> msg" -> parts
struct Parts {
  std::string time, group, ike, msg;
};
Parts split(const std::string& line) {
  static const std::regex re(R"(^([A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d) (\d+\[[A-Z]+\]) (<[^>]*> )?(.*)$)");
  std::smatch m;
  if (!std::regex_match(line, m, re)) return {"", "", "", line};
  return {m[1], m[2], m[3], m[4]};
}

const std::vector<std::pair<std::string, Rewrite>>& rewrites() {
  static const std::vector<std::pair<std::string, Rewrite>> all = {
      {"filelog as captured", [](const std::string& t) { return t; }},
      {"filelog without time", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) { auto p = split(l); return p.group + " " + p.ike + p.msg + "\n"; });
       }},
      {"filelog without ike_name", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) { auto p = split(l); return p.time + " " + p.group + " " + p.msg + "\n"; });
       }},
      {"syslog charon[pid]", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) {
           auto p = split(l);
           return p.time + " gw charon[4711]: " + p.group + " " + p.ike + p.msg + "\n";
         });
       }},
      {"syslog charon-systemd without ike_name", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) {
           auto p = split(l);
           return p.time + " gw charon-systemd[4711]: " + p.group + " " + p.msg + "\n";
         });
       }},
      {"journald export", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) {
           auto p = split(l);
           return "__REALTIME_TIMESTAMP=1\nSYSLOG_IDENTIFIER=charon\nMESSAGE=" + p.group + " " + p.ike + p.msg + "\n\n";
         });
       }},
      {"console (swanctl --initiate)", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) {
           auto p = split(l);
           std::string group = p.group.substr(p.group.find('['));
           return group + " " + p.msg + "\n";
         });
       }},
      {"firewall live-log table", [](const std::string& t) {
         return "Service |\nMessage\n|\n" + map_lines(t, [](const std::string& l) {
                  auto p = split(l);
                  return "IPSec |\n" + p.group + " " + p.msg + "\n|\n";
                });
       }},
      {"android logcat", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) {
           auto p = split(l);
           return "I/charon  ( 4711): " + p.group + " " + p.ike + p.msg + "\n";
         });
       }},
      {"CRLF, blank and unrelated lines", [](const std::string& t) {
         return map_lines(t, [](const std::string& l) {
           return l + "\r\n\r\nNov 22 13:08:40 gw kernel: [ 1.0] eth0: link up\r\n";
         });
       }},
      {"GUI copy, newest first", [](const std::string& t) {
         auto ls = lines_of(t);
         std::string out;
         for (auto it = ls.rbegin(); it != ls.rend(); ++it) out += *it + "\n";
         return out;
       }},
  };
  return all;
}

std::vector<std::string> faults(const std::vector<Diagnosis>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.fault);
  return out;
}

class RealLogInEveryFormat : public ::testing::TestWithParam<const char*> {};

TEST_P(RealLogInEveryFormat, GivesTheSameDiagnoses) {
  const std::string original = read_file(kData / GetParam());
  ASSERT_FALSE(original.empty());
  auto expected = faults(diagnose_text(original, "log", catalogue()));
  ASSERT_FALSE(expected.empty());
  bool any_failure = std::any_of(expected.begin(), expected.end(), [](auto& f) { return f != "none"; });
  EXPECT_TRUE(any_failure);
  for (const auto& [name, rewrite] : rewrites()) {
    auto got = faults(diagnose_text(rewrite(original), "log", catalogue()));
    EXPECT_EQ(got, expected) << name;
  }
}

// Real charon 5.9.8 logs captured by hand on the lab machine (see the README
// in that folder).
INSTANTIATE_TEST_SUITE_P(PlutoHandrun, RealLogInEveryFormat,
                         ::testing::Values("logs/pluto/handrun/rev-psk-v1/charon-responder.log",
                                           "logs/pluto/handrun/desike-v1/charon-initiator.log",
                                           "logs/pluto/handrun/weakesp-v1/charon-initiator.log",
                                           "logs/pluto/handrun/tswrong-v2/charon-initiator.log"));

TEST(FormatDetection, NamesTheFormat) {
  const std::string original = read_file(kData / "logs/pluto/handrun/rev-psk-v1/charon-responder.log");
  std::map<std::string, std::string> expected = {{"filelog as captured", "charon-filelog"},
                                                 {"syslog charon[pid]", "syslog"},
                                                 {"journald export", "journald"},
                                                 {"console (swanctl --initiate)", "console"},
                                                 {"firewall live-log table", "livelog-table"},
                                                 {"android logcat", "logcat"}};
  for (const auto& [name, rewrite] : rewrites()) {
    if (!expected.count(name)) continue;
    auto ds = diagnose_text(rewrite(original), "log", catalogue());
    ASSERT_FALSE(ds.empty()) << name;
    EXPECT_EQ(ds[0].format, expected[name]) << name;
  }
  auto pluto = diagnose_files({kData / "logs/pluto/handrun/weakike-v1/pluto-responder.log"}, catalogue());
  ASSERT_FALSE(pluto.empty());
  EXPECT_EQ(pluto[0].format, "pluto");
  EXPECT_EQ(pluto[0].dialect, "pluto");
}

}  // namespace
}  // namespace ikelab::diag::test
