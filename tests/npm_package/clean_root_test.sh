#!/usr/bin/env bash
# NpmPackageInCleanRoot: the npm packages (packaging/npm/pack) installed and
# run on a Debian that has none of the build dependencies: a debootstrap
# --variant=minbase bookworm root plus Debian's nodejs and npm, entered with
# chroot. Inside, a fresh app runs `npm i -D ./assetpipe-*.tgz
# ./assetpipe-linux-x64-*.tgz`, then `npx assetpipe build dist -o public`; its
# output must equal, byte for byte, what the source build writes for the same
# input and options.
#
#   clean_root_test.sh SOURCE_BINARY WORK_DIR
#
# The root is cached in ${ASSETPIPE_TEST_ROOT_CACHE:-${XDG_CACHE_HOME:-~/.cache}/assetpipe-test-root}
# under the hash of its recipe (rebuilt when the recipe changes). Exit 77
# (ctest SKIP_RETURN_CODE) where a chroot is impossible, saying why.
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 SOURCE_BINARY WORK_DIR" >&2; exit 2; fi
src=$(cd "$(dirname "$0")/../.." && pwd)
source_bin=$(realpath "$1")
mkdir -p "$2"
work=$(cd "$2" && pwd)
t0=$(date +%s)
say() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
skip() { echo "SKIP: NpmPackageInCleanRoot: $*"; exit 77; }
fail() { echo "FAIL: NpmPackageInCleanRoot: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "chroot and mount need root (this runs as $(id -un))"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (apt-get install debootstrap; scripts/bootstrap installs it)"
command -v chroot >/dev/null || skip "chroot is not installed (coreutils)"
chroot / true 2>/dev/null || skip "chroot is not permitted here (no CAP_SYS_CHROOT)"
[ -x "$source_bin" ] || fail "$source_bin (the source build's binary) is not an executable"

# --- the mirror: the host's own bookworm source -------------------------------
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      { types = ""; uris = ""; suites = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/) types = $i
          if ($i ~ /^URIs:/) uris = $i
          if ($i ~ /^Suites:/) suites = $i
        }
        if (types ~ /[ \t]deb([ \t]|$)/ && (suites " ") ~ /[ \t]bookworm[ \t]/) {
          sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
        } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                       if ($(i + 1) == "bookworm") { print $i; exit } }' "$f"
  done
}
mirror=$(host_mirror | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}

# --- the cached root ------------------------------------------------------------
packages="nodejs npm ca-certificates"
recipe="assetpipe-test-root v1: debootstrap --variant=minbase bookworm $mirror; apt-get install --no-install-recommends $packages"
key=$(printf '%s' "$recipe" | sha256sum | cut -c1-16)
cache=${ASSETPIPE_TEST_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/assetpipe-test-root}
mkdir -p "$cache"
root=$cache/$key

