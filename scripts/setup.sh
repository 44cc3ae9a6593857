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
  # ikelab diagnose: compressed logs (libarchive), --journal (libsystemd's sd-journal);
  # the input tests compress lab logs with the real tools
  libarchive-dev libsystemd-dev gzip xz-utils bzip2 zstd
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
  # decryptable captures: the lab test decrypts a case's ike.pcap with its key tables (docs/report.md)
  tshark
  # ... and ESP: the same test pings through a kept case's tunnel
  iputils-ping
  # the HTML report: a ctest loads it in headless Chromium and takes a screenshot (docs/report.md)
  chromium fonts-dejavu-core
  # packaging (cmake/packaging.cmake): man pages from docs/man/*.scd, the .deb's Depends (dpkg-shlibdeps)
  scdoc dpkg-dev
  # the package test loads completions/ikelab.bash as an interactive shell would
  bash-completion
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture: no (the lab captures as root).
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  # strongSwan's packages would start a system charon; the lab runs its own.
  # An existing policy-rc.d is put back exactly as it was (scripts/lib/policy-rc.sh).
  . "$(dirname "$0")/lib/policy-rc.sh"
  trap 'policy_rc_restore /usr/sbin/policy-rc.d' EXIT
  policy_rc_block /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  policy_rc_restore /usr/sbin/policy-rc.d
  trap - EXIT
fi
"$(dirname "$0")/install-libreswan.sh"   # pluto peer, private prefix (see that script)
"$(dirname "$0")/install-trixie-root.sh" # strongSwan 6.0 and libreswan 5.2 in Debian 13 roots (docs/daemons.md)
echo "setup.sh: all dependencies present"
