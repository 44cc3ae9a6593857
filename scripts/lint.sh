#!/usr/bin/env bash
# Checks the C++ files changed since BASE (default: where this branch left
# main, else HEAD~): clang-format on the changed lines (.clang-format) and
# clang-tidy's function size and cognitive complexity on the changed files
# (.clang-tidy; thresholds there). Needs build/compile_commands.json
# (scripts/build.sh makes it). Exit status 0 clean, 1 findings, 2 bad usage.
#
#   scripts/lint.sh            vs main (or HEAD~)
#   scripts/lint.sh HEAD~3     vs another commit
#   scripts/lint.sh --fix      reformat the changed lines in place (no tidy)
#
# Not called from CI yet: functions above the complexity threshold remain in
# the tree (docs/architecture.md, "Conventions", lists them).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fix=0
if [ "${1:-}" = "--fix" ]; then fix=1; shift; fi
if [ $# -gt 1 ]; then echo "usage: scripts/lint.sh [--fix] [BASE]" >&2; exit 2; fi
if [ $# -eq 1 ]; then
  base=$1
elif git rev-parse -q --verify main >/dev/null && [ "$(git rev-parse HEAD)" != "$(git rev-parse main)" ]; then
  base=$(git merge-base HEAD main)
else
  base=HEAD~
fi
git rev-parse -q --verify "$base^{commit}" >/dev/null || { echo "lint: '$base' is not a commit" >&2; exit 2; }

mapfile -t files < <(git diff --name-only --diff-filter=ACMR "$base" -- '*.cpp' '*.hpp')
if [ ${#files[@]} -eq 0 ]; then echo "lint: no C++ file changed since $base"; exit 0; fi

if [ $fix -eq 1 ]; then
  git clang-format --extensions cpp,hpp "$base" -- "${files[@]}"
  exit 0
fi

status=0
format=$(git clang-format --diff --extensions cpp,hpp "$base" -- "${files[@]}" || true)
if [ -n "$format" ] && ! grep -q '^no modified files to format\|^clang-format did not modify any files' <<<"$format"; then
  echo "lint: changed lines are not formatted as .clang-format says (scripts/lint.sh --fix $base):"
  echo "$format"
  status=1
fi

[ -f build/compile_commands.json ] || { echo "lint: build/compile_commands.json missing: run scripts/build.sh" >&2; exit 2; }
tidy=()
for f in "${files[@]}"; do
  case $f in
    tests/*) ;;                         # test bodies are long on purpose
    *.cpp) grep -q "\"file\": \"$top/$f\"" build/compile_commands.json && tidy+=("$f") ;;
  esac
done
for f in "${tidy[@]}"; do
  if ! out=$(clang-tidy -p build --quiet "$f" 2>&1); then
    grep -E '(warning|error): ' <<<"$out" | grep -v 'warnings generated' || echo "$out"
    status=1
  fi
done
echo "lint: ${#files[@]} changed file(s) since $(git rev-parse --short "$base"), ${#tidy[@]} checked by clang-tidy: $([ $status -eq 0 ] && echo clean || echo findings)"
exit $status
