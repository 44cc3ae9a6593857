# Sourced by scripts/setup.sh: keep Debian's maintainer scripts from starting
# a system charon while packages are installed (the lab runs its own), and
# leave a policy-rc.d the machine already had exactly as it was.
#
#   policy_rc_block PATH   moves an existing PATH aside (a rename in the same
#                          folder: content, mode, owner, times, inode and a
#                          symlink stay as they were), then writes a policy
#                          that refuses every start (exit 101)
#   policy_rc_restore PATH removes that policy and renames the original back
#
# PATH is /usr/sbin/policy-rc.d in setup.sh; tests/scripts/policy_rc_test.sh
# runs these against a temporary folder.

policy_rc_saved=""

policy_rc_block() {
  local path=$1
  policy_rc_saved=""
  if [ -e "$path" ] || [ -L "$path" ]; then
    policy_rc_saved=$(mktemp -u "$path.ikelab-saved.XXXXXX")
    mv -T -- "$path" "$policy_rc_saved"
  fi
  local blocker
  blocker=$(mktemp "$path.ikelab-new.XXXXXX")
  printf '#!/bin/sh\n# written by ikelab scripts/setup.sh while it installs packages\nexit 101\n' >"$blocker"
  chmod 755 "$blocker"
  mv -T -- "$blocker" "$path"
}

policy_rc_restore() {
  local path=$1
  rm -f -- "$path"
  if [ -n "$policy_rc_saved" ]; then
    mv -T -- "$policy_rc_saved" "$path"
    policy_rc_saved=""
  fi
}
