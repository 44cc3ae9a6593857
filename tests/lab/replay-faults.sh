#!/usr/bin/env bash
# Injects catalogue faults into real config pairs (tests/data/configs), made
# customer-shaped first (customer addresses, names and folders the lab has
# never seen), replays each pair with `ikelab replay --json --fix` and counts:
#   reproduced: replay names the injected fault (the first failed attempt)
#   fixed:      --fix's rerun establishes the tunnel
# Usage: replay-faults.sh IKELAB [--check] [FAULT...]
#   --check: exit 1 unless every pair is reproduced (the ctest replay_faults).
# Needs root (real daemons), jq. Prints one line per pair and the figures.
set -u
ikelab=$1; shift
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
only=("$@")
here=$(cd "$(dirname "$0")/../.." && pwd)
configs=$here/tests/data/configs
work=$(mktemp -d /tmp/ikelab-replay-faults.XXXXXX)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

# Customer-shaped copy of a pair: folders like a customer sends, their
# addresses and names instead of the test suites' (same relations).
customerise() {  # SRC_INIT SRC_RESP DST
  local dst=$3
  mkdir -p "$dst/hq-gateway/etc/swanctl" "$dst/branch-gateway/etc/swanctl" "$dst/hq-gateway/etc/ipsec" "$dst/branch-gateway/etc/ipsec"
  local f
  for side in init resp; do
    local src; [ $side = init ] && src=$1 || src=$2
    local host; [ $side = init ] && host=hq-gateway || host=branch-gateway
    for f in "$src"/*; do
      local name; name=$(basename "$f")
      local to=$dst/$host/etc/ipsec
      [ "$name" = swanctl.conf ] && to=$dst/$host/etc/swanctl
      sed -e 's/192\.168\.0\.1\b/203.0.113.7/g; s/192\.168\.0\.2\b/198.51.100.23/g; s/PH_IP_MOON/203.0.113.7/g; s/PH_IP_SUN/198.51.100.23/g' \
          -e 's/moon\.strongswan\.org/hq.acme-corp.example/g; s/sun\.strongswan\.org/branch.acme-corp.example/g' \
          -e 's#10\.1\.0\.0/16#172.20.0.0/16#g; s#10\.2\.0\.0/16#172.30.0.0/16#g' \
          -e 's/192\.1\.2\.45/203.0.113.7/g; s/192\.1\.2\.23/198.51.100.23/g; s/@west/@hq.acme-corp.example/g; s/@east/@branch.acme-corp.example/g' \
          "$f" > "$to/$name"
    done
  done
  # What a replay is given: the folder holding the config.
  for host in hq-gateway branch-gateway; do
    if [ -e "$dst/$host/etc/swanctl/swanctl.conf" ]; then echo "$dst/$host/etc/swanctl"; else echo "$dst/$host/etc/ipsec"; fi
  done
}

# inject FAULT KIND INIT_DIR RESP_DIR: the edit that makes FAULT (0: done, 1: n/a).
inject() {
  local fault=$1 kind=$2 i=$3 r=$4
  case "$kind:$fault" in
    swanctl:psk_mismatch)          sed -i 's/^\(\s*\)secret = .*/\1secret = "not-the-hq-secret-81"/' "$r/swanctl.conf" ;;
    swanctl:ike_proposal_mismatch) sed -i 's/^\(\s*\)proposals = .*/\1proposals = aes256-sha512-modp4096/' "$i/swanctl.conf" ;;
    swanctl:esp_proposal_mismatch) sed -i 's/^\(\s*\)esp_proposals = .*/\1esp_proposals = aes256-sha512-x25519/' "$i/swanctl.conf" ;;
    swanctl:ts_mismatch)           sed -i 's#^\(\s*\)remote_ts = .*#\1remote_ts = 172.31.0.0/16#' "$i/swanctl.conf" ;;
    swanctl:wrong_remote_gateway)  sed -i 's/^\(\s*\)remote_addrs = .*/\1remote_addrs = 203.0.113.99/' "$r/swanctl.conf" ;;
    # As the lab's own scenarios: a host presents an ID its peer does not expect.
    swanctl:wrong_id_responder)    sed -i '/local {/,/}/ s/^\(\s*\)id = .*/\1id = vpn.other-corp.example/' "$r/swanctl.conf" ;;
    swanctl:wrong_id_initiator)    sed -i '/local {/,/}/ s/^\(\s*\)id = .*/\1id = vpn.other-corp.example/' "$i/swanctl.conf" ;;
    ipsec:psk_mismatch)            sed -i 's/: PSK .*/: PSK "not-the-hq-secret-81"/' "$r/ipsec.secrets" ;;
    ipsec:ts_mismatch)             sed -i 's#^\(\s*\)rightsubnet=.*#\1rightsubnet=172.31.0.0/16#' "$i/ipsec.conf" ;;
    ipsec:wrong_remote_gateway)    sed -i 's/^\(\s*\)right=.*/\1right=203.0.113.99/' "$r/ipsec.conf" ;;
    ipsec:wrong_id_responder)      sed -i 's/^\(\s*\)leftid=.*/\1leftid=@vpn.other-corp.example/' "$r/ipsec.conf" ;;
    ipsec:wrong_id_initiator)      sed -i 's/^\(\s*\)leftid=.*/\1leftid=@vpn.other-corp.example/' "$i/ipsec.conf" ;;
    *) return 1 ;;
  esac
}

