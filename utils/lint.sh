#!/usr/bin/env bash
# Style checks on demand: clang-format (LLVM style) reports unformatted
# files; clang-tidy (.clang-tidy: LLVM naming and a few bug checks) runs over
# the given files, or every library and tool source, using the compile
# database of build/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(git ls-files 'lib/*.cpp' 'tools/*.cpp' 'plugins/*.cpp')
fi
status=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" 2>/dev/null; then
    echo "clang-format: $f is not formatted"
    status=1
  fi
done
[ -f build/compile_commands.json ] || { echo "lint: configure build/ first"; exit 2; }
run-clang-tidy-14 -quiet -p build "${files[@]}" 2>/dev/null | grep -E "warning:|error:" && status=1
exit $status
