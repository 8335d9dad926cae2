"""Splits every CSV file in --input into <name>/train.csv and <name>/test.csv in --output (a fixed random state,
so the same data always gives the same split)."""
import argparse
import os

import pandas as pd
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--input", required=True)
parser.add_argument("--test-size", type=float, default=0.2)
parser.add_argument("--output", required=True)
args = parser.parse_args()

for name in sorted(os.listdir(args.input)):
    if not name.endswith(".csv"):
        continue
    data = pd.read_csv(os.path.join(args.input, name))
    train, test = train_test_split(data, test_size=args.test_size, random_state=42)
    folder = os.path.join(args.output, name[: -len(".csv")])
    os.makedirs(folder, exist_ok=True)
    train.to_csv(os.path.join(folder, "train.csv"), index=False)
    test.to_csv(os.path.join(folder, "test.csv"), index=False)
    print(f"{name}: {len(train)} training rows, {len(test)} test rows")
