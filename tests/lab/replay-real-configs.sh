#!/usr/bin/env bash
# The real configs of tests/data/configs replayed as they are, with both
# configs and with one (the lab builds the counterpart), must establish:
# every one of them is a working setup in its project's own test suite.
# Usage: replay-real-configs.sh IKELAB   (root; jq)
set -u
ikelab=$1
d=$(cd "$(dirname "$0")/../data/configs" && pwd)
failed=0
check() {
  local outcome
  outcome=$("$ikelab" replay --json "$@" | jq -r .outcome)
  printf '%-14s %s\n' "$outcome" "$*"
  [ "$outcome" = established ] || failed=1
}
check "$d/strongswan-ikev2-net2net-psk/moon" "$d/strongswan-ikev2-net2net-psk/sun"
check "$d/strongswan-ikev1-net2net-psk/moon" "$d/strongswan-ikev1-net2net-psk/sun"
check "$d/strongswan-ikev1-stroke-net2net-psk/moon" "$d/strongswan-ikev1-stroke-net2net-psk/sun"
check "$d/libreswan-basic-pluto-01/west.conf" "$d/libreswan-basic-pluto-01/east.conf"
check "$d/strongswan-ikev2-net2net-psk/moon"
check --as responder "$d/strongswan-ikev1-stroke-net2net-psk/sun"
check "$d/libreswan-basic-pluto-01/west.conf"
exit $failed
