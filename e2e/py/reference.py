"""Runs one program under the real CPython of this machine and prints, as JSON, every line it
wrote with the stream (stdout/stderr) and the time since the program started (ms). The e2e
tests compare the page's console with this: text and order exactly, times within tolerance."""
import json
import runpy
import sys
import time
import traceback

import asyncio  # noqa: F401  (imported before t = 0, as in the page where Python is warm)
import dataclasses  # noqa: F401

path = sys.argv[1]
lines = []
t0 = time.perf_counter()


class Capture:
    def __init__(self, stream):
        self.stream = stream
        self.buf = ""

    def write(self, s):
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            lines.append({"t": (time.perf_counter() - t0) * 1000, "stream": self.stream, "text": line})
        return len(s)

    def flush(self):
        pass


real = sys.stdout, sys.stderr
out, err = Capture("stdout"), Capture("stderr")
sys.stdout, sys.stderr = out, err
t0 = time.perf_counter()
try:
    runpy.run_path(path, run_name="__main__")
except SystemExit:
    pass
except BaseException:
    traceback.print_exc()
for c in (out, err):
    if c.buf:
        c.write("\n")
sys.stdout, sys.stderr = real
print(json.dumps(lines))
