"""Every package of the install set is in each emitter's output, or named by an
error finding: zip, layer, image, image-context and requirements.

  check-emitters.py TOOL PROJECT [--break PACKAGE_DIR]

With --break, PACKAGE_DIR's build backend (relative to the project) is
replaced by one lambda-opt cannot build, in a scratch copy, and each emitter
must then fail with a finding that names that package and write nothing.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def install_set(tool, project):
    out = subprocess.run([tool, project, "--runtime=python3.11",
                          "--emit=requirements", "-o", "-", "--exit-zero"],
                         capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        if line.startswith((".", "/")):
            with open(os.path.join(project, line, "pyproject.toml"), "rb") as f:
                names.add(normalize(tomllib.load(f)["project"]["name"]))
        else:
            names.add(normalize(re.split(r"==| @ ", line)[0]))
    return names


def dist_names(paths):
    found = set()
    for p in paths:
        for part in p.split("/"):
            if part.endswith(".dist-info"):
                found.add(normalize(part[:-len(".dist-info")].rsplit("-", 1)[0]))
    return found


def image_paths(layout):
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    paths = []

    def blob(digest):
        return os.path.join(layout, "blobs", *digest.split(":"))

    for m in index["manifests"]:
        with open(blob(m["digest"])) as f:
            manifest = json.load(f)
        for layer in manifest["layers"]:
            with open(blob(layer["digest"]), "rb") as f:
                data = f.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            with tarfile.open(fileobj=__import__("io").BytesIO(data)) as t:
                paths += t.getnames()
    return paths


def emit(tool, project, kind, out):
    args = [tool, project, "--runtime=python3.11", "--emit=" + kind,
            "-o", out, "--handler=app.handler"]
    if kind == "image":
        # No registry here: the image's contents are what is checked.
        args.append("--base-image=scratch")
    return subprocess.run(args, capture_output=True, text=True)


def outputs(kind, out):
    if kind in ("zip", "layer"):
        with zipfile.ZipFile(out) as z:
            return z.namelist()
    if kind == "image":
        return image_paths(out)
    paths = []
    for root, _, files in os.walk(out):
        paths += [os.path.relpath(os.path.join(root, f), out) for f in files]
    return paths


def main():
    tool, project = sys.argv[1], sys.argv[2]
    broken = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--break" \
        else None
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        parent = os.path.dirname(os.path.abspath(project))
        shutil.copytree(parent, os.path.join(scratch, "src"))
        project = os.path.join(scratch, "src", os.path.basename(
            os.path.abspath(project)))
        if broken:
            path = os.path.join(project, broken, "pyproject.toml")
            with open(path) as f:
                text = f.read()
            text = re.sub(r'build-backend = "[^"]*"',
                          'build-backend = "maturin"', text)
            with open(path, "w") as f:
                f.write(text)
            with open(path, "rb") as f:
                broken_name = tomllib.load(f)["project"]["name"]
        want = install_set(tool, project)
        for kind in ("zip", "layer", "image", "image-context",
                     "requirements"):
            out = os.path.join(scratch, "out-" + kind +
                               (".zip" if kind in ("zip", "layer") else ""))
            if kind == "requirements":
                out += ".txt"
            run = emit(tool, project, kind, out)
            if broken:
                named = ("[LO104]" in run.stderr and
                         broken_name + " " in run.stderr)
                written = os.path.exists(out) and kind != "requirements"
                if run.returncode == 0 or not named or written:
                    failed = True
                    print("FAIL %s: exit %d, named=%s, written=%s\n%s" % (
                        kind, run.returncode, named, written, run.stderr))
                else:
                    print("ok %s: %s named by LO104, exit %d" % (
                        kind, broken_name, run.returncode))
                continue
            if run.returncode != 0:
                failed = True
                print("FAIL %s: exit %d\n%s" % (kind, run.returncode,
                                                run.stderr))
                continue
            if kind == "requirements":
                got = install_set(tool, project)
            else:
                got = dist_names(outputs(kind, out))
            missing = sorted(want - got)
            if missing:
                failed = True
                print("FAIL %s: missing %s" % (kind, ", ".join(missing)))
            else:
                print("ok %s: %s" % (kind, " ".join(sorted(want))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
