#!/usr/bin/env bash
# Corpus throughput: labelled logs per minute of `ikelab corpus` at -j 4, next
# to the lab matrix's own cases per minute (`ikelab run` over the same
# scenarios at -j 4), both in the same run on the same machine.
# usage: bench/corpus-bench.sh [--ikelab PATH] [--variants N] [--jobs N] [SCENARIO...]
# Needs root (the lab) and jq. Prints the load average: other work on the
# machine slows the lab; compare the two figures of one run, not across runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ikelab="$top/build/ikelab"
variants=3
jobs=4
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ikelab) ikelab="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(baseline_psk psk_mismatch ts_mismatch ike_proposal_mismatch wrong_id_initiator)
[ -x "$ikelab" ] || { echo "no $ikelab (run scripts/build.sh)" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is needed (scripts/setup.sh installs it)" >&2; exit 2; }
out=$(mktemp -d /tmp/ikelab-corpus-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT
list=$(IFS=,; echo "${names[*]}")
now() { date +%s.%N; }
per_min() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n * 60 / s }'; }

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(now)
"$ikelab" run "${names[@]}" -j "$jobs" --json "$out/run.json" >/dev/null 2>&1 || echo "note: ikelab run reported failed cases"
run_s=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
run_cases=$(jq '.cases | length' "$out/run.json" 2>/dev/null || echo 0)

start=$(now)
"$ikelab" corpus --out "$out/corpus" --scenarios "$list" --variants "$variants" --seed 1 -j "$jobs" >"$out/corpus.out" 2>/dev/null ||
  echo "note: ikelab corpus left cases out: $(grep -c '^left out' "$out/corpus.out")"
corpus_s=$(awk -v a="$(now)" -v b="$start" 'BEGIN { print a - b }')
logs=$(wc -l < "$out/corpus/manifest.jsonl")
corpus_cases=$(find "$out/corpus/cases" -name entries.jsonl | wc -l)

printf 'matrix  (ikelab run, -j %s):    %3d cases in %6.1f s = %6s cases/min\n' "$jobs" "$run_cases" "$run_s" \
  "$(per_min "$run_cases" "$run_s")"
printf 'corpus  (ikelab corpus, -j %s): %3d cases in %6.1f s = %6s cases/min, %d labelled logs = %7s labelled logs/min\n' \
  "$jobs" "$corpus_cases" "$corpus_s" "$(per_min "$corpus_cases" "$corpus_s")" "$logs" \
  "$(per_min "$logs" "$corpus_s")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
