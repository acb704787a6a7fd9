#!/usr/bin/env python3
"""Checks lambda-opt's uv.lock reader against real projects.

When LAMBDA_OPT_CORPUS names a folder, every */uv.lock below it must load
with no error, and the counts in the tool's IR dump (packages, wheels,
sdists, dependency edges) must equal an independent count made here with
tomllib. Prints `corpus: N locks checked`, or says it skipped.

    corpus-check.py [--tool PATH]
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tomllib


def count_lock(path):
    """Counts packages, wheels, sdists and dependency edges with tomllib."""
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    packages = doc.get("package", []) + doc.get("distribution", [])
    counts = {"packages": len(packages), "wheels": 0, "sdists": 0, "edges": 0}
    for pkg in packages:
        counts["wheels"] += len(pkg.get("wheels", []))
        counts["sdists"] += 1 if "sdist" in pkg else 0
        counts["edges"] += len(pkg.get("dependencies", []))
        for key in ("optional-dependencies", "dev-dependencies",
                    "dependency-groups"):
            for edges in pkg.get(key, {}).values():
                counts["edges"] += len(edges)
    return counts


EDGE = re.compile(r'^  (dep |extra "(?:[^"\\]|\\.)*" dep |'
                  r'group "(?:[^"\\]|\\.)*" dep )')


def count_ir(text):
    """Counts the same things in an --emit=ir dump."""
    counts = {"packages": 0, "wheels": 0, "sdists": 0, "edges": 0}
    for line in text.splitlines():
        if line.startswith("package "):
            counts["packages"] += 1
        elif line.startswith("  wheel "):
            counts["wheels"] += 1
        elif line.startswith("  sdist "):
            counts["sdists"] += 1
        elif EDGE.match(line):
            counts["edges"] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", default="lambda-opt")
    args = parser.parse_args()
    corpus = os.environ.get("LAMBDA_OPT_CORPUS")
    if not corpus:
        print("corpus: LAMBDA_OPT_CORPUS not set; skipped")
        return 0
    locks = sorted(glob.glob(os.path.join(corpus, "*", "uv.lock")))
    if not locks:
        print("corpus: no */uv.lock in %s" % corpus)
        return 1
    failures = 0
    for lock in locks:
        # The lock alone: a project's pyproject.toml may hold settings for
        # passes that do not concern the reader.
        # Parsing is under test here, not the lints: verify the IR and dump it.
        result = subprocess.run([args.tool, lock, "--passes=verify",
                                 "--emit=ir", "-o", "-"],
                                capture_output=True, text=True)
        name = os.path.basename(os.path.dirname(lock))
        if result.returncode != 0:
            print("corpus: FAIL %s: exit %d\n%s" % (name, result.returncode,
                                                   result.stderr.strip()))
            failures += 1
            continue
        want, got = count_lock(lock), count_ir(result.stdout)
        if want != got:
            print("corpus: FAIL %s: tomllib counts %s, lambda-opt counts %s" %
                  (name, want, got))
            failures += 1
    if failures:
        print("corpus: %d of %d locks failed" % (failures, len(locks)))
        return 1
    print("corpus: %d locks checked" % len(locks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
