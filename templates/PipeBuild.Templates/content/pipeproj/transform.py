"""Writes "<lines> <words>" for every file of this datum: argv[1] is the datum's input folder, argv[2] the output folder."""
import pathlib
import sys

source, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for file in sorted(p for p in source.rglob("*") if p.is_file()):
    text = file.read_text(encoding="utf-8", errors="replace")
    (out / f"{file.name}.count").write_text(f"{text.count(chr(10))} {len(text.split())}\n")
