#!/usr/bin/env bash
# Installs everything lambda-opt needs to build and test on Debian 12 and
# fetches the pinned tree-sitter TOML grammar into third_party/ (git-ignored).
# Idempotent: a second run installs nothing and downloads nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config git python3 python3-venv zip unzip patchelf pre-commit
  llvm-14-dev llvm-14-tools clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
  libtree-sitter-dev libsimdjson-dev libre2-dev libzip-dev
  libcurl4-openssl-dev libarchive-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev
  umoci skopeo oci-image-tool
  docker-registry apache2-utils podman crun
  python3-pip python3-hatchling python3-setuptools python3-wheel flit python3-poetry-core
)
# npm fetches the grammar; a machine that already has Node.js keeps its own.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "bootstrap: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The TOML grammar: generated C sources from the npm registry, pinned by
# version and by the registry's sha512 integrity string.
grammar_pkg="@tree-sitter-grammars/tree-sitter-toml"
grammar_version="0.7.0"
grammar_integrity="sha512-873Kl518Qm5ghbWadISY41rwFjee0v+2bU4twwvAw2VAJcWwj2vBo3F3hOCXfbqHaFiqc4qh6eLhkMl2YZJS0g=="
dest="$root/third_party/tree-sitter-toml"
stamp="$dest/.integrity"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$grammar_integrity" ] &&
   [ -f "$dest/src/parser.c" ] && [ -f "$dest/src/scanner.c" ]; then
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$grammar_pkg@$grammar_version" >/dev/null)
tarball=$(ls "$tmp"/*.tgz)
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$grammar_integrity" ]; then
  echo "bootstrap: error: $grammar_pkg@$grammar_version integrity mismatch" >&2
  echo "  expected $grammar_integrity" >&2
  echo "  actual   $actual" >&2
  exit 2
fi
rm -rf "$dest"; mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" --strip-components=1 package/src package/LICENSE 2>/dev/null ||
  tar -xzf "$tarball" -C "$dest" --strip-components=1 package/src
echo "$grammar_integrity" >"$stamp"
echo "bootstrap: $grammar_pkg@$grammar_version in third_party/tree-sitter-toml"
