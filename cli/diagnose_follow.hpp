#pragma once
// `ikelab diagnose --follow`: live sources fed to a StreamDiagnoser, each
// attempt printed as soon as it settles.
//   follow_file  like `tail -F`: a file (waited for when it does not exist
//                yet; after a rename rotation the new file is read from its
//                start, after truncation the file is read again from 0), or
//                "-" / a pipe (until the writer closes it).

#include "ikelab/diagnoser.hpp"

#include <functional>
#include <memory>
#include <string>

namespace ikelab::cli {

struct FollowOptions {
  double settle = 2.0;      // seconds of quiet after a final line
  double idle = 30.0;       // seconds after which a quiet attempt is diagnosed anyway
  double stop_after = 0;    // > 0: stop after this many seconds without new data
};

// A live reader: calls `feed` with bytes as they come and `tick` when idle;
// returns when the source ends, on SIGINT/SIGTERM, or after stop_after.
// Errors are printed (naming the source) and give 2.
using Feed = std::function<void(std::string_view)>;
int follow_file(const std::string& path, const FollowOptions& options, const Feed& feed,
                const std::function<void()>& tick);

// True once SIGINT or SIGTERM arrived (handlers installed by install_stop_handlers).
bool stop_requested();
void install_stop_handlers();
double now_seconds();

}  // namespace ikelab::cli
