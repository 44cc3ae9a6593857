#!/usr/bin/env bash
# README's main command: installs every dependency, builds, and runs the
# whole lab matrix (every scenario, every IKE version) with a table of results.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
exec "$top/build/ikelab" run "$@"
