#!/usr/bin/env bash
# The installed program works from anywhere: `cmake --install` to a temporary
# prefix, the prefix moved elsewhere, and `ikelab diagnose` run there, from
# another working directory, on a log the lab captured (tests/data/logs); it
# must name the fault the scenario injected, with the installed rules only.
# `ikelab list` lists the installed scenarios, IKELAB_DATA_DIR overrides the
# share folder, and without its share folder the program finds nothing (it
# never falls back to the source tree).
#   install_diagnose_test.sh CMAKE BUILD_DIR LOG FAULT
set -euo pipefail
cmake=$1 build=$(realpath "$2") log=$(realpath "$3") fault=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ikelab-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset IKELAB_DATA_DIR
"$cmake" --install "$build" --prefix "$tmp/first" >/dev/null
mv "$tmp/first" "$tmp/moved"
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
share=$tmp/moved/share/ikelab
[ -f "$tmp/moved/libexec/ikelab/ikelab_pluto_xfrm_standin.so" ] || { echo "FAIL: the pluto XFRM stand-in not installed"; exit 1; }
for f in rules scenarios expected corpus/variants.yaml replay/fixes.yaml; do
  [ -e "$share/$f" ] || { echo "FAIL: share/ikelab/$f not installed"; exit 1; }
done
ikelab=$tmp/moved/bin/ikelab
# Exit 1: a fault was found (2 would be an error such as missing rules).
rc=0
out=$("$ikelab" diagnose --json "$log") || rc=$?
[ "$rc" = 1 ] || { echo "FAIL: installed ikelab diagnose exited $rc, not 1 (fault found):"; echo "$out"; exit 1; }
if ! grep -q "\"fault\": *\"$fault\"" <<<"$out"; then
  echo "FAIL: installed ikelab diagnose did not name $fault in $log:"
  echo "$out"
  exit 1
fi
# ikelab list from here lists every installed scenario (one line each below the header).
listed=$("$ikelab" list) || { echo "FAIL: installed ikelab list failed:"; echo "$listed"; exit 1; }
want=$(find "$share/scenarios" -maxdepth 1 -name '*.yaml' | wc -l)
got=$(($(wc -l <<<"$listed") - 1))
[ "$want" -gt 0 ] && [ "$got" = "$want" ] || { echo "FAIL: ikelab list shows $got scenarios, $want installed:"; echo "$listed"; exit 1; }
grep -q '^baseline_psk ' <<<"$listed" || { echo "FAIL: baseline_psk not listed:"; echo "$listed"; exit 1; }
# IKELAB_DATA_DIR wins over the share folder: a copy with one scenario lists one.
mkdir -p "$tmp/data/scenarios"
cp "$share/scenarios/baseline_psk.yaml" "$tmp/data/scenarios/"
cp -r "$share/rules" "$tmp/data/rules"
listed=$(IKELAB_DATA_DIR=$tmp/data "$ikelab" list)
[ "$(wc -l <<<"$listed")" = 2 ] || { echo "FAIL: IKELAB_DATA_DIR not used by ikelab list:"; echo "$listed"; exit 1; }
# Without its share folder it finds no rules and no scenarios (never the source tree).
rm -rf "$share/rules" "$share/scenarios"
if "$ikelab" diagnose --json "$log" >/dev/null 2>"$tmp/err"; then
  echo "FAIL: ikelab diagnose found rules after share/ikelab/rules was removed"
  exit 1
fi
grep -q "no rule catalogue" "$tmp/err" || { echo "FAIL: unclear error:"; cat "$tmp/err"; exit 1; }
rc=0
"$ikelab" list >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] && grep -q "no scenario folder" "$tmp/err" || { echo "FAIL: list without scenarios exited $rc:"; cat "$tmp/err"; exit 1; }
echo "ok: installed ikelab named $fault and listed $want scenarios from $(pwd)"
