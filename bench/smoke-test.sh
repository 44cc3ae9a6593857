#!/usr/bin/env bash
# ctest smoke test (label unit): a small generated gateway log goes through
# `ikelab diagnose --json` and must match the generator's truth exactly.
# Usage: smoke-test.sh IKELAB LOGGEN FORMAT WORKDIR
set -euo pipefail
ikelab=$1 loggen=$2 format=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
log=$work/smoke-$format.log truth=$work/smoke-$format.truth json=$work/smoke-$format.json
"$loggen" generate --manifest "$here/templates/smoke.yaml" --format "$format" --size 300K --seed 5 \
  -o "$log" --truth "$truth"
set +e
"$ikelab" diagnose --json "$log" > "$json"
rc=$?
set -e
[ $rc -le 1 ] || { echo "ikelab diagnose exited $rc"; exit 1; }
"$loggen" check --truth "$truth" --json "$json"
