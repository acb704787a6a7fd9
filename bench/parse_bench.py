#!/usr/bin/env python3
"""Front-end benchmark: lambda-opt parsing uv.lock into its IR, against
Python's tomllib merely parsing the same TOML, measured in the same run.

  bench/parse_bench.py --lambda-opt build/tools/lambda-opt/lambda-opt \
      --synth-lock-script PATH/synth-lock.py [--corpus DIR] [--repeat 5]

Reports, for the large synthetic lock (13 MB, 3,000 packages, ~36k wheels):
median wall time of each, the ratio, and lambda-opt's peak RSS against the
file size; and for a corpus of projects (one process per lock for both):
the summed wall time and the ratio. Whole processes are timed on both sides
(interpreter and tool start-up included). Targets: >= 5x on the synthetic
lock, peak RSS <= 5x its size, >= 10x on the corpus.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

from timing import median_run, run

TOMLLIB = "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lambda-opt", required=True)
    ap.add_argument("--synth-lock-script",
                    help="synth-lock.py, which writes the large lock")
    ap.add_argument("--lock-dir", help="an existing project with a large uv.lock")
    ap.add_argument("--corpus", help="a folder of projects, each with uv.lock")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--extra-arg", action="append", default=[],
                    help="extra argument for lambda-opt (repeatable)")
    a = ap.parse_args()
    tool = [os.path.abspath(a.lambda_opt)] + a.extra_arg
    py = sys.executable
    ok = True

    with tempfile.TemporaryDirectory() as tmp:
        lock_dir = a.lock_dir
        if not lock_dir and a.synth_lock_script:
            lock_dir = os.path.join(tmp, "synth")
            subprocess.run([py, a.synth_lock_script, lock_dir], check=True,
                           stdout=subprocess.DEVNULL)
        if lock_dir:
            lock = os.path.join(lock_dir, "uv.lock")
            size = os.path.getsize(lock)
            ours, rss = median_run(tool + [lock_dir], a.repeat)
            theirs, _ = median_run([py, "-c", TOMLLIB, lock], a.repeat)
            ratio = theirs / ours
            rss_ratio = rss / size
            print("synthetic lock: %.1f MB" % (size / 1e6))
            print("  lambda-opt   %7.3f s  peak RSS %.1f MB (%.2fx the file)"
                  % (ours, rss / 1e6, rss_ratio))
            print("  tomllib      %7.3f s" % theirs)
            print("  speed-up     %7.2fx  (target >= 5x)" % ratio)
            ok &= ratio >= 5 and rss_ratio <= 5

        if a.corpus:
            locks = sorted(glob.glob(os.path.join(a.corpus, "*", "uv.lock")))
            ours = theirs = 0.0
            for lock in locks:
                ours += median_run(tool + [os.path.dirname(lock)], a.repeat)[0]
                theirs += median_run([py, "-c", TOMLLIB, lock], a.repeat)[0]
            print("corpus: %d locks, one process each" % len(locks))
            print("  lambda-opt   %7.3f s" % ours)
            print("  tomllib      %7.3f s" % theirs)
            print("  speed-up     %7.2fx  (target >= 10x)" % (theirs / ours))
            ok &= theirs / ours >= 10
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
