#!/usr/bin/env bash
# Scaling benchmark of `ikelab diagnose` (issue 19 item 5): time and peak
# memory at 1x, 2x, 4x and 8x for the three inputs that were super-linear:
#   long-line     one line holding many messages (a log whose newlines were
#                 lost): 128 KiB, 256 KiB, 512 KiB, 1 MiB (the line limit)
#   distinct-ids  many distinct IKE_SA ids within one second (a burst of
#                 attempts that start and never end): 12 500 ... 100 000
#   equal-times   many whole attempts with one timestamp: 2 500 ... 20 000
# Every input is built from the lines of one real capture
# (tests/data/logs/baseline_psk/ike1/responder.log, charon 5.9.8 in the lab):
# its messages unchanged, only the IKE_SA unique id (<N>, <site1|N>,
# site1[N]) renumbered and the timestamp set to one second.
# Prints per shape and size: input bytes, CPU seconds (user+sys), wall
# seconds, peak RSS, and CPU time per unit relative to 1x (linear: stays
# near 1.0, at most 1.5 passes). Targets, each PASS/FAIL: linear, and peak
# memory < 64 MiB.
# Usage: bench/scaling-bench.sh [--dir DIR] [--keep] [--shapes "long-line distinct-ids equal-times"] [--ikelab PATH]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ikelab=$top/build/ikelab
template=$top/tests/data/logs/baseline_psk/ike1/responder.log
dir=$top/build/scaling-data
keep=0
shapes="long-line distinct-ids equal-times"
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --shapes) shapes=$2; shift 2 ;;
    --ikelab) ikelab=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "scaling-bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
for b in "$ikelab" /usr/bin/time "$template"; do
  [ -e "$b" ] || { echo "scaling-bench: $b missing (build first: scripts/build.sh)" >&2; exit 2; }
done
mkdir -p "$dir"
[ $keep = 1 ] || trap 'rm -f "$dir"/scale-*' EXIT

# The attempt's own lines (IKE_SA 1), timestamp dropped: "THREAD[GRP] <..1> message".
attempt_lines() { sed -n 's/^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* \([0-9]*\[[A-Z]*\] <\([a-z0-9]*|\)\{0,1\}1> .*\)$/\1/p' "$template"; }

# renumber N: the lines on stdin N times, the Ith copy as IKE_SA I, all at one second.
renumber() {
  perl -e 'my $n = shift; my @l = <STDIN>;
    for my $i (1 .. $n) { for (@l) { my $m = $_; $m =~ s/<1>/<$i>/g; $m =~ s/\|1>/|$i>/g;
      $m =~ s/site1\[1\]/site1[$i]/g; print "Nov 22 14:29:13 $m" } }' "$1"
}

# make_input SHAPE UNITS FILE
make_input() {
  local shape=$1 units=$2 out=$3
  case $shape in
    long-line)  # UNITS KiB of the capture's messages on one line
      attempt_lines | awk -v bytes=$((units * 1024)) '
        { l[NR] = $0 } END { s = 0; i = 0
          while (s < bytes) { m = l[i % NR + 1]; printf "%s ", m; s += length(m) + 1; i++ } printf "\n" }' > "$out" ;;
    distinct-ids)  # UNITS attempts, each the capture's first 6 lines, one second
      attempt_lines | head -6 | renumber "$units" > "$out" ;;
    equal-times)  # UNITS whole attempts, one timestamp
      attempt_lines | renumber "$units" > "$out" ;;
  esac
}

status=0
printf 'ikelab diagnose scaling (%s cores, load average %s)\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
for shape in $shapes; do
  case $shape in
    long-line) base=128; unit="KiB line" ;;
    distinct-ids) base=12500; unit="IKE_SA ids" ;;
    equal-times) base=2500; unit="attempts" ;;
    *) echo "scaling-bench: unknown shape $shape" >&2; exit 2 ;;
  esac
  printf '\n%s\n  %-6s %10s %12s %8s %8s %10s %9s\n' "$shape" "scale" "$unit" "bytes" "CPU s" "wall s" "peak KiB" "CPU/unit"
  first_per=""
  worst=0
  for k in 1 2 4 8; do
    units=$((base * k))
    in=$dir/scale-$shape-$k.log
    make_input "$shape" "$units" "$in"
    tv=$dir/scale-time.txt
    set +e
    LC_ALL=C /usr/bin/time -v -o "$tv" "$ikelab" diagnose --json "$in" > "$dir/scale-out.json" 2> "$dir/scale-err.txt"
    rc=$?
    set -e
    # 3 is "no attempt found": the distinct-ids shape opens IKE_SAs that never start an attempt.
    if [ $rc -eq 2 ] || [ $rc -gt 3 ]; then echo "scaling-bench: ikelab failed (exit $rc) on $in" >&2; cat "$dir/scale-err.txt" >&2; exit 1; fi
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$tv")
    cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u+s}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$tv")
    per=$(awk -v c="$cpu" -v k=$k 'BEGIN{printf "%.4f", c/k}')
    [ -n "$first_per" ] || first_per=$per
    rel=$(awk -v p="$per" -v f="$first_per" 'BEGIN{ if (f < 0.01) f = 0.01; printf "%.2f", p/f}')
    worst=$(awk -v r="$rel" -v w="$worst" 'BEGIN{print (r > w) ? r : w}')
    printf '  %-6s %10s %12s %8s %8s %10s %9s\n' "${k}x" "$units" "$(stat -c %s "$in")" "$cpu" "$wall" "$rss" "$rel"
    [ "$rss" -lt $((64 * 1024)) ] || { echo "  peak memory $rss KiB >= 64 MiB: FAIL"; status=1; }
    sed 's/^/  /' "$dir/scale-err.txt" | sort -u | head -3
    rm -f "$in"
  done
  if awk -v w="$worst" 'BEGIN{exit !(w <= 1.5)}'; then v=PASS; else v=FAIL; status=1; fi
  printf '  target: linear (CPU per unit at most 1.5x the 1x figure) ... %s (%s)\n' "$v" "$worst"
done
printf '\noverall: %s\n' "$([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
