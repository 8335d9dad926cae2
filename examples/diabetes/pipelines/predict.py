"""Predicts the disease progression for every row of each attributes CSV file (a header naming the attributes)
with <model folder>/model.pkl; writes <output>/<same name> with one prediction per line.
usage: predict.py <model folder> <attributes folder> <output folder>"""
import os
import pickle
import sys

import pandas as pd

model_folder, attributes, output = sys.argv[1:4]
with open(os.path.join(model_folder, "model.pkl"), "rb") as f:
    model = pickle.load(f)
for name in sorted(os.listdir(attributes)):
    data = pd.read_csv(os.path.join(attributes, name))
    predictions = model.predict(data[list(model.feature_names_in_)])
    with open(os.path.join(output, name), "w") as f:
        f.writelines(f"{p:.4f}\n" for p in predictions)
    print(f"{name}: {len(predictions)} prediction(s) from {', '.join(model.feature_names_in_)}")
