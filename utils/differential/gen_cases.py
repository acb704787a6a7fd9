#!/usr/bin/env python3
# ===- gen_cases.py - Differential cases from PyPA packaging ---------------===#
#
# Part of lambda-opt, under the Apache License v2.0.
#
# ===----------------------------------------------------------------------===#
"""Generate differential test cases for lib/Standards with PyPA `packaging`.

Writes one case per line, tab-separated, with the result `packaging`
computes; unittests/Standards/DifferentialCheck.cpp recomputes each result
with lambda-opt and reports mismatches. Usage:

    gen_cases.py OUTPUT [--seed N]

Record kinds:
  P  <packaging version>                                     (header)
  V  <text>  <canonical|ERR>                                 PEP 440 parse
  C  <a>  <b>  <-1|0|1>                                      ordering
  S  <specifiers>  <version>  <pre: 1 allow | 0 default>  <1|0|ERR>
  E  <env name>  <11 marker variable values, in MarkerEnvironment order>
  M  <marker>  <env name>  <extra>  <1|0|ERR>
  T  <target name>  <python minor>  <arch>  <glibc minor>
  W  <filename>  <ERR | name version build priority-per-target...>
The generator uses the copy of `packaging` vendored in pip, which every
Python ships, so it needs no network. Specifier and marker cases need
packaging >= 22 (pip >= 22.3); with older copies they are skipped.
Known deliberate differences, kept out of the cases: '~=v1.2' (packaging
24.1 matches nothing), comparing two marker variables (lambda-opt rejects
it), and '~=' between non-versions in markers (packaging raises).
"""

import random
import sys

from pip._vendor.packaging import markers, specifiers, tags, utils, version
from pip._vendor import packaging as packaging_pkg

PACKAGING_VERSION = tuple(int(p) for p in packaging_pkg.__version__.split(".")[:2])
# packaging < 22 did not normalize extra names in markers.
NORMALIZES_EXTRAS = PACKAGING_VERSION >= (22, 0)


def check_field(text):
    assert "\t" not in text and "\n" not in text, repr(text)
    return text


def emit(out, *fields):
    out.append("\t".join(check_field(str(f)) for f in fields))


# --------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------

FIXED_VERSIONS = [
    "1.0", "1.0.0", "1", "v1.0", "V1.0", " 1.0 ", "1!1.0", "0!1.0",
    "1.0a", "1.0a1", "1.0A1", "1.0alpha1", "1.0-a1", "1.0_a_1", "1.0.a.1",
    "1.0b2", "1.0beta2", "1.0c3", "1.0rc3", "1.0pre3", "1.0preview3",
    "1.0-1", "1.0-r1", "1.0rev1", "1.0.post", "1.0post1", "1.0_post_1",
    "1.0.dev", "1.0dev1", "1.0-dev1", "1.0a1.dev1", "1.0.post1.dev1",
    "1.0a1.post1.dev1", "1.0+abc", "1.0+abc.7", "1.0+ABC-1_2", "1.0+007",
    "1.0a.", "1.0a-", "1.0-", "1.0.", ".1.0", "1..0", "1.0+", "1.0+a..b",
    "", " ", "a", "1.0 a", "1.0.x", "1.0-dev-1", "1.0.post1.post2",
    "2.11.0+cu130", "2024.1.15", "0.0.0", "00.01", "1.0.0.0.0.0",
    "1.0rc", "1.0c", "1!", "!1", "1.0+ubuntu-1.2_3", "1.2.3.dev0+abc",
    "1.0-post", "1.0_dev", "1.0-1-1", "1.0a1-1", "3.12.0b4", "3.13.0rc2",
    "1.0   ", "\x0b1.0", "1.0\f", "1.0+1a", "1.0+a1", "1.0+1.2", "1.0+1.b",
]


