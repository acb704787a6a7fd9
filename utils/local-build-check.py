#!/usr/bin/env python3
"""Differential check of lambda-opt's native builds of local packages.

For each fixture project (a folder holding uv.lock) given on the command line:

1. copy the fixture (with its siblings, for path dependencies outside the
   project) to a scratch folder, so that no build writes into the sources;
2. `lambda-opt --emit=zip` it and unpack the zip;
3. build every local package of the lock (directory and editable sources)
   with its real backend, `python3 -m pip wheel --no-deps
   --no-build-isolation`, and install the wheels with `pip install --no-deps
   --no-compile --target`;
4. compare: the same file names, the same bytes and execute bit for every
   package file, and
   the same core metadata (Name, Version, Summary, Requires-Python,
   Requires-Dist, Provides-Extra); RECORD, INSTALLER, REQUESTED,
   direct_url.json and the console-script wrappers pip writes to bin/ aside,
   and the bytes of WHEEL and entry_points.txt (their text differs by
   generator) compared only for the entry points they name;
5. with --run MODULE:FUNCTION, import the handler with the given Python and
   only the unpacked artifact on sys.path, call it, and print the result.

  local-build-check.py --tool lambda-opt --backend-python /usr/bin/python3 \\
      [--run-python PY --run app:handler] FIXTURE...

Prints one line per fixture ("ok NAME: N files" or "FAIL NAME: ...") and
"skipped: ..." when the backend Python lacks pip or a backend.
"""

import argparse
import configparser
import email.parser
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

SKIPPED_DIST_INFO = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def local_sources(project):
    with open(os.path.join(project, "uv.lock"), "rb") as f:
        lock = tomllib.load(f)
    for pkg in lock.get("package", []):
        src = pkg.get("source", {})
        for kind in ("directory", "editable"):
            if kind in src:
                yield pkg["name"], os.path.normpath(
                    os.path.join(project, src[kind]))


def backend_of(folder):
    with open(os.path.join(folder, "pyproject.toml"), "rb") as f:
        data = tomllib.load(f)
    return data.get("build-system", {}).get("build-backend", "")


