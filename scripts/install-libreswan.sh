#!/usr/bin/env bash
# Installs libreswan 4.10 (pluto) for the lab into a private prefix.
#
# Debian's libreswan package Conflicts with strongSwan's, so it is never
# installed with apt: the pinned .deb is downloaded and unpacked with dpkg -x
# into $prefix. Only the shared libraries it needs (none of which conflict
# with strongSwan) are installed normally. Nothing under /usr is touched by
# libreswan itself; the lab bind-mounts $prefix/usr/libexec/ipsec onto
# /usr/libexec/ipsec inside each pluto's own mount namespace only.
# Idempotent: a complete install of the pinned version is left alone.
set -euo pipefail

version="${IKELAB_LIBRESWAN_VERSION:-4.10-2+deb12u1}"
prefix="${IKELAB_LIBRESWAN_PREFIX:-/opt/ikelab/libreswan-4.10}"
upstream="${version%%-*}"   # 4.10
libs=(
  libnss3 libnss3-tools libnspr4 libldns3 libevent-core-2.1-7
  libevent-pthreads-2.1-7 libunbound8 libcurl3-nss libldap-2.5-0 libcap-ng0
  libaudit1 libpam0g libsystemd0 libselinux1 libcrypt1
  openssl   # the lab imports keys into NSS through PKCS#12
)
binaries=(pluto addconn whack)

log() { echo "install-libreswan.sh: $*"; }
die() { echo "install-libreswan.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs Debian packages)"

libraries_resolve() {
  local b
  for b in "${binaries[@]}"; do
    [ -x "$prefix/usr/libexec/ipsec/$b" ] || return 1
    if ldd "$prefix/usr/libexec/ipsec/$b" | grep -q 'not found'; then return 1; fi
  done
}

if [ -f "$prefix/.ikelab-version" ] && [ "$(cat "$prefix/.ikelab-version")" = "$upstream" ] \
   && command -v certutil >/dev/null && libraries_resolve; then
  log "libreswan $(cat "$prefix/.ikelab-deb-version") present in $prefix"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${libs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! apt-cache show "libreswan=$version" >/dev/null 2>&1 || [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The pinned Debian revision; if the archive has replaced it by a newer
# bookworm update of the same upstream version, take that and say so.
if ! apt-cache show "libreswan=$version" >/dev/null 2>&1; then
  candidate=$(apt-cache policy libreswan | awk '/Candidate:/ {print $2}')
  case "$candidate" in
    "$upstream"-*) log "warning: libreswan $version is gone from the archive, using $candidate"
                   version="$candidate" ;;
    *) die "libreswan $version not available (candidate: ${candidate:-none})" ;;
  esac
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chown _apt "$work" 2>/dev/null || true   # lets apt download without its sandbox warning
(cd "$work" && apt-get download -qq "libreswan=$version" >/dev/null)
deb=$(ls "$work"/libreswan_*.deb)
rm -rf "$prefix.new"
mkdir -p "$prefix.new"
dpkg -x "$deb" "$prefix.new"
echo "$upstream" > "$prefix.new/.ikelab-version"
echo "$version" > "$prefix.new/.ikelab-deb-version"
rm -rf "$prefix"
mv "$prefix.new" "$prefix"

libraries_resolve || { ldd "$prefix/usr/libexec/ipsec/pluto" >&2; die "pluto's libraries do not resolve"; }
log "libreswan $version unpacked into $prefix: $("$prefix/usr/libexec/ipsec/pluto" --version | cut -c1-40)"
