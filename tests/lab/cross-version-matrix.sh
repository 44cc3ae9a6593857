#!/usr/bin/env bash
# The ctest `lab_cross_version`: every line of cross-version-matrix.txt (a
# daemon pair and its scenarios) through `ikelab run -j 4`, JSON per pair into
# the build folder. As in lab-matrix.sh, a case that fails is run once more
# alone and reported FLAKY when it passes then; more than 3 failed cases of a
# pair are breakage and are not retried.
set -uo pipefail
ikelab=$1
out=$2
matrix="$(dirname "$0")/cross-version-matrix.txt"
status=0
while read -r initiator responder scenarios; do
  case "$initiator" in ''|'#'*) continue ;; esac
  pair="$initiator--$responder"
  echo "cross-version: $pair: $scenarios"
  # shellcheck disable=SC2086 # scenario names are words
  "$ikelab" run -j 4 --initiator-daemon "$initiator" --responder-daemon "$responder" \
    --json "$out/cross-version.$pair.json" $scenarios
  rc=$?
  [ "$rc" -eq 0 ] && continue
  if [ "$rc" -ne 1 ]; then status=1; continue; fi
  mapfile -t failed < <(jq -r '.cases[] | select(.pass == false) | "\(.scenario) \(.ike_version)"' \
                          "$out/cross-version.$pair.json")
  if [ "${#failed[@]}" -eq 0 ] || [ "${#failed[@]}" -gt 3 ]; then
    echo "cross-version: $pair: ${#failed[@]} case(s) failed: not retried"
    status=1
    continue
  fi
  for case_line in "${failed[@]}"; do
    read -r scenario version <<<"$case_line"
    echo "cross-version: $pair $scenario IKEv$version failed in the full run; running it once more alone"
    if "$ikelab" run "$scenario" --ike "$version" --initiator-daemon "$initiator" --responder-daemon "$responder"; then
      echo "cross-version: FLAKY $pair $scenario IKEv$version: failed in the full run, passed alone"
    else
      status=1
    fi
  done
done < "$matrix"
exit "$status"