def tree(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if rel.startswith("bin/"):
                continue
            parts = rel.split("/")
            if parts[0].endswith(".dist-info") and parts[-1] in \
                    SKIPPED_DIST_INFO and len(parts) == 2:
                continue
            out[rel] = full
    return out


def metadata(path):
    with open(path, encoding="utf-8") as f:
        msg = email.parser.Parser().parse(f)
    fields = {}
    for key in ("Name", "Version", "Summary", "Requires-Python"):
        fields[key] = msg.get(key)
    for key in ("Requires-Dist", "Provides-Extra"):
        fields[key] = sorted(v.replace(" ", "").replace('"', "'")
                             for v in msg.get_all(key) or [])
    return fields


def entry_points(path):
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return {s: {k: v.replace(" ", "") for k, v in parser[s].items()}
            for s in parser.sections()}


def compare(ours, theirs, our_modes):
    problems = []
    a, b = tree(ours), tree(theirs)
    for rel in sorted(set(a) - set(b)):
        problems.append("only in lambda-opt's artifact: " + rel)
    for rel in sorted(set(b) - set(a)):
        problems.append("only in the backend's install: " + rel)
    for rel in sorted(set(a) & set(b)):
        name = rel.split("/")[-1]
        in_dist_info = rel.split("/")[0].endswith(".dist-info")
        if in_dist_info and name == "METADATA":
            ma, mb = metadata(a[rel]), metadata(b[rel])
            if ma != mb:
                problems.append("METADATA differs: %s: %r != %r"
                                % (rel, ma, mb))
            continue
        if in_dist_info and name == "entry_points.txt":
            if entry_points(a[rel]) != entry_points(b[rel]):
                problems.append("entry points differ: " + rel)
            continue
        if in_dist_info and name == "WHEEL":
            continue
        with open(a[rel], "rb") as fa, open(b[rel], "rb") as fb:
            if fa.read() != fb.read():
                problems.append("bytes differ: " + rel)
        # zipfile does not restore modes: ours come from the zip itself.
        if (our_modes.get(rel, 0) & 0o100) != \
                (os.stat(b[rel]).st_mode & 0o100):
            problems.append("execute bit differs: " + rel)
    return problems, len(a)


def check(args, fixture):
    name = os.path.basename(os.path.normpath(fixture))
    if name == "project":
        name = os.path.basename(os.path.dirname(os.path.normpath(fixture)))
    with tempfile.TemporaryDirectory(prefix="local-build-") as scratch:
        # The fixture's parent holds the project and its outside siblings.
        parent = os.path.dirname(os.path.abspath(fixture))
        copy = os.path.join(scratch, "src")
        shutil.copytree(parent, copy)
        project = os.path.join(copy, os.path.basename(os.path.abspath(
            fixture)))
        zip_path = os.path.join(scratch, "function.zip")
        run = subprocess.run(
            [args.tool, project, "--runtime=python3.11", "--emit=zip",
             "-o", zip_path], capture_output=True, text=True)
        if run.returncode != 0:
            return "FAIL %s: lambda-opt exited %d: %s" % (
                name, run.returncode, run.stderr.strip())
        ours = os.path.join(scratch, "ours")
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(ours)
            our_modes = {i.filename: i.external_attr >> 16
                         for i in z.infolist()}
        theirs = os.path.join(scratch, "theirs")
        wheels = os.path.join(scratch, "wheels")
        for pkg, folder in local_sources(project):
            backend = backend_of(folder)
            if not backend:
                continue
            build = subprocess.run(
                [args.backend_python, "-m", "pip", "wheel", "--no-deps",
                 "--no-build-isolation", "--no-cache-dir", "-q", "-w", wheels,
                 folder], capture_output=True, text=True)
            if build.returncode != 0:
                return "FAIL %s: %s's backend failed: %s" % (
                    name, pkg, build.stderr.strip()[-400:])
        found = sorted(os.path.join(wheels, w) for w in os.listdir(wheels))
        install = subprocess.run(
            [args.backend_python, "-m", "pip", "install", "--no-deps",
             "--no-compile", "--no-index", "-q", "--target", theirs] + found,
            capture_output=True, text=True)
        if install.returncode != 0:
            return "FAIL %s: pip install failed: %s" % (
                name, install.stderr.strip()[-400:])
        problems, count = compare(ours, theirs, our_modes)
        if problems:
            return "FAIL %s:\n  %s" % (name, "\n  ".join(problems))
        line = "ok %s: %d files match the backends' wheels" % (name, count)
        if args.run and args.run_python:
            module, _, function = args.run.partition(":")
            code = ("import sys; sys.path[:] = [%r] + [p for p in sys.path "
                    "if 'site-packages' not in p and p != '']; "
                    "import %s as m; print(repr(m.%s({}, None)))"
                    % (ours, module, function))
            result = subprocess.run([args.run_python, "-I", "-S", "-c", code],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                return "FAIL %s: the handler failed: %s" % (
                    name, result.stderr.strip())
            line += "; handler returned " + result.stdout.strip()
        return line


def backends_available(python):
    probe = subprocess.run(
        [python, "-c", "import setuptools.build_meta, hatchling.build, "
         "flit_core.buildapi, poetry.core.masonry.api, pip"], capture_output=True, text=True)
    return probe.returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True)
    parser.add_argument("--backend-python", default="/usr/bin/python3")
    parser.add_argument("--run-python")
    parser.add_argument("--run")
    parser.add_argument("fixtures", nargs="+")
    args = parser.parse_args()
    if not backends_available(args.backend_python):
        print("skipped: %s lacks pip or a build backend" % args.backend_python)
        return 0
    failed = 0
    for fixture in args.fixtures:
        line = check(args, fixture)
        failed += line.startswith("FAIL")
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
