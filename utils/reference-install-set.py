#!/usr/bin/env python3
"""Reference implementation of lambda-opt's install-set analysis.

Reads a project's uv.lock with tomllib and computes, with the marker and tag
code of `packaging` (as vendored by pip), what a production install on an AWS
Lambda Python runtime contains. Prints the same requirements format as the
C++ analysis (lambda-opt/Analysis/InstallSet.h), so the two can be compared:

  reference-install-set.py PROJECT_DIR --python 3.12 --arch x86_64 \
      [--extra E]... [--all-extras] [--group G]... [--package P] \
      [--no-emit-project] [--no-emit-workspace] [--no-emit-package P]...

Local packages (the project itself, workspace members, path dependencies)
are installed unless virtual, as `uv export --no-editable` does.

Check mode compares this script with a tool that prints the C++ result, over
every project (a folder holding uv.lock) below $LAMBDA_OPT_CORPUS, for
python 3.11 and 3.13 on x86_64 and arm64:

  reference-install-set.py --check path/to/install-set-tool
"""

import argparse
import os
import re
import subprocess
import sys
import tomllib
import urllib.parse

from pip._vendor.packaging import markers as pkg_markers
from pip._vendor.packaging import tags as pkg_tags
from pip._vendor.packaging.utils import parse_wheel_filename
from pip._vendor.packaging.version import InvalidVersion, Version

# Lambda runtimes: python minor -> (full version, glibc minor).
RUNTIMES = {
    9: ("3.9.23", 26),
    10: ("3.10.18", 26),
    11: ("3.11.13", 26),
    12: ("3.12.11", 34),
    13: ("3.13.7", 34),
    14: ("3.14.0", 34),
}


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class Target:
    def __init__(self, minor, arch):
        full, glibc = RUNTIMES[minor]
        self.machine = "aarch64" if arch in ("arm64", "aarch64") else "x86_64"
        self.env = {
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Linux",
            "platform_version": "",
            "python_full_version": full,
            "python_version": "3.%d" % minor,
            "sys_platform": "linux",
        }
        lowest = 5 if self.machine == "x86_64" else 17
        platforms = []
        for m in range(glibc, lowest - 1, -1):
            platforms.append("manylinux_2_%d_%s" % (m, self.machine))
            legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
            if m in legacy:
                platforms.append("%s_%s" % (legacy[m], self.machine))
        version = (3, minor)
        interp = "cp3%d" % minor
        ordered = list(pkg_tags.cpython_tags(version, [interp], platforms))
        ordered += list(pkg_tags.compatible_tags(version, interp, platforms))
        self.rank = {}
        for i, tag in enumerate(ordered):
            self.rank.setdefault(tag, i)
        self.markers = {}

    def marker(self, text):
        if text not in self.markers:
            self.markers[text] = pkg_markers.Marker(text)
        return self.markers[text]

    def evaluate(self, text, extra_active, conflict_active):
        """Evaluates marker `text`; `extra` comparisons are answered by the
        callbacks (decoded conflict pseudo-extras go to conflict_active)."""
        if not text or not text.strip():
            return True

        def is_active(name):
            item = decode_conflict(name)
            if item is None:
                return extra_active(name)
            return conflict_active(*item)

        def compare(lhs, op, rhs):
            lvar = isinstance(lhs, pkg_markers.Variable)
            rvar = isinstance(rhs, pkg_markers.Variable)
            if (lvar and lhs.value == "extra") or (rvar and rhs.value == "extra"):
                other = rhs if lvar and lhs.value == "extra" else lhs
                if isinstance(other, pkg_markers.Variable):
                    return False
                name = normalize(other.value)
                if op.value == "==":
                    return is_active(name)
                if op.value == "!=":
                    return not is_active(name)
                return False
            lval = self.env[lhs.value] if lvar else lhs.value
            rval = self.env[rhs.value] if rvar else rhs.value
            try:
                return pkg_markers._eval_op(lval, op, rval)
            except Exception:
                return False

        def walk(items):
            groups = [[]]
            for item in items:
                if isinstance(item, list):
                    groups[-1].append(walk(item))
                elif isinstance(item, tuple):
                    groups[-1].append(compare(*item))
                elif item == "or":
                    groups.append([])
            return any(all(g) for g in groups)

        return walk(self.marker(text)._markers)

    def wheel_rank(self, filename):
        """(rank, build) of the best tag, or None when incompatible."""
        try:
            _, _, build, wheel_tags = parse_wheel_filename(
                urllib.parse.unquote(filename))
        except Exception:
            return None
        ranks = [self.rank[t] for t in wheel_tags if t in self.rank]
        if not ranks:
            return None
        return min(ranks), build


