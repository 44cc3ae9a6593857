#!/usr/bin/env bash
# scripts/lib/policy-rc.sh against a temporary folder (never /usr/sbin): while
# blocked, policy-rc.d refuses starts (exit 101); afterwards an existing file
# or symlink is back byte for byte with its mode, times and inode, and a
# missing one is missing again, also when the install step fails.
#   policy_rc_test.sh SOURCE_DIR
set -euo pipefail
lib=$1/scripts/lib/policy-rc.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ikelab-policy-rc-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
. "$lib"
p=$tmp/policy-rc.d

# 1. none before: blocked while installing, none after.
policy_rc_block "$p"
rc=0; "$p" strongswan start || rc=$?
[ "$rc" = 101 ] || fail "the blocker exited $rc, not 101"
policy_rc_restore "$p"
[ ! -e "$p" ] && [ ! -L "$p" ] || fail "a policy-rc.d left where there was none"

# 2. an existing file: same bytes, mode, times, inode afterwards.
printf '#!/bin/sh\n# the admin'"'"'s own policy\nexit 0\n' >"$p"
chmod 750 "$p"
touch -d '2020-01-02 03:04:05' "$p"
before=$(stat -c '%i %a %Y %s %U' "$p"); sum=$(sha256sum <"$p")
policy_rc_block "$p"
rc=0; "$p" strongswan start || rc=$?
[ "$rc" = 101 ] || fail "existing policy not overridden while installing (exit $rc)"
policy_rc_restore "$p"
[ "$(stat -c '%i %a %Y %s %U' "$p")" = "$before" ] || fail "metadata changed: $before -> $(stat -c '%i %a %Y %s %U' "$p")"
[ "$(sha256sum <"$p")" = "$sum" ] || fail "content changed"
[ -z "$(find "$tmp" -name '*.ikelab-*')" ] || fail "temporary files left: $(ls "$tmp")"

# 3. a symlink stays a symlink to the same target.
rm "$p"; ln -s /bin/true "$p"
policy_rc_block "$p"
[ ! -L "$p" ] || fail "still the symlink while installing"
policy_rc_restore "$p"
[ "$(readlink "$p")" = /bin/true ] || fail "symlink not restored"

# 4. the install step fails (set -e, the EXIT trap of setup.sh): restored.
rm "$p"; echo 'original' >"$p"; sum=$(sha256sum <"$p")
rc=0
bash -c '. "$1"; set -e; trap "policy_rc_restore \"$2\"" EXIT; policy_rc_block "$2"; false; echo unreachable' _ "$lib" "$p" || rc=$?
[ "$rc" != 0 ] || fail "the failing step did not fail"
[ "$(sha256sum <"$p")" = "$sum" ] || fail "not restored after a failed install"

# setup.sh itself uses the library, never writes policy-rc.d by hand.
grep -q 'policy_rc_block /usr/sbin/policy-rc.d' "$1/scripts/setup.sh" || fail "setup.sh does not use policy_rc_block"
! grep -q "> */usr/sbin/policy-rc.d" "$1/scripts/setup.sh" || fail "setup.sh still overwrites /usr/sbin/policy-rc.d"
echo "ok: policy-rc.d kept as it was in all four cases"
