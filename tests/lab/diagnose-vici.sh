#!/usr/bin/env bash
# ikelab diagnose --vici against the lab's own charon: `ikelab run --keep`
# leaves a passing case's namespaces and daemons running; the test attaches to
# the initiator's vici socket, tears the IKE_SA down and initiates it again
# with swanctl, and expects the new attempt diagnosed as it happens (none:
# it succeeds), then removes the kept run (also on failure or Ctrl-C).
# Needs root. Usage: diagnose-vici.sh IKELAB
set -euo pipefail
ikelab=$1
work=$(mktemp -d /tmp/ikelab-vici-test.XXXXXX)
run_id=
cleanup() {
  [ -n "$run_id" ] && "$ikelab" cleanup --force "$run_id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
timeout 120 "$ikelab" run baseline_psk --ike 2 --keep > "$work/run.txt" 2>&1 || { cat "$work/run.txt"; exit 1; }
run_id=$(sed -n 's/^remove them with: ikelab cleanup --force \([0-9]*\).*/\1/p' "$work/run.txt")
uri=$(sed -n 's/^  initiator: .*--uri \(unix:[^ ]*\).*/\1/p' "$work/run.txt")
[ -n "$run_id" ] && [ -n "$uri" ] || { echo "FAIL: no kept run in:"; cat "$work/run.txt"; exit 1; }
timeout 60 "$ikelab" diagnose --json --settle 0.5 --stop-after 4 --vici "$uri" > "$work/out.json" 2> "$work/err.txt" &
diag=$!
# Attached (the catalogue is compiled first, which takes a while on a busy machine).
for i in $(seq 300); do grep -q "attached to charon" "$work/err.txt" 2>/dev/null && break; sleep 0.1; done
grep -q "attached to charon" "$work/err.txt" || { echo "FAIL: never attached"; cat "$work/err.txt"; exit 1; }
swanctl --terminate --ike site1 --uri "$uri" >/dev/null
swanctl --initiate --child net1 --uri "$uri" >/dev/null
set +e
wait $diag
rc=$?
set -e
[ "$rc" = 0 ] || { echo "FAIL: exit $rc (want 0: the new attempt succeeded)"; cat "$work/out.json" "$work/err.txt"; exit 1; }
jq -e -s 'map(.diagnoses[]) | any(.fault == "none" and .role == "initiator" and .ike_version == 2)' "$work/out.json" >/dev/null ||
  { echo "FAIL: no successful IKEv2 initiator attempt diagnosed"; cat "$work/out.json"; exit 1; }
jq -e -s 'map(.diagnoses[].evidence[].text) | any(test("established with SPIs"))' "$work/out.json" >/dev/null ||
  { echo "FAIL: evidence lacks the CHILD_SA line"; cat "$work/out.json"; exit 1; }
echo "PASS: --vici followed the lab's charon and diagnosed the new attempt"
