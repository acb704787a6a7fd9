#!/bin/sh
# ===- native-wheel.sh - Wheels whose native code says what it needs -------===#
#
# Part of lambda-opt, under the Apache License v2.0.
#
# ===-----------------------------------------------------------------------===#
# Usage: native-wheel.sh CC FIXTURE-COMMAND... KIND OUT [TAG]
#
# Builds one wheel, tagged TAG (by default cp39-abi3-manylinux_2_17_x86_64,
# which every runtime from python3.9 picks), whose shared object is built by CC
# for the build machine (x86_64) and needs what KIND says:
#   statx     fsinfo: GLIBC_2.28, through statx()
#   libgl     opencv-python: libGL.so.1 (a stub linked against, not shipped)
#   aarch64   fastcodec: an x86_64 object whose e_machine says aarch64
#   bundled   zfast: a library under zfast.libs/ found through $ORIGIN RUNPATH
#   bundled-rpath    the same through DT_RPATH
#   bundled-misdirected  the same, but the RUNPATH names a folder that is not
#             there
#   glibcxx   cxxcore: GLIBCXX_3.4.26 from libstdc++.so.6 (a stub)
#   libfoo    foolink: libfoo.so.3 (a stub), a library the runtime table
#             neither lists nor knows to be absent
#   plain     plainext: nothing beyond what every runtime has
# The wheel goes to OUT/wheels; its path is printed.
set -e
cc=$1
shift
# The fixture command is "PYTHON SCRIPT".
fixture="$1 $2"
shift 2
kind=$1
out=$2
src=$out/src-$kind
mkdir -p "$src" "$out/wheels"
tag=${3:-cp39-abi3-manylinux_2_17_x86_64}

wheel() {
  $fixture wheel --tag $tag --out "$out/wheels" "$@"
}

case $kind in
statx)
  cat > "$src/ext.c" <<'SRC'
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
int probe(const char *p) {
  struct statx s;
  return statx(AT_FDCWD, p, 0, STATX_SIZE, &s);
}
SRC
  $cc -shared -fPIC -O2 -o "$src/ext.so" "$src/ext.c"
  wheel --name fsinfo --version 1.0 --file 'fsinfo/__init__.py=' \
    --file "fsinfo/_stat.abi3.so=@$src/ext.so"
  ;;
libgl)
  echo 'void glFlush(void) {}' > "$src/gl.c"
  echo 'void glFlush(void); void draw(void) { glFlush(); }' > "$src/ext.c"
  $cc -shared -fPIC -o "$src/libGL.so.1" -Wl,-soname,libGL.so.1 "$src/gl.c"
  ln -sf libGL.so.1 "$src/libGL.so"
  $cc -shared -fPIC -o "$src/ext.so" "$src/ext.c" -L"$src" -lGL
  wheel --name opencv-python --version 4.10.0 --file 'cv2/__init__.py=' \
    --file "cv2/cv2.abi3.so=@$src/ext.so"
  ;;
aarch64)
  echo 'int answer(void) { return 42; }' > "$src/ext.c"
  $cc -shared -fPIC -o "$src/ext.so" "$src/ext.c"
  # e_machine (offset 18, little-endian) = 183, EM_AARCH64.
  printf '\267\000' | dd of="$src/ext.so" bs=1 seek=18 conv=notrunc 2>/dev/null
  wheel --name fastcodec --version 1.0 --file 'fastcodec/__init__.py=' \
    --file "fastcodec/_speedups.abi3.so=@$src/ext.so"
  ;;
bundled | bundled-rpath | bundled-misdirected)
  tags=--enable-new-dtags
  dir=zfast.libs
  [ $kind = bundled-rpath ] && tags=--disable-new-dtags
  [ $kind = bundled-misdirected ] && dir=zfast.lib
  echo 'int zfast_level(void) { return 9; }' > "$src/lib.c"
  echo 'int zfast_level(void); int level(void) { return zfast_level(); }' \
    > "$src/ext.c"
  lib=libzfast-1a2b3c4d.so.1
  $cc -shared -fPIC -o "$src/$lib" -Wl,-soname,$lib "$src/lib.c"
  $cc -shared -fPIC -o "$src/ext.so" "$src/ext.c" "$src/$lib" \
    -Wl,$tags,-rpath,"\$ORIGIN/../$dir"
  wheel --name zfast --version 1.0 --file 'zfast/__init__.py=' \
    --file "zfast/_ext.abi3.so=@$src/ext.so" \
    --file "zfast.libs/$lib=@$src/$lib"
  ;;
glibcxx)
  echo 'GLIBCXX_3.4.26 { global: cxx_new_thing; };' > "$src/cxx.map"
  echo 'void cxx_new_thing(void) {}' > "$src/cxx.c"
  echo 'void cxx_new_thing(void); void f(void) { cxx_new_thing(); }' \
    > "$src/ext.c"
  $cc -shared -fPIC -o "$src/libstdc++.so.6" -Wl,-soname,libstdc++.so.6 \
    -Wl,--version-script="$src/cxx.map" "$src/cxx.c"
  ln -sf libstdc++.so.6 "$src/libstdc++.so"
  $cc -shared -fPIC -o "$src/ext.so" "$src/ext.c" -L"$src" -lstdc++
  wheel --name cxxcore --version 1.0 --file 'cxxcore/__init__.py=' \
    --file "cxxcore/_core.abi3.so=@$src/ext.so"
  ;;
libfoo)
  echo 'void foo(void) {}' > "$src/foo.c"
  echo 'void foo(void); void bar(void) { foo(); }' > "$src/ext.c"
  $cc -shared -fPIC -o "$src/libfoo.so.3" -Wl,-soname,libfoo.so.3 "$src/foo.c"
  ln -sf libfoo.so.3 "$src/libfoo.so"
  $cc -shared -fPIC -o "$src/ext.so" "$src/ext.c" -L"$src" -lfoo
  wheel --name foolink --version 1.0 --file 'foolink/__init__.py=' \
    --file "foolink/_ext.abi3.so=@$src/ext.so"
  ;;
plain)
  echo 'int answer(void) { return 42; }' > "$src/ext.c"
  $cc -shared -fPIC -o "$src/ext.so" "$src/ext.c"
  wheel --name plainext --version 1.0 --file 'plainext/__init__.py=' \
    --file "plainext/_ext.abi3.so=@$src/ext.so"
  ;;
*)
  echo "native-wheel.sh: unknown kind '$kind'" >&2
  exit 2
  ;;
esac
