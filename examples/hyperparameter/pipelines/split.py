"""Splits the iris table into a training and a test set: a shuffle with a fixed seed, so the split (and every
result downstream) is reproducible. usage: split.py <iris.csv> <output folder> [test fraction]"""
import os
import random
import sys

source, output = sys.argv[1], sys.argv[2]
test_fraction = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
with open(source) as f:
    rows = [line for line in f if line.strip()]
random.Random(42).shuffle(rows)
cut = len(rows) - int(len(rows) * test_fraction)
with open(os.path.join(output, "train.csv"), "w") as f:
    f.writelines(rows[:cut])
with open(os.path.join(output, "test.csv"), "w") as f:
    f.writelines(rows[cut:])
print(f"{cut} training rows, {len(rows) - cut} test rows")