def decode_conflict(name):
    m = re.fullmatch(r"(extra|group|project)-(\d+)-(.*)", name)
    if not m:
        return None
    kind, length, rest = m.group(1), int(m.group(2)), m.group(3)
    if length == 0 or len(rest) < length:
        return None
    package, rest = rest[:length], rest[length:]
    if kind == "project":
        return (kind, package, "") if rest == "" else None
    if not rest.startswith("-") or len(rest) == 1:
        return None
    return kind, package, rest[1:]


def dist_filename(dist):
    if "filename" in dist:
        return dist["filename"]
    text = dist.get("url") or dist.get("path") or ""
    text = re.split(r"[?#]", text)[0]
    return re.split(r"[/\\]", text)[-1]


def source_kind(pkg):
    return next(iter(pkg["source"]))


class Lock:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.doc = tomllib.load(f)
        self.packages = self.doc.get("package", self.doc.get("distribution", []))
        self.by_name = {}
        for pkg in self.packages:
            self.by_name.setdefault(pkg["name"], []).append(pkg)
        self.manifest = self.doc.get("manifest", {})

    def resolve_edge(self, dep):
        found = self.by_name.get(dep["name"], [])
        if len(found) == 1:
            return found[0]
        for pkg in found:
            if "version" in dep and pkg.get("version") != dep["version"]:
                continue
            if "source" in dep and pkg["source"] != dep["source"]:
                continue
            return pkg
        return None

    def resolve_name(self, name, target):
        found = self.by_name.get(normalize(name), [])
        if len(found) == 1:
            return found[0]
        match = [p for p in found
                 if not p.get("resolution-markers")
                 or any(target.evaluate(m, lambda e: False,
                                        lambda *a: False)
                        for m in p["resolution-markers"])]
        if len(match) != 1:
            raise SystemExit("error: '%s' matches %d locked entries"
                             % (name, len(match)))
        return match[0]

    def root(self):
        for pkg in self.packages:
            src = pkg["source"]
            if src.get("editable") == "." or src.get("virtual") == ".":
                return pkg
        return None


def version_key(pkg):
    text = pkg.get("version", "")
    try:
        return (0, Version(text), "")
    except InvalidVersion:
        return (1, Version("0"), text)


