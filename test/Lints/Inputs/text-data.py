# Writes SIZE bytes of text that deflates about 3.4:1 (random six-letter
# words from a small vocabulary, fixed seed) to stdout.
import random
import sys

size = int(sys.argv[1])
rng = random.Random(1)
words = ["".join(rng.choice("abcdefghij") for _ in range(6))
         for _ in range(400)]
out = []
n = 0
while n < size:
    w = rng.choice(words) + " "
    out.append(w)
    n += len(w)
sys.stdout.write("".join(out)[:size])