pairs=(
  "swanctl strongswan-ikev2-net2net-psk/moon strongswan-ikev2-net2net-psk/sun"
  "swanctl strongswan-ikev1-net2net-psk/moon strongswan-ikev1-net2net-psk/sun"
  "ipsec strongswan-ikev1-stroke-net2net-psk/moon strongswan-ikev1-stroke-net2net-psk/sun"
)
faults=(psk_mismatch ike_proposal_mismatch esp_proposal_mismatch ts_mismatch wrong_remote_gateway wrong_id_responder wrong_id_initiator)
[ ${#only[@]} -gt 0 ] && faults=("${only[@]}")

total=0 reproduced=0 fixed=0 n=0
printf '%-40s %-24s %-24s %-14s %s\n' pair injected replayed fix_outcome changed_lines
for pair in "${pairs[@]}"; do
  read -r kind init resp <<<"$pair"
  for fault in "${faults[@]}"; do
    n=$((n + 1))
    dst=$work/case$n
    mapfile -t dirs < <(customerise "$configs/$init" "$configs/$resp" "$dst")
    inject "$fault" "$kind" "${dirs[0]}" "${dirs[1]}" || { rm -rf "$dst"; continue; }
    total=$((total + 1))
    json=$("$ikelab" replay --json --fix "${dirs[0]}" "${dirs[1]}" 2>"$dst.err")
    got=$(jq -r '[.diagnoses[] | select(.fault != "none") | .fault][0] // "none"' <<<"$json" 2>/dev/null || echo error)
    fix_outcome=$(jq -r '.fix.outcome // ("no fix: " + (.fix.reason // "?"))' <<<"$json" 2>/dev/null || echo error)
    changed=$(jq -r '.fix.changes | length' <<<"$json" 2>/dev/null || echo 0)
    [ "$got" = "$fault" ] && reproduced=$((reproduced + 1))
    [ "$got" = "$fault" ] && [ "$fix_outcome" = established ] && fixed=$((fixed + 1))
    [ -s "$dst.err" ] && got="$got ($(head -c 100 "$dst.err"))"
    printf '%-40s %-24s %-24s %-14s %s\n' "$(basename "$(dirname "$init")")" "$fault" "$got" "$fix_outcome" "$changed"
  done
done
echo
echo "injected-fault pairs: $total; reproduced (replay names the injected fault): $reproduced ($((total ? 100 * reproduced / total : 0))%)"
echo "--fix turned into an established tunnel: $fixed of the $reproduced reproduced ($((reproduced ? 100 * fixed / reproduced : 0))%)"
if [ $check = 1 ] && [ $reproduced -ne $total ]; then exit 1; fi
exit 0
