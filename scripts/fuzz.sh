#!/usr/bin/env bash
# The diagnoser's libFuzzer run (part of the fault-injection suite, see
# docs/security.md): builds tests/fuzz with clang, ASan and UBSan in
# build-fuzz/, seeds a scratch corpus from the real logs in tests/data and
# fuzzes for IKELAB_FUZZ_SECONDS (default 60). Fails on any crash, sanitizer
# report, leak, or an input that takes over 20 s. Prints the executions.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${IKELAB_FUZZ_SECONDS:-60}
build="$top/build-fuzz"
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DIKELAB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "${IKELAB_BUILD_JOBS:-2}" --target diagnoser_fuzz
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Seeds: the captured logs (each cut to 16 KiB: the fuzzer mutates, it need not read whole files).
mapfile -t seeds < <(find "$top/tests/data" -type f -name '*.log' -size -2M | sort)
n=0
for f in "${seeds[@]:0:400}"; do
  n=$((n + 1))
  head -c 16384 "$f" > "$corpus/seed-$n"
done
cd "$build"
set +e
./tests/fuzz/diagnoser_fuzz -max_total_time="$seconds" -max_len=16384 -timeout=20 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build/" "$corpus" > "$build/fuzz.out" 2>&1
status=$?
set -e
grep -E "^(#[0-9]+ +(INITED|DONE)|Done |==[0-9]+==ERROR|SUMMARY)" "$build/fuzz.out" || true
[ "$status" -eq 0 ] || tail -n 40 "$build/fuzz.out"
runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/fuzz.out" | awk '{print $2}')
echo "fuzz.sh: ${runs:-0} executions in ${seconds} s, exit ${status}"
exit "$status"
