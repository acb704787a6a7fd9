#!/usr/bin/env bash
# The release artifacts, checked the way users get them (slow: a full
# Release build; run on demand, or with ctest -L release when configured
# with -DLAMBDA_OPT_RELEASE_TESTS=ON):
#
#   1. utils/release.sh writes the wheel, the .deb and the .tar.gz;
#   2. the wheel installs with pip --no-index into a fresh venv, and its
#      lambda-opt checks and packages examples/hello-lambda with the build
#      folder moved away; every library it loads resolves inside the venv
#      or to glibc and the C++ runtime;
#   3. the .deb unpacks with dpkg-deb and its lambda-opt runs;
#   4. examples/plugin builds out of tree against the unpacked .tar.gz with
#      find_package(LambdaOpt) and loads into that prefix's lambda-opt;
#   5. pre-commit's `lambda-opt` hook (language: python) installs the wheel
#      offline and reports both projects of a two-project repository;
#   6. uv tool install, when uv is on PATH.
#
# usage: bash utils/release-test.sh [DIST]   (DIST: reuse artifacts there)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
build=${LAMBDA_OPT_RELEASE_BUILD:-$root/build-release}
restore_build() { if [ -d "$build.away" ]; then mv "$build.away" "$build"; fi; }
trap 'restore_build; rm -rf "$work"' EXIT
step() { echo "release-test: $*"; }
fail() { echo "release-test: FAIL: $*" >&2; exit 1; }

dist=${1:-}
if [ -z "$dist" ]; then
  dist=$work/dist
  step "building the release artifacts"
  bash "$root/utils/release.sh" "$dist"
fi
dist=$(cd "$dist" && pwd)
wheel=$(ls "$dist"/lambda_opt-*-py3-none-manylinux_*_x86_64.whl)
deb=$(ls "$dist"/lambda-opt_*.deb)
tgz=$(ls "$dist"/lambda-opt-*.tar.gz)
step "artifacts: $(basename "$wheel") $(basename "$deb") $(basename "$tgz")"

# A project to check and package: the bundled example, outside the tree.
cp -r "$root/examples/hello-lambda" "$work/hello"

# 2. The wheel, in a fresh venv, with the build folder out of the way.
step "pip install --no-index $(basename "$wheel")"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index "$wheel"
if [ -d "$build" ]; then mv "$build" "$build.away"; fi
lo=$work/venv/bin/lambda-opt
"$lo" --version | grep -q "lambda-opt" || fail "the wheel's lambda-opt does not run"
(cd "$work/hello" && "$lo" --emit=zip -o "$work/hello.zip" --find-links=wheels 2> "$work/zip.txt") ||
  { cat "$work/zip.txt" >&2; fail "the wheel's lambda-opt cannot package the example"; }
