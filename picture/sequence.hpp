#pragma once

// One sequence diagram: the messages of both hosts' logs merged into arrows
// between two columns (left: the initiator / the first log's host, right: its
// peer). A message one log shows being sent and the other being received is
// one arrow with both lines; a message only one log shows is an arrow with
// one line (and, when the other log is there, marked as not seen by it).

#include "picture/log_messages.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ikelab::picture {

struct Arrow {
  bool left_to_right = true;
  std::optional<LogMessage> at_sender;    // the sender's line
  std::optional<LogMessage> at_receiver;  // the receiver's line
  bool failing = false;                   // the step the diagnosis points at

  const LogMessage& any() const { return at_sender ? *at_sender : *at_receiver; }
  // Seconds since the diagram's first message (-1 without time stamps).
  double offset = -1;
};

struct Sequence {
  std::vector<Arrow> arrows;
};

// `left`, `right`: the two hosts' messages (either may be empty: one log only).
Sequence merge_messages(const std::vector<LogMessage>& left, const std::vector<LogMessage>& right);

// Which columns' logs show every message their host received (charon logs
// `parsed ...` for each; pluto does not): there, a message without a
// receiver's line never made it (dropped, or it could not be decrypted).
struct ReceiverLogs {
  bool left_complete = false;
  bool right_complete = false;
};

// The failing step: the first arrow carrying an error notify or lost on the
// way to a receiver whose log is complete; else, when the attempt failed,
// the last arrow (a request nobody answered). Marks it; returns its index.
std::optional<size_t> mark_failing_step(Sequence& sequence, bool attempt_failed, ReceiverLogs receivers = {});

}  // namespace ikelab::picture
