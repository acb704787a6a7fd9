#!/usr/bin/env python3
"""Packs an installed lambda-opt prefix into a self-contained Python wheel.

    make-wheel.py --prefix PREFIX --version 0.1.0 --out DIR

The wheel installs the `lambda-opt` executable as a script (pip and uv put
it on the environment's PATH) and its shared libraries under the data
scheme's lib/lambda-opt/, which sits at ../lib/lambda-opt from every
scheme's scripts folder (venv, --user, --target, system prefix):

    lambda_opt-V.data/scripts/lambda-opt          RUNPATH $ORIGIN/../lib/lambda-opt
    lambda_opt-V.data/data/lib/lambda-opt/*.so     RUNPATH $ORIGIN

Every shared library the executable and the on-demand modules need, except
glibc's and the C++ runtime's, is copied in beside libLambdaOptCore (the
closure `ldd` reports), and each copy gets RUNPATH $ORIGIN (patchelf) so
that it finds its own needs there too.

The platform tag is manylinux_X_Y_x86_64 where 2.Y... is the highest
GLIBC_ symbol version any ELF file in the wheel needs (`readelf -V`).
Only the standard library is used; the archive is reproducible
(SOURCE_DATE_EPOCH, sorted entries).
"""

import argparse
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

# Libraries every manylinux system provides: glibc's, and the C++ runtime.
SYSTEM_LIBRARIES = re.compile(
    r"^(linux-vdso|linux-gate|ld-linux[-\w]*|libc|libm|libdl|libpthread|librt"
    r"|libutil|libresolv|libnsl|libanl|libcrypt|libstdc\+\+|libgcc_s)\.so"
)

DIST = "lambda_opt"


def fail(message):
    sys.stderr.write("make-wheel: error: %s\n" % message)
    sys.exit(2)


