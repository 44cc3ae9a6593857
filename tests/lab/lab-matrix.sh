#!/usr/bin/env bash
# The ctest `lab_matrix`: the whole matrix at -j 4, JUnit and JSON into the
# build folder. A few real-daemon races show under a loaded machine (e.g. a
# libreswan XAuth client's Quick Mode overtaking its XAuth status ack at a
# charon server); a case that fails is run once more alone and reported as
# FLAKY when it passes then, so the flake stays visible. More than 3 failed
# cases are not retried: that is breakage, not a race.
set -uo pipefail
ikelab=$1
out=$2
"$ikelab" run -j 4 --junit "$out/lab-matrix.junit.xml" --json "$out/lab-matrix.json"
rc=$?
# The --json file follows its contract (docs/run.schema.json), whatever the cases did.
if [ -f "$out/lab-matrix.json" ]; then
  python3 "$(dirname "$0")/../schema/validate_json.py" "$(dirname "$0")/../../docs/run.schema.json" "$out/lab-matrix.json" || exit 1
fi
[ "$rc" -eq 1 ] || exit "$rc"
mapfile -t failed < <(jq -r '.cases[] | select(.pass == false) | "\(.scenario) \(.ike_version)"' "$out/lab-matrix.json")
if [ "${#failed[@]}" -eq 0 ] || [ "${#failed[@]}" -gt 3 ]; then
  echo "lab-matrix: ${#failed[@]} case(s) failed: not retried"
  exit 1
fi
status=0
for case_line in "${failed[@]}"; do
  read -r scenario version <<<"$case_line"
  echo "lab-matrix: $scenario IKEv$version failed in the full run; running it once more alone"
  if "$ikelab" run "$scenario" --ike "$version"; then
    echo "lab-matrix: FLAKY $scenario IKEv$version: failed in the full run, passed alone"
  else
    status=1
  fi
done
exit "$status"
