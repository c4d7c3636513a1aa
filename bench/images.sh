#!/usr/bin/env bash
# The image figure: assetpipe's image stage against cwebp and avifenc run
# with identical settings over the same photos, at the same parallelism, as a
# ratio from the same run, plus total bytes before and after.
#
#   bench/images.sh [--quick] [--unpack-only] [-j N] [build/assetpipe]
#
# Photos: Debian's plasma-workspace-wallpapers (apt-get download + dpkg -x into
# the git-ignored bench/corpus/). --quick uses only the 2560x1600 JPEGs.
# Settings are assetpipe's defaults unless WEBP_Q, AVIF_Q, AVIF_SPEED are set.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 unpack_only=0 jobs=$(nproc) bin=build/assetpipe
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --unpack-only) unpack_only=1 ;;
    -j) jobs=$2; shift ;;
    -j*) jobs=${1#-j} ;;
    *) bin=$1 ;;
  esac
  shift
done
webp_q=${WEBP_Q:-80} avif_q=${AVIF_Q:-60} avif_speed=${AVIF_SPEED:-8}

corpus=bench/corpus
if [ ! -d "$corpus/pkg/usr/share/wallpapers" ]; then
  mkdir -p "$corpus"
  (cd "$corpus" && apt-get download plasma-workspace-wallpapers >/dev/null && dpkg -x plasma-workspace-wallpapers_*.deb pkg)
fi
[ "$unpack_only" = 1 ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/photos"
pattern='*/contents/images*/*'
[ "$quick" = 1 ] && pattern='*/contents/images/2560x1600.jpg'
for f in $corpus/pkg/usr/share/wallpapers/$pattern; do
  case $f in *.jpg | *.jpeg | *.png) ;; *) continue ;; esac
  rel=${f#"$corpus"/pkg/usr/share/wallpapers/}
  cp "$f" "$work/photos/$(echo "$rel" | tr '/' '_' | sed 's/_contents_/_/')"
done
count=$(ls "$work/photos" | wc -l)
bytes_in=$(cat "$work/photos"/* | wc -c)

now() { date +%s.%N; }

# assetpipe: one build, both formats, no size floor so every variant counts.
t0=$(now)
"$bin" build "$work/photos" -o "$work/assetpipe" -j "$jobs" -q --min-image-saving 0 \
  --webp-quality "$webp_q" --avif-quality "$avif_q" --avif-speed "$avif_speed"
t1=$(now)
ours_webp=$(find "$work/assetpipe" -name '*.webp' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
ours_avif=$(find "$work/assetpipe" -name '*.avif' -printf '%s\n' | awk '{s += $1} END {print s + 0}')

# Peers: the command-line encoders, one process per photo and format, the
# same number in parallel, the same settings (quality, method 4 / speed,
# 4:2:0, one thread each, ICC kept, Exif and XMP dropped).
q=$(( ((100 - avif_q) * 63 + 50) / 100 ))
mkdir -p "$work/peers"
t2=$(now)
ls "$work/photos" | xargs -P "$jobs" -I{} sh -c '
  cwebp -quiet -q "$1" -m 4 -metadata icc "$2/photos/$3" -o "$2/peers/$3.webp" &&
  avifenc -j 1 -c aom -s "$4" --min "$5" --max "$5" --minalpha "$5" --maxalpha "$5" -y 420 \
    --ignore-exif --ignore-xmp "$2/photos/$3" "$2/peers/$3.avif" >/dev/null' \
  _ "$webp_q" "$work" {} "$avif_speed" "$q"
t3=$(now)
peer_webp=$(find "$work/peers" -name '*.webp' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
peer_avif=$(find "$work/peers" -name '*.avif' -printf '%s\n' | awk '{s += $1} END {print s + 0}')

ours=$(echo "$t1 - $t0" | bc -l) peers=$(echo "$t3 - $t2" | bc -l)
pct() { echo "scale=1; 100 * $1 / $bytes_in" | bc -l; }
echo "images: $count photos, $bytes_in bytes, -j $jobs, webp q$webp_q m4, avif q$avif_q (quantizer $q) speed $avif_speed 4:2:0"
printf '  %-22s %8s s   webp %10d bytes (%s%%)   avif %10d bytes (%s%%)\n' \
  assetpipe "$(printf %.2f "$ours")" "$ours_webp" "$(pct "$ours_webp")" "$ours_avif" "$(pct "$ours_avif")"
printf '  %-22s %8s s   webp %10d bytes (%s%%)   avif %10d bytes (%s%%)\n' \
  "cwebp + avifenc" "$(printf %.2f "$peers")" "$peer_webp" "$(pct "$peer_webp")" "$peer_avif" "$(pct "$peer_avif")"
echo "  time ratio assetpipe / peers: $(printf %.2f "$(echo "$ours / $peers" | bc -l)")"
