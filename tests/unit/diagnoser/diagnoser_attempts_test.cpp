// Attempts: a gateway log with many tunnels and retries gives one diagnosis
// per attempt, in order; two peers' logs pair up into one diagnosis each.
#include "test_support.hpp"

#include <regex>

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kHandrun = kData / "logs/pluto/handrun";

// Gives a real charon log another IKE_SA unique id, connection name and peer
// address, as if a second tunnel of the same gateway had written it.
std::string as_tunnel(const std::string& log, int n) {
  std::string out = std::regex_replace(log, std::regex(R"(<lab\|(\d+)>)"), "<lab" + std::to_string(n) + "|$1" + std::to_string(n) + ">");
  out = std::regex_replace(out, std::regex(R"(<(\d+)>)"), "<$1" + std::to_string(n) + ">");
  out = std::regex_replace(out, std::regex(R"(lab\[(\d+)\])"), "lab" + std::to_string(n) + "[$1" + std::to_string(n) + "]");
  out = std::regex_replace(out, std::regex(R"(192\.0\.2\.1\b)"), "198.51.100." + std::to_string(n));
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

std::string interleave(const std::vector<std::string>& logs) {
  std::vector<std::vector<std::string>> all;
  for (const auto& l : logs) all.push_back(lines_of(l));
  std::string out;
  for (size_t i = 0;; ++i) {
    bool any = false;
    for (const auto& ls : all)
      if (i < ls.size()) out += ls[i] + "\n", any = true;
    if (!any) break;
  }
  return out;
}

std::vector<std::string> faults(const std::vector<Diagnosis>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.fault);
  return out;
}

TEST(Attempts, InterleavedTunnelsOfAGatewayAreSeparated) {
  // Real responder-side charon logs (IKEv1 and IKEv2 PSK mismatch, each with a retry).
  std::string v1 = read_file(kHandrun / "rev-psk-v1/charon-responder.log");
  std::string v2 = read_file(kHandrun / "rev-psk-v2/charon-responder.log");
  auto alone_v1 = faults(diagnose_text(as_tunnel(v1, 11), "gw", catalogue()));
  auto alone_v2 = faults(diagnose_text(as_tunnel(v2, 12), "gw", catalogue()));
  ASSERT_EQ(alone_v1, (std::vector<std::string>{"psk_mismatch", "psk_mismatch"}));
  auto mixed = diagnose_text(interleave({as_tunnel(v1, 11), as_tunnel(v2, 12)}), "gw", catalogue());
  std::map<std::string, std::vector<std::string>> by_peer;
  for (const auto& d : mixed) by_peer[d.remote].push_back(d.fault);
  EXPECT_EQ(by_peer["198.51.100.11"], alone_v1) << describe(mixed);
  EXPECT_EQ(by_peer["198.51.100.12"], alone_v2) << describe(mixed);
  for (size_t i = 1; i < mixed.size(); ++i)  // in the order the attempts started
    EXPECT_LT(mixed[i - 1].first_line, mixed[i].first_line);
}

TEST(Attempts, RetriesOfOneConnectionAreSeparateAttempts) {
  auto result = diagnose_files({kHandrun / "rev-psk-v1/pluto-initiator.log"}, catalogue());
  ASSERT_EQ(result.size(), 2u) << describe(result);
  EXPECT_EQ(result[0].fault, "psk_mismatch");
  EXPECT_EQ(result[0].connection, "lab");
  EXPECT_LT(result[0].evidence.front().line, result[1].evidence.front().line);
}

// A real charon IKEv2 responder log (pluto_init_kernel_sa_install_failed): the
// pluto initiator could not install the SA, dropped its side without a DELETE
// and set the connection up again at once. The first attempt shows only
// success; the tracker marks it when the same peer's next IKE_SA of the same
// connection is established (synthetic pattern x_peer_new_ike_sa).
TEST(Attempts, PeerSettingTheSameConnectionUpAgainMarksTheEarlierAttempt) {
  const std::string log =
      read_file(kData / "logs/pluto/pluto_init_kernel_sa_install_failed/ike2/responder/charon.log");
  auto result = diagnose_text(log, "resp", catalogue());
  ASSERT_EQ(result.size(), 2u) << describe(result);
  EXPECT_EQ(result[0].fault, "kernel_sa_install_failed") << describe(result);
  EXPECT_TRUE(std::any_of(result[0].evidence.begin(), result[0].evidence.end(), [](const Evidence& e) {
    return e.text.find("IKE_SA site1[2] established") != std::string::npos;
  })) << describe(result);
  EXPECT_EQ(result[1].fault, "none");

  // The second IKE_SA under another connection name: two tunnels, no restart.
  std::string two_tunnels = std::regex_replace(log, std::regex(R"(<site1\|2>)"), "<site2|2>");
  two_tunnels = std::regex_replace(two_tunnels, std::regex(R"(site1\[2\])"), "site2[2]");
  auto separate = diagnose_text(two_tunnels, "resp", catalogue());
  ASSERT_EQ(separate.size(), 2u) << describe(separate);
  EXPECT_EQ(faults(separate), (std::vector<std::string>{"none", "none"})) << describe(separate);
}