def random_version(rng):
    parts = []
    if rng.random() < 0.1:
        parts.append("v" if rng.random() < 0.8 else "V")
    if rng.random() < 0.1:
        parts.append("%d!" % rng.randint(0, 3))
    release = [str(rng.choice([0, 1, 2, 3, 10, 12, 2024, rng.randint(0, 40)]))
               for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.05:
        release[0] = "0" + release[0]
    parts.append(".".join(release))
    sep = lambda: rng.choice(["", "", "", ".", "-", "_"])
    num = lambda: rng.choice(["", str(rng.randint(0, 12))])
    if rng.random() < 0.35:
        label = rng.choice(["a", "b", "rc", "c", "alpha", "beta", "pre",
                            "preview", "A", "RC"])
        parts.append(sep() + label + sep() + num())
    if rng.random() < 0.25:
        if rng.random() < 0.3:
            parts.append("-" + str(rng.randint(0, 9)))
        else:
            parts.append(sep() + rng.choice(["post", "rev", "r", "POST"]) +
                         sep() + num())
    if rng.random() < 0.25:
        parts.append(sep() + rng.choice(["dev", "DEV"]) + sep() + num())
    if rng.random() < 0.2:
        segs = [rng.choice(["abc", "1", "007", "cu130", "ubuntu", "x1", "Z"])
                for _ in range(rng.randint(1, 3))]
        label = segs[0]
        for s in segs[1:]:
            label += rng.choice([".", "-", "_"]) + s
        parts.append("+" + label)
    text = "".join(parts)
    if rng.random() < 0.08:
        i = rng.randint(0, len(text))
        text = text[:i] + rng.choice(["x", ".", "-", "+", "!", " ", "*", "_"]) + text[i:]
    return text


def gen_versions(rng, out):
    texts = list(FIXED_VERSIONS)
    while len(texts) < 1500:
        texts.append(random_version(rng))
    valid = []
    for t in texts:
        try:
            v = version.Version(t)
        except version.InvalidVersion:
            emit(out, "V", t, "ERR")
            continue
        emit(out, "V", t, str(v))
        valid.append(t)
    # Ordering: random pairs plus neighbours in sorted order.
    ordered = sorted(set(valid), key=version.Version)
    pairs = [(rng.choice(valid), rng.choice(valid)) for _ in range(1200)]
    pairs += list(zip(ordered, ordered[1:]))
    for a, b in pairs:
        va, vb = version.Version(a), version.Version(b)
        emit(out, "C", a, b, (va > vb) - (va < vb))
    return valid


# --------------------------------------------------------------------------
# Specifiers
# --------------------------------------------------------------------------

OPS = ["~=", "==", "!=", "<=", ">=", "<", ">", "==="]
SPEC_VERSIONS = ["1.0", "1", "1.0.0", "1.2.3", "2.0", "1.0a1", "1.0rc1",
                 "1.0.post1", "1.0.dev1", "1!1.0", "1.0+local", "3.10",
                 "3.12", "3.9.0", "0.5", "2.0b3.post2"]


def random_spec(rng, valid_versions):
    op = rng.choice(OPS)
    v = rng.choice(SPEC_VERSIONS if rng.random() < 0.7 else valid_versions).strip()
    if op in ("==", "!=") and rng.random() < 0.35:
        v += ".*"
    if op == "~=":
        # packaging 24.1 mishandles a leading 'v' in the operand of '~='
        # ("~=v1.2" matches nothing); lambda-opt follows PEP 440 there.
        v = v.lstrip("vV")
    ws = rng.choice(["", "", " ", "  "])
    return ws + op + rng.choice(["", "", " "]) + v + ws


def parse_set(text):
    """SpecifierSet without packaging<22's LegacySpecifier fallback."""
    pieces = [s.strip() for s in text.split(",") if s.strip()]
    return [specifiers.Specifier(p) for p in pieces]


def spec_prereleases(spec):
    try:
        return spec.prereleases
    except version.InvalidVersion:
        # '===foo' names no version, so it mentions no pre-release.
        return False


def set_contains(specs, v, prereleases):
    if prereleases is None:
        allowed = any(spec_prereleases(s) for s in specs)
        if not allowed and v.is_prerelease:
            return False
    return all(s.contains(v, prereleases=True) for s in specs)


def gen_specifiers(rng, out, valid_versions):
    fixed = [">=3.10, <3.14", "==3.12.*", "~=3.12", "~=3", "!=3.11.*",
             "===3.12", ">=1.0+local", "==1.0a1.*", "==1.0+local.*", "",
             " , >=1.0 ,", ">=1.0,,<2", ">1.0", "<1.0", "== 1.0", "~=1.0.0",
             ">= 3.9", "<3.13.0rc1", "===foo", ">=", "=1.0", "1.0",
             "==1.*", "!=1.0.*", "~=1!1.0", ">=1!0.5", "<1!1.0"]
    cand_fixed = ["1.0", "1.0.0", "1.0a1", "1.0.post1", "1.0+local",
                  "1.0+other", "1.0.dev1", "1.1", "0.9", "2.0", "3.12.1",
                  "3.12.0rc1", "3.10", "3.14", "3.9.7", "1!1.0", "1.0.1a1",
                  "0.5", "1.01", "3.13.0", "3.13.0rc1"]
    count = 0
    texts = list(fixed)
    while len(texts) < 700:
        n = rng.randint(1, 3)
        texts.append(",".join(random_spec(rng, valid_versions) for _ in range(n)))
    for text in texts:
        try:
            specs = parse_set(text)
        except specifiers.InvalidSpecifier:
            emit(out, "S", text, "1.0", 1, "ERR")
            count += 1
            continue
        cands = rng.sample(cand_fixed, 4) + rng.sample(valid_versions, 2)
        for spec in specs:
            if spec.operator != "===":
                base = spec.version.rstrip("*").rstrip(".")
                cands.append(base)
        for c in cands:
            cv = version.Version(c)
            for pre, flag in ((True, 1), (None, 0)):
                emit(out, "S", text, c, flag,
                     int(set_contains(specs, cv, pre)))
                count += 1
    return count


# --------------------------------------------------------------------------
# Markers
# --------------------------------------------------------------------------

VAR_ORDER = ["implementation_name", "implementation_version", "os_name",
             "platform_machine", "platform_python_implementation",
             "platform_release", "platform_system", "platform_version",
             "python_full_version", "python_version", "sys_platform"]

RUNTIME_FULL = {9: "3.9.23", 10: "3.10.18", 11: "3.11.13", 12: "3.12.11",
                13: "3.13.7", 14: "3.14.0"}


def environments():
    envs = {}
    for minor, full in RUNTIME_FULL.items():
        for arch in ("x86_64", "aarch64"):
            envs["lambda-3.%d-%s" % (minor, arch)] = {
                "implementation_name": "cpython",
                "implementation_version": full,
                "os_name": "posix", "platform_machine": arch,
                "platform_python_implementation": "CPython",
                "platform_release": "5.10.240",
                "platform_system": "Linux", "platform_version": "#1 SMP",
                "python_full_version": full,
                "python_version": "3.%d" % minor, "sys_platform": "linux"}
    envs["mac-3.12"] = {
        "implementation_name": "cpython", "implementation_version": "3.12.0rc1",
        "os_name": "posix", "platform_machine": "arm64",
        "platform_python_implementation": "CPython",
        "platform_release": "23.1.0", "platform_system": "Darwin",
        "platform_version": "Darwin Kernel", "python_full_version": "3.12.0rc1",
        "python_version": "3.12", "sys_platform": "darwin"}
    envs["win-pypy-3.10"] = {
        "implementation_name": "pypy", "implementation_version": "7.3.12",
        "os_name": "nt", "platform_machine": "AMD64",
        "platform_python_implementation": "PyPy",
        "platform_release": "10", "platform_system": "Windows",
        "platform_version": "10.0.19045", "python_full_version": "3.10.12",
        "python_version": "3.10", "sys_platform": "win32"}
    return envs


VERSION_LITERALS = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3",
                    "3.12.*", "3.1*", "3.12.11", "3.12.0rc1", "3.9.0",
                    "3.10.18", "2.7", "3.14.0", "5.10", "23", "7.3", "10"]
