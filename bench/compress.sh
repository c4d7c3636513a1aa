#!/usr/bin/env bash
# The compression figure: assetpipe's precompression against the brotli and
# gzip command-line tools (`brotli -q 11`, `gzip -9 -n`, run over all cores
# with xargs -P) on the very same files, from the same run: total bytes and
# time of each, and the ratio assetpipe / CLI.
#
#   bench/compress.sh [-j N] [--keep] [CORPUS] [ASSETPIPE]
#
# CORPUS defaults to bench/corpus/site (written by bench/setup-corpus), else
# bench/corpus/quick. ASSETPIPE defaults to build/assetpipe. The files
# compared are the output files assetpipe wrote a .br for (its final bytes,
# after minification and reference rewriting); the CLIs compress copies of
# exactly those. Wall seconds are noisy on a shared machine: CPU seconds
# (GNU time) are printed too. Needs brotli, gzip, xargs, awk, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc) keep=0 corpus="" bin=build/assetpipe
while [ $# -gt 0 ]; do
  case $1 in
    -j) jobs=$2; shift ;;
    -j*) jobs=${1#-j} ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) if [ -z "$corpus" ]; then corpus=$1; else bin=$1; fi ;;
  esac
  shift
done
if [ -z "$corpus" ]; then
  for c in bench/corpus/site bench/corpus/quick; do
    [ -d "$c" ] && { corpus=$c; break; }
  done
fi
[ -n "$corpus" ] && [ -d "$corpus" ] || { echo "compress.sh: no corpus; run bench/setup-corpus or give a folder" >&2; exit 2; }
[ -x "$bin" ] || { echo "compress.sh: $bin not found; build first (cmake --build build)" >&2; exit 2; }
for tool in brotli gzip xargs; do
  command -v $tool >/dev/null || { echo "compress.sh: $tool is not installed (scripts/bootstrap)" >&2; exit 2; }
done

work=$(mktemp -d)
[ "$keep" = 1 ] && echo "work folder: $work" || trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
sum_sizes() { xargs -0 -r stat -c %s | awk '{s+=$1} END {print s+0}'; }

# CPU seconds (user + sys) of a command and its children: robust when other
# work shares the machine, unlike wall time. Needs GNU time (/usr/bin/time).
cpu() { /usr/bin/time -f '%U %S' -o "$work/cpu" "$@"; awk '{print $1 + $2}' "$work/cpu"; }
[ -x /usr/bin/time ] || { echo "compress.sh: GNU time is not installed (apt-get install time)" >&2; exit 2; }

# 1. assetpipe: the whole build; its compression stage timed by --timings.
/usr/bin/time -f '%U %S' -o "$work/cpu" "$bin" build "$corpus" -o "$work/ap" -j "$jobs" --timings \
  >"$work/ap.log"
ap_cpu=$(awk '{print $1 + $2}' "$work/cpu")
ap_seconds=$(grep -o 'compress [0-9.]*s' "$work/ap.log" | grep -o '[0-9.]*')

# 2. The same files (every output file that got a .br), copied for the CLIs.
(cd "$work/ap" && find . -name '*.br' -printf '%P\0' | sed -z 's/\.br$//') >"$work/files"
count=$(tr -cd '\0' <"$work/files" | wc -c)
mkdir -p "$work/cli"
(cd "$work/ap" && xargs -0 cp --parents -t "$work/cli" <"$work/files")

t0=$(now)
cli_br_cpu=$(cd "$work/cli" && cpu xargs -0 -P "$jobs" -n 8 brotli -q 11 -k -f <"$work/files")
t1=$(now)
cli_gz_cpu=$(cd "$work/cli" && cpu xargs -0 -P "$jobs" -n 8 gzip -9 -k -n -f <"$work/files")
t2=$(now)

originals=$(cd "$work/ap" && sum_sizes <"$work/files")
ap_br=$(cd "$work/ap" && sed -z 's/$/.br/' "$work/files" | sum_sizes)
cli_br=$(cd "$work/cli" && sed -z 's/$/.br/' "$work/files" | sum_sizes)
ap_gz_files=$(cd "$work/ap" && sed -z 's/$/.gz/' "$work/files" | xargs -0 -r ls -1 2>/dev/null | wc -l)
ap_gz=$(cd "$work/ap" && sed -z 's/$/.gz/' "$work/files" | xargs -0 -r ls -d 2>/dev/null | tr '\n' '\0' | sum_sizes)
cli_gz=$(cd "$work/ap" && sed -z 's/$/.gz/' "$work/files" | xargs -0 -r ls -d 2>/dev/null | tr '\n' '\0' \
         | (cd "$work/cli" && sum_sizes))
cli_seconds=$(awk -v a="$t0" -v b="$t2" 'BEGIN {print b - a}')
cli_br_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')

awk -v corpus="$corpus" -v jobs="$jobs" -v n="$count" -v orig="$originals" \
    -v apbr="$ap_br" -v clibr="$cli_br" -v gzn="$ap_gz_files" -v apgz="$ap_gz" -v cligz="$cli_gz" \
    -v apt="$ap_seconds" -v clit="$cli_seconds" -v clibrt="$cli_br_seconds" \
    -v apcpu="$ap_cpu" -v clicpu="$(awk -v a="$cli_br_cpu" -v b="$cli_gz_cpu" 'BEGIN {print a + b}')" 'BEGIN {
  printf "corpus %s, -j %s: %d files assetpipe precompressed, %d bytes\n", corpus, jobs, n, orig
  printf "%-28s %12s %12s %8s\n", "", "assetpipe", "CLI", "ratio"
  printf "%-28s %12d %12d %8.4f\n", "brotli q11 bytes (.br)", apbr, clibr, apbr / clibr
  printf "%-28s %12d %12d %8.4f\n", "gzip -9 bytes (.gz, " gzn " files)", apgz, cligz, (cligz ? apgz / cligz : 0)
  printf "%-28s %12.2f %12.2f %8.3f\n", "seconds (br + gz, wall)", apt, clit, apt / clit
  printf "%-28s %12.2f %12.2f %8.3f\n", "CPU seconds (user+sys)", apcpu, clicpu, apcpu / clicpu
  printf "(assetpipe CPU is the whole build; CLI brotli alone: %.2fs wall)\n", clibrt
  printf "(.br saves %.1f%% of the original bytes, .gz %.1f%%)\n", 100 * (1 - apbr / orig), 100 * (1 - apgz / orig)
}'
