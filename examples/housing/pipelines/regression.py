"""Regression: for every split data set (a folder with train.csv and test.csv) in --input, fits a random forest
regressor of --target-col on the other columns, scores it (r^2) on the test set, and writes to --output:
<name>_cv_reg_output.png (the learning curve), <name>_final_model.sav (the model, pickled) and
<name>_score.json (r^2, row counts and features)."""
import argparse
import json
import os
import pickle

import matplotlib

matplotlib.use("Agg")  # no display: write files
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import learning_curve

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--input", required=True)
parser.add_argument("--target-col", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

datasets = sorted(d for d in os.listdir(args.input) if os.path.isfile(os.path.join(args.input, d, "train.csv")))
for dataset in datasets:
    folder = os.path.join(args.input, dataset)
    stem = dataset
    train = pd.read_csv(os.path.join(folder, "train.csv"))
    test = pd.read_csv(os.path.join(folder, "test.csv"))
    features = [c for c in train.columns if c != args.target_col]
    model = RandomForestRegressor(n_estimators=50, random_state=42)
    model.fit(train[features], train[args.target_col])
    r2 = model.score(test[features], test[args.target_col])

    sizes, train_scores, cv_scores = learning_curve(
        RandomForestRegressor(n_estimators=50, random_state=42), train[features], train[args.target_col],
        train_sizes=np.linspace(0.2, 1.0, 5), cv=5)
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.plot(sizes, train_scores.mean(axis=1), "o-", label="training score")
    ax.plot(sizes, cv_scores.mean(axis=1), "o-", label="cross-validation score")
    ax.set(title=f"Learning curve: random forest on {stem} (test r^2 = {r2:.3f})", xlabel="training rows", ylabel="r^2")
    ax.legend(loc="best")
    ax.grid(True)
    fig.savefig(os.path.join(args.output, f"{stem}_cv_reg_output.png"))
    plt.close(fig)

    with open(os.path.join(args.output, f"{stem}_final_model.sav"), "wb") as f:
        pickle.dump(model, f)
    with open(os.path.join(args.output, f"{stem}_score.json"), "w") as f:
        json.dump({"r2": round(r2, 4), "train_rows": len(train), "test_rows": len(test), "features": features}, f, indent=2)
        f.write("\n")
    print(f"{stem}: r^2 = {r2:.3f} on {len(test)} test rows, features {features}")
