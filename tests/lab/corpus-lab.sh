#!/usr/bin/env bash
# `ikelab corpus` end to end with real daemons (ctest corpus_lab, label lab):
# two runs with the same seed give the same manifest and configs, variants
# differ, every manifest line fits docs/corpus-manifest.schema.json, a rerun
# resumes, other arguments are refused, shards merge into the same corpus,
# bad names exit 2, and `corpus check` agrees with the labels.
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/ikelab-corpus-lab-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

args=(--scenarios baseline_psk,psk_mismatch --ike 2 --variants 2 --seed 5 -j 4)
"$bin" corpus --out "$work/a" "${args[@]}" || fail "first run"
"$bin" corpus --out "$work/b" "${args[@]}" || fail "second run"

# Same seed, same corpus: the manifest (labels, settings, paths) and the configs.
cmp "$work/a/manifest.jsonl" "$work/b/manifest.jsonl" || fail "the manifests of two runs differ"
configs() { (cd "$1/cases" && find . \( -name swanctl.conf -o -name strongswan.conf \) | sort | while read -r f; do echo "== $f"; cat "$f"; done); }
diff <(configs "$work/a") <(configs "$work/b") >/dev/null || fail "the configs of two runs differ"
[ "$(configs "$work/a" | grep -c '^== ')" -eq 16 ] || fail "expected 4 cases x 2 sides x 2 configs"
grep -rq 'secret = <redacted>' "$work/a/cases" || fail "PSKs are not redacted in the kept swanctl.conf"
! grep -rqE 'secret = (0x|0s|")' "$work/a/cases" --include=swanctl.conf || fail "a secret value is left in a kept swanctl.conf"

# Variants differ: names, IDs or proposals of v001 and v002.
for s in baseline_psk psk_mismatch; do
  cmp -s "$work/a/cases/$s/ike2/v001/initiator/swanctl.conf" "$work/a/cases/$s/ike2/v002/initiator/swanctl.conf" &&
    fail "$s: variants 1 and 2 have the same swanctl.conf"
done

# One manifest line per log file, each valid against the schema.
lines=$(wc -l < "$work/a/manifest.jsonl")
files=$(find "$work/a/cases" -path '*/logs/*' -type f | wc -l)
[ "$lines" -eq "$files" ] || fail "$lines manifest lines for $files log files"
[ "$lines" -ge 40 ] || fail "only $lines labelled logs"
python3 - "$root/docs/corpus-manifest.schema.json" "$work/a/manifest.jsonl" <<'PY' || fail "a manifest line does not fit the schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
for number, line in enumerate(open(sys.argv[2]), 1):
    errors = list(validator.iter_errors(json.loads(line)))
    if errors:
        sys.exit(f"line {number}: {errors[0].message}")
PY
jq -e -s 'map(select(.scenario == "psk_mismatch")) | all(.fault == "psk_mismatch")' "$work/a/manifest.jsonl" >/dev/null ||
  fail "psk_mismatch logs are not labelled psk_mismatch"

# A rerun resumes (nothing left to run); other arguments are refused.
"$bin" corpus --out "$work/a" "${args[@]}" 2>"$work/rerun.err" || fail "rerun"
grep -q "4 already done, 0 to run" "$work/rerun.err" || fail "the rerun did not resume: $(cat "$work/rerun.err")"
set +e
"$bin" corpus --out "$work/a" --scenarios baseline_psk --ike 2 --variants 2 --seed 6 2>"$work/other.err"; rc=$?
"$bin" corpus --out "$work/x" --scenarios no_such_scenario 2>"$work/name.err"; rc_name=$?
"$bin" corpus --out "$work/x" --scenarios baseline_psk --formats no_such_format 2>"$work/format.err"; rc_format=$?
set -e
[ "$rc" -eq 2 ] && grep -q -- "--force" "$work/other.err" || fail "other arguments were not refused (exit $rc)"
[ "$rc_name" -eq 2 ] && grep -q "no scenario named 'no_such_scenario'" "$work/name.err" || fail "an unknown scenario: exit $rc_name"
[ "$rc_format" -eq 2 ] && grep -q "known: charon-filelog" "$work/format.err" || fail "an unknown format: exit $rc_format"

# Two shards merged are the corpus of one run.
shard_args=(--scenarios baseline_psk,psk_mismatch --ike 2 --variants 2 --seed 5 -j 4 --formats charon-filelog)
"$bin" corpus --out "$work/s1" "${shard_args[@]}" --shard 1/2 || fail "shard 1/2"
"$bin" corpus --out "$work/s2" "${shard_args[@]}" --shard 2/2 || fail "shard 2/2"
"$bin" corpus merge "$work/m" "$work/s1" "$work/s2" || fail "merge"
diff <(jq -c 'del(.settings)' "$work/m/manifest.jsonl") \
     <(jq -c 'select(.format == "charon-filelog") | del(.settings)' "$work/a/manifest.jsonl") >/dev/null ||
  fail "the merged shards differ from one run"
set +e
"$bin" corpus merge "$work/m2" "$work/s1" "$work/s1" 2>/dev/null; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "overlapping parts were merged"

# The diagnoser against the labels.
"$bin" corpus check "$work/a" --junit "$work/check.xml" || fail "corpus check disagrees with the labels"
grep -q '<testsuite name="ikelab corpus check"' "$work/check.xml" || fail "no JUnit file"
echo "corpus lab test passed: $lines labelled logs"
