"""Compares two install trees: same files, same bytes, same executable bits.

Usage: compare-trees.py OURS PIP

Ignores what pip adds for itself (INSTALLER, REQUESTED, direct_url.json and
their RECORD rows) and __pycache__. The executable bit of bin/ scripts is
not compared: lambda-opt makes every wheel script executable, pip only those
stored executable. Prints one line per difference; exits 1
when there is any.
"""
import os
import sys

SKIP = {"INSTALLER", "REQUESTED", "direct_url.json"}


def load(root):
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            parts = rel.split("/")
            if parts[0].endswith(".dist-info") and parts[-1] in SKIP:
                continue
            with open(path, "rb") as f:
                data = f.read()
            if parts[0].endswith(".dist-info") and parts[-1] == "RECORD":
                rows = [r for r in data.split(b"\r\n") if r and not any(
                    r.split(b",")[0].endswith(b"/" + s.encode()) for s in SKIP)]
                data = b"\r\n".join(sorted(rows)) + b"\r\n"
            files[rel] = (data, os.stat(path).st_mode & 0o111 != 0)
    return files


ours, pip = load(sys.argv[1]), load(sys.argv[2])
bad = 0
for rel in sorted(set(ours) | set(pip)):
    if rel not in ours:
        print("missing: " + rel)
    elif rel not in pip:
        print("extra: " + rel)
    elif ours[rel][0] != pip[rel][0]:
        print("bytes differ: " + rel)
    elif ours[rel][1] != pip[rel][1] and not rel.startswith("bin/"):
        print("mode differs: " + rel)
    else:
        continue
    bad = 1
print("%d files compared" % len(ours))
sys.exit(bad)