STRING_LITERALS = {
    "os_name": ["posix", "nt", "java"],
    "sys_platform": ["linux", "darwin", "win32", "linux2", "lin"],
    "platform_system": ["Linux", "Darwin", "Windows", "linux"],
    "platform_machine": ["x86_64", "aarch64", "arm64", "AMD64", "x86"],
    "platform_python_implementation": ["CPython", "PyPy", "cpython"],
    "implementation_name": ["cpython", "pypy", "graalpy"],
    "platform_version": ["#1 SMP", "Darwin Kernel", "10.0.19045x"],
}
EXTRAS = ["security", "Security_Extra", "socks", "extra-7-nemo-rl-vllm",
          "group-11-pydantic-ai-dev", "dev.test", "project-5-hello"]
ENV_EXTRAS = ["", "security", "security-extra", "extra-7-nemo-rl-vllm",
              "dev-test", "group-11-pydantic-ai-dev"]


def quote(rng, text):
    if rng.random() < 0.5 and '"' not in text:
        return '"%s"' % text
    return "'%s'" % text


def random_atom(rng):
    r = rng.random()
    if r < 0.45:
        var = rng.choice(["python_version", "python_full_version",
                          "implementation_version", "platform_release"])
        op = rng.choice(["<", "<=", "==", "!=", ">=", ">", "~=", "===",
                         "in", "not in"])
        lit = rng.choice(VERSION_LITERALS)
        if op in ("in", "not in") and rng.random() < 0.5:
            lit = "3.9 3.10 3.11"
        if rng.random() < 0.2:
            return "%s %s %s" % (quote(rng, lit), op, var)
        return "%s %s %s" % (var, op, quote(rng, lit))
    if r < 0.8:
        var = rng.choice(sorted(STRING_LITERALS))
        op = rng.choice(["==", "!=", "in", "not in", "<", ">=", "==="])
        lit = rng.choice(STRING_LITERALS[var])
        if rng.random() < 0.2:
            return "%s %s %s" % (quote(rng, lit), op, var)
        if rng.random() < 0.1:
            var = {"os_name": "os.name", "sys_platform": "sys.platform",
                   "platform_machine": "platform.machine"}.get(var, var)
        return "%s %s %s" % (var, op, quote(rng, lit))
    extra = rng.choice(EXTRAS)
    if not NORMALIZES_EXTRAS:
        extra = utils.canonicalize_name(extra)
    op = rng.choice(["==", "==", "!="])
    if rng.random() < 0.2:
        return "%s %s extra" % (quote(rng, extra), op)
    return "extra %s %s" % (op, quote(rng, extra))


