#!/usr/bin/env bash
# Scores `ikelab diagnose --json` on the real-log corpus (tests/data/real/NNN_<fault>/:
# log.txt, optional peer_log.txt, meta.json with the thread's label).
#
#   tests/real/score.sh [--ikelab PATH] [--corpus DIR] [--check FLOOR.json] [--results OUT.jsonl]
#
# A case's prediction is the first diagnosis of log.txt whose fault is not
# "none"; "none" when every diagnosis is "none"; "no_attempt" when there are
# none. Top-1 right: the prediction is `fault` or in `also_acceptable`. Right
# with candidates: one of those is the prediction or in that diagnosis's
# `candidates`. Prints the accuracy overall, per fault, per dialect and per
# format, and every miss. With --check, exits 1 when top-1 or with-candidates
# accuracy (percent) or the number of cases is below the floor's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ikelab="$root/build/ikelab"
corpus="$root/tests/data/real"
floor=""
results=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ikelab) ikelab="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --check) floor="$2"; shift 2 ;;
    --results) results="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "score.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -x "$ikelab" ]] || { echo "score.sh: $ikelab: not an executable (build first)" >&2; exit 2; }
# No corpus yet is zero cases (the floor's case count catches a lost corpus).
[[ -d "$corpus" ]] || echo "score.sh: $corpus: no such directory, no cases" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/cases.jsonl"

for dir in "$corpus"/[0-9][0-9][0-9]_*/; do
  [[ -d "$dir" ]] || continue
  dir=${dir%/}
  name=$(basename "$dir")
  meta="$dir/meta.json"
  if [[ ! -f "$meta" || ! -f "$dir/log.txt" ]]; then
    echo "score.sh: $name: needs log.txt and meta.json" >&2
    exit 2
  fi
  jq -e . "$meta" >/dev/null 2>&1 || { echo "score.sh: $meta: not valid JSON" >&2; exit 2; }
  logs=("$dir/log.txt")
  peer=$(jq -r '.peer_log // empty' "$meta")
  [[ -n "$peer" && -f "$dir/$peer" ]] && logs+=("$dir/$peer")
  set +e
  "$ikelab" diagnose --json "${logs[@]}" >"$work/out.json" 2>"$work/err.txt"
  rc=$?
  set -e
  # diagnose exits non-zero when it finds a fault; only invalid output is an error.
  if [[ ! -s "$work/out.json" ]] || ! jq -e '.diagnoses | type == "array"' "$work/out.json" >/dev/null 2>&1; then
    echo "score.sh: $name: ikelab diagnose (exit $rc) printed no valid JSON: $(head -c 300 "$work/err.txt")" >&2
    exit 2
  fi
  jq -c --arg case "$name" --slurpfile meta "$meta" '
    ($meta[0]) as $m
    | (.diagnoses) as $all
    | ([ $all[] | select(.fault != "none") ][0]) as $first
    | (if ($all | length) == 0 then "no_attempt" elif $first == null then "none" else $first.fault end) as $pred
    | ([ $m.fault ] + ($m.also_acceptable // [])) as $ok
    | {case: $case, label: $m.fault, ok: $ok, prediction: $pred,
       candidates: (if $first == null then [] else ($first.candidates // []) end),
       dialect: ($m.dialect // "unknown"), format: ($m.format // "unknown"),
       rule: (if $first == null then "" else ($first.rule // "") end)}
    | .prediction as $p | .candidates as $c
    | .top1 = any(.ok[]; . == $p)
    | .with_candidates = (.top1 or any(.ok[]; . as $o | any($c[]; . == $o)))
  ' "$work/out.json" >>"$work/cases.jsonl"
done

[[ -n "$results" ]] && cp "$work/cases.jsonl" "$results"

jq -s -r '
  def pad(n): tostring | if length < n then . + (" " * (n - length)) else . end;
  def pct(a; b): if b == 0 then "-" else ((a * 1000 / b | floor) / 10 | tostring) + "%" end;
  def cols: (.[0] | pad(28)) + (.[1:] | map(pad(8)) | join(""));
  def row(key): [key, length, ([.[] | select(.top1)] | length), ([.[] | select(.with_candidates)] | length),
                 pct([.[] | select(.top1)] | length; length), pct([.[] | select(.with_candidates)] | length; length)] | cols;
  def table(title; f): "\n" + ([title, "cases", "top1", "+cand", "top1%", "+cand%"] | cols),
     (group_by(f)[] | row(.[0] | f));
  (if length == 0 then "no cases" else
   (["overall", "cases", "top1", "+cand", "top1%", "+cand%"] | cols), row("all"),
   table("fault"; .label), table("dialect"; .dialect), table("format"; .format),
   "\nmisses: case, label, prediction [candidates] rule:",
   (.[] | select(.top1 | not) | "  \(.case)  label \(.ok | join("|"))  predicted \(.prediction) [\(.candidates | join(","))] \(.rule)\(if .with_candidates then "  (label in candidates)" else "" end)")
   end)
' "$work/cases.jsonl"

if [[ -n "$floor" ]]; then
  jq -e . "$floor" >/dev/null || { echo "score.sh: $floor: not valid JSON" >&2; exit 2; }
  verdict=$(jq -s -r --slurpfile floor "$floor" '
    ($floor[0]) as $f | length as $n
    | (if $n == 0 then 0 else ([.[] | select(.top1)] | length) * 100 / $n end) as $t
    | (if $n == 0 then 0 else ([.[] | select(.with_candidates)] | length) * 100 / $n end) as $c
    | "floor: cases \($f.cases), top1 \($f.top1)%, with candidates \($f.with_candidates)%; measured: cases \($n), top1 \($t * 10 | floor / 10)%, with candidates \($c * 10 | floor / 10)%\t\($n >= $f.cases and $t >= $f.top1 and $c >= $f.with_candidates)"
  ' "$work/cases.jsonl")
  echo
  echo "${verdict%$'\t'*}"
  [[ "${verdict##*$'\t'}" == true ]] || { echo "score.sh: accuracy below the floor in $floor" >&2; exit 1; }
fi
