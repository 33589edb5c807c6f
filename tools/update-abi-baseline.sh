#!/bin/sh
# Regenerates socle's committed ABI baseline from a build: abi/libsocle.abi (abidw) and
# abi/socle.symbols (exported names). Run it only when the C ABI changes on purpose, and commit
# abi/ in the same commit as the version change (STYLE.md, C ABI rule 11). See abi/README.md.
#
# usage: tools/update-abi-baseline.sh BUILD_DIR
#   BUILD_DIR  a configured build of the dev preset (RelWithDebInfo or Debug, no sanitizer),
#              e.g. build/dev; libsocle is rebuilt first.
set -eu

usage() {
  echo "usage: $0 BUILD_DIR   (a dev-preset build, e.g. build/dev)" >&2
  exit 2
}
die() {
  echo "update-abi-baseline: $*" >&2
  exit 1
}

[ $# -eq 1 ] || usage
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(cd "$1" 2>/dev/null && pwd) || die "no such build directory: $1"
cache="$build_dir/CMakeCache.txt"
[ -f "$cache" ] || die "$build_dir is not a configured CMake build (no CMakeCache.txt)"

cache_value() {
  sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -n 1
}
[ "$(cache_value CMAKE_HOME_DIRECTORY)" = "$source_dir" ] ||
  die "$build_dir was configured from $(cache_value CMAKE_HOME_DIRECTORY), not $source_dir"

# The baseline needs debug information (abidw reads the types from DWARF) and must describe the
# library vendors get, not an instrumented one.
build_type=$(cache_value CMAKE_BUILD_TYPE)
case "$build_type" in
  RelWithDebInfo | Debug) ;;
  *) die "CMAKE_BUILD_TYPE is '$build_type': use a RelWithDebInfo or Debug build (cmake --preset dev)" ;;
esac
case "$(cache_value CMAKE_C_FLAGS) $(cache_value CMAKE_CXX_FLAGS)" in
  *-fsanitize*) die "this build uses sanitizers: use the dev preset" ;;
esac

for tool in abidw cmake; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian packages: abigail-tools, cmake)"
done
nm=$(cache_value CMAKE_NM)
[ -n "$nm" ] || nm=nm

echo "Building libsocle in $build_dir"
cmake --build "$build_dir" --target socle

# The library itself (libsocle.so.MAJOR.MINOR.PATCH of the version socle.h declares), wherever
# the build put it: a build directory keeps the files of earlier versions, which must not be read.
version=$(sed -n 's/^#define SOCLE_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' \
  "$source_dir/include/socle/socle.h" | paste -sd.)
library=$(find "$build_dir" -path "$build_dir/tests" -prune -o \
  -name "libsocle.so.$version" -type f -print | head -n 1)
[ -n "$library" ] || die "libsocle.so.$version was not found in $build_dir"
command -v readelf >/dev/null 2>&1 && {
  readelf -S "$library" | grep -q '\.debug_info' || die "$library has no debug information"
}

script="$source_dir/tests/abi/abi.cmake"
cmake -DMODE=abidw -DLIBRARY="$library" -DHEADERS="$source_dir/include/socle" \
  -DBASELINE="$source_dir/abi/libsocle.abi" -DABIDW="$(command -v abidw)" -P "$script"
cmake -DMODE=write-symbols -DLIBRARY="$library" -DSYMBOLS="$source_dir/abi/socle.symbols" \
  -DNM="$nm" -P "$script"
# The new list must satisfy the same rules as the test (socle_ prefix, versioned symbols).
cmake -DMODE=check-symbols -DLIBRARY="$library" -DSYMBOLS="$source_dir/abi/socle.symbols" \
  -DNM="$nm" -P "$script"

echo "Updated abi/libsocle.abi and abi/socle.symbols from $library"
if command -v git >/dev/null 2>&1 && git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$source_dir" --no-pager diff --stat -- abi/ || true
fi
echo "Commit abi/ together with the version change (CMakeLists.txt, socle.h, conan/conanfile.py)."
