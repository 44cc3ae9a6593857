#include "lab/replay/replay_plan.hpp"

#include <fmt/core.h>

#include "lab/run/credentials.hpp"
#include "lab/scenario/lab_addresses.hpp"

using ikelab::harness::AuthMethod;
using ikelab::harness::Side;
using ikelab::harness::UserAuth;

namespace ikelab::replay {

void swap_ends(CustomerConn& c) {
  std::swap(c.local_addrs, c.remote_addrs);
  std::swap(c.local_id, c.remote_id);
  std::swap(c.local_ts, c.remote_ts);
}

CustomerConn counterpart(const CustomerConn& c) {
  CustomerConn p = c;
  p.name = c.name;
  swap_ends(p);
  if (p.local_id == "%any") p.local_id = "";  // the customer accepts anyone: the peer uses its default ID
  if (p.remote_id.empty()) p.remote_id = c.local_addrs.empty() ? "%any" : c.local_addrs.front();
  p.dpd_delay = 0;
  p.dpd_timeout = 0;
  p.request_virtual_ip = !c.pool.empty();
  p.pool = "";
  if (c.request_virtual_ip) {
    // The customer asks for a virtual IP: its peer hands one out of the
    // subnet the customer expects to reach it from, or a lab pool.
    p.pool = "10.250.0.0/28";
    p.local_ts = c.remote_ts.size() == 1 && c.remote_ts.front() != "dynamic" ? c.remote_ts : std::vector<std::string>{"0.0.0.0/0"};
    p.remote_ts = {p.pool};
  }
  if (p.request_virtual_ip) p.local_ts = {"dynamic"};
  p.user_auth_server = c.user_auth != UserAuth::none && !c.user_auth_server;
  // The counterpart trusts the customer's CAs, but its own certificate is a lab stand-in.
  p.supplied.cert.clear();
  p.supplied.key.clear();
  p.origins.clear();
  return p;
}

namespace {

std::string first_or_empty(const std::vector<std::string>& v) { return v.empty() ? "" : v.front(); }

}  // namespace

ReplayPlan plan_replay(const CustomerConfig& customer, const std::optional<CustomerConfig>& peer, Side customer_side) {
  ReplayPlan plan;
  plan.connection = customer.conn.name;
  CustomerConn mine = customer.conn;
  CustomerConn other;
  harness::Implementation other_impl = customer.implementation();
  if (peer) {
    other = peer->conn;
    other_impl = peer->implementation();
    // Same left/right in both files (libreswan's habit): the peer's own end is the other one.
    if (!mine.local_addrs.empty() && other.local_addrs == mine.local_addrs && other.remote_addrs == mine.remote_addrs) {
      swap_ends(other);
      plan.notes.push_back(fmt::format("{}: both files name the same local end; the peer's own end is taken to be the other one", peer->main_file.string()));
    }
  } else {
    other = counterpart(mine);
    plan.notes.push_back(fmt::format("the peer is the exact counterpart of {} (from its remote side), run by {}", customer.main_file.string(),
                                     other_impl == harness::Implementation::libreswan ? "libreswan" : "strongSwan"));
  }
  const bool customer_initiates = customer_side == Side::initiator;
  const CustomerConn& init = customer_initiates ? mine : other;
  const CustomerConn& resp = customer_initiates ? other : mine;
  const char* init_name = customer_initiates ? "initiator" : "initiator (peer)";
  const char* resp_name = customer_initiates ? "responder (peer)" : "responder";

  LabMapping map;
  // Who owns which address: a host's local_addrs; without any, the address its peer names for it.
  std::string init_own = first_or_empty(init.local_addrs), resp_own = first_or_empty(resp.local_addrs);
  if (init_own.empty()) init_own = first_or_empty(resp.remote_addrs);
  if (resp_own.empty()) resp_own = first_or_empty(init.remote_addrs);
  map.own_address(init_own, harness::lab_addresses::initiator_outer, fmt::format("{} local_addrs", init_name));
  map.own_address(resp_own, harness::lab_addresses::responder_outer, fmt::format("{} local_addrs", resp_name));
  const std::string init_id = init.local_id.empty() ? init_own : init.local_id;
  const std::string resp_id = resp.local_id.empty() ? resp_own : resp.local_id;
  // A host with its own supplied certificate keeps its ID (the certificate
  // carries it); the others get the identity of their lab stand-in.
  auto map_own_id = [&](const CustomerConn& c, harness::KeyName key, const char* who) {
    if (c.local_id.empty()) return;
    if (!c.supplied.cert.empty()) map.own_id(c.local_id, c.local_id, fmt::format("{} local id, kept: the supplied certificate carries it", who));
    else map.own_id(c.local_id, harness::Credentials::identity(key), fmt::format("{} local id", who));
  };
  map_own_id(init, harness::KeyName::initiator, init_name);
  map_own_id(resp, harness::KeyName::responder, resp_name);
  // Each host's own subnet first, placed around its inner address where it can be.
  for (const auto& ts : init.local_ts) map.declare_subnet(ts, harness::lab_addresses::initiator_inner_address);
  for (const auto& ts : resp.local_ts) map.declare_subnet(ts, harness::lab_addresses::responder_inner_address);
  for (const CustomerConn* c : {&init, &resp}) {
    for (const auto& ts : c->local_ts) map.declare_subnet(ts);
    for (const auto& ts : c->remote_ts) map.declare_subnet(ts);
    if (!c->pool.empty()) map.declare_subnet(c->pool);
  }

  auto host = [&](const CustomerConn& c, const std::string& own_id, const char* who, harness::Implementation impl) {
    harness::HostSettings h;
    h.implementation = impl;
    h.auth = c.auth;
    h.ike_version = c.ike_version == 0 ? init.ike_version == 0 ? 2 : init.ike_version : c.ike_version;
    h.local_id = own_id.empty() ? std::string(who[0] == 'i' ? harness::lab_addresses::initiator_outer : harness::lab_addresses::responder_outer)
                                : map.id(own_id, fmt::format("{} local id", who));
    h.remote_id = map.id(c.remote_id, fmt::format("{} remote id", who));
    if (c.auth == AuthMethod::psk) {
      if (c.secret.empty()) h.credential = harness::OwnCredential::missing;
      else h.secret = c.secret;
    }
    h.ike_proposals = c.ike_proposals;
    h.esp_proposals = c.esp_proposals;
    std::vector<std::string> lts, rts;
    for (const auto& ts : c.local_ts) lts.push_back(map.subnet(ts, fmt::format("{} local_ts", who)));
    for (const auto& ts : c.remote_ts) rts.push_back(map.subnet(ts, fmt::format("{} remote_ts", who)));
    h.local_ts = lts;
    h.remote_ts = rts;
    h.remote_address = c.remote_addrs.empty() ? "%any" : map.address(c.remote_addrs.front(), fmt::format("{} remote_addrs", who));
    if (c.remote_addrs.size() > 1) plan.notes.push_back(fmt::format("{}: only the first of remote_addrs is replayed", who));
    h.aggressive = c.aggressive;
    h.aggressive_psk = c.aggressive_psk;
    h.charon_options = c.charon_options;
    if (!c.supplied.cert.empty() || !c.supplied.ca_certs.empty()) h.supplied = c.supplied;
    h.request_virtual_ip = c.request_virtual_ip;
    if (!c.pool.empty()) h.pool = map.subnet(c.pool, fmt::format("{} pool", who));
    if (c.dpd_delay > 0) h.dpd_delay = c.dpd_delay;
    if (c.dpd_timeout > 0) h.dpd_timeout = c.dpd_timeout;
    if (!c.user_password.empty()) h.user_password = c.user_password;
    if (c.user_auth != UserAuth::none) h.eap_method = c.eap_method;
    return h;
  };
  harness::Scenario& s = plan.scenario;
  s.name = "replay";
  s.file = customer.main_file;
  s.description = fmt::format("replay of {} ({})", customer.main_file.string(), to_string(customer.kind));
  s.fault = "none";
  s.auth = init.auth;
  plan.ike_version = init.ike_version == 0 ? 2 : init.ike_version;
  s.ike_versions = {plan.ike_version};
  s.user_auth = init.user_auth != UserAuth::none ? init.user_auth : resp.user_auth;
  s.initiator = host(init, init_id, init_name, customer_initiates ? customer.implementation() : other_impl);
  s.responder = host(resp, resp_id, resp_name, customer_initiates ? other_impl : customer.implementation());
  if (s.user_auth != UserAuth::none && (init.user_auth_server || (!resp.user_auth_server && resp.user_auth != UserAuth::none)))
    plan.notes.push_back("user authentication (EAP/XAuth): the lab runs the initiator as the client and the responder as the server");
  if (!init.user_name.empty() || !resp.user_name.empty())
    plan.substitutions.push_back({init.user_name.empty() ? resp.user_name : init.user_name, "labuser", "user name (EAP/XAuth)"});
  for (const auto& sub : map.substitutions()) plan.substitutions.push_back(sub);
  for (const auto& n : customer.notes) plan.notes.push_back(n);
  if (peer)
    for (const auto& n : peer->notes) plan.notes.push_back(n);
  return plan;
}

}  // namespace ikelab::replay