def random_marker(rng, depth=0):
    if depth > 2 or rng.random() < 0.4:
        atom = random_atom(rng)
        return "(%s)" % atom if rng.random() < 0.1 else atom
    n = rng.randint(2, 3)
    joiner = rng.choice([" and ", " or ", "  and  "])
    inner = joiner.join(random_marker(rng, depth + 1) for _ in range(n))
    return "(%s)" % inner if depth and rng.random() < 0.7 else inner


def gen_markers(rng, out):
    envs = environments()
    for name in sorted(envs):
        emit(out, "E", name, *[envs[name][v] for v in VAR_ORDER])
    fixed = ["python_version >= '3.10'", 'sys_platform == "linux"',
             "python_full_version >= '3.12' and sys_platform == 'linux'",
             "platform_machine == 'x86_64' or platform_machine == 'aarch64'",
             "extra == 'Security'", "extra != 'socks'",
             "python_version < '3.11' and (extra == 'a' or extra == 'b')",
             "python_version", "python_version >= ", "python_version >= '3.10",
             "os_name == 'posix' and", "(os_name == 'posix'", "foo == 'x'",
             "'a' == 'b'",
             "python_version ~= '3.10'", "python_version not in '3.9 3.10'",
             "python_version in '3.12'", "os_name=='posix'or os_name=='nt'",
             "implementation_name == 'cpython' and platform_python_implementation != 'PyPy'",
             "python_full_version == '3.12.*'", "python_version > '3.12.0'",
             "python_full_version < '3.12.11'", "os_name ===  'posix'"]
    texts = list(fixed)
    while len(texts) < 600:
        texts.append(random_marker(rng))
    count = 0
    names = sorted(envs)
    for text in texts:
        try:
            m = markers.Marker(text)
        except markers.InvalidMarker:
            emit(out, "M", text, names[0], "", "ERR")
            count += 1
            continue
        for name in rng.sample(names, 5):
            extra = rng.choice(ENV_EXTRAS)
            env = dict(envs[name])
            env["extra"] = extra
            try:
                result = m.evaluate(env)
            except Exception:  # pylint: disable=broad-except
                # packaging raises for comparisons it cannot make (e.g. '~='
                # between non-versions); lambda-opt defines those as false.
                continue
            emit(out, "M", text, name, extra, int(result))
            count += 1
    return count


