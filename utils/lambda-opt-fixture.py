#!/usr/bin/env python3
# ===- lambda-opt-fixture.py - Build wheel and project fixtures ------------===#
#
# Part of lambda-opt, under the Apache License v2.0.
#
# ===-----------------------------------------------------------------------===#
"""Build real (and deliberately hostile) wheels and uv projects for tests.

Examples:
  lambda-opt-fixture.py wheel --name foo --version 1.0 --tag py3-none-any \\
      --file foo/__init__.py='print(1)' --data-file scripts/foo-cli='#!python' \\
      --out DIR
  lambda-opt-fixture.py wheel --name evil --version 1.0 --hostile symlink \\
      --out DIR
  lambda-opt-fixture.py project --name app --wheel DIR/foo-1.0-py3-none-any.whl \\
      --wheel DIR/bar-2.0-py3-none-any.whl --dep foo:bar --out PROJ

Output is deterministic: fixed timestamps (1980-01-01), fixed modes, fixed
entry order. The path of each file written is printed on stdout.
"""

import argparse
import base64
import hashlib
import io
import os
import re
import struct
import sys
import warnings
import zipfile

DATE = (1980, 1, 1, 0, 0, 0)
HOSTILE = ("traversal", "absolute", "symlink", "duplicate", "header-mismatch",
           "bomb", "no-metadata", "no-wheel", "encrypted")


def normalize(name):
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_name(name):
    """Distribution name as used in wheel file names and dist-info folders."""
    return re.sub(r"[-_.]+", "_", name)


def parse_assignments(values, what):
    out = []
    for value in values or []:
        if "=" not in value:
            sys.exit("error: %s '%s' must look like PATH=CONTENT" % (what, value))
        path, content = value.split("=", 1)
        if content.startswith("@"):
            with open(content[1:], "rb") as f:
                data = f.read()
        else:
            data = content.encode("utf-8").decode("unicode_escape").encode(
                "latin-1")
        out.append((path, data))
    return out


def record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def add(zf, name, data, mode=0o644, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, date_time=DATE)
    info.external_attr = (0o100000 | mode) << 16
    info.create_system = 3
    info.compress_type = compress
    zf.writestr(info, data)


def build_wheel(args):
    dist = dist_name(args.name)
    base = "%s-%s" % (dist, args.version)
    info_dir = base + ".dist-info"
    data_dir = base + ".data"
    entries = []  # (name, bytes, mode)
    for path, data in parse_assignments(args.file, "--file"):
        entries.append((path, data, 0o644))
    for path, data in parse_assignments(args.exec_file, "--exec-file"):
        entries.append((path, data, 0o755))
    for path, data in parse_assignments(args.data_file, "--data-file"):
        entries.append((data_dir + "/" + path, data, 0o644))
    for path, size in (s.split("=", 1) for s in args.zero_file or []):
        entries.append((path, b"\0" * int(size), 0o644))

    metadata = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" %
                (args.name, args.version))
    for req in args.requires or []:
        metadata += "Requires-Dist: %s\n" % req
    if args.license:
        metadata += "License: %s\n" % args.license
    purelib = "true" if args.tag.endswith("-none-any") else "false"
    wheel = ("Wheel-Version: 1.0\nGenerator: lambda-opt-fixture 1.0\n"
             "Root-Is-Purelib: %s\nTag: %s\n" % (purelib, args.tag))
    meta = [(info_dir + "/METADATA", metadata.encode(), 0o644),
            (info_dir + "/WHEEL", wheel.encode(), 0o644)]
    if args.entry_point:
        text = "[console_scripts]\n" + "".join(
            e + "\n" for e in args.entry_point)
        meta.append((info_dir + "/entry_points.txt", text.encode(), 0o644))
    if args.top_level:
        meta.append((info_dir + "/top_level.txt",
                     "".join(t + "\n" for t in args.top_level).encode(),
                     0o644))

    hostile = args.hostile
    if hostile == "no-metadata":
        meta = [m for m in meta if not m[0].endswith("/METADATA")]
    if hostile == "no-wheel":
        meta = [m for m in meta if not m[0].endswith("/WHEEL")]
    if hostile == "traversal":
        entries.append(("../evil.py", b"print('escaped')\n", 0o644))
    if hostile == "absolute":
        entries.append(("/tmp/evil.py", b"print('absolute')\n", 0o644))
    if hostile == "duplicate":
        entries.append(("dup/x.py", b"one\n", 0o644))
        entries.append(("dup/x.py", b"two\n", 0o644))
    if hostile == "bomb":
        entries.append(("bomb/zeros.bin", b"\0" * (4 << 20), 0o644))

    entries += meta
    rows = ["%s,%s,%d" % (n, record_hash(d), len(d)) for n, d, _ in entries]
    rows.append(info_dir + "/RECORD,,")
    record = ("\n".join(rows) + "\n").encode()

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "%s-%s.whl" % (base, args.tag))
    stored = zipfile.ZIP_STORED if args.stored else zipfile.ZIP_DEFLATED
    with open(path, "wb") as raw:
        with zipfile.ZipFile(raw, "w") as zf:
            warnings.simplefilter("ignore")  # duplicate names are the point
            for name, data, mode in entries:
                add(zf, name, data, mode, stored)
            if hostile == "symlink":
                info = zipfile.ZipInfo(dist + "/link", date_time=DATE)
                info.external_attr = (0o120777) << 16
                info.create_system = 3
                zf.writestr(info, b"/etc/passwd")
            add(zf, info_dir + "/RECORD", record, 0o644, stored)
    if hostile == "header-mismatch":
        corrupt_local_name(path, entries[0][0])
    if hostile == "encrypted":
        set_encrypted_flag(path, entries[0][0])
    print(path)


