"""Compares `lambda-opt --emit=requirements` with the reference install-set
script on every project below $LAMBDA_OPT_CORPUS, for the targets given."""
import os
import subprocess
import sys

tool, reference = sys.argv[1], sys.argv[2]
targets = [t.split("/") for t in sys.argv[3:]]
corpus = os.environ.get("LAMBDA_OPT_CORPUS")
if not corpus:
    print("requirements corpus: LAMBDA_OPT_CORPUS not set; skipped")
    sys.exit(0)
compared = failed = 0
for name in sorted(os.listdir(corpus)):
    path = os.path.join(corpus, name)
    if not os.path.isfile(os.path.join(path, "uv.lock")):
        continue
    for runtime, arch in targets:
        want = subprocess.run(
            [sys.executable, reference, path, "--python",
             runtime.replace("python", ""), "--arch", arch],
            capture_output=True, text=True)
        got = subprocess.run(
            [tool, path, "--runtime=" + runtime, "--arch=" + arch,
             "--emit=requirements", "-o", "-", "--exit-zero",
             "--passes=verify"], capture_output=True, text=True)
        compared += 1
        if want.returncode != 0 or got.returncode != 0 or \
                want.stdout != got.stdout:
            failed += 1
            print("FAIL %s %s/%s" % (name, runtime, arch))
print("requirements corpus: %d compared, %d differ" % (compared, failed))
sys.exit(1 if failed else 0)
