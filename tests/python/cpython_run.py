"""Runs one program on this machine's CPython as `python3 program.py` would, and prints, as JSON,
every line it wrote with the millisecond it was written: [[t_ms, "stdout"|"stderr", text], ...].
The reference the Python engine's tests compare the browser run with (e2e/tests/python-engine).
usage: python3 tests/python/cpython_run.py <file.py>"""
import gc
import json
import linecache
import sys
import time
import traceback
import types

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    src = f.read()
lines = []
real_stdout = sys.stdout


class Lines:
    encoding = "utf-8"

    def __init__(self, name):
        self.name = name
        self.buf = ""

    def write(self, s):
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            lines.append([round((time.perf_counter() - t0) * 1000, 3), self.name, line])
        return len(s)

    def end(self):
        if self.buf:
            lines.append([round((time.perf_counter() - t0) * 1000, 3), self.name, self.buf])
            self.buf = ""

    def flush(self):
        pass

    def isatty(self):
        return False


# The worker has these imported before a program starts; so does this runner, so that times
# measure the program, not the first import of asyncio (~100 ms on a busy machine).
import asyncio  # noqa: E402,F401
import random  # noqa: E402,F401

out, err = Lines("stdout"), Lines("stderr")
main = types.ModuleType("__main__")
main.__file__ = "program.py"
sys.modules["__main__"] = main
linecache.cache["program.py"] = (len(src), None, src.splitlines(True), "program.py")
code = compile(src, "program.py", "exec")
sys.stdout, sys.stderr = out, err
t0 = time.perf_counter()
try:
    exec(code, main.__dict__)
except SystemExit:
    pass
except BaseException as e:
    tb = e.__traceback__.tb_next  # this runner's own frame
    traceback.print_exception(type(e), e, tb, file=err)
finally:
    gc.collect()
    out.end()
    err.end()
    sys.stdout, sys.stderr = real_stdout, sys.__stderr__
real_stdout.write(json.dumps(lines, ensure_ascii=False))
