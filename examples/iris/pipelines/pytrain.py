"""Trains an iris species classifier on every CSV file in the training folder (rows: sepal length, sepal width,
petal length, petal width, species) and writes it to <output>/model.pkl. The model type is "svm" (a support
vector machine) or "lda" (linear discriminant analysis). usage: pytrain.py <training folder> <output folder> <svm|lda>"""
import os
import pickle
import sys

import pandas as pd
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.svm import SVC

training, output, kind = sys.argv[1], sys.argv[2], sys.argv[3]
models = {"svm": lambda: SVC(gamma="scale"), "lda": LinearDiscriminantAnalysis}
if kind not in models:
    sys.exit(f"unknown model type '{kind}': use one of {', '.join(models)}")
columns = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
files = sorted(os.path.join(training, f) for f in os.listdir(training) if f.endswith(".csv"))
data = pd.concat([pd.read_csv(f, header=None, names=columns) for f in files])
model = models[kind]()
model.fit(data[columns[:4]], data["species"])
with open(os.path.join(output, "model.pkl"), "wb") as f:
    pickle.dump(model, f)
print(f"{kind} trained on {len(data)} flowers; training accuracy {model.score(data[columns[:4]], data['species']):.3f}")
