#!/usr/bin/env bash
# `ikelab run --report DIR` on real daemons, opened in headless Chromium: the
# page's script ran without an error, one diagram and one matrix cell per case,
# the cells coloured by each case's verdict, a failing step highlighted in
# each case whose diagnosis is a fault, and each case's diagnosis text shown.
# The expectations come from the same run's --json summary.
#   run_report_in_chromium.sh IKELAB
set -euo pipefail
ikelab=$1
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (the lab makes namespaces)" >&2; exit 1; }
browser=$(command -v chromium || true)
[ -n "$browser" ] || { echo "FAIL: chromium is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set +e
"$ikelab" run psk_mismatch baseline_psk peer_unreachable pluto_resp_psk_mismatch -j 3 --report "$work/report" \
  --json "$work/run.json" >"$work/console.txt" 2>&1
rc=$?
set -e
[ "$rc" -le 1 ] || { echo "FAIL: ikelab run exited $rc" >&2; cat "$work/console.txt" >&2; exit 1; }
grep -q "^HTML report: $work/report/index.html" "$work/console.txt" || { echo "FAIL: no 'HTML report:' line" >&2; exit 1; }
cases=$(jq '.summary.cases' "$work/run.json")
passed=$(jq '.summary.passed' "$work/run.json")
faults=$(jq '[.cases[] | select(.diagnoses.pair.fault != "none")] | length' "$work/run.json")

flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/report/index.html" >"$work/dom.html" 2>"$work/chromium.err"
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1" >&2; fail=1; fi; }
body=$(grep -o '<body[^>]*>' "$work/dom.html" | head -n 1)
check "the page's script ran to its end" '[[ $body == *data-script=\"ok\"* ]]'
check "no script error in the page" '[[ $body != *data-script-error* ]] && ! grep -q "Uncaught" "$work/chromium.err"'
check "one diagram per case ($cases)" '[ "$(grep -o "<svg class=\"sequence\"" "$work/dom.html" | wc -l)" -eq "$cases" ]'
check "one matrix cell per case" '[ "$(grep -o "class=\"cell verdict-" "$work/dom.html" | wc -l)" -eq "$cases" ]'
check "cells coloured by verdict ($passed pass)" '[ "$(grep -o "class=\"cell verdict-pass\"" "$work/dom.html" | wc -l)" -eq "$passed" ]'
check "a failing step in each of the $faults faulty cases" '[ "$(grep -o "class=\"msg failing" "$work/dom.html" | wc -l)" -eq "$faults" ]'
missing=0
while IFS= read -r summary; do
  esc=$(printf '%s' "$summary" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
  grep -qF "$esc" "$work/dom.html" || { echo "not shown: $summary" >&2; missing=1; }
done < <(jq -r '.cases[].diagnoses.pair.summary' "$work/run.json")
check "every case's diagnosis text is shown" '[ "$missing" -eq 0 ]'
[ "$fail" -eq 0 ] || grep -v dbus "$work/chromium.err" | tail -n 20 >&2
exit "$fail"
