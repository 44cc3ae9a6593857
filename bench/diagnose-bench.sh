#!/usr/bin/env bash
# Benchmark of `ikelab diagnose` on big gateway logs (issues 5 and 18).
#
# For each format and size: generates a gateway log out of the lab-captured
# templates (bench/templates/manifest.yaml) with build/ikelab-loggen, then on
# that same file, in the same run, with LC_ALL=C and every output to a file
# (GNU grep stops at the first match when its output is /dev/null), runs
#   ikelab diagnose --json FILE               (default --threads: every core)
#   ikelab diagnose --json --threads 1 FILE   (its output must be identical)
#   grep -c -E -f bench/yardstick/grep-patterns.txt FILE   (the fixed yardstick)
#   rg -c -f bench/yardstick/grep-patterns.txt FILE
#   wc -l FILE
#   with --catalogue also grep -c -E -f with the rule catalogue's own patterns
# and prints MB/s for each (wall clock: ikelab uses both cores; CPU time
# user+sys in brackets), ikelab's ratios, its peak memory (/usr/bin/time -v),
# and checks the JSON against the generator's truth.
#
# With --newest-first, the same log written newest line first (tac, as GUI
# copies list it) is also diagnosed as a file and from standard input, and
# their peak memory is checked the same way (read backwards in blocks; stdin
# is spilled to a temporary file): flat from the smallest to the largest size.
#
# Usage: bench/diagnose-bench.sh [--sizes "100M 1G"] [--formats "charon pluto"] [--dir DIR] [--keep] [--newest-first] [--catalogue]
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
catalogue=0
yardstick=$top/bench/yardstick/grep-patterns.txt
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --formats) formats=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --newest-first) newest=1; shift ;;
    --catalogue) catalogue=1; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "diagnose-bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in "$ikelab" "$loggen" /usr/bin/time /usr/bin/rg; do
  [ -x "$b" ] || { echo "diagnose-bench: $b missing (build first: scripts/build.sh)" >&2; exit 2; }
done
mkdir -p "$dir"
[ -f "$yardstick" ] || { echo "diagnose-bench: $yardstick missing" >&2; exit 2; }
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

npat=0
if [ $catalogue = 1 ]; then "$loggen" patterns > "$dir/patterns.ere"; npat=$(wc -l < "$dir/patterns.ere"); fi

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
nyard=$(grep -c . "$yardstick")
printf '\nikelab diagnose vs the yardstick (%s patterns of bench/yardstick/grep-patterns.txt) with grep -E -f and rg -f, and wc -l;\n' "$nyard"
printf 'LC_ALL=C, output to files; MB/s from wall clock (CPU user+sys in brackets); %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
for fmt in $formats; do
  for size in $sizes; do
    log=$dir/gw-$fmt-$size.log
    truth=$dir/gw-$fmt-$size.truth
    "$loggen" generate --format "$fmt" --size "$size" -o "$log" --truth "$truth" 2> "$dir/gw-gen.txt"
    bytes=$(stat -c %s "$log")
    attempts=$(awk '/^# attempts/{print $3}' "$truth")
    cat "$log" > /dev/null  # page cache warm for every tool alike

    run ikelab-json "$dir/gw-diag.json" "$ikelab" diagnose --json "$log"
    ik_cpu=$cpu ik_wall=$wall ik_rss=$rss_kb
    run ikelab-json1 "$dir/gw-diag1.json" "$ikelab" diagnose --json --threads 1 "$log"
    ik1_cpu=$cpu ik1_wall=$wall ik1_rss=$rss_kb
    run grep "$dir/gw-grep.out" grep -c -E -f "$yardstick" "$log"
    gr_cpu=$cpu gr_wall=$wall
    run rg "$dir/gw-rg.out" rg -c -f "$yardstick" "$log"
    rg_cpu=$cpu rg_wall=$wall
    run wc "$dir/gw-wc.out" wc -l "$log"
    wc_cpu=$cpu wc_wall=$wall

    line() {  # NAME WALL CPU EXTRA
      printf '  %-26s %8s MB/s (%s MB/s CPU)  %s\n' "$1" "$(mbps "$bytes" "$2")" "$(mbps "$bytes" "$3")" "$4"
    }
    printf '\n%s %s: %s bytes, %s lines, %s attempts\n' "$fmt" "$size" "$bytes" "$(awk '{print $1}' "$dir/gw-wc.out")" "$attempts"
    line "ikelab diagnose" "$ik_wall" "$ik_cpu" "peak RSS $ik_rss KiB"
    line "ikelab diagnose --threads 1" "$ik1_wall" "$ik1_cpu" "peak RSS $ik1_rss KiB"
    line "grep -c -E -f yardstick" "$gr_wall" "$gr_cpu" "$(cat "$dir/gw-grep.out") matching lines"
    line "rg -c -f yardstick" "$rg_wall" "$rg_cpu" "$(cat "$dir/gw-rg.out" | grep . || echo 0) matching lines"  # rg -c prints nothing for none
    line "wc -l" "$wc_wall" "$wc_cpu" ""
    ratio() { awk -v a="$2" -v b="$1" 'BEGIN{ if (a < 0.005) a = 0.005; if (b < 0.005) b = 0.005; printf "%.2f", a/b}'; }
    ratio_grep=$(ratio "$ik_wall" "$gr_wall"); ratio_rg=$(ratio "$ik_wall" "$rg_wall"); ratio_wc=$(ratio "$ik_wall" "$wc_wall")
    printf '  ikelab / grep -E -f = %sx   ikelab / rg = %sx   ikelab / wc -l = %sx   (wall)\n' "$ratio_grep" "$ratio_rg" "$ratio_wc"
    printf '  ikelab / grep -E -f = %sx   ikelab / rg = %sx   (CPU)  ikelab --threads 1 / grep -E -f = %sx (wall)\n' \
      "$(ratio "$ik_cpu" "$gr_cpu")" "$(ratio "$ik_cpu" "$rg_cpu")" "$(ratio "$ik1_wall" "$gr_wall")"
    if [ $catalogue = 1 ]; then
      run grep-catalogue "$dir/gw-grepcat.out" grep -c -E -f "$dir/patterns.ere" "$log"
      line "grep -c -E -f catalogue ($npat)" "$wall" "$cpu" "$(cat "$dir/gw-grepcat.out") matching lines"
      printf '  ikelab / grep -E -f catalogue = %sx (wall)\n' "$(ratio "$ik_wall" "$wall")"
    fi

    if awk -v r="$ratio_grep" 'BEGIN{exit !(r >= 1.0)}'; then v=PASS; else v=FAIL; status=1; fi
    printf '  target: >= 1.0x grep -E -f (yardstick) .......... %s (%sx)\n' "$v" "$ratio_grep"
    if cmp -s "$dir/gw-diag.json" "$dir/gw-diag1.json"; then v=PASS; else v=FAIL; status=1; fi
    printf '  target: identical output --threads 1 / default .. %s\n' "$v"
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
    rm -f "$log" "$dir/gw-diag.json" "$dir/gw-diag1.json"
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
