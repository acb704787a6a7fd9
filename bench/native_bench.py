#!/usr/bin/env python3
"""Native audit and remote size check benchmarks.

  bench/native_bench.py --lambda-opt build/tools/lambda-opt/lambda-opt \\
      [--bench-data DIR] [--repeat 5] [--wheels 300]

1. The native audit's cost on `--emit=zip`: the `wheelhouse.py OUT --set all`
   workload (minus cryptography and orjson, whose wheels in the wheelhouse
   are built for other Pythons) emitted for python3.11 with the audit (LO110-LO113 selected, the
   default) and without it (`--ignore=LO110,LO111,LO112,LO113`), both with
   `--force --exit-zero` so that they write the same zip whatever the audit
   finds. Target: the audit adds at most 20%.
2. The unzipped-size check of a lock of N remote wheels (default 300) over
   loopback: a lint (`--select=LO202`) with a cold cache, every wheel's
   central directory read with HTTP range requests from the project's fixture
   server. Target: under 2 s.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile

from timing import median_run

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "utils", "fixture-http-server.py")


def audit_cost(tool, bench_data, repeat):
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "work")
        subprocess.run([sys.executable,
                        os.path.join(bench_data, "wheelhouse.py"), work,
                        "--set", "all", "--exclude", "cryptography", "orjson"],
                       check=True, stdout=subprocess.DEVNULL)
        # The workload's project has no [build-system]: its dependencies
        # and app/ are the artifact, as in zip_bench.py.
        base = [tool, work, "--runtime=python3.11", "--no-emit-project",
                "--find-links", os.path.join(work, "wheels"),
                "--include", os.path.join(work, "app"), "--offline",
                "--cache-dir", os.path.join(tmp, "cache"),
                "--force", "--exit-zero", "--emit=zip",
                "-o", os.path.join(tmp, "package.zip")]
        without = base + ["--ignore=LO110,LO111,LO112,LO113"]
        subprocess.run(base, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # Warm the page cache.
        findings = subprocess.run(
            base[:-4] + ["--select=LO110,LO111,LO112,LO113"],
            capture_output=True, text=True).stderr
        with_t, with_rss = median_run(base, repeat)
        without_t, _ = median_run(without, repeat)
        wheels = len(os.listdir(os.path.join(work, "wheels")))
    found = [l for l in findings.splitlines() if "[LO11" in l]
    print("audit: %d wheels, %d native findings on python3.11" %
          (wheels, len(found)))
    print("--emit=zip with the audit: %.1f ms, without: %.1f ms (medians of "
          "%d); peak RSS %.1f MB" % (with_t * 1e3, without_t * 1e3, repeat,
                                     with_rss / 1e6))
    added = with_t / without_t - 1
    print("audit adds %.1f%% (target <= 20%%)" % (added * 100))
    return added <= 0.20


def make_wheel(path, name, index):
    """A small pure wheel whose entries differ per index."""
    dist = name.replace("-", "_")
    info = "%s-1.0.dist-info" % dist
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(20):
            zf.writestr("%s/mod%d.py" % (dist, i),
                        ("X = %d\n" % (index * 100 + i)) * (50 + i))
        zf.writestr(info + "/METADATA",
                    "Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n" % name)
        zf.writestr(info + "/WHEEL",
                    "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"
                    "Tag: py3-none-any\n")
        zf.writestr(info + "/RECORD", "")


def range_check(tool, count, repeat):
    with tempfile.TemporaryDirectory() as tmp:
        srv = os.path.join(tmp, "srv")
        os.makedirs(srv)
        port_file = os.path.join(tmp, "port")
        server = subprocess.Popen([sys.executable, SERVER, "--dir", srv,
                                   "--port-file", port_file,
                                   "--timeout", "600"],
                                  stdout=subprocess.DEVNULL)
        try:
            for _ in range(100):
                if os.path.exists(port_file):
                    break
                time.sleep(0.1)
            port = open(port_file).read().strip()
            host = "127.0.0.1:" + port
            names = ["pkg-%03d" % i for i in range(count)]
            lock = ['version = 1', 'requires-python = ">=3.12"', '',
                    '[[package]]', 'name = "app"', 'version = "0.1.0"',
                    'source = { virtual = "." }', 'dependencies = [']
            lock += ['    { name = "%s" },' % n for n in names] + [']', '']
            for i, name in enumerate(names):
                file = "%s-1.0-py3-none-any.whl" % name.replace("-", "_")
                path = os.path.join(srv, file)
                make_wheel(path, name, i)
                data = open(path, "rb").read()
                lock += ['[[package]]', 'name = "%s"' % name,
                         'version = "1.0"',
                         'source = { registry = "https://pypi.org/simple" }',
                         'wheels = [',
                         '    { url = "http://%s/%s", hash = "sha256:%s", '
                         'size = %d },' % (host, file,
                                           hashlib.sha256(data).hexdigest(),
                                           len(data)), ']', '']
            proj = os.path.join(tmp, "p")
            os.makedirs(proj)
            with open(os.path.join(proj, "uv.lock"), "w") as f:
                f.write("\n".join(lock))
            times = []
            for r in range(repeat):
                cache = os.path.join(tmp, "cache%d" % r)  # Cold every time.
                cmd = [tool, proj, "--select=LO202", "--cache-dir", cache,
                       "--allow-insecure-host=" + host]
                start = time.perf_counter()
                out = subprocess.run(cmd, capture_output=True, text=True)
                times.append(time.perf_counter() - start)
                sizes = os.path.join(cache, "unzipped-sizes")
                cached = sum(len(fs) for _, _, fs in os.walk(sizes))
                if cached != count:
                    sys.exit("only %d of %d sizes were read:\n%s" %
                             (cached, count, out.stderr))
        finally:
            server.terminate()
            server.wait()
    times.sort()
    median = times[len(times) // 2]
    print("range-request size check, %d wheels over loopback, cold cache: "
          "%.0f ms (median of %d; target < 2 s)" % (count, median * 1e3,
                                                    repeat))
    return median < 2.0


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lambda-opt", required=True)
    ap.add_argument("--bench-data",
                    default=os.environ.get("LAMBDA_OPT_BENCH_DATA"),
                    help="folder with wheelhouse.py "
                    "(default $LAMBDA_OPT_BENCH_DATA)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--wheels", type=int, default=300)
    a = ap.parse_args()
    if not a.bench_data:
        sys.exit("give --bench-data or set LAMBDA_OPT_BENCH_DATA")
    tool = os.path.abspath(a.lambda_opt)
    ok = audit_cost(tool, a.bench_data, a.repeat)
    ok = range_check(tool, a.wheels, a.repeat) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
