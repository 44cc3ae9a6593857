#!/usr/bin/env bash
# Installs everything ikelab needs to build, test and run its lab on Debian 12.
# Idempotent: packages already present are left alone.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: must run as root (installs Debian packages)" >&2
  exit 2
fi

packages=(
  # build
  build-essential cmake pkg-config ninja-build
  # libraries
  libboost-dev libboost-filesystem-dev libfmt-dev libgtest-dev libgmock-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libre2-dev libhyperscan-dev
  # the lab: strongSwan 5.9.8 from Debian, capture, namespaces
  strongswan-charon strongswan-swanctl libcharon-extra-plugins
  libstrongswan-extra-plugins strongswan-pki tcpdump iproute2 util-linux
  # nat_blocked: an nftables rule drops inbound UDP 4500 in one namespace
  nftables
  # openssl (3DES, DES, ...) and xauth-generic for the fault scenarios
  libstrongswan-standard-plugins libcharon-extauth-plugins
  # benchmarks
  time jq ripgrep
  # the diagnoser's libFuzzer target (scripts/fuzz.sh, run by scripts/test.sh)
  clang libclang-rt-dev
  # scripts/lint.sh (docs helper): the format and function-size checks of changed files
  clang-format clang-tidy
  # the Debian 13 roots of the newer daemons (scripts/install-trixie-root.sh)
  mmdebstrap
  # ikelab corpus: the lab test validates manifest lines against docs/corpus-manifest.schema.json
  python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # strongSwan's packages would start a system charon; the lab runs its own.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$(dirname "$0")/install-libreswan.sh"   # pluto peer, private prefix (see that script)
"$(dirname "$0")/install-trixie-root.sh" # strongSwan 6.0 and libreswan 5.2 in Debian 13 roots (docs/daemons.md)
echo "setup.sh: all dependencies present"
