// The bijection of `ikelab replay` keeps the customer's faults: a wrong
// remote gateway stays an address nobody owns, a subnet mismatch stays a
// mismatch (a subnet of stays a subnet of), equal stays equal.

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "lab/replay/bijection.hpp"
#include "lab/replay/customer_config.hpp"
#include "lab/replay/replay_plan.hpp"

namespace fs = std::filesystem;
using namespace ikelab::replay;
using ikelab::harness::Side;

namespace {

const fs::path configs = IKELAB_CONFIGS_DIR;

// base/prefix of "a.b.c.d/n".
std::pair<uint32_t, int> net(const std::string& s) {
  size_t slash = s.find('/');
  in_addr a{};
  inet_pton(AF_INET, s.substr(0, slash).c_str(), &a);
  return {ntohl(a.s_addr), slash == std::string::npos ? 32 : std::stoi(s.substr(slash + 1))};
}
bool inside(const std::string& inner, const std::string& outer) {
  auto [ib, ip] = net(inner);
  auto [ob, op] = net(outer);
  uint32_t mask = op == 0 ? 0 : ~0u << (32 - op);
  return ip >= op && (ib & mask) == ob;
}

CustomerConfig moon() { return load_customer_config(configs / "strongswan-ikev2-net2net-psk/moon/swanctl.conf", ""); }
CustomerConfig sun() { return load_customer_config(configs / "strongswan-ikev2-net2net-psk/sun/swanctl.conf", ""); }

}  // namespace

TEST(ReplayBijection, RealPairMapsOntoTheLabHosts) {
  auto plan = plan_replay(moon(), sun(), Side::initiator);
  EXPECT_EQ(*plan.scenario.initiator.remote_address, "192.0.2.2");
  EXPECT_EQ(*plan.scenario.responder.remote_address, "192.0.2.1");
  EXPECT_EQ(*plan.scenario.initiator.local_id, *plan.scenario.responder.remote_id);
  EXPECT_EQ(*plan.scenario.initiator.remote_id, *plan.scenario.responder.local_id);
  EXPECT_EQ(*plan.scenario.initiator.local_ts, *plan.scenario.responder.remote_ts);
  EXPECT_EQ(*plan.scenario.initiator.remote_ts, *plan.scenario.responder.local_ts);
  EXPECT_NE(*plan.scenario.initiator.local_ts, *plan.scenario.initiator.remote_ts);
  bool listed = false;
  for (const auto& s : plan.substitutions)
    listed = listed || (s.from == "192.168.0.1" && s.to == "192.0.2.1" && s.where == "initiator local_addrs");
  EXPECT_TRUE(listed);
}

TEST(ReplayBijection, WrongRemoteGatewayStaysUnowned) {
  auto responder = sun();
  responder.conn.remote_addrs = {"192.168.0.77"};  // the responder expects its peer elsewhere
  auto plan = plan_replay(moon(), responder, Side::initiator);
  const std::string mapped = *plan.scenario.responder.remote_address;
  EXPECT_NE(mapped, "192.0.2.1");
  EXPECT_NE(mapped, "192.0.2.2");
  EXPECT_EQ(mapped.rfind("192.0.2.", 0), 0u);  // on the lab's link, owned by nobody
  EXPECT_EQ(*plan.scenario.initiator.remote_address, "192.0.2.2");
}

TEST(ReplayBijection, SubnetMismatchStaysAMismatch) {
  auto initiator = moon();
  initiator.conn.remote_ts = {"10.2.0.0/24"};  // narrower than the responder's 10.2.0.0/16
  auto plan = plan_replay(initiator, sun(), Side::initiator);
  const std::string narrow = plan.scenario.initiator.remote_ts->front();
  const std::string wide = plan.scenario.responder.local_ts->front();
  EXPECT_NE(narrow, wide);
  EXPECT_TRUE(inside(narrow, wide)) << narrow << " in " << wide;
  EXPECT_EQ(net(narrow).second, 24);
  EXPECT_EQ(net(wide).second, 16);
  // And a disjoint one stays disjoint.
  initiator.conn.remote_ts = {"10.99.0.0/16"};
  plan = plan_replay(initiator, sun(), Side::initiator);
  EXPECT_FALSE(inside(plan.scenario.initiator.remote_ts->front(), plan.scenario.responder.local_ts->front()));
  EXPECT_FALSE(inside(plan.scenario.responder.local_ts->front(), plan.scenario.initiator.remote_ts->front()));
}

TEST(ReplayBijection, NestedAndEqualSubnets) {
  LabMapping m;
  for (auto s : {"172.16.5.0/24", "172.16.0.0/16", "192.168.7.0/24", "172.16.5.128/25"}) m.declare_subnet(s);
  auto a = m.subnet("172.16.0.0/16", "x"), b = m.subnet("172.16.5.0/24", "x"), c = m.subnet("172.16.5.128/25", "x"),
       d = m.subnet("192.168.7.0/24", "x");
  EXPECT_TRUE(inside(b, a));
  EXPECT_TRUE(inside(c, b));
  EXPECT_FALSE(inside(d, a));
  EXPECT_EQ(m.subnet("172.16.5.0/24", "y"), b);
  EXPECT_TRUE(inside(a, "10.0.0.0/8"));
  EXPECT_TRUE(inside(d, "10.0.0.0/8"));
}

TEST(ReplayBijection, CounterpartMirrorsTheConfig) {
  auto c = moon().conn;
  auto p = counterpart(c);
  EXPECT_EQ(p.local_addrs, c.remote_addrs);
  EXPECT_EQ(p.remote_addrs, c.local_addrs);
  EXPECT_EQ(p.local_id, c.remote_id);
  EXPECT_EQ(p.remote_id, c.local_id);
  EXPECT_EQ(p.local_ts, c.remote_ts);
  EXPECT_EQ(p.remote_ts, c.local_ts);
  EXPECT_EQ(p.secret, c.secret);
  EXPECT_EQ(p.ike_proposals, c.ike_proposals);
  EXPECT_EQ(p.esp_proposals, c.esp_proposals);
  auto plan = plan_replay(moon(), std::nullopt, Side::responder);
  EXPECT_EQ(*plan.scenario.responder.local_id, "responder.ikelab.test");  // the customer's host is the responder
}

TEST(ReplayBijection, LibreswanSameFileOnBothSides) {
  auto west = load_customer_config(configs / "libreswan-basic-pluto-01/west.conf", "");
  auto east = load_customer_config(configs / "libreswan-basic-pluto-01/east.conf", "");
  auto plan = plan_replay(west, east, Side::initiator);
  EXPECT_EQ(*plan.scenario.initiator.remote_address, "192.0.2.2");
  EXPECT_EQ(*plan.scenario.responder.remote_address, "192.0.2.1");
  EXPECT_EQ(*plan.scenario.initiator.remote_ts, *plan.scenario.responder.local_ts);
}
