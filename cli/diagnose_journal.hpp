#pragma once
// `ikelab diagnose --journal [UNIT]`: the systemd journal read directly
// through libsystemd's sd-journal, each entry as the line `journalctl -o
// short` prints ("Dec 02 13:47:59 host ident[pid]: MESSAGE"), from the
// oldest entry on and then following new ones (journalctl -f). UNIT (if
// given) matches _SYSTEMD_UNIT (".service" added when it has no suffix) or
// SYSLOG_IDENTIFIER, so `--journal strongswan` and `--journal charon` work.
// `journal_file` reads that journal file instead of the system's.

#include "cli/diagnose_follow.hpp"

#include <string>

namespace ikelab::cli {

int follow_journal(const std::string& unit, const std::string& journal_file, const FollowOptions& options,
                   const Feed& feed, const std::function<void()>& tick);

}  // namespace ikelab::cli
