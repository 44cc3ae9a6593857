#!/usr/bin/env bash
# The lab matrix's speed (issue 4): runs `ikelab run` over the whole matrix (or
# the scenarios named) at -j 1, 2 and 4 and prints
#   - the whole matrix's wall time at each -j,
#   - per-case wall time (median, max) from the -j 1 run (no contention between cases),
#   - the floor: charon's own start-up (measured here: exec in a namespace with
#     the lab's recipe until `swanctl --stats` over vici answers, median of 15)
#     + the negotiation (initiate until both phases are up: the `action` step
#     of the baseline cases),
#   - the targets: median case <= 2 x floor; whole matrix <= 60 s at -j 4.
# usage: bench/matrix.sh [--jobs "1 2 4"] [--ikelab PATH] [NAME...]
# Needs root (the lab) and jq. Reports the load average: other work on the
# machine slows the lab; rerun on a quiet machine for clean figures.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ikelab="$top/build/ikelab"
jobs_list="1 2 4"
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs_list="$2"; shift 2 ;;
    --ikelab) ikelab="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
[ -x "$ikelab" ] || { echo "no $ikelab (run scripts/build.sh)" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is needed (scripts/setup.sh installs it)" >&2; exit 2; }

out=$(mktemp -d /tmp/ikelab-matrix-bench-XXXXXX)
ns="ikl-bench-$$"
charon_pid=""
cleanup() {
  [ -n "$charon_pid" ] && kill "$charon_pid" 2>/dev/null && wait "$charon_pid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0

# charon's own start-up, outside the runner: the lab's recipe (own namespace,
# private /run, STRONGSWAN_CONF, kernel-libipsec), exec until vici answers.
ip netns add "$ns"
ip -n "$ns" link set lo up
startups=()
for i in $(seq 1 "${CHARON_STARTS:-15}"); do
  run="$out/charon$i"
  mkdir -p "$run/run" "$run/log"
  cat > "$run/strongswan.conf" <<CONF
charon {
  load = random nonce openssl aes sha1 sha2 hmac pem pkcs1 pkcs8 x509 revocation constraints pubkey gmp curve25519 kdf kernel-libipsec kernel-netlink socket-default vici
  install_routes = no
  plugins { vici { socket = "unix://$run/run/charon.vici" } }
  syslog { daemon { default = -1 } }
  filelog { main { path = "$run/log/charon.log"
    default = 1 } }
}
CONF
  t0=$(date +%s%N)
  STRONGSWAN_CONF="$run/strongswan.conf" ip netns exec "$ns" unshare --mount --propagation private \
    sh -c 'mount --bind "$1" /run && exec /usr/lib/ipsec/charon' charon-bench "$run/run" >/dev/null 2>&1 &
  charon_pid=$!
  until swanctl --stats --uri "unix://$run/run/charon.vici" >/dev/null 2>&1; do
    kill -0 "$charon_pid" 2>/dev/null || { echo "charon did not start: $(cat "$run/log/charon.log")" >&2; exit 2; }
    sleep 0.002
  done
  t1=$(date +%s%N)
  startups+=("$(awk "BEGIN{print ($t1 - $t0) / 1e9}")")
  kill "$charon_pid"; wait "$charon_pid" 2>/dev/null || true
  charon_pid=""
done
ip netns del "$ns"
read -r charon_start charon_start_max < <(printf '%s\n' "${startups[@]}" | sort -n |
  awk '{v[NR]=$1} END{m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m, v[NR]}')
printf 'charon start-up alone (exec until vici answers, %d starts): median %.3f s, max %.3f s\n' \
  "${#startups[@]}" "$charon_start" "$charon_start_max"
declare -A wall
for j in $jobs_list; do
  start=$(date +%s.%N)
  if ! "$ikelab" run -j "$j" --json "$out/j$j.json" "${names[@]}" > "$out/j$j.txt" 2>/dev/null; then
    echo "-j $j: some cases failed (see ikelab run output):" >&2
    grep '^FAIL' "$out/j$j.txt" >&2 || true
    status=1
  fi
  end=$(date +%s.%N)
  wall[$j]=$(awk "BEGIN{print $end - $start}")
  cases=$(jq '.summary.cases' "$out/j$j.json")
  printf 'whole matrix at -j %s: %6.1f s wall (%s cases; load average now %s)\n' "$j" "${wall[$j]}" "$cases" \
    "$(cut -d' ' -f1 /proc/loadavg)"
done

first=$(echo "$jobs_list" | awk '{print $1}')
stats='def median: sort | if length == 0 then 0 elif length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;'
read -r case_median case_max slowest < <(jq -r "$stats"' [.cases[].seconds] as $s
  | ([.cases[] | {n: "\(.scenario) ike\(.ike_version)", s: .seconds}] | max_by(.s).n) as $slow
  | "\($s | median) \($s | max) \($slow)"' "$out/j$first.json")
# charon-only cases (both peers charon): their daemons' start-up; baselines: negotiation.
read -r startup negotiation < <(jq -r "$stats"' [.cases[] | select(.scenario | startswith("pluto_") | not)
    | .startup_seconds.initiator, .startup_seconds.responder | select(. > 0)] as $up
  | [.cases[] | select(.scenario | test("^baseline_(psk|cert|pubkey)$")) | .steps.action // empty] as $neg
  | "\($up | median) \($neg | median)"' "$out/j$first.json")
floor=$(awk "BEGIN{print $charon_start + $negotiation}")
printf 'per case (-j %s): median %.2f s, max %.2f s (%s)\n' "$first" "$case_median" "$case_max" "$slowest"
printf 'in the lab run: charon start-up median %.3f s (as the runner measures it, daemons started in parallel)\n' "$startup"
printf 'floor: charon start-up %.3f s + negotiation (baseline initiate until both phases up, median) %.3f s = %.3f s\n' \
  "$charon_start" "$negotiation" "$floor"
verdict() { if awk "BEGIN{exit !($1)}"; then echo PASS; else echo FAIL; status=1; fi; }
v1=$(verdict "$case_median <= 2 * $floor")
printf 'target median case <= 2 x floor (%.2f s): %s (%.2f s, %.1f x floor)\n' \
  "$(awk "BEGIN{print 2 * $floor}")" "$v1" "$case_median" "$(awk "BEGIN{print $case_median / $floor}")"
[ "$v1" = PASS ] || status=1
if [ -n "${wall[4]:-}" ]; then
  v2=$(verdict "${wall[4]} <= 60")
  printf 'target whole matrix <= 60 s at -j 4: %s (%.1f s)\n' "$v2" "${wall[4]}"
  [ "$v2" = PASS ] || status=1
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
