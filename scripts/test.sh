#!/usr/bin/env bash
# README's test command: installs every dependency, builds, and runs every
# test (unit tests and the lab tests that start real strongSwan daemons).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
cd "$top/build"
# Two at a time: most lab cases wait on daemons and timers; the tests that
# must run alone (kill loop, scaling benchmark) are marked RUN_SERIAL.
ctest --output-on-failure -j "$(nproc)" "$@"
# The fault-injection suite's fuzz run (docs/security.md), time-bounded.
if [ $# -eq 0 ]; then "$top/scripts/fuzz.sh"; fi
