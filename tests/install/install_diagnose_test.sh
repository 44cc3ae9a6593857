#!/usr/bin/env bash
# The installed program works from anywhere: `cmake --install` to a temporary
# prefix, the prefix moved elsewhere, and `ikelab diagnose` run there, from
# another working directory, on a log the lab captured (tests/data/logs); it
# must name the fault the scenario injected, with the installed rules only.
#   install_diagnose_test.sh CMAKE BUILD_DIR LOG FAULT
set -euo pipefail
cmake=$1 build=$(realpath "$2") log=$(realpath "$3") fault=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ikelab-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$cmake" --install "$build" --prefix "$tmp/first" >/dev/null
mv "$tmp/first" "$tmp/moved"
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
for f in rules scenarios expected; do
  [ -d "$tmp/moved/share/ikelab/$f" ] || { echo "FAIL: share/ikelab/$f not installed"; exit 1; }
done
# Exit 1: a fault was found (2 would be an error such as missing rules).
rc=0
out=$(env -u IKELAB_RULES "$tmp/moved/bin/ikelab" diagnose --json "$log") || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: installed ikelab diagnose exited $rc, not 1 (fault found):"; echo "$out"; exit 1; }
if ! grep -q "\"fault\": *\"$fault\"" <<<"$out"; then
  echo "FAIL: installed ikelab diagnose did not name $fault in $log:"
  echo "$out"
  exit 1
fi
# Without its share folder it finds no rules (it never reads the source tree).
rm -rf "$tmp/moved/share/ikelab/rules"
if env -u IKELAB_RULES "$tmp/moved/bin/ikelab" diagnose --json "$log" >/dev/null 2>"$tmp/err"; then
  echo "FAIL: ikelab diagnose found rules after share/ikelab/rules was removed"
  exit 1
fi
grep -q "no rule catalogue" "$tmp/err" || { echo "FAIL: unclear error:"; cat "$tmp/err"; exit 1; }
echo "ok: installed ikelab named $fault from $(pwd)"
