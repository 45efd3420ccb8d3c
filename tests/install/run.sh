#!/usr/bin/env bash
# Installs a CMake build of the library into a fresh temporary prefix and
# uses it the way an outside project would. Run by ctest (see CMakeLists.txt):
#   run.sh MODE BUILD_DIR CMAKE CC VERSION
# MODE: layout        the installed files, names, links and soname
#       find_package  a CMake project using find_package(mongoose): shared and static
#       pkg_config    a Makefile project using pkg-config: shared and --static
#       subdirectory  a CMake project using add_subdirectory (no install): it
#                     builds and runs, and nothing in the source tree changes
set -euo pipefail
mode=$1 build=$2 cmake=$3 cc=$4 version=$5
here=$(cd "$(dirname "$0")" && pwd)
so=${version%.*} # 7.22.0 -> 7.22
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
libdir=$(dirname "$(find "$prefix" -name libmongoose.a)")
[ -d "$libdir" ] || fail "libmongoose.a not installed"

# A program linked against the installed library: runs, needs (or not)
# libmongoose.so.X.Y, and never the build tree's copy.
check_program() {
  local exe=$1 linkage=$2
  local needed
  needed=$(readelf -d "$exe" | grep NEEDED || true)
  case $linkage in
  shared | shared-build) grep -q "\[libmongoose.so.$so\]" <<<"$needed" || fail "$exe does not need libmongoose.so.$so: $needed" ;;
  static) ! grep -q libmongoose <<<"$needed" || fail "$exe needs a shared libmongoose: $needed" ;;
  esac
  if [ "$linkage" = shared ]; then
    local resolved
    resolved=$(env -u LD_LIBRARY_PATH ldd "$exe" | sed -n 's/.*libmongoose[^ ]* => \([^ ]*\) .*/\1/p')
    [ -n "$resolved" ] && [ "$(readlink -f "$resolved")" = "$(readlink -f "$libdir/libmongoose.so.$so")" ] ||
      fail "$exe loads libmongoose from '$resolved', not from $libdir"
  fi
  env -u LD_LIBRARY_PATH "$exe" || fail "$exe exited $?"
  echo "ok: $exe ($linkage)"
}

case $mode in
layout)
  [ -f "$prefix/include/mongoose.h" ] || fail "no include/mongoose.h"
  [ -f "$libdir/libmongoose.so.$version" ] && [ ! -L "$libdir/libmongoose.so.$version" ] ||
    fail "no libmongoose.so.$version"
  [ "$(readlink "$libdir/libmongoose.so.$so")" = "libmongoose.so.$version" ] || fail "libmongoose.so.$so link"
  [ "$(readlink "$libdir/libmongoose.so")" = "libmongoose.so.$so" ] || fail "libmongoose.so link"
  readelf -d "$libdir/libmongoose.so.$version" | grep -q "Library soname: \[libmongoose.so.$so\]" ||
    fail "soname is not libmongoose.so.$so"
  # Debug info is split off, not shipped: only a debuglink in the library;
  # the .debug file comes with `--component debug` only.
  sections=$(readelf -S -W "$libdir/libmongoose.so.$version")
  ! grep -q '\.debug_info' <<<"$sections" || fail "libmongoose.so.$version carries debug info"
  grep -q '\.gnu_debuglink' <<<"$sections" || fail "libmongoose.so.$version has no .gnu_debuglink"
  [ ! -e "$libdir/libmongoose.so.$version.debug" ] || fail ".debug installed by default"
  ! readelf -S -W "$libdir/libmongoose.a" 2>/dev/null | grep -q '\.debug_info' || fail "libmongoose.a carries debug info"
  "$cmake" --install "$build" --prefix "$prefix" --component debug >/dev/null
  readelf -S -W "$libdir/libmongoose.so.$version.debug" | grep -q '\.debug_info' ||
    fail "--component debug did not install libmongoose.so.$version.debug"
  [ -f "$libdir/pkgconfig/mongoose.pc" ] || fail "no pkgconfig/mongoose.pc"
  [ -f "$libdir/cmake/mongoose/mongooseConfig.cmake" ] || fail "no mongooseConfig.cmake"
  [ -f "$libdir/cmake/mongoose/mongooseConfigVersion.cmake" ] || fail "no mongooseConfigVersion.cmake"
  cmp -s "$prefix/include/mongoose.h" "$here/../../include/mongoose.h" ||
    fail "the installed header differs from include/mongoose.h (stale committed header?)"
  # Libs.private: rustc's list (-lgcc_s ... -lc), which the static program
  # of the pkg_config test links with.
  grep -Eq '^Libs.private: (-l[A-Za-z0-9_]+ ?)+$' "$libdir/pkgconfig/mongoose.pc" ||
    fail "Libs.private: $(grep Libs.private "$libdir/pkgconfig/mongoose.pc")"
  echo "installed:"
  (cd "$prefix" && find . | sort)
  ;;
find_package)
  "$cmake" -S "$here/cmake_project" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" >"$tmp/configure.log" || { cat "$tmp/configure.log"; fail "configure"; }
  "$cmake" --build "$tmp/build" || fail "build"
  check_program "$tmp/build/app_shared" shared
  check_program "$tmp/build/app_static" static
  ;;
pkg_config)
  export PKG_CONFIG_PATH=$libdir/pkgconfig
  echo "pkg-config --cflags --libs mongoose: $(pkg-config --cflags --libs mongoose)"
  echo "pkg-config --static --libs mongoose: $(pkg-config --static --libs mongoose)"
  make -s -C "$here/make_project" O="$tmp" CC="$cc" || fail "make"
  check_program "$tmp/app_shared" shared
  check_program "$tmp/app_static" static
  ;;
subdirectory)
  src=$(cd "$here/../.." && pwd)
  target=$(sed -n 's/^MG_CARGO_TARGET_DIR:PATH=//p' "$build/CMakeCache.txt")
  before=$(cd "$src" && stat -c '%n %Y %s' include/*)
  "$cmake" -S "$here/subdir_project" -B "$tmp/build" -DMONGOOSE_SOURCE_DIR="$src" \
    -DMG_CARGO_TARGET_DIR="$target" -DCMAKE_C_COMPILER="$cc" >"$tmp/configure.log" ||
    { cat "$tmp/configure.log"; fail "configure"; }
  "$cmake" --build "$tmp/build" || fail "build"
  after=$(cd "$src" && stat -c '%n %Y %s' include/*)
  [ "$before" = "$after" ] || fail "the build wrote into the source tree's include/: $before -> $after"
  # The programs are compiled against the header generated with the library,
  # staged in the build directory, not against the source tree's include/.
  flags=$(cat "$tmp"/build/CMakeFiles/app_shared.dir/flags.make)
  grep -q -- " $tmp/build/mongoose/mongoose/include" <<<"$flags" || fail "not the staged header: $flags"
  ! grep -q -- "$src/include" <<<"$flags" || fail "compiled against $src/include: $flags"
  check_program "$tmp/build/app_shared" shared-build
  check_program "$tmp/build/app_static" static
  ;;
*) fail "unknown mode $mode" ;;
esac
