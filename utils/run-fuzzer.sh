#!/bin/bash
# Builds the front-end fuzzer with clang and libFuzzer in its own build
# directory, then runs it for SECONDS over a copy of the seed corpus.
# Exits non-zero when the fuzzer finds a crash, a leak or undefined
# behaviour; the reproducer is left in the build directory.
#
#   utils/run-fuzzer.sh [SECONDS]       (default 60)
#
# LAMBDA_OPT_FUZZ_BUILD_DIR overrides the build directory.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${LAMBDA_OPT_FUZZ_BUILD_DIR:-$SRC/build-fuzz}"
CC_BIN="${CC:-clang-14}"
CXX_BIN="${CXX:-clang++-14}"
case "$CXX_BIN" in *clang*) ;; *) CC_BIN=clang-14; CXX_BIN=clang++-14 ;; esac

if [ ! -f "$BUILD/build.ninja" ]; then
  mkdir -p "$BUILD"
  CC="$CC_BIN" CXX="$CXX_BIN" cmake -S "$SRC" -B "$BUILD" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAMBDA_OPT_FUZZ=ON \
    -DLAMBDA_OPT_BUILD_TESTS=OFF >"$BUILD/configure.log" 2>&1 || {
    cat "$BUILD/configure.log" >&2
    exit 1
  }
fi
ninja -C "$BUILD" lambda-opt-fuzz

WORK="$BUILD/fuzz-work"
rm -rf "$WORK/corpus"
mkdir -p "$WORK/corpus" "$WORK/artifacts"
cp "$SRC"/tools/lambda-opt-fuzz/corpus/* "$WORK/corpus/"

# Leaks and UB are failures; huge inputs are not interesting.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
"$BUILD/tools/lambda-opt-fuzz/lambda-opt-fuzz" \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=20 \
  -rss_limit_mb=4096 -print_final_stats=1 \
  -dict="$SRC/tools/lambda-opt-fuzz/toml.dict" \
  -artifact_prefix="$WORK/artifacts/" "$WORK/corpus"