mounts=()
# Unmounts what this run mounted, innermost first; on every exit path.
cleanup() {
  local i
  for (( i = ${#mounts[@]} - 1; i >= 0; i-- )); do
    umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
  done
  mounts=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mounted_below() { awk -v d="$1/" 'index($2 "/", d) == 1 { print $2 }' /proc/self/mounts; }
# Removes a root: only when nothing is mounted in it, never across filesystems.
remove_root() {
  [ -e "$1" ] || return 0
  local m; m=$(mounted_below "$1")
  if [ -n "$m" ]; then fail "refusing to remove $1: still mounted there: $m"; fi
  rm -rf --one-file-system "$1"
}
enter() {  # enter ROOT: mounts /proc and /dev/pts, /dev/shm for the commands that follow
  local r=$1
  mount -t proc proc "$r/proc" || skip "cannot mount /proc in the root (no CAP_SYS_ADMIN?)"
  mounts+=("$r/proc")
  mkdir -p "$r/dev/pts" "$r/dev/shm"
  if mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts" 2>/dev/null; then mounts+=("$r/dev/pts"); fi
  if mount -t tmpfs -o mode=1777 shm "$r/dev/shm" 2>/dev/null; then mounts+=("$r/dev/shm"); fi
  for dev in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name major minor <<<"$dev"
    [ -c "$r/dev/$name" ] || { rm -f "$r/dev/$name"; mknod -m 666 "$r/dev/$name" c "$major" "$minor"; }
  done
  cp -L /etc/resolv.conf "$r/etc/resolv.conf"
}
in_root() {  # in_root ROOT COMMAND...: a clean environment, plus the host's proxies
  local r=$1; shift
  local env=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
             LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
  local v
  for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [ -n "${!v:-}" ] && env+=("$v=${!v}")
  done
  chroot "$r" /usr/bin/env -i "${env[@]}" "$@"
}

exec 9>"$cache/lock"
flock 9
# Mounts left by a run that was killed (SIGKILL runs no trap): with the lock
# held no other run uses them.
mounted_below "$cache" | sort -r | while read -r m; do umount -l "$m" || true; done
if [ ! -f "$root/.assetpipe-test-root" ]; then
  say "making the clean root (cold): $recipe"
  for old in "$cache"/*; do  # roots of other recipes
    [ -d "$old" ] && [ "$old" != "$root" ] && remove_root "$old"
  done
  tmp=$root.tmp
  remove_root "$tmp"
  remove_root "$root"
  debootstrap --variant=minbase bookworm "$tmp" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
  echo "deb $mirror bookworm main" >"$tmp/etc/apt/sources.list"
  apt-config dump | grep -Ei '^Acquire::(https?|ftp)::Proxy ' >"$tmp/etc/apt/apt.conf.d/01proxy" || true
  enter "$tmp"
  in_root "$tmp" apt-get update -qq >"$work/apt.log" 2>&1 \
    && in_root "$tmp" apt-get install -y -qq --no-install-recommends $packages >>"$work/apt.log" 2>&1 \
    || { tail -n 30 "$work/apt.log" >&2; fail "apt-get install $packages in the root failed (log: $work/apt.log)"; }
  in_root "$tmp" apt-get clean
  cleanup
  printf '%s\n' "$recipe" >"$tmp/.assetpipe-test-root"
  mv "$tmp" "$root"
  say "clean root ready: $root"
else
  say "clean root cached: $root"
fi
# The root has none of the build dependencies.
for lib in libwebp.so.7 libavif.so.15 libtbb.so.12 libpng16.so.16 libjpeg.so.62 libfmt.so.9; do
  if ls "$root"/usr/lib/x86_64-linux-gnu/"$lib" >/dev/null 2>&1; then
    fail "the clean root has $lib: it is not free of the build dependencies"
  fi
done

# --- the tarballs -----------------------------------------------------------------
say "packing (packaging/npm/pack)"
rm -rf "$work/pkgs"
# (in the pack script's build folder, build-portable/ unless
# $ASSETPIPE_PORTABLE_BUILD_DIR says otherwise: incremental from run to run)
"$src/packaging/npm/pack" "$work/pkgs" >"$work/pack.log" 2>&1 \
  || { tail -n 40 "$work/pack.log" >&2; fail "packaging/npm/pack failed (log: $work/pack.log)"; }
grep ' bytes$' "$work/pack.log"
shim_tgz=$(ls "$work"/pkgs/assetpipe-[0-9]*.tgz)
platform_tgz=$(ls "$work"/pkgs/assetpipe-linux-x64-*.tgz)

# --- the app, inside the root ------------------------------------------------------
app_in=/work/app
app=$root$app_in
remove_root "$root/work"
mkdir -p "$app"
cp -R "$src/examples/site" "$app/dist"
cp "$shim_tgz" "$platform_tgz" "$app/"
cat >"$app/package.json" <<'JSON'
{
  "name": "clean-root-app",
  "private": true,
  "version": "1.0.0",
  "scripts": {
    "postbuild": "assetpipe build dist -o public"
  }
}
JSON
# The host's npm settings (registry, CA file, proxies) for npm inside.
: >"$root/root/.npmrc"
for k in registry proxy https-proxy noproxy strict-ssl; do
  v=$(npm config get "$k" 2>/dev/null || true)
  case "$v" in ""|null|undefined) continue ;; esac
  echo "$k=$v" >>"$root/root/.npmrc"
done
cafile=$(npm config get cafile 2>/dev/null || true)
case "$cafile" in ""|null|undefined) cafile="" ;; esac
if [ -z "$cafile" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then cafile=/etc/ssl/certs/ca-certificates.crt; fi
if [ -n "$cafile" ]; then
  cp -L "$cafile" "$root/work/host-ca.crt"
  echo "cafile=/work/host-ca.crt" >>"$root/root/.npmrc"
fi

enter "$root"
say "npm i -D $(basename "$shim_tgz") $(basename "$platform_tgz") (node $(in_root "$root" node --version), npm $(in_root "$root" npm --version))"
in_root "$root" sh -c "cd $app_in && npm i -D --no-audit --no-fund ./$(basename "$shim_tgz") ./$(basename "$platform_tgz")" \
  >"$work/npm-install.log" 2>&1 \
  || { tail -n 40 "$work/npm-install.log" >&2; fail "npm i -D in the clean root failed (log: $work/npm-install.log)"; }
[ -x "$app/node_modules/.bin/esbuild" ] || fail "npm installed no node_modules/.bin/esbuild"
[ -x "$app/node_modules/.bin/lightningcss" ] || fail "npm installed no node_modules/.bin/lightningcss"
pkg_in=$app_in/node_modules/@assetpipe/linux-x64
[ -x "$root$pkg_in/bin/assetpipe" ] || fail "npm installed no executable $pkg_in/bin/assetpipe"

say "ldd $pkg_in/bin/assetpipe (inside the root)"
in_root "$root" ldd "$pkg_in/bin/assetpipe" | tee "$work/ldd.txt"
"$src/packaging/npm/check-ldd" "$pkg_in/lib" <"$work/ldd.txt" \
  || fail "the binary loads libraries from outside glibc and its package"

say "npx assetpipe --version -v"
in_root "$root" sh -c "cd $app_in && npx assetpipe --version -v" | tee "$work/version.txt"
grep -q "^esbuild .*($app_in/node_modules/.bin/esbuild" "$work/version.txt" \
  || fail "esbuild was not found in the app's node_modules/.bin"
grep -q "^lightningcss .*($app_in/node_modules/.bin/lightningcss" "$work/version.txt" \
  || fail "lightningcss was not found in the app's node_modules/.bin"
grep -q "^  libwebp [0-9.]* \[linked in\]" "$work/version.txt" || fail "libwebp is not linked in"
grep -q "^  libavif [0-9.]* .*\[$pkg_in/lib/libavif.so" "$work/version.txt" \
  || fail "libavif is not loaded from the package's lib/"
grep -q "^  oneTBB [0-9.]* \[$pkg_in/lib/libtbb.so" "$work/version.txt" \
  || fail "oneTBB is not loaded from the package's lib/"

say "npx assetpipe build dist -o public"
in_root "$root" sh -c "cd $app_in && npx assetpipe build dist -o public" >"$work/npx-build.log" 2>&1 \
  || { cat "$work/npx-build.log" >&2; fail "npx assetpipe build dist -o public failed in the clean root"; }
tail -n 3 "$work/npx-build.log"

say "the source build on the same input: $source_bin build dist -o public"
host_app=$work/host-app
rm -rf "$host_app"
mkdir -p "$host_app"
cp -R "$src/examples/site" "$host_app/dist"
(cd "$host_app" && "$source_bin" build dist -o public) >"$work/source-build.log" 2>&1 \
  || { cat "$work/source-build.log" >&2; fail "the source build failed on the same input"; }
# The same tools did the minifying on both sides.
host_versions=$("$source_bin" --version -v | grep -E '^(esbuild|lightningcss) ' | cut -d' ' -f1,2)
root_versions=$(grep -E '^(esbuild|lightningcss) ' "$work/version.txt" | cut -d' ' -f1,2)
[ "$host_versions" = "$root_versions" ] \
  || fail "the tools differ: source build [$host_versions], npm package [$root_versions]"

compare() {  # compare WHAT: the tree in the root equals the source build's, byte for byte
  (cd "$host_app/public" && find . -printf '%y %P\n' | LC_ALL=C sort) >"$work/tree.source"
  (cd "$app/public" && find . -printf '%y %P\n' | LC_ALL=C sort) >"$work/tree.npm"
  diff -u "$work/tree.source" "$work/tree.npm" >&2 || fail "$1: the file lists differ"
  diff -r "$host_app/public" "$app/public" >&2 || fail "$1: file contents differ"
  echo "$1: identical ($(grep -c '^f ' "$work/tree.npm") files)"
}
compare "npx assetpipe build dist -o public"
[ "$(grep -c '^f .*\.avif$' "$work/tree.npm")" -gt 0 ] || fail "the output has no .avif variant (the bundled encoder did not run)"
[ "$(grep -c '^f .*\.webp$' "$work/tree.npm")" -gt 0 ] || fail "the output has no .webp variant"

say "npm run postbuild (the README's line)"
rm -rf "$app/public"
in_root "$root" sh -c "cd $app_in && npm run postbuild" >"$work/postbuild.log" 2>&1 \
  || { cat "$work/postbuild.log" >&2; fail "npm run postbuild failed in the clean root"; }
compare "npm run postbuild"

say "exit status and errors through the shim"
set +e
in_root "$root" sh -c "cd $app_in && npx assetpipe build no-such-dir -o out" >"$work/bad.log" 2>&1
shim_status=$?
in_root "$root" sh -c "cd $app_in && $pkg_in/bin/assetpipe build no-such-dir -o out" >"$work/bad-direct.log" 2>&1
direct_status=$?
in_root "$root" sh -c "cd $app_in && node -e \"Object.defineProperty(process, 'platform', { value: 'win32' }); require('./node_modules/assetpipe/bin/assetpipe.js')\"" \
  >"$work/platform.log" 2>&1
platform_status=$?
set -e
[ "$direct_status" -ne 0 ] || fail "the binary accepted a missing input folder"
[ "$shim_status" = "$direct_status" ] || fail "the shim exited $shim_status, the binary $direct_status"
grep -q "no-such-dir" "$work/bad.log" || fail "the binary's error did not reach the terminal through the shim: $(cat "$work/bad.log")"
[ "$platform_status" = 1 ] && grep -q "no prebuilt assetpipe for win32 x64" "$work/platform.log" \
  || fail "an unsupported platform did not get a clear error: $(cat "$work/platform.log")"

cleanup
remove_root "$root/work"
say "NpmPackageInCleanRoot: ok"
