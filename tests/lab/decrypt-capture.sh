#!/usr/bin/env bash
# Decryptable captures, tried as a user would: `ikelab run --out DIR` on real
# daemons, then tshark (Debian's, scripts/setup.sh) reads each case's ike.pcap
# with the case's own key tables and must see what was encrypted on the wire:
#   psk_mismatch IKEv2: the AUTHENTICATION_FAILED notify (type 24) inside the
#     IKE_AUTH response; without the tables tshark cannot see it;
#   baseline_psk IKEv2: the DELETE the initiator sends when it stops (the
#     capture runs until the last DELETE), and the ESP SPIs of esp_sa are the
#     CHILD_SA's SPIs swanctl --list-sas showed;
#   baseline_psk IKEv1: the ID payload of Main Mode's encrypted messages.
# Keys appear only in the 0600 tables: never on the console, never in another file of --out.
#   decrypt-capture.sh IKELAB
set -euo pipefail
ikelab=$1
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (the lab makes namespaces)" >&2; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out
set +e
"$ikelab" run psk_mismatch baseline_psk -j 2 --out "$out" >"$work/console.txt" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  echo "FAIL: ikelab run exited $rc" >&2
  cat "$work/console.txt" >&2
  exit 1
fi
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1" >&2; fail=1; fi; }

# tshark with one case's tables: Wireshark reads them from its personal
# configuration folder ($XDG_CONFIG_HOME/wireshark).
decrypted() {  # CASE_DIR FILTER FIELD
  local conf=$work/conf-$(basename "$(dirname "$1")")-$(basename "$1")
  mkdir -p "$conf/wireshark"
  cp "$1"/ikev2_decryption_table "$1"/ikev1_decryption_table "$1"/esp_sa "$conf/wireshark/"
  XDG_CONFIG_HOME=$conf HOME=$conf tshark -n -r "$1/ike.pcap" \
    -o esp.enable_encryption_decode:TRUE -Y "$2" -T fields -e "$3" 2>"$work/tshark.err"
}
plain() {  # CASE_DIR FILTER FIELD: the same without any table
  XDG_CONFIG_HOME=$work/empty HOME=$work/empty tshark -n -r "$1/ike.pcap" -Y "$2" -T fields -e "$3" 2>/dev/null
}

for case in psk_mismatch/ike2 baseline_psk/ike2 baseline_psk/ike1; do
  dir=$out/$case
  for t in ikev2_decryption_table ikev1_decryption_table esp_sa; do
    check "$case: $t exists with mode 600" '[ "$(stat -c %a "$dir/$t")" = 600 ]'
  done
done

psk=$out/psk_mismatch/ike2
check "psk_mismatch ike2: one IKE_SA in ikev2_decryption_table" '[ "$(wc -l <"$psk/ikev2_decryption_table")" -eq 1 ]'
check "psk_mismatch ike2: tshark finds AUTHENTICATION_FAILED (24) after decryption" \
  '[ "$(decrypted "$psk" "isakmp.notify.msgtype == 24" isakmp.notify.msgtype | head -n 1)" = 24 ]'
check "psk_mismatch ike2: without the table the notify stays encrypted" \
  '[ -z "$(plain "$psk" "isakmp.notify.msgtype == 24" isakmp.notify.msgtype)" ]'

base=$out/baseline_psk/ike2
check "baseline_psk ike2: the capture holds the decrypted DELETE (payload 42)" \
  '[ -n "$(decrypted "$base" "isakmp.nextpayload == 42 || isakmp.typepayload == 42" frame.number)" ]'
spis_table=$(sed 's/^"[^"]*","[^"]*","[^"]*","0x\([0-9a-f]*\)".*/\1/' "$base/esp_sa" | sort | tr '\n' ' ')
spis_listed=$(grep -o '\(in\|out\)  *[0-9a-f]\{8\}' "$base/initiator/list-sas.txt" | awk '{print $2}' | sort | tr '\n' ' ')
check "baseline_psk ike2: esp_sa holds the CHILD_SA's SPIs ($spis_listed)" '[ -n "$spis_listed" ] && [ "$spis_table" = "$spis_listed" ]'

v1=$out/baseline_psk/ike1
check "baseline_psk ike1: one IKE_SA in ikev1_decryption_table" '[ "$(wc -l <"$v1/ikev1_decryption_table")" -ge 1 ]'
check "baseline_psk ike1: tshark decrypts Main Mode's ID payload" \
  '[ -n "$(decrypted "$v1" "isakmp.id.type" isakmp.id.type)" ]'

# No key outside the tables: every key hex of every table, looked for in the
# console output and in every other file of --out.
keys=$(cat "$out"/*/ike*/ikev2_decryption_table "$out"/*/ike*/ikev1_decryption_table "$out"/*/ike*/esp_sa |
  tr ',' '\n' | tr -d '"' | sed 's/^0x//' | grep -E '^[0-9a-f]{32,}$' | sort -u)
check "the tables hold keys at all" '[ -n "$keys" ]'
leak=0
for k in $keys; do
  if grep -qi "$k" "$work/console.txt"; then echo "key on the console: ${k:0:8}..." >&2; leak=1; fi
  if grep -rqil --exclude=ikev2_decryption_table --exclude=ikev1_decryption_table --exclude=esp_sa --exclude=ike.pcap "$k" "$out"; then
    echo "key in another file of --out: ${k:0:8}..." >&2; leak=1
  fi
done
check "no key on the console or in another file of --out" '[ "$leak" -eq 0 ]'
[ "$fail" -eq 0 ] || { echo "--- tshark stderr ---" >&2; cat "$work/tshark.err" >&2 || true; }
exit "$fail"
