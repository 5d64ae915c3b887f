#!/bin/sh
# Trunk post_build hook: copies the Python worker (static/py) and only the Pyodide runtime files it
# loads (from pyodide/node_modules, installed by scripts/setup.sh) into the staging dist/.
# usage: scripts/copy-python.sh <staging dir>
set -eu
out=${1:?staging dir}
src=pyodide/node_modules/pyodide
for f in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json; do
  [ -f "$src/$f" ] || { echo "copy-python: $src/$f missing: run scripts/setup.sh (npm ci in pyodide/)" >&2; exit 1; }
done
mkdir -p "$out/pyodide" "$out/py"
for f in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json; do
  cp "$src/$f" "$out/pyodide/$f"
done
cp static/py/worker.js static/py/tracer.py "$out/py/"