# --------------------------------------------------------------------------
# Wheels
# --------------------------------------------------------------------------


def manylinux_platforms(arch, glibc_minor):
    floor = 5 if arch == "x86_64" else 17
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    out = []
    for m in range(glibc_minor, floor - 1, -1):
        out.append("manylinux_2_%d_%s" % (m, arch))
        if m in legacy:
            out.append("%s_%s" % (legacy[m], arch))
    return out


def target_tags(minor, arch, glibc_minor):
    plats = manylinux_platforms(arch, glibc_minor)
    interp = "cp3%d" % minor
    ordered = list(tags.cpython_tags((3, minor), abis=[interp], platforms=plats))
    ordered += list(tags.compatible_tags((3, minor), interp, plats))
    index = {}
    for i, t in enumerate(ordered):
        index.setdefault(t, i)
    return index


PY_TAGS = ["cp39", "cp310", "cp311", "cp312", "cp313", "cp314", "cp38",
           "cp36", "py3", "py2.py3", "py312", "py39", "py2", "pp310",
           "graalpy312", "cp315", "py314", "py30", "cp32", "cp3"]
ABI_TAGS = ["none", "abi3", "cp39", "cp310", "cp311", "cp312", "cp313",
            "cp313t", "cp314", "cp38", "pypy310_pp73", "graalpy250_312_native",
            "cp37m"]
PLAT_TAGS = ["any", "manylinux1_x86_64", "manylinux2010_x86_64",
             "manylinux2014_x86_64", "manylinux2014_aarch64",
             "manylinux_2_17_x86_64.manylinux2014_x86_64",
             "manylinux_2_17_aarch64.manylinux2014_aarch64",
             "manylinux_2_28_x86_64", "manylinux_2_28_aarch64",
             "manylinux_2_34_x86_64", "manylinux_2_35_x86_64",
             "manylinux_2_26_x86_64", "manylinux_2_27_x86_64",
             "manylinux_2_5_x86_64.manylinux1_x86_64",
             "manylinux_2_12_x86_64.manylinux2010_x86_64",
             "manylinux1_aarch64", "manylinux_2_4_x86_64",
             "manylinux_2_16_aarch64", "linux_x86_64", "linux_aarch64",
             "musllinux_1_2_x86_64", "macosx_11_0_arm64",
             "macosx_10_9_x86_64", "win_amd64", "manylinux_3_0_x86_64",
             "MANYLINUX_2_17_X86_64", "manylinux_2_17_i686"]
