#pragma once
// `ikelab diagnose --vici URI`: attaches to a running charon over its vici
// socket (unix://PATH, as swanctl --uri takes it), registers for its "log"
// events (what `swanctl --log` shows) and turns each into the line charon's
// own file logger writes ("Dec  2 13:47:59 13[IKE] <site1|1> message"), so
// the running daemon's attempts are diagnosed as they settle. Ends when charon
// closes the socket (it stopped), on Ctrl-C, or after --stop-after.
// strongSwan ships no development library for vici, so the few bytes of its
// wire format (a length, a type, named key/value elements) are read here.

#include "cli/diagnose_follow.hpp"

#include <string>

namespace ikelab::cli {

int follow_vici(const std::string& uri, const FollowOptions& options, const Feed& feed,
                const std::function<void()>& tick);

}  // namespace ikelab::cli
