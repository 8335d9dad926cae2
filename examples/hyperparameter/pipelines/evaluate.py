"""Scores each model (*.pkl) in a folder on the test set: writes <model name>_error.txt with its error rate
(the fraction of test rows it classifies wrongly). usage: evaluate.py <test.csv> <models folder> <output folder>"""
import os
import pickle
import sys

import numpy as np


test, models, output = sys.argv[1:4]
# rows: sepal length, sepal width, petal length, petal width, species
data = np.loadtxt(test, delimiter=",", dtype=str)
for name in sorted(os.listdir(models)):
    if not name.endswith(".pkl"):
        continue
    with open(os.path.join(models, name), "rb") as f:
        model = pickle.load(f)
    error = 1.0 - model.score(data[:, :4].astype(float), data[:, 4])
    with open(os.path.join(output, name[:-len(".pkl")] + "_error.txt"), "w") as f:
        f.write(f"{error:.4f}\n")
    print(f"{name}: error {error:.4f} on {len(data)} test rows")
