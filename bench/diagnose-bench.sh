#!/usr/bin/env bash
# Benchmark of `ikelab diagnose` on big gateway logs (issue 5).
#
# For each format and size: generates a gateway log out of the lab-captured
# templates (bench/templates/manifest.yaml) with build/ikelab-loggen, then on
# that same file runs
#   ikelab diagnose FILE > /dev/null          (the full diagnosis)
#   grep -c -E -f PATTERNS FILE               (the rule catalogue's own patterns, LC_ALL=C)
#   wc -l FILE
# and prints MB/s for each, ikelab's ratio to each, ikelab's peak memory
# (/usr/bin/time -v), and checks `ikelab diagnose --json` against the truth.
#
# With --newest-first, the same log written newest line first (tac, as GUI
# copies list it) is also diagnosed as a file and from standard input, and
# their peak memory is checked the same way (read backwards in blocks; stdin
# is spilled to a temporary file): flat from the smallest to the largest size.
#
# Usage: bench/diagnose-bench.sh [--sizes "100M 1G"] [--formats "charon pluto"] [--dir DIR] [--keep] [--newest-first]
# Generated files go to DIR (default build/bench-data) and are removed at the
# end unless --keep. Never committed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ikelab=$top/build/ikelab
loggen=$top/build/ikelab-loggen
sizes="100M 1G"
formats="charon pluto"
dir=$top/build/bench-data
keep=0
newest=0
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --formats) formats=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --newest-first) newest=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "diagnose-bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in "$ikelab" "$loggen" /usr/bin/time; do
  [ -x "$b" ] || { echo "diagnose-bench: $b missing (build first: scripts/build.sh)" >&2; exit 2; }
done
mkdir -p "$dir"
[ $keep = 1 ] || trap 'rm -f "$dir"/gw-* "$dir"/patterns.ere' EXIT

# Disk: the biggest file twice (log + JSON output) plus slack.
need_mb=0
for s in $sizes; do
  mb=$(numfmt --from=si "$s" | awk '{printf "%d", $1/1e6}')
  [ "$mb" -gt "$need_mb" ] && need_mb=$mb
done
free_mb=$(df -Pm "$dir" | awk 'NR==2{print $4}')
if [ "$free_mb" -lt $((need_mb * 3 + 500)) ]; then
  echo "diagnose-bench: only ${free_mb} MB free in $dir, need about $((need_mb * 3 + 500)) MB" >&2
  exit 2
fi

"$loggen" patterns > "$dir/patterns.ere"
npat=$(wc -l < "$dir/patterns.ere")

# run NAME OUTFILE CMD...: runs CMD under /usr/bin/time -v; sets
# wall, cpu (user+sys seconds) and rss_kb.
run() {
  local name=$1 out=$2; shift 2
  local tv=$dir/gw-time-$name.txt
  set +e
  LC_ALL=C /usr/bin/time -v -o "$tv" "$@" > "$out"
  local rc=$?
  set -e
  # ikelab diagnose exits 1 when it diagnosed a failure; grep exits 1 on no match.
  if [ $rc -gt 1 ]; then echo "diagnose-bench: $name failed (exit $rc): $*" >&2; cat "$tv" >&2; exit 1; fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$tv")
  cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u+s}' "$tv")
  rss_kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tv")
}

mbps() { awk -v b="$1" -v t="$2" 'BEGIN{ if (t < 0.005) t = 0.005; printf "%.1f", b/1e6/t }'; }

