"""Trains an SVM (RBF kernel) on the training set with one C and one gamma, each read from the single file of a
parameter folder (a datum of the parameters repo split by line), and writes model_C<c>_G<gamma>.pkl.
usage: train.py <train.csv> <C folder> <gamma folder> <output folder>"""
import os
import pickle
import sys

import numpy as np
from sklearn import svm


def parameter(folder):
    files = [os.path.join(root, name) for root, _, names in os.walk(folder) for name in names]
    if len(files) != 1:
        sys.exit(f"{folder}: expected one parameter file, found {len(files)}")
    with open(files[0]) as f:
        return float(f.read().strip())


train, c_folder, gamma_folder, output = sys.argv[1:5]
c, gamma = parameter(c_folder), parameter(gamma_folder)
# rows: sepal length, sepal width, petal length, petal width, species
data = np.loadtxt(train, delimiter=",", dtype=str)
model = svm.SVC(C=c, gamma=gamma, kernel="rbf")
model.fit(data[:, :4].astype(float), data[:, 4])
name = f"model_C{c}_G{gamma}.pkl"
with open(os.path.join(output, name), "wb") as f:
    pickle.dump(model, f)
print(f"{name}: trained on {len(data)} rows")
