#!/usr/bin/env bash
# Decryptable captures, tried as a user would: `ikelab run --out DIR` on real
# daemons, then tshark (Debian's, scripts/setup.sh) reads each case's ike.pcap
# with the case's own key tables and must see what was encrypted on the wire:
#   psk_mismatch IKEv2: the AUTHENTICATION_FAILED notify (type 24) inside the
#     IKE_AUTH response; without the tables tshark cannot see it;
#   baseline_psk IKEv2: the DELETE the initiator sends when it stops (the
#     capture runs until the last DELETE), and the ESP SPIs of esp_sa are the
#     CHILD_SA's SPIs swanctl --list-sas showed;
#   baseline_psk IKEv1: the ID payload of Main Mode's encrypted messages;
#   ESP, IKEv2 and IKEv1: a kept baseline_psk case (--keep) gets a route into
#     its tunnel in its own two namespaces, pings cross it (charon's
#     kernel-libipsec: ESP in UDP 4500), and tshark with the case's esp_sa
#     reads the ICMP inside with good ICVs in both directions; with the two
#     SAs' keys swapped (the wrong direction) it reads none.
# Keys appear only in the 0600 tables: never on the console, never in another file of --out.
#   decrypt-capture.sh IKELAB
set -euo pipefail
ikelab=$1
[ "$(id -u)" -eq 0 ] || { echo "FAIL: needs root (the lab makes namespaces)" >&2; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
command -v ping >/dev/null || { echo "FAIL: ping is not installed (scripts/setup.sh installs iputils-ping)" >&2; exit 1; }
work=$(mktemp -d)
kept_run=
cleanup() {
  [ -z "$kept_run" ] || "$ikelab" cleanup --force "$kept_run" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
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
decrypted() {  # CASE_DIR FILTER FIELD [TSHARK ARGS...]: with the tables CASE_DIR holds
  local conf=$work/conf-$(basename "$(dirname "$1")")-$(basename "$1") t
  mkdir -p "$conf/wireshark"
  for t in ikev2_decryption_table ikev1_decryption_table esp_sa; do
    [ ! -f "$1/$t" ] || cp "$1/$t" "$conf/wireshark/"
  done
  XDG_CONFIG_HOME=$conf HOME=$conf tshark -n -r "$1/ike.pcap" \
    -o esp.enable_encryption_decode:TRUE -Y "$2" -T fields -e "$3" "${@:4}" 2>"$work/tshark.err"
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

# ESP: pings through kept cases' tunnels, only between the two namespaces the
# run created (their own LAN addresses, the CHILD_SA's traffic selectors).
set +e
"$ikelab" run baseline_psk -j 2 --keep --out "$work/kept" >"$work/kept.txt" 2>&1
rc=$?
set -e
kept_run=$(sed -n 's/^remove them with: ikelab cleanup --force \([0-9]*\).*/\1/p' "$work/kept.txt")
[ "$rc" -eq 0 ] && [ -n "$kept_run" ] || { echo "FAIL: ikelab run --keep exited $rc" >&2; cat "$work/kept.txt" >&2; exit 1; }
cat "$work/kept.txt" >>"$work/console.txt"
lan() { ip netns exec "$1" ip -4 -o addr show dev ikl-lan | awk '{print $4}'; }  # 10.1.0.1/24
for v in 2 1; do
  kept_ns() { awk -v v="IKEv$v" -v side="$1:" '$1 == "kept" && $3 == v {f = 1} f && $1 == side {print $5; exit}' "$work/kept.txt"; }
  ns_i=$(kept_ns initiator)
  ns_r=$(kept_ns responder)
  [ -n "$ns_i" ] && [ -n "$ns_r" ] || { echo "FAIL: no kept IKEv$v case in:" >&2; cat "$work/kept.txt" >&2; exit 1; }
  lan_i=$(lan "$ns_i"); lan_r=$(lan "$ns_r")
  net() { python3 -c 'import ipaddress,sys; print(ipaddress.ip_interface(sys.argv[1]).network)' "$1"; }
  # install_routes = no in the lab: the route into kernel-libipsec's TUN device is set here.
  ip netns exec "$ns_i" ip route add "$(net "$lan_r")" dev ipsec0 src "${lan_i%/*}"
  ip netns exec "$ns_r" ip route add "$(net "$lan_i")" dev ipsec0 src "${lan_r%/*}"
  esp=$work/esp$v
  mkdir -p "$esp"
  cp "$work/kept/baseline_psk/ike$v/esp_sa" "$esp/"
  ip netns exec "$ns_i" tcpdump -n -U -i ikl-wan -w "$esp/ike.pcap" udp 2>"$esp/tcpdump.err" &
  tcpdump_pid=$!
  for i in $(seq 50); do grep -q "listening on" "$esp/tcpdump.err" && break; sleep 0.1; done
  check "IKEv$v: 3 pings ${lan_i%/*} -> ${lan_r%/*} answered through the tunnel" \
    'ip netns exec "$ns_i" ping -c 3 -i 0.2 -W 2 -I "${lan_i%/*}" "${lan_r%/*}" >"$esp/ping.txt"'
  sleep 0.5
  kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true
  check "IKEv$v: the pings crossed the wire as ESP only" \
    '[ "$(plain "$esp" "esp" frame.number | wc -l)" -ge 6 ] && [ -z "$(plain "$esp" "icmp" frame.number)" ]'
  icmp() {  # ESP_DIR: "TYPE SRC ICV_GOOD" of each decrypted ICMP packet
    decrypted "$1" icmp "icmp.type" -e ip.src -e esp.icv_good -E occurrence=l -o esp.enable_authentication_check:TRUE |
      awk '{print $1, $2, $3}' | sort | uniq -c | awk '{print $1, $2, $3, $4}' | tr '\n' ';'
  }
  want="3 0 ${lan_r%/*} 1;3 8 ${lan_i%/*} 1;"
  got=$(icmp "$esp")
  check "IKEv$v: tshark with esp_sa reads 3 requests and 3 replies, ICVs good ($got)" '[ "$got" = "$want" ]'
  # The wrong direction: each SPI with the other SA's keys.
  swapped=$work/swapped$v
  mkdir -p "$swapped"
  cp "$esp/ike.pcap" "$swapped/"
  awk -F, 'NR==1{a=$6","$7","$8} NR==2{b=$6","$7","$8; l2=$0} NR==1{l1=$0}
    END{split(l1,x,","); split(l2,y,","); print x[1]","x[2]","x[3]","x[4]","x[5]","b; print y[1]","y[2]","y[3]","y[4]","y[5]","a}' \
    "$esp/esp_sa" >"$swapped/esp_sa"
  check "IKEv$v: with the keys of the other direction tshark reads no ICMP" '[ -z "$(icmp "$swapped")" ]'
done

# No key outside the tables: every key hex of every table, looked for in the
# console output and in every other file of --out.
keys=$(cat "$out"/*/ike*/ikev2_decryption_table "$out"/*/ike*/ikev1_decryption_table "$out"/*/ike*/esp_sa "$work"/kept/*/ike*/esp_sa |
  tr ',' '\n' | tr -d '"' | sed 's/^0x//' | grep -E '^[0-9a-f]{32,}$' | sort -u)
check "the tables hold keys at all" '[ -n "$keys" ]'
leak=0
for k in $keys; do
  if grep -qi "$k" "$work/console.txt"; then echo "key on the console: ${k:0:8}..." >&2; leak=1; fi
  if grep -rqil --exclude=ikev2_decryption_table --exclude=ikev1_decryption_table --exclude=esp_sa --exclude=ike.pcap "$k" "$out" "$work/kept"; then
    echo "key in another file of --out: ${k:0:8}..." >&2; leak=1
  fi
done
check "no key on the console or in another file of --out" '[ "$leak" -eq 0 ]'
[ "$fail" -eq 0 ] || { echo "--- tshark stderr ---" >&2; cat "$work/tshark.err" >&2 || true; }
exit "$fail"
