#pragma once

// A PSK case written by the test itself (configuration, not a log): the
// runtime's own tests do not depend on the scenario layer.

#include "lab/run/case_config.hpp"
#include "lab/run/case_runner.hpp"

#include <fmt/core.h>

#include <string>

namespace ikelab::labtest {

inline std::string strongswan_conf(const harness::HostPaths& paths, const std::string& extra = "") {
  return fmt::format(R"(charon {{
  load = random nonce openssl aes sha1 sha2 hmac pem pkcs1 pkcs8 x509 revocation constraints pubkey gmp curve25519 kdf kernel-libipsec kernel-netlink socket-default vici
  install_routes = no
  retransmit_tries = 2
  retransmit_timeout = 1.0
  retransmit_base = 1.4
{}
  plugins {{
    vici {{
      socket = unix://{}/charon.vici
    }}
  }}
  syslog {{
    daemon {{
      default = -1
    }}
  }}
  filelog {{
    default_levels {{
      path = {}/charon.log
      default = 1
      ike_name = yes
      flush_line = yes
      time_format = %b %e %T
    }}
    cfg_detail {{
      path = {}/charon-cfg2.log
      default = 1
      cfg = 2
      ike_name = yes
      flush_line = yes
      time_format = %b %e %T
    }}
  }}
}}
)",
                     extra, paths.rundir.string(), paths.logdir.string(), paths.logdir.string());
}

struct PskSide {
  std::string local_addr, remote_addr, local_id, remote_id, local_ts, remote_ts, secret;
  std::string esp = "aes128-sha256";
  int dpd_delay = 0;
};

inline std::string swanctl_conf(int version, const PskSide& s) {
  return fmt::format(R"(connections {{
  site {{
    version = {}
    local_addrs = {}
    remote_addrs = {}
{}
    local {{
      auth = psk
      id = {}
    }}
    remote {{
      auth = psk
      id = {}
    }}
    children {{
      net {{
        local_ts = {}
        remote_ts = {}
        esp_proposals = {}
      }}
    }}
  }}
}}
secrets {{
  ike-site {{
    id-1 = {}
    id-2 = {}
    secret = "{}"
  }}
}}
)",
                     version, s.local_addr, s.remote_addr,
                     s.dpd_delay ? fmt::format("    dpd_delay = {}s", s.dpd_delay) : std::string(), s.local_id,
                     s.remote_id, s.local_ts, s.remote_ts, s.esp, s.local_id, s.remote_id, s.secret);
}

struct PskCase {
  int version = 2;
  harness::Action action = harness::Action::initiate;
  std::string initiator_secret = "lab-secret-1";
  std::string responder_secret = "lab-secret-1";
  std::string initiator_esp = "aes128-sha256";
  std::string responder_esp = "aes128-sha256";
  std::string broken_strongswan_conf;  // non-empty: the responder's strongswan.conf
  bool responder_daemon = true;
  int dpd_delay = 0;
  std::chrono::seconds deadline{30};
};

inline harness::CaseRequest psk_request(const std::string& name, PskCase c) {
  harness::CaseRequest request;
  request.scenario = name;
  request.ike_version = c.version;
  request.render = [c, name](const harness::HostPaths& i, const harness::HostPaths& r) {
    harness::CaseConfig config;
    config.scenario = name;
    config.ike_version = c.version;
    config.connection = "site";
    config.child = "net";
    config.action = c.action;
    config.deadline = c.deadline;
    config.initiator.strongswan_conf = strongswan_conf(i);
    config.responder.strongswan_conf = c.broken_strongswan_conf.empty() ? strongswan_conf(r) : c.broken_strongswan_conf;
    config.initiator.swanctl_conf =
        swanctl_conf(c.version, {"192.0.2.1", "192.0.2.2", "init.lab", "resp.lab", "10.1.0.0/24", "10.2.0.0/24",
                                 c.initiator_secret, c.initiator_esp, c.dpd_delay});
    config.responder.swanctl_conf =
        swanctl_conf(c.version, {"192.0.2.2", "192.0.2.1", "resp.lab", "init.lab", "10.2.0.0/24", "10.1.0.0/24",
                                 c.responder_secret, c.responder_esp, 0});
    config.responder.start_daemon = c.responder_daemon;
    return config;
  };
  return request;
}

}  // namespace ikelab::labtest
