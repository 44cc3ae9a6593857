#!/usr/bin/env bash
# The Debian package: cpack builds ikelab_<version>_amd64.deb from this build,
# its control file declares dependencies, `dpkg -x` unpacks it into a
# throwaway root (the machine's own /usr is never touched) and the unpacked
# /usr/bin/ikelab, run from elsewhere, diagnoses a log the lab captured with
# the rules in its own usr/share/ikelab; man pages and completions are there.
#   package_test.sh BUILD_DIR VERSION LOG FAULT
set -euo pipefail
build=$(realpath "$1") version=$2 log=$(realpath "$3") fault=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ikelab-package-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset IKELAB_DATA_DIR
cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$tmp/out/ikelab_${version}_amd64.deb
[ -f "$deb" ] || { ls "$tmp/out"; fail "no $(basename "$deb")"; }

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libfmt libyaml-cpp libre2 libhyperscan libstdc++6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
[ "$(dpkg-deb -f "$deb" Package)" = ikelab ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "version $(dpkg-deb -f "$deb" Version)"

root=$tmp/root
dpkg -x "$deb" "$root"
for f in usr/bin/ikelab usr/share/ikelab/rules/psk_mismatch.yaml usr/share/ikelab/scenarios/baseline_psk.yaml \
         usr/share/ikelab/expected/baseline_psk.yaml usr/share/ikelab/corpus/variants.yaml usr/share/ikelab/replay/fixes.yaml \
         usr/libexec/ikelab/ikelab_pluto_xfrm_standin.so usr/share/bash-completion/completions/ikelab usr/share/zsh/vendor-completions/_ikelab; do
  [ -e "$root/$f" ] || fail "$f not in the package"
done
for page in ikelab ikelab-diagnose ikelab-run ikelab-list ikelab-cleanup ikelab-corpus ikelab-replay; do
  man=$root/usr/share/man/man1/$page.1.gz
  [ -f "$man" ] || fail "man page $page.1.gz not in the package"
  zcat "$man" | grep -q "^\.TH \"\?${page}\"\? \"\?1\"\?" || fail "$page.1.gz is not a man page for $page(1)"
done
# Nothing points back into the build or source tree.
if grep -rlF "$build" "$root/usr/share" >/dev/null; then fail "a packaged file names the build folder"; fi

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
rc=0
out=$("$root/usr/bin/ikelab" diagnose --json "$log") || rc=$?
[ "$rc" = 1 ] || { echo "$out"; fail "packaged ikelab diagnose exited $rc, not 1 (fault found)"; }
grep -q "\"fault\": *\"$fault\"" <<<"$out" || { echo "$out"; fail "packaged ikelab did not name $fault"; }
listed=$("$root/usr/bin/ikelab" list) || fail "packaged ikelab list failed"
grep -q '^baseline_psk ' <<<"$listed" || fail "packaged ikelab list does not list baseline_psk"
# The bash completion loads and completes a subcommand.
words=$(bash -c '. /usr/share/bash-completion/bash_completion 2>/dev/null || true
  . "$1"; COMP_WORDS=(ikelab diag); COMP_CWORD=1; COMP_LINE="ikelab diag"; COMP_POINT=${#COMP_LINE}
  _ikelab ikelab diag ikelab; echo "${COMPREPLY[*]}"' _ "$root/usr/share/bash-completion/completions/ikelab")
[ "$words" = diagnose ] || fail "bash completion of 'ikelab diag' gave '$words'"
echo "ok: $(basename "$deb") unpacked; its ikelab named $fault from $(pwd)"
