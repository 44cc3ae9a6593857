#!/usr/bin/env bash
# `ikelab diagnose --html FILE` as a user runs it: a captured lab log gives a
# report with one diagram per attempt; bad uses get a clear error and exit 2.
#   diagnose_html_cli.sh IKELAB LOG
set -uo pipefail
ikelab=$1 log=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # NAME WANT_RC WANT_STDERR_SUBSTRING CMD...
  local name=$1 want=$2 text=$3
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" "$work/err"; then
    echo "FAIL: $name: exit $rc (want $want), stderr: $(cat "$work/err")" >&2
    fail=1
  else
    echo "ok: $name"
  fi
}
"$ikelab" diagnose --html "$work/r.html" "$log" >/dev/null
[ "$(grep -c '<svg class="sequence"' "$work/r.html")" -ge 1 ] && echo "ok: report written" || { echo "FAIL: no diagram in the report" >&2; fail=1; }
grep -q 'http://\|https://' "$work/r.html" && { echo "FAIL: the report refers to the network" >&2; fail=1; }
expect "standard input refused" 2 "--html needs log files" "$ikelab" diagnose --html "$work/s.html" -
expect "--follow refused" 2 "not --follow" "$ikelab" diagnose --html "$work/f.html" --follow "$log"
expect "a missing log named" 2 "$work/missing.log" "$ikelab" diagnose --html "$work/m.html" "$work/missing.log"
expect "an unwritable report named" 2 "/proc/ikelab-no/r.html" "$ikelab" diagnose --html /proc/ikelab-no/r.html "$log"
exit "$fail"