def local_header_offset(data, name):
    """Find the local header offset of NAME via the central directory."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.getinfo(name).header_offset


def corrupt_local_name(path, name):
    """Change one letter of NAME in its local header only."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    off = local_header_offset(bytes(data), name)
    name_off = off + 30
    data[name_off] = ord("X") if data[name_off] != ord("X") else ord("Y")
    with open(path, "wb") as f:
        f.write(data)


def set_encrypted_flag(path, name):
    """Set the 'encrypted' general purpose bit in both headers of NAME."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    off = local_header_offset(bytes(data), name)
    flags = struct.unpack_from("<H", data, off + 6)[0] | 1
    struct.pack_into("<H", data, off + 6, flags)
    pos = data.rfind(b"PK\x05\x06")
    cd = struct.unpack_from("<I", data, pos + 16)[0]
    while data[cd:cd + 4] == b"PK\x01\x02":
        nlen, elen, clen = struct.unpack_from("<HHH", data, cd + 28)
        if data[cd + 46:cd + 46 + nlen] == name.encode():
            flags = struct.unpack_from("<H", data, cd + 8)[0] | 1
            struct.pack_into("<H", data, cd + 8, flags)
        cd += 46 + nlen + elen + clen
    with open(path, "wb") as f:
        f.write(data)


def parse_wheel_name(path):
    parts = os.path.basename(path)[:-len(".whl")].split("-")
    if len(parts) < 5:
        sys.exit("error: '%s' is not a wheel file name" % path)
    return parts[0], parts[1]


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_project(args):
    packages = {}  # normalized name -> (display name, version, wheel path)
    for wheel in args.wheel or []:
        name, version = parse_wheel_name(wheel)
        packages.setdefault(normalize(name), []).append(
            (name, version, os.path.abspath(wheel)))
    deps = {}
    for edge in args.dep or []:
        if ":" not in edge:
            sys.exit("error: --dep '%s' must look like FROM:TO" % edge)
        a, b = (normalize(x) for x in edge.split(":", 1))
        for n in (a, b):
            if n not in packages:
                sys.exit("error: --dep names unknown package '%s'" % n)
        deps.setdefault(a, set()).add(b)
    roots = ([normalize(r) for r in args.require] if args.require else
             sorted(n for n in packages
                    if not any(n in d for d in deps.values())))
    root = normalize(args.name)

    os.makedirs(args.out, exist_ok=True)
    py = args.requires_python
    reqs = []
    for r in roots:
        if r not in packages:
            sys.exit("error: --require names unknown package '%s'" % r)
        reqs.append("%s==%s" % (r, packages[r][0][1]))
    pyproject = ['[project]', 'name = %s' % toml_str(args.name),
                 'version = "0.1.0"',
                 'requires-python = %s' % toml_str(py), 'dependencies = [']
    pyproject += ['    %s,' % toml_str(r) for r in reqs]
    pyproject += [']', '']
    lock = ['version = 1', 'requires-python = %s' % toml_str(py), '']

    def dep_lines(names):
        if not names:
            return []
        return (['dependencies = ['] +
                ['    { name = %s },' % toml_str(n) for n in sorted(names)] +
                [']'])

    entries = [(root, None)] + [(n, packages[n]) for n in packages]
    for name, wheels in sorted(entries, key=lambda e: e[0]):
        lock.append('[[package]]')
        lock.append('name = %s' % toml_str(name))
        if wheels is None:
            lock += ['version = "0.1.0"', 'source = { virtual = "." }']
            lock += dep_lines(roots)
            lock.append('')
            continue
        lock.append('version = %s' % toml_str(wheels[0][1]))
        lock.append('source = { registry = %s }' % toml_str(args.registry))
        lock += dep_lines(deps.get(name, ()))
        lock.append('wheels = [')
        for _, _, path in sorted(wheels, key=lambda w: w[2]):
            with open(path, "rb") as f:
                data = f.read()
            url = (args.url_prefix.rstrip("/") + "/" + os.path.basename(path)
                   if args.url_prefix else "file://" + path)
            lock.append('    { url = %s, hash = "sha256:%s", size = %d },' %
                        (toml_str(url), hashlib.sha256(data).hexdigest(),
                         len(data)))
        lock += [']', '']
    for fname, lines in (("pyproject.toml", pyproject), ("uv.lock", lock)):
        path = os.path.join(args.out, fname)
        with open(path, "w", newline="\n") as f:
            f.write("\n".join(lines).rstrip("\n") + "\n")
        print(path)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    w = sub.add_parser("wheel", help="build one wheel (.whl)",
                       formatter_class=argparse.RawTextHelpFormatter)
    w.add_argument("--name", required=True, help="project name")
    w.add_argument("--version", required=True, help="project version")
    w.add_argument("--tag", default="py3-none-any",
                   help="python-abi-platform tag (default py3-none-any)")
    w.add_argument("--file", action="append", metavar="PATH=CONTENT",
                   help="file at the wheel root, mode 0644; CONTENT takes\n"
                   "backslash escapes, or @FILE to copy a file")
    w.add_argument("--exec-file", action="append", metavar="PATH=CONTENT",
                   help="like --file but mode 0755")
    w.add_argument("--data-file", action="append", metavar="KEY/PATH=CONTENT",
                   help="file under NAME-VER.data/, e.g. scripts/cli=...")
    w.add_argument("--zero-file", action="append", metavar="PATH=SIZE",
                   help="file of SIZE zero bytes at the wheel root")
    w.add_argument("--requires", action="append", metavar="REQ",
                   help="Requires-Dist line for METADATA")
    w.add_argument("--license", help="License field for METADATA")
    w.add_argument("--entry-point", action="append", metavar="NAME=MOD:FN",
                   help="console_scripts entry point")
    w.add_argument("--top-level", action="append", metavar="NAME",
                   help="line of dist-info/top_level.txt")
    w.add_argument("--stored", action="store_true",
                   help="store entries uncompressed instead of deflating")
    w.add_argument("--hostile", choices=HOSTILE,
                   help="make a wheel that a careful reader must refuse:\n"
                   "  traversal       entry '../evil.py'\n"
                   "  absolute        entry '/tmp/evil.py'\n"
                   "  symlink         entry NAME/link is a unix symlink\n"
                   "  duplicate       entry 'dup/x.py' twice\n"
                   "  header-mismatch first entry's local header name differs\n"
                   "  bomb            4 MiB of zeros at ~1000:1 ratio\n"
                   "  no-metadata     no dist-info/METADATA\n"
                   "  no-wheel        no dist-info/WHEEL\n"
                   "  encrypted       first entry flagged as encrypted")
    w.add_argument("--out", required=True, help="output directory")
    w.set_defaults(func=build_wheel)

    p = sub.add_parser("project", help="write pyproject.toml and uv.lock")
    p.add_argument("--name", required=True, help="root project name")
    p.add_argument("--requires-python", default=">=3.12")
    p.add_argument("--wheel", action="append", metavar="WHL",
                   help="wheel to lock (name and version from its file name)")
    p.add_argument("--dep", action="append", metavar="FROM:TO",
                   help="dependency edge between two locked packages")
    p.add_argument("--require", action="append", metavar="NAME",
                   help="direct dependency of the root project (default:\n"
                   "every package no other package depends on)")
    p.add_argument("--registry", default="https://pypi.org/simple")
    p.add_argument("--url-prefix",
                   help="wheel URLs become PREFIX/FILE (default file://PATH)")
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=build_project)

    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