FIXED_WHEELS = [
    "vllm-0.23.0-2-cp38-abi3-manylinux1_x86_64.whl",
    "torch-2.11.0%2Bcu130-cp313-cp313-manylinux_2_28_x86_64.whl",
    "numpy-2.1.0-cp310-none-manylinux2014_x86_64.whl",
    "numpy-2.1.0-pypy310_pp73-pypy310_pp73-manylinux_2_17_x86_64.whl",
    "pydantic_core-2.27.2-graalpy311-graalpy250_312_native-manylinux_2_17_x86_64.whl",
    "six-1.16.0-py2.py3-none-any.whl", "foo-1.0-1abc-py3-none-any.whl",
    "foo-1.0-abc-py3-none-any.whl", "foo-1.0-py3-none.whl", "foo-1.0.whl",
    "foo-1.0-py3-none-any.zip", "foo-bar-1.0-py3-none-any.whl",
    "foo-1.0-1-2-py3-none-any.whl", "foo-x.y-py3-none-any.whl",
    "Foo.Bar-1.0-py3-none-any.whl", "cryptography-44.0.0-cp39-abi3-manylinux_2_34_aarch64.whl",
]


def gen_wheels(rng, out):
    targets = []
    for minor in range(9, 15):
        glibc = 26 if minor <= 11 else 34
        for arch in ("x86_64", "aarch64"):
            name = "3.%d-%s" % (minor, arch)
            targets.append((name, minor, arch, glibc))
    # Off-table targets exercise the glibc cap.
    targets.append(("3.12-x86_64-g17", 12, "x86_64", 17))
    targets.append(("3.13-aarch64-g28", 13, "aarch64", 28))
    for t in targets:
        emit(out, "T", *t)
    indexes = [target_tags(m, a, g) for _, m, a, g in targets]
    files = list(FIXED_WHEELS)
    while len(files) < 1500:
        name = rng.choice(["numpy", "Pillow", "pydantic_core", "torch", "a.b"])
        ver = rng.choice(["1.0", "2.11.0+cu130", "0.23.0", "3.0rc1", "1.0.post1"])
        build = "-%s" % rng.choice(["1", "2", "10abc"]) if rng.random() < 0.15 else ""
        if rng.random() < 0.5:
            # A coherent interpreter/ABI pair, as real wheels have.
            y = rng.randint(7, 15)
            py, abi = rng.choice([
                ("cp3%d" % y, "cp3%d" % y), ("cp3%d" % y, "abi3"),
                ("cp3%d" % y, "none"), ("py3", "none"), ("py3%d" % y, "none"),
                ("py2.py3", "none")])
        else:
            py = ".".join(sorted(set(rng.choice(PY_TAGS) for _ in range(rng.choice([1, 1, 2])))))
            abi = ".".join(sorted(set(rng.choice(ABI_TAGS) for _ in range(rng.choice([1, 1, 2])))))
        plat = ".".join(rng.choice(PLAT_TAGS) for _ in range(rng.choice([1, 1, 2])))
        files.append("%s-%s%s-%s-%s-%s.whl" % (name, ver.replace("+", "%2B"),
                                             build, py, abi, plat))
    count = 0
    for f in files:
        decoded = f.replace("%2B", "+")
        try:
            name, ver, build, tagset = utils.parse_wheel_filename(decoded)
        except (utils.InvalidWheelFilename, version.InvalidVersion):
            emit(out, "W", f, "ERR")
            count += 1
            continue
        prios = []
        for idx in indexes:
            found = [idx[t] for t in tagset if t in idx]
            prios.append(str(min(found)) if found else "-")
        b = "%d%s" % build if build else "-"
        emit(out, "W", f, name, str(ver), b, *prios)
        count += len(targets)
    return count


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: gen_cases.py OUTPUT [--seed N]\n")
        return 2
    seed = 20261126
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    rng = random.Random(seed)
    out = []
    emit(out, "P", packaging_pkg.__version__)
    valid = gen_versions(rng, out)
    if PACKAGING_VERSION >= (22, 0):
        gen_specifiers(rng, out, valid)
        gen_markers(rng, out)
    else:
        # Older packaging still had LegacySpecifier leniency and evaluated
        # marker version comparisons without pre-releases.
        sys.stderr.write("packaging %s is older than 22.0: skipping specifier "
                         "and marker cases\n" % packaging_pkg.__version__)
    gen_wheels(rng, out)
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
