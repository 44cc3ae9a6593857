#!/usr/bin/env bash
# How often each fault is the cause in the real-log corpus: the `frequency:`
# section of diagnoser/rules/_candidates.yaml, which orders a diagnosis's
# candidates (most frequent first).
#
#   tests/real/frequency.sh [--corpus DIR]                 # print the section
#   tests/real/frequency.sh [--corpus DIR] --check FILE    # exit 1 unless FILE holds it
#
# Counts each case's `fault` (meta.json) once; `also_acceptable` is not counted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../data/real"
check=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) corpus="$2"; shift 2 ;;
    --check) check="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "frequency.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -d "$corpus" ]] || { echo "frequency.sh: $corpus: no such directory" >&2; exit 2; }
metas=("$corpus"/[0-9][0-9][0-9]_*/meta.json)
[[ -f "${metas[0]}" ]] || { echo "frequency.sh: $corpus: no cases" >&2; exit 2; }
section=$(jq -r '.fault' "${metas[@]}" | sort | uniq -c | sort -k1,1nr -k2,2 | awk '{printf "  %s: %s\n", $2, $1}')
if [[ -z "$check" ]]; then
  printf 'frequency:\n%s\n' "$section"
  exit 0
fi
[[ -f "$check" ]] || { echo "frequency.sh: $check: no such file" >&2; exit 2; }
# The file's section: from `frequency:` to the next top-level key.
have=$(awk '/^frequency:/{on=1; next} on && /^[^ #]/{on=0} on && /^  [a-z0-9_]+: /{print}' "$check")
if [[ "$have" != "$section" ]]; then
  echo "frequency.sh: $check: 'frequency:' differs from the corpus $corpus; replace it with:" >&2
  printf 'frequency:\n%s\n' "$section" >&2
  exit 1
fi
echo "frequency.sh: $check matches the corpus ($(echo "$section" | wc -l) faults, ${#metas[@]} cases)"