def run(args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        fail("%s failed: %s" % (" ".join(args), result.stderr.strip()))
    return result.stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def needed_libraries(path):
    """Maps each library `ldd` resolves for `path` to its file."""
    found = {}
    for line in run(["ldd", path]).splitlines():
        m = re.match(r"\s*(\S+) => (.*?)(?: \(0x[0-9a-f]+\))?$", line)
        if not m:
            continue
        name, target = m.groups()
        if target == "not found":
            fail("%s needs %s, which is not installed" % (path, name))
        found[name] = target
    return found


def glibc_version(paths):
    """The highest GLIBC_2.Y any of `paths` needs, as (2, Y)."""
    best = (2, 17)
    for path in paths:
        for major, minor in re.findall(r"Name: GLIBC_(\d+)\.(\d+)",
                                       run(["readelf", "-V", "--wide", path])):
            best = max(best, (int(major), int(minor)))
    return best


def record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", required=True,
                        help="an install prefix of lambda-opt")
    parser.add_argument("--version", required=True)
    parser.add_argument("--out", required=True, help="folder for the wheel")
    args = parser.parse_args()

    if shutil.which("patchelf") is None:
        fail("patchelf is missing; run utils/bootstrap.sh")
    exe = os.path.join(args.prefix, "bin", "lambda-opt")
    libdir = os.path.join(args.prefix, "lib")
    if not os.path.isfile(exe):
        fail("no lambda-opt in '%s/bin'; install the build there first"
             % args.prefix)

    data = "%s-%s.data" % (DIST, args.version)
    stage = tempfile.mkdtemp(prefix="lambda-opt-wheel-")
    try:
        scripts = os.path.join(stage, data, "scripts")
        private = os.path.join(stage, data, "data", "lib", "lambda-opt")
        os.makedirs(scripts)
        os.makedirs(private)

        # Our own files: the executable, the core (under its soname, which
        # is what the executable asks for) and the modules (loaded by name).
        own = [exe]
        shutil.copy2(exe, os.path.join(scripts, "lambda-opt"))
        for name in sorted(os.listdir(libdir)):
            path = os.path.join(libdir, name)
            if (not name.startswith("libLambdaOpt") or ".so" not in name
                    or os.path.islink(path) or not os.path.isfile(path)
                    or not is_elf(path)):
                continue
            own.append(path)
            soname = run(["patchelf", "--print-soname", path]).strip()
            dest = os.path.join(private, soname or name)
            shutil.copyfile(path, dest)
            os.chmod(dest, 0o755)
            run(["patchelf", "--set-rpath", "$ORIGIN", dest])
        run(["patchelf", "--set-rpath", "$ORIGIN/../lib/lambda-opt",
             os.path.join(scripts, "lambda-opt")])

        # Everything they need beyond glibc and the C++ runtime, each copy
        # finding its own needs beside it.
        wanted = {}
        for path in own:
            for name, target in needed_libraries(path).items():
                if SYSTEM_LIBRARIES.match(name) or \
                        name.startswith("libLambdaOpt"):
                    continue
                wanted[name] = target
        for name, target in sorted(wanted.items()):
            dest = os.path.join(private, name)
            shutil.copyfile(target, dest)
            os.chmod(dest, 0o755)
            run(["patchelf", "--set-rpath", "$ORIGIN", dest])

        elves = [os.path.join(scripts, "lambda-opt")] + [
            os.path.join(private, n) for n in sorted(os.listdir(private))]
        major, minor = glibc_version(elves)
        tag = "py3-none-manylinux_%d_%d_x86_64" % (major, minor)

        distinfo = "%s-%s.dist-info" % (DIST, args.version)
        files = {}
        for folder, _, names in os.walk(stage):
            for n in names:
                full = os.path.join(folder, n)
                rel = os.path.relpath(full, stage).replace(os.sep, "/")
                with open(full, "rb") as f:
                    files[rel] = f.read()
        files[DIST + "/__init__.py"] = (
            '"""lambda-opt: the `lambda-opt` executable is on PATH."""\n'
            '__version__ = "%s"\n' % args.version).encode()
        files[distinfo + "/METADATA"] = (
            "Metadata-Version: 2.1\n"
            "Name: lambda-opt\n"
            "Version: %s\n"
            "Summary: Check and package a uv project for AWS Lambda\n"
            "License: Apache-2.0\n"
            "Requires-Python: >=3.8\n"
            "\n"
            "lambda-opt checks that a uv project's uv.lock deploys and runs "
            "on AWS Lambda and writes its deployment artifacts.\n"
            % args.version).encode()
        files[distinfo + "/WHEEL"] = (
            "Wheel-Version: 1.0\n"
            "Generator: lambda-opt make-wheel.py\n"
            "Root-Is-Purelib: false\n"
            "Tag: %s\n" % tag).encode()
        files[distinfo + "/top_level.txt"] = (DIST + "\n").encode()

        record = distinfo + "/RECORD"
        lines = ["%s,%s,%d" % (name, record_hash(body), len(body))
                 for name, body in sorted(files.items())]
        lines.append(record + ",,")
        files[record] = ("\n".join(lines) + "\n").encode()

        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
        stamp = time.gmtime(max(epoch, 315532800))[:6]
        os.makedirs(args.out, exist_ok=True)
        wheel = os.path.join(args.out, "%s-%s-%s.whl" %
                             (DIST, args.version, tag))
        partial = wheel + ".part"
        # dist-info last, as the wheel format recommends.
        order = sorted(files, key=lambda n: (n.startswith(distinfo),
                                             n == record, n))
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
            for name in order:
                info = zipfile.ZipInfo(name, stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                executable = "/scripts/" in name or name.endswith(".so") or \
                    ".so." in name
                info.external_attr = (0o100755 if executable else
                                      0o100644) << 16
                z.writestr(info, files[name])
        os.replace(partial, wheel)
        print(wheel)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


if __name__ == "__main__":
    main()