declare -A peak
status=0
printf '\nikelab diagnose vs grep -E -f (%s rule patterns, LC_ALL=C) vs wc -l; MB/s from CPU time (user+sys), wall in ()\n' "$npat"
for fmt in $formats; do
  for size in $sizes; do
    log=$dir/gw-$fmt-$size.log
    truth=$dir/gw-$fmt-$size.truth
    "$loggen" generate --format "$fmt" --size "$size" -o "$log" --truth "$truth" 2> "$dir/gw-gen.txt"
    bytes=$(stat -c %s "$log")
    attempts=$(awk '/^# attempts/{print $3}' "$truth")
    cat "$log" > /dev/null  # page cache warm for every tool alike

    run ikelab /dev/null "$ikelab" diagnose "$log"
    ik_cpu=$cpu ik_wall=$wall ik_rss=$rss_kb
    run grep "$dir/gw-grep.out" grep -c -E -f "$dir/patterns.ere" "$log"
    gr_cpu=$cpu gr_wall=$wall
    run wc "$dir/gw-wc.out" wc -l "$log"
    wc_cpu=$cpu wc_wall=$wall
    run ikelab-json "$dir/gw-diag.json" "$ikelab" diagnose --json "$log"

    ik=$(mbps "$bytes" "$ik_cpu"); gr=$(mbps "$bytes" "$gr_cpu"); wc=$(mbps "$bytes" "$wc_cpu")
    printf '\n%s %s: %s bytes, %s lines, %s attempts\n' "$fmt" "$size" "$bytes" "$(cat "$dir/gw-wc.out" | awk '{print $1}')" "$attempts"
    printf '  %-16s %9s MB/s (%s MB/s wall)  peak RSS %s KiB\n' "ikelab diagnose" "$ik" "$(mbps "$bytes" "$ik_wall")" "$ik_rss"
    printf '  %-16s %9s MB/s (%s MB/s wall)  %s matching lines\n' "grep -E -f" "$gr" "$(mbps "$bytes" "$gr_wall")" "$(cat "$dir/gw-grep.out")"
    printf '  %-16s %9s MB/s (%s MB/s wall)\n' "wc -l" "$wc" "$(mbps "$bytes" "$wc_wall")"
    ratio_grep=$(awk -v a="$ik" -v b="$gr" 'BEGIN{printf "%.2f", a/b}')
    ratio_wc=$(awk -v a="$ik" -v b="$wc" 'BEGIN{printf "%.3f", a/b}')
    printf '  ikelab / grep -E -f = %sx   ikelab / wc -l = %sx\n' "$ratio_grep" "$ratio_wc"

    if awk -v r="$ratio_grep" 'BEGIN{exit !(r >= 1.5)}'; then v=PASS; else v=FAIL; status=1; fi
    printf '  target: >= 1.5x grep -E -f throughput ............ %s (%sx)\n' "$v" "$ratio_grep"
    if [ "$ik_rss" -lt $((64 * 1024)) ]; then v=PASS; else v=FAIL; status=1; fi
    printf '  target: peak memory < 64 MiB ...................... %s (%s MiB)\n' "$v" "$((ik_rss / 1024))"
    if "$loggen" check --truth "$truth" --json "$dir/gw-diag.json" > "$dir/gw-check.txt"; then v=PASS; else v=FAIL; status=1; fi
    printf '  target: diagnosis 100%% right ...................... %s\n' "$v"
    sed 's/^/    /' "$dir/gw-check.txt" | { [ $v = PASS ] && head -1 || cat; }
    peak[$fmt-$size]=$ik_rss
    if [ $newest = 1 ]; then
      rev=$dir/gw-$fmt-$size.rev.log
      tac "$log" > "$rev"
      run ikelab-rev /dev/null "$ikelab" diagnose "$rev"
      rev_rss=$rss_kb rev_cpu=$cpu
      run ikelab-rev-stdin /dev/null sh -c 'exec "$1" diagnose - < "$2"' sh "$ikelab" "$rev"
      rev_in_rss=$rss_kb
      printf '  %-16s %9s MB/s  peak RSS %s KiB (file), %s KiB (stdin, spilled to a temporary file)\n' \
        "newest first" "$(mbps "$bytes" "$rev_cpu")" "$rev_rss" "$rev_in_rss"
      peak[rev-$fmt-$size]=$rev_rss
      peak[revin-$fmt-$size]=$rev_in_rss
      rm -f "$rev"
    fi
    rm -f "$log" "$dir/gw-diag.json"
  done
  # Flat memory: the largest size may use at most 25% (and 4 MiB) more than the smallest.
  set -- $sizes
  small=${peak[$fmt-$1]}
  eval "large=\${peak[$fmt-\${$#}]}"
  if [ $# -gt 1 ]; then
    if [ "$large" -le $((small * 5 / 4 + 4096)) ]; then v=PASS; else v=FAIL; status=1; fi
    printf '\n%s target: memory flat as the file grows (%s: %s KiB, %s: %s KiB) ... %s\n' \
      "$fmt" "$1" "$small" "${!#}" "$large" "$v"
    if [ $newest = 1 ]; then
      for kind in rev revin; do
        small=${peak[$kind-$fmt-$1]}
        eval "large=\${peak[$kind-$fmt-\${$#}]}"
        if [ "$large" -le $((small * 5 / 4 + 4096)) ] && [ "$large" -lt $((64 * 1024)) ]; then v=PASS; else v=FAIL; status=1; fi
        printf '%s target: newest-first (%s) memory flat and < 64 MiB (%s: %s KiB, %s: %s KiB) ... %s\n' \
          "$fmt" "$([ $kind = rev ] && echo file || echo stdin)" "$1" "$small" "${!#}" "$large" "$v"
      done
    fi
  fi
done
printf '\noverall: %s\n' "$([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