// A real charon IKEv1 initiator log (pluto_resp_kernel_sa_install_failed):
// Quick Mode of site1[1] got no answer, charon gave up and re-established at
// once, logging the new IKE_SA's first line under the old one's prefix:
//   14[IKE] <site1|1> giving up after 2 retransmits
//   14[IKE] <site1|1> initiating Main Mode IKE_SA site1[2] to 192.0.2.2
// Two IKE_SAs, two attempts: the start line begins the IKE_SA it names.
TEST(Attempts, ReestablishingUnderTheOldPrefixStartsTheNamedIkeSa) {
  auto result = diagnose_files({kData / "logs/pluto_resp_kernel_sa_install_failed/ike1/initiator.log"}, catalogue());
  ASSERT_EQ(result.size(), 2u) << describe(result);
  EXPECT_EQ(result[0].fault, "kernel_sa_install_failed") << describe(result);
  EXPECT_EQ(result[1].fault, "none") << describe(result);
  EXPECT_EQ(result[1].first_line, 38u) << describe(result);  // "initiating Main Mode IKE_SA site1[2]"
}

// A real charon IKEv1 responder log (pluto_init_wrong_remote_gateway): the
// pluto initiator tried four times, each a new IKE_SA (<1>..<4>) that ends in
//   no IKE config found for 192.0.2.2...192.0.2.1, sending NO_PROPOSAL_CHOSEN
// Without the <N> prefix (a syslog copy) each "parsed ID_PROT request 0 [ SA"
// (Main Mode's first message) still begins its own attempt, with or without
// thread numbers.
TEST(Attempts, RepeatedFirstRequestsWithoutThePrefixStayApart) {
  const std::string log = read_file(kData / "logs/pluto_init_wrong_remote_gateway/ike1/responder.log");
  // "Nov 22 14:27:50 15[IKE] <1> msg": $1 time, $2 thread, $3 group, $4 msg
  const std::regex line(R"(^(\w{3} [ \d]\d [\d:]{8}) (\d+)(\[\w+\]) (?:<[^>]*> )?(.*)$)");
  std::string filelog, console;
  for (const auto& l : lines_of(log)) {
    filelog += std::regex_replace(l, line, "$1 $2$3 $4") + "\n";
    console += std::regex_replace(l, line, "$3 $4") + "\n";
  }
  ASSERT_EQ(filelog.find("<1>"), std::string::npos);
  for (const auto& copy : {filelog, console}) {
    auto result = diagnose_text(copy, "resp", catalogue());
    ASSERT_EQ(result.size(), 4u) << copy << describe(result);
    for (const auto& d : result) EXPECT_EQ(d.fault, "wrong_remote_gateway") << describe(result);
  }
}

struct PairCase {
  const char* folder;
  const char* fault;
};
std::ostream& operator<<(std::ostream& os, const PairCase& c) { return os << c.folder; }

class RealPair : public ::testing::TestWithParam<PairCase> {};

// Both peers' real logs (captured by hand on the lab machine, see the folder's
// README): the pair names the fault; each side alone names it or lists it.
TEST_P(RealPair, NamesTheFaultFromBothLogsAndEachAlone) {
  const auto& c = GetParam();
  std::vector<std::filesystem::path> logs;
  for (const auto& entry : std::filesystem::directory_iterator(kHandrun / c.folder))
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
  std::sort(logs.begin(), logs.end());
  ASSERT_EQ(logs.size(), 2u);
  auto pair = diagnose_files(logs, catalogue());
  ASSERT_FALSE(pair.empty());
  EXPECT_EQ(pair[0].fault, c.fault) << describe(pair);
  EXPECT_EQ(pair[0].sources.size(), 2u);
  for (const auto& log : logs) {
    auto alone = diagnose_files({log}, catalogue());
    ASSERT_FALSE(alone.empty()) << log;
    EXPECT_TRUE(names(alone[0], c.fault)) << log << ": " << describe(alone);
  }
}

INSTANTIATE_TEST_SUITE_P(Handrun, RealPair,
                         ::testing::Values(PairCase{"authmethod-v1", "auth_method_mismatch"},
                                           PairCase{"weakike-v1", "ike_proposal_mismatch"},
                                           PairCase{"desike-v1", "ike_proposal_mismatch"},
                                           PairCase{"weakesp-v1", "esp_proposal_mismatch"},
                                           PairCase{"desesp-v1", "esp_proposal_mismatch"},
                                           PairCase{"pfs-v1", "pfs_mismatch"},
                                           PairCase{"cert-untrusted-v1", "untrusted_ca"},
                                           PairCase{"cert-untrusted-v2", "untrusted_ca"},
                                           PairCase{"rev-psk-v1", "psk_mismatch"},
                                           PairCase{"rev-psk-v2", "psk_mismatch"},
                                           PairCase{"pp-vipmissing-v1", "virtual_ip_missing"},
                                           PairCase{"pp-vipwrong-v1", "ts_mismatch"},
                                           PairCase{"tswrong-v2", "ts_mismatch"},
                                           PairCase{"base-v1", "none"},
                                           PairCase{"pp-base-v1", "none"}));

}  // namespace
}  // namespace ikelab::diag::test
