#!/usr/bin/env bash
# Builds the private, minimal Debian 13 (trixie) roots that hold the lab's
# newer daemons: strongSwan 6.0.x (charon, swanctl, pki, the plugins the
# lab's strongswan.conf loads, kernel-libipsec included) and libreswan 5.2.
#
# libreswan Conflicts with strongswan-libcharon, so each gets a root of its
# own: $base/strongswan and $base/libreswan. They are made with mmdebstrap
# from the Debian mirror the machine's own apt sources name (never a
# hard-coded host). Nothing of them is installed into the machine's /usr: the
# lab lays a root's /usr and /etc over the machine's inside each daemon's own
# mount namespace only (docs/daemons.md).
#
# Idempotent: a complete root (its marker file written last) is left alone;
# an interrupted one is removed and built again.
set -euo pipefail

base="${IKELAB_TRIXIE_ROOT:-/opt/ikelab/trixie}"
suite=trixie

strongswan_packages=(
  strongswan-charon strongswan-swanctl strongswan-pki
  libstrongswan-standard-plugins libstrongswan-extra-plugins
  libcharon-extra-plugins libcharon-extauth-plugins
  iproute2
)
libreswan_packages=(libreswan libnss3-tools iproute2)

log() { echo "install-trixie-root.sh: $*"; }
die() { echo "install-trixie-root.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (builds a Debian root with mmdebstrap)"

# The Debian mirror of the machine's own apt sources: the URI of the first
# entry whose suite is the machine's release (deb822 *.sources or one-line
# *.list). The security and updates archives are left out.
debian_mirror() {
  local codename files=() f
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || die "cannot tell this machine's Debian release from /etc/os-release"
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  for f in "${files[@]}"; do
    case "$f" in
      *.sources)
        # deb822 stanzas: blank-line separated; Types, URIs, Suites fields.
        awk -v want="$codename" '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ")) { split(uris, u, " "); print u[1]; found = 1; exit }
            types = ""; uris = ""; suites = ""
          }
          /^[ \t]*#/ { next }
          /^[ \t]*$/ { flush(); next }
          tolower($1) == "types:"  { $1 = ""; types = $0 }
          tolower($1) == "uris:"   { $1 = ""; uris = $0 }
          tolower($1) == "suites:" { $1 = ""; suites = $0 }
          END { if (!found) flush() }' "$f" | sed 's/^ *//'
        ;;
      *)
        # deb [options] URI SUITE COMPONENTS...
        awk -v want="$codename" '
          $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                        if ($(i + 1) == want) { print $i; exit } }' "$f"
        ;;
    esac
  done | head -n 1
}

# A root is complete when its marker names the packages it was asked for and
# the programs the lab starts are there.
root_complete() {
  local root=$1 packages=$2; shift 2
  [ -f "$root/.ikelab-complete" ] || return 1
  [ "$(head -n 1 "$root/.ikelab-complete")" = "$packages" ] || return 1
  local program
  for program in "$@"; do [ -e "$root$program" ] || return 1; done
}

build_root() {
  local name=$1; shift
  local -a packages
  read -r -a packages <<<"$1"; shift
  local root="$base/$name"
  if root_complete "$root" "${packages[*]}" "$@"; then
    log "$name root present in $root ($(sed -n 2p "$root/.ikelab-complete"))"
    return 0
  fi
  if [ -e "$root" ]; then log "$root is incomplete (an interrupted build?): building it again"; fi
  rm -rf "$root" "$root.new"
  mkdir -p "$base"
  local started=$SECONDS include
  include=$(IFS=,; echo "${packages[*]}")
  log "building the $name root in $root from $mirror ($suite, $include)"
  # essential + the daemons: no init system, no shell tools beyond Essential.
  # mmdebstrap keeps services from starting while it installs.
  mmdebstrap --quiet --variant=essential --include="$include" "$suite" "$root.new" "$mirror" \
    || { rm -rf "$root.new"; die "mmdebstrap failed for the $name root"; }
  local program
  for program in "$@"; do
    [ -e "$root.new$program" ] || die "$name root lacks $program (left in $root.new to look at)"
  done
  # Package caches and lists are not needed to run the daemons.
  rm -rf "$root.new/var/cache/apt/archives/"*.deb "$root.new/var/lib/apt/lists/"*_Packages* 2>/dev/null || true
  local versions
  versions=$(chroot "$root.new" dpkg-query -W -f='${Package}=${Version} ' "${packages[@]}")
  printf '%s\n%s\n' "${packages[*]}" "$versions" > "$root.new/.ikelab-complete"
  mv "$root.new" "$root"
  log "$name root built in $((SECONDS - started)) s, $(du -sh "$root" | cut -f1): $versions"
}

if ! command -v mmdebstrap >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

mirror=$(debian_mirror)
[ -n "$mirror" ] || die "no Debian mirror for this release in /etc/apt/sources.list or /etc/apt/sources.list.d/"

build_root strongswan "${strongswan_packages[*]}" \
  /usr/lib/ipsec/charon /usr/sbin/swanctl /usr/bin/pki /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so
build_root libreswan "${libreswan_packages[*]}" \
  /usr/libexec/ipsec/pluto /usr/libexec/ipsec/whack /usr/libexec/ipsec/addconn /usr/bin/certutil
