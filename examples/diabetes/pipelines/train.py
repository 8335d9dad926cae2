"""Fits a linear regression of the disease progression y on the given attribute columns of every CSV file in the
training folder; writes model.pkl (the scikit-learn model) and model.txt (the formula and its r^2 on the
training data). usage: train.py <training folder> <output folder> <attribute>..."""
import os
import pickle
import sys

import pandas as pd
from sklearn.linear_model import LinearRegression

training, output, attributes = sys.argv[1], sys.argv[2], sys.argv[3:]
if not attributes:
    sys.exit("name at least one attribute column, e.g. bmi")
files = sorted(os.path.join(training, f) for f in os.listdir(training) if f.endswith(".csv"))
data = pd.concat([pd.read_csv(f) for f in files])
model = LinearRegression().fit(data[attributes], data["y"])
with open(os.path.join(output, "model.pkl"), "wb") as f:
    pickle.dump(model, f)
formula = f"y = {model.intercept_:.4f} " + " ".join(f"+ {c:.4f} * {a}" for a, c in zip(attributes, model.coef_))
r2 = model.score(data[attributes], data["y"])
with open(os.path.join(output, "model.txt"), "w") as f:
    f.write(f"{formula}\nr2 = {r2:.4f} on {len(data)} rows\n")
print(f"{formula} (r^2 {r2:.3f} on {len(data)} rows)")
