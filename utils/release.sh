#!/usr/bin/env bash
# Builds lambda-opt's release artifacts into OUTDIR:
#
#   lambda_opt-VERSION-py3-none-manylinux_X_Y_x86_64.whl   pip / uv / pipx
#   lambda-opt_VERSION_amd64.deb                            Debian and Ubuntu
#   lambda-opt-VERSION-Linux-x86_64.tar.gz                  any prefix
#
# usage: bash utils/release.sh OUTDIR
# A Release build without tests goes to build-release/ (LAMBDA_OPT_RELEASE_BUILD
# overrides it); JOBS sets the build's parallelism (default 2).
set -euo pipefail

out=${1:?usage: bash utils/release.sh OUTDIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${LAMBDA_OPT_RELEASE_BUILD:-$root/build-release}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# A clean checkout has neither the build's packages nor the TOML grammar;
# bootstrap.sh brings both and does nothing when they are there.
bash "$root/utils/bootstrap.sh"

for tool in cmake ninja cpack dpkg-shlibdeps patchelf readelf python3; do
  command -v "$tool" >/dev/null ||
    { echo "release: error: $tool is missing; run utils/bootstrap.sh" >&2; exit 2; }
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLAMBDA_OPT_BUILD_TESTS=OFF -DLAMBDA_OPT_FUZZ=OFF \
  -DLAMBDA_OPT_TOLERATE_MISSING=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
# pre-commit's hook package (pyproject.toml) pins the wheel of this version.
grep -q "^version = \"$version\"" "$root/pyproject.toml" &&
  grep -q "\"lambda-opt==$version\"" "$root/pyproject.toml" ||
  { echo "release: error: pyproject.toml must name version $version and depend on lambda-opt==$version" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The .deb and the .tar.gz, from CPack.
(cd "$build" && cpack -B "$work/cpack" >/dev/null)
for f in "$work"/cpack/*.deb "$work"/cpack/*.tar.gz; do
  mv "$f" "$out/"
  echo "$out/$(basename "$f")"
done

# The wheel, from an install of the same build.
cmake --install "$build" --prefix "$work/prefix" --strip >/dev/null
python3 "$root/utils/make-wheel.py" --prefix "$work/prefix" \
  --version "$version" --out "$out"
