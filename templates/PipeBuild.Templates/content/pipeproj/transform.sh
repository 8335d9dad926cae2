#!/bin/sh
# Writes "<lines> <words>" for every file of this datum: $1 is the datum's input folder, $2 the output folder.
set -eu
find "$1" -type f | while IFS= read -r file; do
  wc -l -w <"$file" | awk '{ print $1, $2 }' >"$2/$(basename "$file").count"
done
