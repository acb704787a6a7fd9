#!/usr/bin/env bash
# Sets up this machine (utils/bootstrap.sh), builds lambda-opt, and runs
# every test: GoogleTest units, the lit suite, and a bounded fuzzing run.
# ctest prints the closing summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash utils/bootstrap.sh
cmake -S . -B build -G Ninja -DLAMBDA_OPT_TOLERATE_MISSING=OFF >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j2
