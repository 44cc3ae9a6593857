#!/usr/bin/env bash
# ikelab diagnose --journal against a real journal: a real systemd-journald,
# started in a private mount namespace of its own (tmpfs /run, so the
# machine's /run is untouched), receives a lab-captured charon log through
# the real systemd-cat (-t charon); its journal file is then read with
# --journal charon --journal-file. Each line is sent without the filelog's own
# timestamp ("Nov 22 14:29:11 "), as charon's syslog logger writes it (the
# journal adds the time). Needs root (unshare). Usage: diagnose-journal.sh IKELAB
set -euo pipefail
ikelab=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
log=$top/tests/data/logs/psk_mismatch/ike2/responder.log   # scenarios/psk_mismatch.yaml, IKEv2
work=$(mktemp -d /tmp/ikelab-journal-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/inside.sh" <<'INSIDE'
set -euo pipefail
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/journal /run/log/journal
/lib/systemd/systemd-journald & jpid=$!
trap 'kill $jpid 2>/dev/null; wait $jpid 2>/dev/null || true' EXIT
for i in $(seq 100); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done
cut -c17- "$1" | systemd-cat -t charon
sleep 1
kill $jpid; wait $jpid || true
trap - EXIT
cp "$(find /run/log/journal -name system.journal | head -1)" "$2"
INSIDE
timeout 60 unshare --mount --propagation private bash "$work/inside.sh" "$log" "$work/system.journal"
journal=$work/system.journal
[ -s "$journal" ] || { echo "FAIL: journald wrote no journal file"; exit 1; }
# The journal holds the charon lines (and the kernel's, which the unit filter leaves out).
journalctl --file "$journal" -t charon -o short | grep -q "received packet" || { echo "FAIL: no charon entries"; exit 1; }
set +e
out=$(timeout 60 "$ikelab" diagnose --json --settle 0.3 --stop-after 1 --journal charon --journal-file "$journal")
rc=$?
set -e
[ "$rc" = 1 ] || { echo "FAIL: exit $rc (want 1: a fault)"; echo "$out"; exit 1; }
fault=$(echo "$out" | head -1 | jq -r '.diagnoses[0].fault')
[ "$fault" = psk_mismatch ] || { echo "FAIL: fault $fault (want psk_mismatch)"; echo "$out"; exit 1; }
echo "$out" | head -1 | jq -e '.diagnoses[0].evidence[0].text | test("charon\\[[0-9]+\\]: ")' >/dev/null ||
  { echo "FAIL: evidence is not the journal's line"; echo "$out"; exit 1; }
# A unit with no entries: nothing to diagnose is status 3.
set +e
timeout 60 "$ikelab" diagnose --stop-after 0.5 --journal nosuchunit --journal-file "$journal" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 3 ] || { echo "FAIL: an empty unit gave exit $rc (want 3)"; exit 1; }
echo "PASS: --journal read a real journald journal and named psk_mismatch"
