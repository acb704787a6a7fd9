#!/usr/bin/env python3
# Part of lambda-opt, under the Apache License v2.0.
"""Graph-analysis benchmark: the default lints on a 20,000-package dependency
chain (bench/chain_lock.py, a 6 MB lock).

  bench/chain_bench.py --lambda-opt build/tools/lambda-opt/lambda-opt \
      [--packages 20000] [--repeat 3]

Target: under 1 s and 200 MB peak RSS. Dependency paths and the analyses
built on them must be linear in the chain's length (a path per package
copied from its parent's is quadratic: 39 s and 6.4 GB at 20,000).
"""
import argparse
import os
import subprocess
import sys
import tempfile

from timing import median_run

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lambda-opt", required=True)
    ap.add_argument("--packages", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, "chain_lock.py"),
                        tmp, "--packages", str(a.packages)], check=True)
        size = os.path.getsize(os.path.join(tmp, "uv.lock"))
        cmd = [os.path.abspath(a.lambda_opt), tmp, "--runtime=python3.12",
               "--exit-zero"]
        wall, rss = median_run(cmd, a.repeat)
    ok = wall < 1.0 and rss < 200e6
    print("chain of %d packages (%.1f MB lock), default pipeline"
          % (a.packages, size / 1e6))
    print("  wall  %7.3f s   (target < 1 s)" % wall)
    print("  RSS   %7.1f MB  (target < 200 MB)" % (rss / 1e6))
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
