#!/usr/bin/env python3
"""Zip emitter benchmark: `lambda-opt --emit=zip` against the peer recipe
(`pip install --target` + `zip -r`, bench/peer-zip.sh of the benchmark data),
on the same wheelhouse, measured in the same run.

  bench/zip_bench.py --lambda-opt build/tools/lambda-opt/lambda-opt \
      [--bench-data DIR] [--repeat 5]

The workload is `wheelhouse.py OUT --exclude cryptography orjson` (32 wheels,
21.8 MB); lambda-opt runs with `--runtime=python3.11 --find-links OUT/wheels
--include OUT/app` (sha256 checks of every wheel included). Whole processes
are timed on both sides. Targets: >= 50x faster than the peer, peak RSS under
64 MB.
"""
import argparse
import os
import subprocess
import sys
import tempfile

from timing import median_run, run


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lambda-opt", required=True)
    ap.add_argument("--bench-data",
                    default=os.environ.get("LAMBDA_OPT_BENCH_DATA"),
                    help="folder with wheelhouse.py and peer-zip.sh "
                    "(default $LAMBDA_OPT_BENCH_DATA)")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    if not a.bench_data:
        sys.exit("give --bench-data or set LAMBDA_OPT_BENCH_DATA")
    tool = os.path.abspath(a.lambda_opt)

    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "work")
        subprocess.run([sys.executable,
                        os.path.join(a.bench_data, "wheelhouse.py"), work,
                        "--exclude", "cryptography", "orjson"],
                       check=True, stdout=subprocess.DEVNULL)
        ours_zip = os.path.join(tmp, "package.zip")
        ours = [tool, work, "--runtime=python3.11",
                "--find-links", os.path.join(work, "wheels"),
                "--include", os.path.join(work, "app"),
                "--emit=zip", "-o", ours_zip]
        peer = ["bash", os.path.join(a.bench_data, "peer-zip.sh"), work,
                os.path.join(tmp, "peer.zip"), "3.11"]
        run(ours)  # Warm the page cache for both sides.
        run(peer)
        ours_t, ours_rss = median_run(ours, a.repeat)
        peer_t, _ = median_run(peer, max(1, a.repeat // 2))

    ratio = peer_t / ours_t
    print("lambda-opt --emit=zip: %.1f ms (median of %d), peak RSS %.1f MB"
          % (ours_t * 1e3, a.repeat, ours_rss / 1e6))
    print("peer (pip --target + zip -r): %.0f ms" % (peer_t * 1e3))
    print("ratio: %.1fx (target >= 50x); RSS target < 64 MB" % ratio)
    return 0 if ratio >= 50 and ours_rss < 64e6 else 1


if __name__ == "__main__":
    sys.exit(main())
