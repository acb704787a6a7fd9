#!/usr/bin/env python3
# Part of lambda-opt, under the Apache License v2.0.
"""Writes a uv project whose dependencies form one long chain:

  app -> p00000 -> p00001 -> ... -> p<N-1>

Every package ships one pure-Python wheel except the last, which has only an
sdist, so the default lints report one finding whose dependency path is the
whole chain. Graph analyses must stay linear in the lock on this shape.

  bench/chain_lock.py OUT [--packages 20000]
"""
import argparse
import hashlib
import os


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--packages", type=int, default=20000)
    a = ap.parse_args()
    n = a.packages
    os.makedirs(a.out, exist_ok=True)
    names = ["p%05d" % i for i in range(n)]
    parts = ['version = 1\nrequires-python = ">=3.12"\n\n'
             '[[package]]\nname = "app"\nversion = "0.1.0"\n'
             'source = { virtual = "." }\n'
             'dependencies = [{ name = "%s" }]\n' % names[0]]
    for i, name in enumerate(names):
        digest = hashlib.sha256(name.encode()).hexdigest()
        parts.append('\n[[package]]\nname = "%s"\nversion = "1.0"\n'
                     'source = { registry = "https://pypi.org/simple" }\n'
                     % name)
        if i + 1 < n:
            parts.append('dependencies = [{ name = "%s" }]\n' % names[i + 1])
            parts.append(
                'wheels = [\n    { url = "https://files.example/%s-1.0-py3-'
                'none-any.whl", hash = "sha256:%s", size = 1000 },\n]\n'
                % (name, digest))
        else:
            parts.append(
                'sdist = { url = "https://files.example/%s-1.0.tar.gz", '
                'hash = "sha256:%s", size = 1000 }\n' % (name, digest))
    with open(os.path.join(a.out, "uv.lock"), "w", encoding="utf-8") as f:
        f.write("".join(parts))
    with open(os.path.join(a.out, "pyproject.toml"), "w",
              encoding="utf-8") as f:
        f.write('[project]\nname = "app"\nversion = "0.1.0"\n'
                'requires-python = ">=3.12"\ndependencies = ["%s"]\n'
                % names[0])


if __name__ == "__main__":
    main()
