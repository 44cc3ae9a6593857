#!/usr/bin/env bash
# README's test command: installs every dependency, builds, and runs every
# test (unit tests and the lab tests that start real strongSwan daemons).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
cd "$top/build"
ctest --output-on-failure "$@"
