#!/usr/bin/env python3
"""Zip and layer emitter benchmark: `lambda-opt --emit=zip` (or `layer`)
against the peer recipe (`pip install --target` + `zip -r`, peer-zip.sh of the
benchmark data) and against the hash-and-copy floor, on the same wheelhouse,
measured in the same run.

  bench/zip_bench.py --lambda-opt build/tools/lambda-opt/lambda-opt \\
      [--bench-data DIR] [--set typical|all] [--emit zip|layer] [--repeat 5]

Workloads (wheelhouse.py of the benchmark data, always without cryptography
and orjson, which have no python3.11 wheel there):
  typical  32 production wheels, 21.8 MB, 2,746 files;
  all      90 wheels, ~60 MB, ~25,600 files, ~166 MB unzipped.
lambda-opt runs with `--runtime=python3.11 --find-links OUT/wheels --include
OUT/app` (the sha256 of every wheel checked against uv.lock). Whole processes
are timed on both sides; peak RSS is the largest of each process tree.

The floor is what any tool must do for this artifact: read and hash every
input wheel (lambda-opt verifies each against the lock) and hash and write the
output's bytes (Lambda's CodeSha256), with OpenSSL's SHA-256 (Python's
hashlib) and plain file copies, timed inside one process (no start-up), on
the artifact lambda-opt wrote.

Targets (issue "performance at scale"): typical >= 60x the peer; all >= 50x
the peer and <= 2x the floor; peak RSS no higher than the peer's.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time

from timing import run


def floor_seconds(wheels, artifact, scratch, repeat):
    """The median time to hash every wheel, then hash and copy the artifact."""
    files = sorted(os.path.join(wheels, f) for f in os.listdir(wheels))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in files:
            with open(path, "rb") as f:
                hashlib.sha256(f.read()).digest()
        with open(artifact, "rb") as f:
            data = f.read()
        hashlib.sha256(data).digest()
        with open(scratch, "wb") as f:
            f.write(data)
        times.append(time.perf_counter() - start)
        os.unlink(scratch)
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lambda-opt", required=True)
    ap.add_argument("--bench-data",
                    default=os.environ.get("LAMBDA_OPT_BENCH_DATA"),
                    help="folder with wheelhouse.py and peer-zip.sh "
                    "(default $LAMBDA_OPT_BENCH_DATA)")
    ap.add_argument("--set", choices=["typical", "all"], default="typical")
    ap.add_argument("--emit", choices=["zip", "layer"], default="zip")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    if not a.bench_data:
        sys.exit("give --bench-data or set LAMBDA_OPT_BENCH_DATA")
    tool = os.path.abspath(a.lambda_opt)

    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "work")
        subprocess.run([sys.executable,
                        os.path.join(a.bench_data, "wheelhouse.py"), work,
                        "--set", a.set, "--exclude", "cryptography", "orjson"],
                       check=True, stdout=subprocess.DEVNULL)
        wheels = os.path.join(work, "wheels")
        ours_zip = os.path.join(tmp, "package.zip")
        # The peer installs requirements.txt (the dependencies) and copies
        # app/: the project itself is not installed, so --no-emit-project.
        # A cache of its own, warmed by the first run as a user's is: it
        # keeps the ELF facts of the wheels' native files between runs.
        cache = os.path.join(tmp, "cache")
        os.makedirs(cache)
        ours = [tool, work, "--runtime=python3.11", "--find-links", wheels,
                "--no-emit-project", "--cache-dir", cache,
                "--emit=" + a.emit, "-o", ours_zip, "--exit-zero"]
        if a.emit == "zip":
            ours += ["--include", os.path.join(work, "app")]
        peer = ["bash", os.path.join(a.bench_data, "peer-zip.sh"), work,
                os.path.join(tmp, "peer.zip"), "3.11"]
        run(ours)  # Warm the page cache for both sides.
        if not os.path.exists(ours_zip):
            sys.exit("lambda-opt wrote no artifact: " + " ".join(ours))
        run(peer)
        # Interleaved, so that a drift of the machine's speed hits both.
        # The peer is slow: it runs half as often.
        ours_runs, peer_runs = [], []
        for i in range(a.repeat):
            ours_runs.append(run(ours))
            if i < max(1, a.repeat // 2):
                peer_runs.append(run(peer))
        floor_t = floor_seconds(wheels, ours_zip,
                                os.path.join(tmp, "floor.bin"), a.repeat)

    def med(xs):
        xs = sorted(xs)
        return xs[len(xs) // 2]

    ours_t = med(w for w, _ in ours_runs)
    ours_rss = max(r for _, r in ours_runs)
    peer_t = med(w for w, _ in peer_runs)
    peer_rss = max(r for _, r in peer_runs)
    ratio = peer_t / ours_t
    to_floor = ours_t / floor_t
    want = 60 if a.set == "typical" else 50
    print("workload: --set %s, --emit=%s" % (a.set, a.emit))
    print("lambda-opt: %.1f ms (median of %d), peak RSS %.1f MB"
          % (ours_t * 1e3, len(ours_runs), ours_rss / 1e6))
    print("peer (pip --target + zip -r): %.0f ms (median of %d), peak RSS "
          "%.1f MB" % (peer_t * 1e3, len(peer_runs), peer_rss / 1e6))
    print("floor (hash inputs, hash + copy output): %.1f ms" % (floor_t * 1e3))
    print("ratio to peer: %.1fx (target >= %dx)" % (ratio, want))
    print("ratio to floor: %.2fx (target <= 2x on --set all)" % to_floor)
    print("RSS: %.1f MB vs peer %.1f MB (target: no higher)"
          % (ours_rss / 1e6, peer_rss / 1e6))
    ok = ratio >= want and ours_rss <= peer_rss
    if a.set == "all":
        ok = ok and to_floor <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
