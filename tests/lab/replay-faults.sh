#!/usr/bin/env bash
# Injects catalogue faults into real config pairs (tests/data/configs), made
# customer-shaped first (each pair gets its own customer's addresses, names,
# subnets and folder layout, none of which the lab has seen), and replays
# every injected pair with real daemons:
#   both configs: `ikelab replay --json --fix INIT RESP`
#     reproduced: replay names the injected fault (the first failed attempt)
#     fixed:      --fix's rerun establishes the tunnel
#   one config:   `ikelab replay --json [--as responder] FAULTY_CONFIG`
#     the peer is then the config's exact counterpart. A fault between the two
#     configs cannot show against it, so the tunnel must come up; a fault
#     inside the one config (no PSK for its IDs, Aggressive Mode PSK the daemon
#     refuses) must be named as with both configs.
# Usage: replay-faults.sh IKELAB [--check MIN_REPRODUCED% MIN_FIXED% MIN_ONE_CONFIG%] [FAULT...]
#   --check: exit 1 when a figure is below its minimum (the ctest replay_injected_faults).
# Needs root (real daemons), jq. Prints one line per replay and the figures.
set -u
ikelab=$1; shift
check=0 min_rate=0 min_fix=0 min_one=0
if [ "${1:-}" = --check ]; then check=1; min_rate=$2; min_fix=$3; min_one=$4; shift 4; fi
only=("$@")
here=$(cd "$(dirname "$0")/../.." && pwd)
configs=$here/tests/data/configs
work=$(mktemp -d /tmp/ikelab-replay-faults.XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

# One customer per pair: addresses, names, subnets, a disjoint subnet, an
# address no host owns, and where the customer's files lie.
#   NAME INIT_ADDR RESP_ADDR INIT_NAME RESP_NAME INIT_NET RESP_NET OTHER_NET UNOWNED INIT_DIR RESP_DIR
profile_acme=(acme 203.0.113.7 198.51.100.23 hq.acme-corp.example branch.acme-corp.example
  172.20.0.0/16 172.30.0.0/16 172.31.0.0/16 203.0.113.99 hq-gateway/etc/swanctl branch-gateway/etc/swanctl)
profile_globex=(globex 100.70.1.1 100.80.2.2 vpn-fra.globex.example vpn-nyc.globex.example
  10.101.0.0/16 10.202.0.0/16 10.203.0.0/16 100.80.2.99 upload-2026-11/fra-gw/swanctl upload-2026-11/nyc-gw/swanctl)
profile_initech=(initech 81.2.69.142 81.2.69.160 gw1.initech.example gw2.initech.example
  192.168.100.0/24 192.168.200.0/24 192.168.201.0/24 81.2.69.199 initech/gw1/etc initech/gw2/etc)

# customerise SRC_INIT SRC_RESP DST PROFILE...: the pair's files with the
# customer's values (the same relations), in the customer's folders.
customerise() {
  local src_i=$1 src_r=$2 dst=$3; shift 3
  local p=("$@")
  local sub=(-e "s/192\.168\.0\.1\b/${p[1]}/g; s/192\.168\.0\.2\b/${p[2]}/g; s/PH_IP_MOON/${p[1]}/g; s/PH_IP_SUN/${p[2]}/g"
             -e "s/moon\.strongswan\.org/${p[3]}/g; s/sun\.strongswan\.org/${p[4]}/g"
             -e "s#10\.1\.0\.0/16#${p[5]}#g; s#10\.2\.0\.0/16#${p[6]}#g")
  mkdir -p "$dst/${p[9]}" "$dst/${p[10]}"
  local f
  for f in "$src_i"/*; do sed "${sub[@]}" "$f" > "$dst/${p[9]}/$(basename "$f")"; done
  for f in "$src_r"/*; do sed "${sub[@]}" "$f" > "$dst/${p[10]}/$(basename "$f")"; done
}

# A strongswan.conf beside (swanctl: in the folder above, as /etc/strongswan.conf
# is to /etc/swanctl; ipsec.conf: in the same folder) allowing Aggressive Mode PSK.
allow_aggressive_psk() {  # KIND DIR
  local at=$2; [ "$1" = swanctl ] && at=$(dirname "$2")
  printf 'charon {\n  i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n  retransmit_tries = 5\n  load_modular = yes\n}\n' > "$at/strongswan.conf"
}

# inject CASE KIND INIT_DIR RESP_DIR PROFILE...: the edit that makes the
# case's fault (0: done, 1: not applicable to this pair). Prints which config
# holds the fault (init/resp) on stdout.
inject() {
  local case=$1 kind=$2 i=$3 r=$4; shift 4
  local p=("$@")
  local version; version=$(sed -n 's/^\s*version = \([0-9]\).*/\1/p' "$i/swanctl.conf" 2>/dev/null | head -1)
  case "$kind:$case" in
    swanctl:psk_mismatch)          sed -i 's/^\(\s*\)secret = .*/\1secret = "not-the-hq-secret-81"/' "$r/swanctl.conf"; echo resp ;;
    swanctl:psk_not_found)         sed -i '/^secrets {/,$d' "$r/swanctl.conf"; echo resp ;;
    swanctl:ike_proposal_mismatch) sed -i 's/^\(\s*\)proposals = .*/\1proposals = aes256-sha512-modp4096/' "$i/swanctl.conf"; echo init ;;
    swanctl:esp_proposal_mismatch) sed -i 's/^\(\s*\)esp_proposals = .*/\1esp_proposals = aes256-sha512-x25519/' "$i/swanctl.conf"; echo init ;;
    # IKEv2 builds the first CHILD_SA without DH: a PFS mismatch shows only at a rekey.
    swanctl:pfs_mismatch)          [ "$version" = 1 ] || return 1
                                   sed -i 's/^\(\s*\)esp_proposals = .*/\1esp_proposals = aes128gcm128/' "$r/swanctl.conf"; echo resp ;;
    swanctl:ts_mismatch)           sed -i "s#^\(\s*\)remote_ts = .*#\1remote_ts = ${p[7]}#" "$i/swanctl.conf"; echo init ;;
    swanctl:wrong_remote_gateway)  sed -i "s/^\(\s*\)remote_addrs = .*/\1remote_addrs = ${p[8]}/" "$r/swanctl.conf"; echo resp ;;
    swanctl:peer_unreachable)      sed -i "s/^\(\s*\)remote_addrs = .*/\1remote_addrs = ${p[8]}/" "$i/swanctl.conf"; echo init ;;
    swanctl:ike_version_mismatch)  sed -i "s/^\(\s*\)version = .*/\1version = $((3 - version))/" "$i/swanctl.conf"; echo init ;;
    swanctl:aggressive_mode_mismatch) [ "$version" = 1 ] || return 1
                                   sed -i 's/^\(\s*\)version = 1.*/&\n\1aggressive = yes/' "$i/swanctl.conf"
                                   allow_aggressive_psk swanctl "$i"; allow_aggressive_psk swanctl "$r"; echo init ;;
    # Aggressive Mode with PSK, which charon refuses unless strongswan.conf allows it.
    swanctl:aggressive_mode_mismatch:refused) [ "$version" = 1 ] || return 1
                                   sed -i 's/^\(\s*\)version = 1.*/&\n\1aggressive = yes/' "$i/swanctl.conf"; echo init ;;
    ipsec:psk_mismatch)            sed -i 's/: PSK .*/: PSK "not-the-hq-secret-81"/' "$r/ipsec.secrets"; echo resp ;;
    ipsec:psk_not_found)           sed -i '/: PSK /d' "$r/ipsec.secrets"; echo resp ;;
    ipsec:ike_proposal_mismatch)   sed -i '/^conn net-net/a\	ike=aes256-sha512-modp4096!' "$i/ipsec.conf"
                                   sed -i '/^conn net-net/a\	ike=aes128-sha256-modp3072!' "$r/ipsec.conf"; echo init ;;
    ipsec:esp_proposal_mismatch)   sed -i '/^conn net-net/a\	esp=aes256-sha512!' "$i/ipsec.conf"
                                   sed -i '/^conn net-net/a\	esp=aes128-sha256!' "$r/ipsec.conf"; echo init ;;
    ipsec:pfs_mismatch)            sed -i '/^conn net-net/a\	esp=aes128-sha256-modp3072!' "$i/ipsec.conf"
                                   sed -i '/^conn net-net/a\	esp=aes128-sha256!' "$r/ipsec.conf"; echo init ;;
    ipsec:ts_mismatch)             sed -i "s#^\(\s*\)rightsubnet=.*#\1rightsubnet=${p[7]}#" "$i/ipsec.conf"; echo init ;;
    ipsec:wrong_remote_gateway)    sed -i "s/^\(\s*\)right=.*/\1right=${p[8]}/" "$r/ipsec.conf"; echo resp ;;
    ipsec:peer_unreachable)        sed -i "s/^\(\s*\)right=.*/\1right=${p[8]}/" "$i/ipsec.conf"; echo init ;;
    ipsec:ike_version_mismatch)    sed -i 's/keyexchange=ikev1/keyexchange=ikev2/' "$i/ipsec.conf"; echo init ;;
    ipsec:aggressive_mode_mismatch) sed -i '/^conn net-net/a\	aggressive=yes' "$i/ipsec.conf"
                                   allow_aggressive_psk ipsec "$i"; allow_aggressive_psk ipsec "$r"; echo init ;;
    ipsec:aggressive_mode_mismatch:refused) sed -i '/^conn net-net/a\	aggressive=yes' "$i/ipsec.conf"; echo init ;;
    # A host renamed: its own ID changed throughout its files (connection and
    # secrets, as an administrator renaming it does); the peer expects the old one.
    *:wrong_id_initiator)          sed -i "s/\b${p[3]//./\\.}\b/vpn.other-corp.example/g" "$i"/*; echo init ;;
    *:wrong_id_responder)          sed -i "s/\b${p[4]//./\\.}\b/vpn.other-corp.example/g" "$r"/*; echo resp ;;
    *) return 1 ;;
  esac
}

# Faults that lie inside one config: a replay of that config alone must name them too.
inside_one_config() { case "$1" in psk_not_found|aggressive_mode_mismatch:refused) return 0 ;; esac; return 1; }

pairs=(
  "swanctl strongswan-ikev2-net2net-psk/moon strongswan-ikev2-net2net-psk/sun acme"
  "swanctl strongswan-ikev1-net2net-psk/moon strongswan-ikev1-net2net-psk/sun globex"
  "ipsec strongswan-ikev1-stroke-net2net-psk/moon strongswan-ikev1-stroke-net2net-psk/sun initech"
)
cases=(psk_mismatch psk_not_found ike_proposal_mismatch esp_proposal_mismatch pfs_mismatch ts_mismatch
       wrong_remote_gateway peer_unreachable wrong_id_initiator wrong_id_responder ike_version_mismatch
       aggressive_mode_mismatch aggressive_mode_mismatch:refused)
[ ${#only[@]} -gt 0 ] && cases=("${only[@]}")

fault_of_json() { jq -r '[.diagnoses[] | select(.fault != "none") | .fault][0] // (if (.diagnoses | length) > 0 then "none" else "no_attempt" end)' 2>/dev/null || echo error; }

total=0 reproduced=0 fixed=0 n=0
one_total=0 one_ok=0 one_inside=0 one_inside_ok=0
printf '%-8s %-7s %-34s %-26s %-14s %s\n' customer mode injected replayed fix_outcome changed_lines
for pair in "${pairs[@]}"; do
  read -r kind init resp customer <<<"$pair"
  declare -n prof="profile_$customer"
  for case in "${cases[@]}"; do
    n=$((n + 1))
    dst=$work/case$n
    customerise "$configs/$init" "$configs/$resp" "$dst" "${prof[@]}"
    i=$dst/${prof[9]} r=$dst/${prof[10]}
    holder=$(inject "$case" "$kind" "$i" "$r" "${prof[@]}") || { rm -rf "$dst"; continue; }
    fault=${case%%:*}
    total=$((total + 1))
    json=$("$ikelab" replay --json --fix "$i" "$r" 2>"$dst.err")
    got=$(fault_of_json <<<"$json")
    fix_outcome=$(jq -r '.fix.outcome // ("no fix: " + (.fix.reason // "?"))' <<<"$json" 2>/dev/null || echo error)
    changed=$(jq -r '.fix.changes | length' <<<"$json" 2>/dev/null || echo 0)
    [ "$got" = "$fault" ] && reproduced=$((reproduced + 1))
    [ "$got" = "$fault" ] && [ "$fix_outcome" = established ] && fixed=$((fixed + 1))
    [ -s "$dst.err" ] && got="$got ($(head -c 100 "$dst.err"))"
    printf '%-8s %-7s %-34s %-26s %-14s %s\n' "$customer" both "$case" "$got" "${fix_outcome:0:40}" "$changed"

    # The faulty config alone, in its own role.
    one_total=$((one_total + 1))
    if [ "$holder" = init ]; then json=$("$ikelab" replay --json "$i" 2>"$dst.err1")
    else json=$("$ikelab" replay --json --as responder "$r" 2>"$dst.err1"); fi
    got=$(fault_of_json <<<"$json")
    want=none
    if inside_one_config "$case"; then want=$fault; one_inside=$((one_inside + 1)); fi
    if [ "$got" = "$want" ]; then
      one_ok=$((one_ok + 1))
      [ "$want" != none ] && one_inside_ok=$((one_inside_ok + 1))
    fi
    [ -s "$dst.err1" ] && got="$got ($(head -c 100 "$dst.err1"))"
    printf '%-8s %-7s %-34s %-26s %-14s %s\n' "$customer" "one" "$case ($holder, want $want)" "$got" - -
  done
done
rate=$((total ? 100 * reproduced / total : 0))
fix_rate=$((reproduced ? 100 * fixed / reproduced : 0))
echo
echo "both configs: injected-fault pairs: $total; reproduced (replay names the injected fault): $reproduced ($rate%)"
echo "both configs: --fix turned into an established tunnel: $fixed of the $reproduced reproduced ($fix_rate%)"
echo "one config: as expected $one_ok of $one_total (a fault between the configs establishes against the exact counterpart; a fault inside the config is named: $one_inside_ok of $one_inside)"
if [ $check = 1 ]; then
  status=0
  [ $rate -ge "$min_rate" ] || { echo "FAIL: reproduced $rate% < $min_rate%"; status=1; }
  [ $fix_rate -ge "$min_fix" ] || { echo "FAIL: fixed $fix_rate% < $min_fix%"; status=1; }
  one_rate=$((one_total ? 100 * one_ok / one_total : 0))
  [ $one_rate -ge "$min_one" ] || { echo "FAIL: one config as expected $one_rate% < $min_one%"; status=1; }
  exit $status
fi
exit 0
