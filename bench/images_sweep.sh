#!/usr/bin/env bash
# Measures the AVIF (and WebP) settings behind assetpipe's image defaults:
# bytes, CPU seconds per megapixel and PSNR against the source, for each
# setting, with the assetpipe binary itself (-j 1, one format at a time).
#
#   bench/images_sweep.sh [build/assetpipe] [photo folder] > sweep.tsv
#
# The photo folder defaults to the 2560x1600 JPEGs of Debian's
# plasma-workspace-wallpapers (bench/images.sh unpacks them into bench/corpus/).
# Needs avifdec, dwebp and ImageMagick's compare (PSNR). Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/assetpipe}
photos=${2:-bench/corpus/sweep}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -d "$photos" ]; then
  bench/images.sh --unpack-only
  mkdir -p "$photos"
  for f in bench/corpus/pkg/usr/share/wallpapers/*/contents/images/2560x1600.jpg; do
    cp "$f" "$photos/$(basename "$(dirname "$(dirname "$(dirname "$f")")")").jpg"
  done
fi
mp=$(identify -format '%w %h\n' "$photos"/* | awk '{s += $1 * $2} END {printf "%.2f", s / 1e6}')
bytes_in=$(cat "$photos"/* | wc -c)

# PSNR (dB, RGB) of every variant against its source, averaged.
mean_psnr() {
  local format=$1 total=0 n=0
  while IFS= read -r -d '' variant; do
    local src=${variant%.*}  # img.<hash>.jpg.avif -> img.<hash>.jpg
    if [ "$format" = avif ]; then avifdec -j 1 "$variant" "$work/d.png" >/dev/null
    else dwebp -quiet "$variant" -o "$work/d.png"; fi
    local p
    # compare prints the metric on stderr, among warnings about odd XMP.
    p=$(compare -metric PSNR "$src" "$work/d.png" null: 2>&1 | grep -E '^[0-9.]+$' || true)
    [ -n "$p" ] || continue
    total=$(echo "$total + $p" | bc -l)
    n=$((n + 1))
  done < <(find "$work/out" -name "*.$format" -print0)
  echo "scale=2; $total / $n" | bc -l
}

# run <format> <label> <assetpipe flags...>
run() {
  local format=$1 label=$2
  shift 2
  rm -rf "$work/out"
  /usr/bin/time -f '%U %S' -o "$work/time" "$bin" build "$photos" -o "$work/out" -j 1 -q \
    --image-formats "$format" --min-image-saving 0 "$@"
  local cpu bytes
  cpu=$(awk '{print $1 + $2}' "$work/time")
  bytes=$(find "$work/out" -name "*.$format" -printf '%s\n' | awk '{s += $1} END {print s}')
  printf '%s\t%s\t%d\t%.1f%%\t%.2f\t%.3f\t%s\n' "$format" "$label" "$bytes" \
    "$(echo "100 * $bytes / $bytes_in" | bc -l)" "$cpu" "$(echo "$cpu / $mp" | bc -l)" \
    "$(mean_psnr "$format")"
}

echo "# $(ls "$photos" | wc -l) photos, $mp megapixels, $bytes_in bytes (JPEG)"
printf 'format\tsetting\tbytes\tof_jpeg\tcpu_s\tcpu_s_per_mp\tpsnr_db\n'
for speed in ${SPEEDS:-6 7 8 9}; do
  run avif "q60 speed $speed 420" --avif-quality 60 --avif-speed "$speed"
done
for q in ${QUALITIES:-50 55 65 70}; do
  run avif "q$q speed ${SPEED:-8} 420" --avif-quality "$q" --avif-speed "${SPEED:-8}"
done
run avif "q60 speed ${SPEED:-8} 444" --avif-quality 60 --avif-speed "${SPEED:-8}" --avif-yuv 444
run webp "q80 m4" --webp-quality 80
