#pragma once

// The IKE messages one daemon's log shows it sending and receiving, read
// from the lines it writes anyway:
//   charon: `generating IKE_AUTH request 1 [ IDi AUTH SA TSi TSr ]`,
//           `parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]`
//   pluto:  `"site1" #1: sent IKE_SA_INIT request to ...`,
//           `processing decrypted IKE_AUTH request: SK{IDi,AUTH,...}`,
//           `responding to IKE_AUTH message (ID 1) ... notification AUTHENTICATION_FAILED`,
//           `sent Main Mode I2`, `responding to Quick Mode proposal ...`
// Nothing is guessed: a message that no line names is not there.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ikelab::picture {

struct LogMessage {
  std::uint64_t line = 0;   // 1-based line in the log
  std::string text;         // that whole line
  double seconds = -1;      // time of day from the line's time stamp, -1 when it has none
  std::string time;         // the time stamp as written
  bool sent = false;        // this host sent it (else received it)
  std::string exchange;     // IKE_SA_INIT, IKE_AUTH, ID_PROT, QUICK_MODE, INFORMATIONAL, ...
  std::string kind;         // request | response
  std::int64_t message_id = -1;  // -1 when the line does not say (IKEv1 IDs use all 32 bits)
  std::vector<std::string> payloads;  // as the daemon names them: SA, KE, N(AUTH_FAILED), ...
  std::vector<std::string> notifies;  // the notify names among them (AUTH_FAILED, ...)
  std::string sa;           // the IKE_SA / state the line belongs to: "site1|1", "#3", or empty
  std::string daemon;       // charon | pluto
};

// Every message line of a log, in log order.
std::vector<LogMessage> read_log_messages(std::string_view log_text);

// A notify that reports an error (AUTH_FAILED, NO_PROP, TS_UNACCEPTABLE,
// INVALID_KE_PAYLOAD, ...), in charon's short or the RFC's long name.
bool is_error_notify(std::string_view name);

}  // namespace ikelab::picture
