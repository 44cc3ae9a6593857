#!/usr/bin/env bash
# The kill part of the fault-injection suite (docs/security.md), as the
# issue's stress test did it: start `ikelab run` over the whole matrix, hit
# it at a point in time that varies from round to round (early rounds land
# in the credential generation, later ones mid-case), then check what it left.
#   SIGKILL: then `ikelab cleanup`; nothing of the run may remain.
#   SIGINT, SIGTERM, SIGHUP: nothing may remain even without cleanup, and
#   ikelab must end by that signal.
# Only the ikelab processes this script started are signalled, by pid.
# Leftovers counted per round: namespaces ikl<pid>-*, processes inside
# them, children ikelab had at the kill (pki, daemons) still alive, its
# state directory, and its temporary artefact folder (unless it holds a
# finished case's failure, which the run's report names).
# Usage: tests/lab/kill-loop.sh IKELAB [ROUNDS]   (needs root; prints a summary)
set -uo pipefail
ikelab=${1:?usage: kill-loop.sh IKELAB [ROUNDS]}
rounds=${2:-20}
state=${IKELAB_STATE_DIR:-/var/lib/ikelab}
tmp=${TMPDIR:-/tmp}
[ "$(id -u)" -eq 0 ] || { echo "kill-loop.sh: needs root" >&2; exit 2; }
signals=(KILL INT KILL TERM KILL HUP)
delays=(0.05 0.5 2 5 9 14 20 30)   # seconds after the start (under load the credentials alone take ~8 s)
total_left=0
kills=0
by_signal=0
in_pki=0    # rounds that hit ikelab while pki made credentials
in_case=0   # rounds that hit it with daemons running
for ((round = 0; round < rounds; round++)); do
  sig=${signals[round % ${#signals[@]}]}
  delay=${delays[round % ${#delays[@]}]}
  out=$(mktemp)
  "$ikelab" run -j 2 > "$out" 2>&1 &
  pid=$!
  sleep "$delay"
  # What it runs right now: children of any of its threads (pki, daemons, tools).
  children=$(cat /proc/$pid/task/*/children 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+$' || true)
  for c in $children; do
    case "$(cat /proc/$c/comm 2>/dev/null)" in
      pki) in_pki=$((in_pki + 1)); break ;;
      charon|pluto) in_case=$((in_case + 1)); break ;;
    esac
  done
  kill -s "$sig" "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
  status=$?
  if [ "$sig" = KILL ]; then
    "$ikelab" cleanup > /dev/null 2>&1
    kills=$((kills + 1))
  elif [ "$status" -eq $((128 + $(kill -l "$sig"))) ]; then
    by_signal=$((by_signal + 1))
  else
    echo "round $round: SIG$sig: ikelab ended with status $status, not by the signal" >&2
  fi
  sleep 0.2
  left=0
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^ikl${pid}-" || true); do
    left=$((left + 1)); echo "round $round: SIG$sig after ${delay}s: namespace $ns left" >&2
    for p in $(ip netns pids "$ns" 2>/dev/null); do left=$((left + 1)); echo "round $round: process $p in $ns" >&2; done
  done
  for c in $children; do
    if [ -e "/proc/$c" ] && [ "$(awk '{print $3}' /proc/$c/stat 2>/dev/null)" != Z ]; then
      left=$((left + 1)); echo "round $round: SIG$sig after ${delay}s: child $c ($(cat /proc/$c/comm)) still alive" >&2
    fi
  done
  for d in "$state/$pid"-*; do
    [ -e "$d" ] && { left=$((left + 1)); echo "round $round: SIG$sig after ${delay}s: state dir $d left" >&2; }
  done
  for d in "$tmp/ikelab-run-$pid"-*; do
    [ -e "$d" ] || continue
    if grep -qF "$d" "$out"; then rm -rf "$d"; continue; fi   # a finished case's failure logs, named in the report
    left=$((left + 1)); echo "round $round: SIG$sig after ${delay}s: artefact folder $d left" >&2
  done
  total_left=$((total_left + left))
  rm -f "$out"
done
echo "kill-loop.sh: $rounds rounds ($in_pki during credential generation, $in_case with daemons running):" \
  "$kills SIGKILL + cleanup, $by_signal ended by SIGINT/SIGTERM/SIGHUP; leftovers: $total_left"
[ "$total_left" -eq 0 ] && [ $((kills + by_signal)) -eq "$rounds" ]
