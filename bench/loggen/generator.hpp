// Interleaves many connection attempts, each one a real template with its
// own connection name, peer address, unique ids and threads, into one
// gateway log in syslog format, and writes the truth beside it.
#pragma once

#include "bench/loggen/log_template.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ikelab::bench {

struct GeneratorOptions {
  Dialect dialect = Dialect::charon;
  std::uint64_t target_bytes = 1 << 20;  // stop starting attempts once reached
  std::uint64_t seed = 1;
  double attempts_per_second = 50;  // mean arrival rate of new attempts
  int worker_threads = 32;          // charon thread numbers drawn from 1..N
  std::string host = "gw1";
  std::int64_t start_epoch = 1793836800;  // 2026-11-05 00:00:00 UTC
};

struct GeneratorResult {
  std::uint64_t bytes = 0, lines = 0, attempts = 0;
};

// Writes the log to `log` and one truth row per attempt to `truth`:
// "n<TAB>remote<TAB>connection<TAB>role<TAB>ike<TAB>truth<TAB>template<TAB>gap", truth
// as written in expected/ (an id, or "[a, b]"), gap "xfail" when expected/
// marks that view a known diagnoser gap, else "-".
GeneratorResult generate(const std::vector<LogTemplate>& templates, const DaemonHeader& header,
                         const GeneratorOptions& options, std::FILE* log, std::FILE* truth);

}  // namespace ikelab::bench
