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
  [ -L "$f" ] && continue  # other resolutions are symlinks to the same file
  rel=${f#"$corpus"/pkg/usr/share/wallpapers/}
  cp "$f" "$work/photos/$(echo "$rel" | tr '/' '_' | sed 's/_contents_/_/')"
done
count=$(ls "$work/photos" | wc -l)
bytes_in=$(cat "$work/photos"/* | wc -c)
megapixels=$(identify -format '%w %h\n' "$work/photos"/* 2>/dev/null | awk '{s += $1 * $2} END {printf "%.1f", s / 1e6}')

# Wall and CPU (user + sys, children included) seconds of a command: the
# machine may be shared, so CPU time is the steadier comparison.
timed() {
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S' -o "$out" "$@"
}
wall() { awk '{print $1}' "$1"; }
cpu() { awk '{print $2 + $3}' "$1"; }

# assetpipe: one build, both formats, no size floor (--min-image-saving 0:
# a variant is kept whenever it is smaller, as the peers' count below).
timed "$work/ours.time" "$bin" build "$work/photos" -o "$work/assetpipe" -j "$jobs" -q \
  --timings --min-image-saving 0 \
  --webp-quality "$webp_q" --avif-quality "$avif_q" --avif-speed "$avif_speed" >"$work/timings"

# Bytes a browser that takes <format> is served: the variant where one was
# kept (smaller than the original), else the original. Same rule both sides.
served_ours() {
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["assets"]
print(sum(a["variants"][sys.argv[2]].get("size", a["size"]) if sys.argv[2] in a.get("variants", {}) else a["size"] for a in m.values()))' \
    "$work/assetpipe/.assetpipe/manifest.json" "$1"
}
served_peers() {
  local total=0 photo orig v
  for photo in "$work/photos"/*; do
    orig=$(stat -c %s "$photo")
    v=$(stat -c %s "$work/peers/$(basename "$photo").$1" 2>/dev/null || echo "$orig")
    total=$((total + (v < orig ? v : orig)))
  done
  echo "$total"
}
ours_webp=$(served_ours webp) ours_avif=$(served_ours avif)

# Peers: the command-line encoders, one process per photo and format, the
# same number in parallel, the same settings (quality, method 4 / speed,
# 4:2:0, one thread each, ICC kept, Exif and XMP dropped).
q=$(( ((100 - avif_q) * 63 + 50) / 100 ))
mkdir -p "$work/peers"
ls "$work/photos" | timed "$work/peers.time" xargs -P "$jobs" -I{} sh -c '
  cwebp -quiet -q "$1" -m 4 -metadata icc "$2/photos/$3" -o "$2/peers/$3.webp" &&
  avifenc -j 1 -c aom -s "$4" --min "$5" --max "$5" --minalpha "$5" --maxalpha "$5" -y 420 \
    --ignore-exif --ignore-xmp "$2/photos/$3" "$2/peers/$3.avif" >/dev/null' \
  _ "$webp_q" "$work" {} "$avif_speed" "$q" 2>/dev/null
peer_webp=$(served_peers webp) peer_avif=$(served_peers avif)

pct() { echo "scale=1; 100 * $1 / $bytes_in" | bc -l; }
row() {
  printf '  %-16s wall %7.2f s  cpu %7.2f s   webp %10d bytes (%s%%)   avif %10d bytes (%s%%)\n' \
    "$1" "$(wall "$2")" "$(cpu "$2")" "$3" "$(pct "$3")" "$4" "$(pct "$4")"
}
echo "images: $count photos, $megapixels megapixels, $bytes_in bytes, -j $jobs," \
  "webp q$webp_q m4, avif q$avif_q (quantizer $q) speed $avif_speed 4:2:0"
row assetpipe "$work/ours.time" "$ours_webp" "$ours_avif"
row "cwebp + avifenc" "$work/peers.time" "$peer_webp" "$peer_avif"
echo "  assetpipe / peers: wall $(printf %.2f "$(echo "$(wall "$work/ours.time") / $(wall "$work/peers.time")" | bc -l)")," \
  "cpu $(printf %.2f "$(echo "$(cpu "$work/ours.time") / $(cpu "$work/peers.time")" | bc -l)")"
echo "  assetpipe $(cat "$work/timings")"
