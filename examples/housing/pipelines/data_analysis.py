"""Data analysis: for every CSV file in --input, a pair plot of all columns and a correlation matrix, as
<name>_pairplot.png and <name>_corr_matrix.png in --output; prints each column's correlation with the target."""
import argparse
import os

import matplotlib

matplotlib.use("Agg")  # no display: write files
import matplotlib.pyplot as plt
import pandas as pd

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--input", required=True)
parser.add_argument("--target-col", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

for name in sorted(os.listdir(args.input)):
    if not name.endswith(".csv"):
        continue
    stem = name[: -len(".csv")]
    data = pd.read_csv(os.path.join(args.input, name))

    axes = pd.plotting.scatter_matrix(data, figsize=(10, 10), diagonal="hist", alpha=0.5)
    axes[0, 0].get_figure().savefig(os.path.join(args.output, f"{stem}_pairplot.png"))
    plt.close("all")

    corr = data.corr()
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.matshow(corr, cmap="coolwarm", vmin=-1, vmax=1)
    fig.colorbar(image)
    ax.set_xticks(range(len(corr.columns)), corr.columns, rotation=45)
    ax.set_yticks(range(len(corr.columns)), corr.columns)
    for (i, j), value in pd.DataFrame(corr.values).stack().items():
        ax.text(j, i, f"{value:.2f}", ha="center", va="center")
    fig.savefig(os.path.join(args.output, f"{stem}_corr_matrix.png"))
    plt.close(fig)
    print(f"{name}: correlation with {args.target_col}: " + ", ".join(f"{c} {v:.2f}" for c, v in corr[args.target_col].items() if c != args.target_col))
