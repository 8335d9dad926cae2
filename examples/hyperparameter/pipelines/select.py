"""Selects the models whose test error is at most the threshold: copies each such model from the models folder
to the output folder. usage: select.py <errors folder> <models folder> <output folder> <threshold>"""
import os
import shutil
import sys

errors, models, output, threshold = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
selected = 0
names = sorted(n for n in os.listdir(errors) if n.endswith("_error.txt"))
for name in names:
    with open(os.path.join(errors, name)) as f:
        error = float(f.read())
    if error <= threshold:
        model = name[:-len("_error.txt")] + ".pkl"
        shutil.copyfile(os.path.join(models, model), os.path.join(output, model))
        selected += 1
print(f"selected {selected} of {len(names)} models with a test error of at most {threshold}")