def install_set(lock, target, package=None, extras=(), all_extras=False,
                groups=(), no_emit_project=False, no_emit_workspace=False,
                no_emit_package=()):
    members = {normalize(m) for m in lock.manifest.get("members", [])}
    root = lock.root()
    if root is not None:
        members.add(root["name"])
    groups = {normalize(g) for g in groups}
    root_edges = []  # (parent key or None, target pkg, extras, marker)
    if package:
        roots = [lock.resolve_name(package, target)]
    elif root is not None:
        roots = [root]
    else:
        roots = [lock.resolve_name(m, target) for m in sorted(members)]
    key = id
    state = {}  # id(pkg) -> (pkg, set of extras)
    for r in roots:
        active = set()
        if all_extras:
            active |= set(r.get("optional-dependencies", {}))
            active |= {normalize(e) for e in
                       r.get("metadata", {}).get("provides-extras", [])}
        for e in extras:
            e = normalize(e)
            provided = r.get("metadata", {}).get("provides-extras")
            if (provided is None or e in r.get("optional-dependencies", {})
                    or e in {normalize(p) for p in provided}):
                active.add(e)
        state[key(r)] = (r, active)
    root_names = {r["name"] for r in roots}
    if root is None and not package:
        for req in lock.manifest.get("requirements", []):
            root_edges.append((None, lock.resolve_name(req["name"], target),
                               req.get("extras", []), req.get("marker", "")))
        manifest_groups = lock.manifest.get("dependency-groups", {})
        for g in sorted(groups):
            if g not in manifest_groups:
                raise SystemExit("error: group '%s' is not defined" % g)
            for req in manifest_groups[g]:
                root_edges.append((None,
                                   lock.resolve_name(req["name"], target),
                                   req.get("extras", []),
                                   req.get("marker", "")))
    else:
        owner = roots[0]
        dev = owner.get("dev-dependencies", {})
        empty = owner.get("metadata", {}).get("requires-dev", {})
        for g in sorted(groups):
            if g not in dev and g not in empty:
                raise SystemExit("error: group '%s' is not defined" % g)
            for dep in dev.get(g, []):
                root_edges.append((owner, lock.resolve_edge(dep),
                                   dep.get("extra", []),
                                   dep.get("marker", "")))

    def conflict_active(kind, pkg_name, name):
        if kind == "extra":
            return any(p["name"] == pkg_name and name in act
                       for p, act in state.values())
        if kind == "group":
            return pkg_name in root_names and name in groups
        return any(p["name"] == pkg_name for p, _ in state.values())

    while True:
        changed = False
        edges = set()

        def follow(parent, child, edge_extras, marker):
            nonlocal changed
            parent_extras = state[key(parent)][1] if parent is not None else set()
            if not target.evaluate(marker, lambda e: e in parent_extras,
                                   conflict_active):
                return
            edges.add((key(parent) if parent is not None else None,
                       key(child)))
            if key(child) not in state:
                state[key(child)] = (child, set())
                changed = True
            for e in edge_extras:
                e = normalize(e)
                if e not in state[key(child)][1]:
                    state[key(child)][1].add(e)
                    changed = True

        for parent, child, edge_extras, marker in root_edges:
            follow(parent, child, edge_extras, marker)
        for pkg, active in list(state.values()):
            for dep in pkg.get("dependencies", []):
                follow(pkg, lock.resolve_edge(dep), dep.get("extra", []),
                       dep.get("marker", ""))
            for e in sorted(active):
                for dep in pkg.get("optional-dependencies", {}).get(e, []):
                    follow(pkg, lock.resolve_edge(dep), dep.get("extra", []),
                           dep.get("marker", ""))
        if not changed:
            break

    if package:
        project = normalize(package)
    else:
        project = root["name"] if root is not None else None
    omitted = {normalize(n) for n in no_emit_package}

    def emitted(p):
        if source_kind(p) == "virtual" or p["name"] in omitted:
            return False
        if no_emit_workspace and p["name"] in members:
            return False
        return not (no_emit_project and p["name"] == project)

    installed = [p for p, _ in state.values() if emitted(p)]
    installed.sort(key=lambda p: (p["name"], version_key(p),
                                  next(iter(p["source"].values()))))
    return installed


def select_wheel(pkg, target):
    best = None
    for i, wheel in enumerate(pkg.get("wheels", [])):
        rank = target.wheel_rank(dist_filename(wheel))
        if rank is None:
            continue
        # lowest rank, then highest build tag, then first
        if best is None or (rank[0], _neg_build(rank[1]), i) < best[0]:
            best = ((rank[0], _neg_build(rank[1]), i), wheel)
    return best[1] if best else None