grep -q "CodeSha256" "$work/zip.txt" || fail "no CodeSha256 line: $(cat "$work/zip.txt")"
# Every library the executable and the modules load: inside the venv, or
# glibc's and the C++ runtime's.
for elf in "$lo" "$work"/venv/lib/lambda-opt/*.so*; do
  ldd "$elf" | awk '/=>/ {print $1, $3}' | while read -r name path; do
    case "$path" in
      "$work"/venv/*) ;;
      *) case "$name" in
           libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libresolv.so.*|libutil.so.*|libnsl.so.*|libanl.so.*|libcrypt.so.*) ;;
           ld-linux*|libstdc++.so.*|libgcc_s.so.*) ;;
           *) fail "$(basename "$elf") loads $name from $path, outside the wheel" ;;
         esac ;;
    esac
  done
done
tag=$(basename "$wheel" .whl | sed 's/.*manylinux_\([0-9]*\)_\([0-9]*\)_.*/\1.\2/')
need=$(for elf in "$lo" "$work"/venv/lib/lambda-opt/*.so*; do readelf -V --wide "$elf"; done |
  sed -n 's/.*Name: GLIBC_\([0-9.]*\).*/\1/p' | sort -t. -k1,1n -k2,2n | tail -1)
[ "$tag" = "$need" ] || fail "wheel tag glibc $tag, but its files need GLIBC_$need"
step "wheel ok: manylinux glibc $tag, $(ls "$work"/venv/lib/lambda-opt | wc -l) private libraries"
restore_build

# 3. The Debian package.
step "dpkg-deb -x $(basename "$deb")"
dpkg-deb -f "$deb" Depends | grep -q "libc6" || fail "the .deb has no Depends on libc6"
dpkg-deb -x "$deb" "$work/deb"
"$work/deb/usr/bin/lambda-opt" --version | grep -q lambda-opt || fail "the .deb's lambda-opt does not run"
test -f "$work/deb/usr/lib/cmake/LambdaOpt/LambdaOptConfig.cmake" || fail "the .deb lacks the CMake package"
test -f "$work/deb/usr/include/lambda-opt/Plugin/PassPlugin.h" || fail "the .deb lacks the headers"
step "deb ok: Depends: $(dpkg-deb -f "$deb" Depends)"

# 4. The tarball, and a plugin built against it out of tree.
step "plugin against $(basename "$tgz")"
mkdir "$work/prefix"
tar -xzf "$tgz" -C "$work/prefix" --strip-components=1
cmake -S "$root/examples/plugin" -B "$work/plugin" -G Ninja \
  -DLambdaOpt_DIR="$work/prefix/lib/cmake/LambdaOpt" >/dev/null
cmake --build "$work/plugin" >/dev/null
(cd "$work/hello" && "$work/prefix/bin/lambda-opt" \
  --load-pass-plugin="$work/plugin/PackageBudget.so" \
  --passes='package-budget<max=1>' 2> "$work/plugin.txt") || true
grep -q "LO950" "$work/plugin.txt" || fail "the plugin did not run: $(cat "$work/plugin.txt")"
step "plugin ok: $(grep LO950 "$work/plugin.txt" | head -1)"

# 5. pre-commit, installing the wheel for the hook, offline.
step "pre-commit hook 'lambda-opt' on a two-project repository"
mkdir -p "$work/repo/services"
cp -r "$work/hello" "$work/repo/services/hello"
rm -rf "$work/repo/services/hello/wheels"
cp -r "$root/examples/hello-lambda" "$work/repo/services/other"
sed -i 's/^runtime = .*/runtime = "python3.9"/' "$work/repo/services/other/pyproject.toml"
git -C "$work/repo" init -q
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=release-test -c user.email=release-test@example.com \
  commit -qm projects
status=0
(cd "$work/repo" && PRE_COMMIT_HOME=$work/pre-commit PIP_NO_INDEX=1 \
  PIP_FIND_LINKS="$dist /usr/share/python-wheels" \
  pre-commit try-repo "$root" lambda-opt --all-files --verbose > "$work/pre-commit.txt" 2>&1) || status=$?
cat "$work/pre-commit.txt"
grep -q "services/hello/uv.lock" "$work/pre-commit.txt" || fail "pre-commit did not report services/hello"
grep -q "services/other/uv.lock" "$work/pre-commit.txt" || fail "pre-commit did not report services/other"
step "pre-commit ok (exit $status)"

# 6. uv tool install, when uv is here.
if command -v uv >/dev/null; then
  step "uv tool install"
  UV_TOOL_DIR=$work/uv-tools UV_TOOL_BIN_DIR=$work/uv-bin UV_OFFLINE=1 \
    uv tool install --no-index --find-links "$dist" lambda-opt >/dev/null
  "$work/uv-bin/lambda-opt" --version | grep -q lambda-opt || fail "uv's lambda-opt does not run"
  step "uv ok"
else
  step "uv is not installed; uv tool install not checked"
fi
step "all release checks passed"
