"""Whole-process timing shared by the benchmarks."""
import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    """Runs cmd with its output discarded; returns (wall seconds, peak RSS
    bytes). Exits when the command fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit("benchmark command failed: %s" % " ".join(cmd))
    return wall, usage.ru_maxrss * 1024


def median_run(cmd, repeat):
    """The median wall time of \\p repeat runs and the largest peak RSS."""
    runs = [run(cmd) for _ in range(repeat)]
    return statistics.median(w for w, _ in runs), max(r for _, r in runs)
