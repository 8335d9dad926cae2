"""Predicts the species of every flower in each attributes file (rows: sepal length, sepal width, petal length,
petal width) with <model folder>/model.pkl, and writes one species per line to <output>/<same file name>.
usage: pyinfer.py <model folder> <attributes folder> <output folder>"""
import os
import pickle
import sys

import pandas as pd

model_folder, attributes, output = sys.argv[1:4]
with open(os.path.join(model_folder, "model.pkl"), "rb") as f:
    model = pickle.load(f)
columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
for name in sorted(os.listdir(attributes)):
    data = pd.read_csv(os.path.join(attributes, name), header=None, names=columns)
    species = model.predict(data)
    with open(os.path.join(output, name), "w") as f:
        f.writelines(s + "\n" for s in species)
    print(f"{name}: {', '.join(species)}")