def _neg_build(build):
    # A higher build tag wins; no build tag is lowest.
    if not build:
        return (1, 0, "")
    return (0, -build[0], _Reverse(build[1]))


class _Reverse:
    def __init__(self, s):
        self.s = s

    def __lt__(self, other):
        return self.s > other.s

    def __eq__(self, other):
        return self.s == other.s


def sha256(dist):
    h = (dist or {}).get("hash", "")
    return h[len("sha256:"):] if h.startswith("sha256:") else ""


def requirement_line(pkg, target):
    name = pkg["name"]
    kind = source_kind(pkg)
    value = pkg["source"][kind]
    if kind == "registry":
        line = "%s==%s" % (name, pkg.get("version", ""))
        wheel = select_wheel(pkg, target)
        digest = sha256(wheel) if wheel else sha256(pkg.get("sdist"))
        return line + (" --hash=sha256:" + digest if digest else "")
    if kind == "git":
        rest, _, commit = value.partition("#")
        url, _, query = rest.partition("?")
        line = "%s @ git+%s" % (name, url)
        if commit:
            line += "@" + commit
        for param in query.split("&") if query else []:
            if param.startswith("subdirectory="):
                line += "#subdirectory=" + param[len("subdirectory="):]
        return line
    if kind == "url":
        line = "%s @ %s" % (name, value)
        if pkg["source"].get("subdirectory"):
            line += "#subdirectory=" + pkg["source"]["subdirectory"]
        return line
    absolute = (value.startswith("/") or value.startswith("\\")
                or re.match(r"[A-Za-z]:", value))
    if value != "." and not absolute and \
            not value.startswith(("./", "../")):
        value = "./" + value
    return value


def render(project_dir, minor, arch, **options):
    lock = Lock(os.path.join(project_dir, "uv.lock"))
    target = Target(minor, arch)
    return "".join(requirement_line(p, target) + "\n"
                   for p in install_set(lock, target, **options))


def check(tool):
    corpus = os.environ.get("LAMBDA_OPT_CORPUS")
    if not corpus:
        print("LAMBDA_OPT_CORPUS is not set; nothing to compare")
        return 0
    projects = sorted(d for d in os.listdir(corpus)
                      if os.path.isfile(os.path.join(corpus, d, "uv.lock")))
    compared = failed = 0
    for name in projects:
        path = os.path.join(corpus, name)
        for minor in (11, 13):
            for arch in ("x86_64", "arm64"):
                want = render(path, minor, arch)
                got = subprocess.run(
                    [tool, path, "--python", "3.%d" % minor, "--arch", arch],
                    capture_output=True, text=True)
                compared += 1
                if got.returncode != 0 or got.stdout != want:
                    failed += 1
                    print("MISMATCH %s python3.%d %s" % (name, minor, arch))
                    print(got.stderr, end="")
    print("compared %d projects x targets, %d differ" % (compared, failed))
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?")
    parser.add_argument("--python", default="3.12")
    parser.add_argument("--arch", default="x86_64",
                        choices=["x86_64", "arm64", "aarch64"])
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--all-extras", action="store_true")
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--package")
    parser.add_argument("--no-emit-project", action="store_true")
    parser.add_argument("--no-emit-workspace", action="store_true")
    parser.add_argument("--no-emit-package", action="append", default=[])
    parser.add_argument("--check", metavar="TOOL")
    args = parser.parse_args()
    if args.check:
        return check(args.check)
    if not args.project:
        parser.error("a project directory is required")
    minor = int(args.python.split(".")[1])
    sys.stdout.write(render(args.project, minor, args.arch,
                            package=args.package, extras=args.extra,
                            all_extras=args.all_extras, groups=args.group,
                            no_emit_project=args.no_emit_project,
                            no_emit_workspace=args.no_emit_workspace,
                            no_emit_package=args.no_emit_package))
    return 0


if __name__ == "__main__":
    sys.exit(main())
