// Corpus variants drawn from corpus/variants.yaml and the real scenarios:
// deterministic from the seed, different from each other, and keeping each
// scenario's fault true (checked on the resolved settings the daemons get).
#include "lab/daemons/charon/render_swanctl.hpp"
#include "lab/scenario/scenario.hpp"
#include "lab/corpus/variants.hpp"
#include "base/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

namespace ikelab::corpus {
namespace {

using harness::Side;

const VariantRules& rules() {
  static const VariantRules r = load_variant_rules(IKELAB_VARIANTS_FILE);
  return r;
}

harness::Scenario scenario(const std::string& name) {
  return harness::load_scenario(std::filesystem::path(IKELAB_SCENARIOS_DIR) / (name + ".yaml"));
}

// The swanctl.conf both hosts would get (what a variant changes for the daemons).
std::string rendered(const harness::Scenario& s, int ike) {
  static testing::TempDir dir("ikelab-variants-test");
  static harness::Credentials credentials(dir.path() / "credentials");
  const harness::HostPaths paths{"/run/x", "/conf/x", "/log/x"};
  auto c = harness::render_case(s, ike, paths, paths, credentials);
  return c.initiator.swanctl_conf + c.initiator.strongswan_conf + c.responder.swanctl_conf + c.responder.strongswan_conf;
}

const std::vector<std::string> kScenarios = {"baseline_psk", "psk_mismatch", "ts_mismatch", "ike_proposal_mismatch",
                                             "wrong_id_initiator"};

TEST(Variants, TheSameSeedGivesTheSameDraws) {
  for (const auto& name : kScenarios)
    for (int ike : {1, 2})
      for (int index : {1, 2, 3}) {
        auto a = draw_variant(scenario(name), ike, index, 7, rules());
        auto b = draw_variant(scenario(name), ike, index, 7, rules());
        ASSERT_TRUE(a && b) << name;
        EXPECT_EQ(a->settings, b->settings) << name << " ike" << ike << " v" << index;
        EXPECT_EQ(rendered(a->scenario, ike), rendered(b->scenario, ike)) << name;
        EXPECT_EQ(a->log_level, b->log_level);
      }
}

TEST(Variants, VariantsAndSeedsDiffer) {
  for (const auto& name : kScenarios)
    for (int ike : {1, 2}) {
      std::set<std::string> settings, configs;
      for (int index = 1; index <= 5; ++index) {
        auto v = draw_variant(scenario(name), ike, index, 7, rules());
        ASSERT_TRUE(v);
        settings.insert(v->settings.dump());
        configs.insert(rendered(v->scenario, ike));
      }
      EXPECT_EQ(settings.size(), 5u) << name;
      EXPECT_EQ(configs.size(), 5u) << name;
      auto other_seed = draw_variant(scenario(name), ike, 1, 8, rules());
      EXPECT_NE(other_seed->settings, draw_variant(scenario(name), ike, 1, 7, rules())->settings) << name;
    }
}

TEST(Variants, NamesIdentitiesAndProposalsReallyChange) {
  std::set<std::string> connections, id_types, proposals;
  for (int index = 1; index <= 20; ++index) {
    auto v = draw_variant(scenario("baseline_psk"), 2, index, 7, rules());
    ASSERT_TRUE(v);
    auto h = harness::resolve_host(v->scenario, Side::initiator, 2);
    connections.insert(h.connection);
    id_types.insert(v->settings["identities"]["initiator"]["type"].get<std::string>());
    proposals.insert(h.ike_proposals.front());
  }
  EXPECT_GE(connections.size(), 3u);
  EXPECT_GE(id_types.size(), 3u);
  EXPECT_GE(proposals.size(), 3u);
}

bool disjoint(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::none_of(a.begin(), a.end(), [&](const auto& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

TEST(Variants, KeepTheFaultTrue) {
  for (int ike : {1, 2})
    for (int index = 1; index <= 40; ++index) {
      auto draw = [&](const std::string& name) {
        auto v = draw_variant(scenario(name), ike, index, 7, rules());
        EXPECT_TRUE(v) << name;
        return std::pair{harness::resolve_host(v->scenario, Side::initiator, ike),
                         harness::resolve_host(v->scenario, Side::responder, ike)};
      };
      auto [bi, br] = draw("baseline_psk");
      EXPECT_EQ(bi.secret, br.secret);
      EXPECT_EQ(bi.local_id, br.remote_id);
      EXPECT_EQ(bi.remote_id, br.local_id);
      EXPECT_EQ(bi.ike_proposals, br.ike_proposals);
      EXPECT_EQ(bi.esp_proposals, br.esp_proposals);
      EXPECT_EQ(bi.remote_ts, br.local_ts);
      EXPECT_EQ(bi.local_ts, br.remote_ts);
      EXPECT_EQ(bi.connection, br.connection);

      auto [pi, pr] = draw("psk_mismatch");
      EXPECT_NE(pi.secret, pr.secret);
      EXPECT_FALSE(pi.secret.empty());
      EXPECT_EQ(pi.local_id, pr.remote_id);

      auto [ti, tr] = draw("ts_mismatch");
      ASSERT_EQ(ti.remote_ts.size(), 1u);
      ASSERT_EQ(tr.local_ts.size(), 1u);
      // The outside subnets never overlap the responder's (checked when the file is loaded):
      // no narrowing can make them meet.
      const auto& pools = rules().pools;
      EXPECT_NE(std::find(pools.outside_subnets.begin(), pools.outside_subnets.end(), ti.remote_ts[0]),
                pools.outside_subnets.end());
      EXPECT_NE(std::find(pools.responder_subnets.begin(), pools.responder_subnets.end(), tr.local_ts[0]),
                pools.responder_subnets.end());
      EXPECT_EQ(ti.local_ts, tr.remote_ts);

      auto [ii, ir] = draw("ike_proposal_mismatch");
      EXPECT_TRUE(disjoint(ii.ike_proposals, ir.ike_proposals)) << index;
      EXPECT_FALSE(ii.ike_proposals.empty());
      EXPECT_EQ(ii.esp_proposals, ir.esp_proposals);

      auto [wi, wr] = draw("wrong_id_initiator");
      EXPECT_NE(wi.local_id, wr.remote_id);
      EXPECT_EQ(wi.remote_id, wr.local_id);
      EXPECT_EQ(wi.secret, wr.secret);
    }
}

TEST(Variants, IkeV1NeverGetsAnAeadIkeProposal) {
  for (int index = 1; index <= 40; ++index)
    for (const auto& name : kScenarios) {
      auto v = draw_variant(scenario(name), 1, index, 11, rules());
      ASSERT_TRUE(v);
      for (auto side : {Side::initiator, Side::responder})
        for (const auto& p : harness::resolve_host(v->scenario, side, 1).ike_proposals)
          EXPECT_EQ(p.find("gcm"), std::string::npos) << name << ": " << p;
    }
}

// The proposal pools are charon's: a pluto peer keeps the scenario's own proposals.
TEST(Variants, PlutoPeersKeepTheScenariosProposals) {
  for (const char* name : {"pluto_baseline_psk", "pluto_resp_ike_proposal_mismatch"})
    for (int index = 1; index <= 10; ++index) {
      auto s = scenario(name);
      auto v = draw_variant(s, 2, index, 7, rules());
      ASSERT_TRUE(v) << name;
      for (auto side : {Side::initiator, Side::responder}) {
        EXPECT_EQ(harness::resolve_host(v->scenario, side, 2).ike_proposals, harness::resolve_host(s, side, 2).ike_proposals)
            << name;
        EXPECT_EQ(harness::resolve_host(v->scenario, side, 2).esp_proposals, harness::resolve_host(s, side, 2).esp_proposals)
            << name;
      }
      EXPECT_NE(harness::resolve_host(v->scenario, Side::initiator, 2).connection, "") << name;
    }
}

TEST(Variants, SecretsAreRedactedInTheSettings) {
  auto v = draw_variant(scenario("psk_mismatch"), 2, 1, 7, rules());
  ASSERT_TRUE(v);
  const std::string settings = v->settings.dump();
  EXPECT_EQ(settings.find(*v->scenario.initiator.secret), std::string::npos);
  EXPECT_EQ(settings.find(*v->scenario.responder.secret), std::string::npos);
  EXPECT_NE(settings.find("<secret, "), std::string::npos);
}

TEST(Variants, AScenarioWithoutRulesRunsAsWrittenOnce) {
  auto s = scenario("ike_version_mismatch");
  ASSERT_EQ(rules().modes_for(s), nullptr);
  auto first = draw_variant(s, 2, 1, 7, rules());
  ASSERT_TRUE(first);
  EXPECT_EQ(rendered(first->scenario, 2), rendered(s, 2));
  EXPECT_FALSE(draw_variant(s, 2, 2, 7, rules()));
}

TEST(VariantRulesFile, ErrorsNameFileAndLine) {
  testing::TempDir dir("ikelab-variants-bad");
  std::ifstream good(IKELAB_VARIANTS_FILE);
  std::string text((std::istreambuf_iterator<char>(good)), std::istreambuf_iterator<char>());
  const auto write = [&](const std::string& content) {
    auto file = dir.path() / "variants.yaml";
    std::ofstream(file) << content;
    return file;
  };
  std::string bad = text;
  bad.replace(bad.find("    psk: different"), 18, "    psk: sometimes");
  try {
    load_variant_rules(write(bad));
    FAIL() << "a bad mode was accepted";
  } catch (const VariantError& e) {
    EXPECT_NE(std::string(e.what()).find("variants.yaml:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown mode 'sometimes'"), std::string::npos) << e.what();
  }
  bad = text;
  bad.replace(bad.find("  psk_mismatch:\n"), 16, "  psk_mismatches:\n");
  EXPECT_THROW(load_variant_rules(write(bad)), VariantError);
  bad = text;
  bad.replace(bad.find("[net1,"), 6, "[\"net 1\",");
  EXPECT_THROW(load_variant_rules(write(bad)), VariantError);
  bad = text;  // a local subnet without the host's inner address: charon could not route its policy
  bad.replace(bad.find("[10.1.0.0/24,"), 13, "[10.1.5.0/24,");
  EXPECT_THROW(load_variant_rules(write(bad)), VariantError);
  bad = text;  // an outside subnet that overlaps the responder's: no ts_mismatch
  bad.replace(bad.find("outside: [10.9.0.0/24,"), 22, "outside: [10.2.0.0/25,");
  EXPECT_THROW(load_variant_rules(write(bad)), VariantError);
}

}  // namespace
}  // namespace ikelab::corpus
