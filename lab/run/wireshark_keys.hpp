#pragma once

// Wireshark's key tables for a case's ike.pcap, read from charon's own key
// logging: a filelog with `ike = 4` and `chd = 4` (charon-keys.log, never
// kept nor printed) holds, per IKE_SA, `Sk_ei secret`, `Sk_er`, `Sk_ai`,
// `Sk_ar` (IKEv2) or `encryption key Ka` (IKEv1), per CHILD_SA the
// `encryption/integrity initiator/responder key`; `mgr = 2` adds the SPIs
// (`checkout IKEv2 SA by message with SPIs ..._i ..._r`), level 1 the
// selected proposals and the CHILD_SAs' SPIs (`established with SPIs`).
//
// The tables are the files Wireshark reads from its profile folder (or
// `tshark -o uat:ikev2_decryption_table:...`): one CSV line per SA.

#include <string>
#include <string_view>

namespace ikelab::harness {

struct WiresharkKeyTables {
  // The format save-keys writes: byte fields bare hex, text fields quoted.
  std::string ikev2_decryption_table;  // SPIi,SPIr,SK_ei,SK_er,"encr",SK_ai,SK_ar,"integ"
  std::string ikev1_decryption_table;  // initiator cookie,encryption key
  std::string esp_sa;                  // "IPv4","*","*","0xSPI","encr",0xkey,"integ",0xkey
  // What a table lacks because the log does not say it (an unknown algorithm, a rekeyed IKE_SA).
  std::string notes;
};

// The tables from one charon-keys.log (a host's view: its own SAs).
WiresharkKeyTables wireshark_key_tables(std::string_view keys_log);
// Both hosts' tables as one (an SA both logged is listed once).
WiresharkKeyTables merge_key_tables(const WiresharkKeyTables& a, const WiresharkKeyTables& b);

}  // namespace ikelab::harness
