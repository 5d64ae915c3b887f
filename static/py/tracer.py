"""Async Playground tracer: runs a pasted asyncio program in Pyodide's CPython and writes what its
tasks do as a trace (SCENARIOS.md format). Loaded by static/py/worker.js; see static/py/PROTOCOL.md.

How it sees the program (why this way, in PROTOCOL.md): CPython's own `BaseEventLoop` runs it,
unmodified `_run_once` included; only its selector's `select(timeout)` is ours (virtual clock: jump;
real clock: a real browser timer through JSPI). A task factory wraps each task's coroutine in a
thin proxy whose `send`/`throw` mark the steps (start, end, fail, cancel), on CPython's own C Task.
A few public asyncio calls (sleep, Semaphore/Lock/Event/Condition/Queue waits, timeout) and
`time` are wrapped to say what a task waits on.
"""

import ast
import asyncio
import builtins
import collections.abc
import functools
import heapq
import json
import linecache
import math
import sys
import time
import traceback
import types
import warnings
from asyncio import base_events, events, locks, queues, timeouts

FILENAME = "program.py"
MAX_TASKS = 10_000
MAX_EVENTS = 200_000
MAX_TEXT = 1_000_000
MAX_VALUE_CHARS = 10_000
FLUSH_MS = 16.0

_HERE = __file__
_HERE_DIR = _HERE.rsplit("/", 1)[0] + "/"
_real = time.perf_counter
_orig_time = {
    name: getattr(time, name)
    for name in ("time", "monotonic", "perf_counter", "time_ns", "monotonic_ns", "perf_counter_ns", "sleep")
}
_orig_sleep = asyncio.sleep
_orig_new_event_loop = events.new_event_loop
# warnings.showwarning stays CPython's (replacing it would drop the "Enable tracemalloc" line).
_orig_showwarnmsg_impl = warnings._showwarnmsg_impl
_orig_warn_unawaited = warnings._warn_unawaited_coroutine
_orig_input = builtins.input
_orig_open = builtins.open

# Set by worker.js: post(json_text) sends one message to the page; wait_ms(ms) returns a promise
# resolved by a real setTimeout after ms; clock_start(epoch_ms, perf0_ms, speed, virtual),
# clock_at(ms) and clock_stop() make the worker's wall clock (JS Date.now, which CPython's C clock
# reads: datetime.now(), time.localtime(), time.strftime()) scenario time during a run.
_host = None
CURRENT = None  # the Run in progress, or None
_WEB_LOOP = [None]  # Pyodide's WebLoop, running outside our runs


def set_host(host):
    global _host
    _host = host


class Stop(SystemExit):
    """Stops the whole run (a limit, or a wait that can never end). A SystemExit so CPython's
    Task re-raises it out of the loop instead of storing it as the task's exception."""

    def __init__(self, kind, message, what=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.what = what  # which limit, for the page to word in its language (PROTOCOL.md)


# ---------------------------------------------------------------------------------------------
# One run: the clock, the tasks, the events.


class Run:
    def __init__(self, rid, virtual, speed, limit_ms, mode, stream):
        self.rid = rid
        self.virtual = virtual
        self.speed = speed if (isinstance(speed, (int, float)) and math.isfinite(speed) and speed > 0) else 1.0
        self.limit_ms = float(limit_ms)
        self.mode = mode
        self.stream = stream
        self.vt_ms = 0.0
        self.t0 = _real()
        self.epoch0 = _orig_time["time"]()
        self.mono0 = _orig_time["monotonic"]()
        self.pc0 = _orig_time["perf_counter"]()
        self.tasks = []
        self.events = []
        self.sent_tasks = 0
        self.sent_events = 0
        self.last_flush = 0.0
        self.done = set()  # task ids that ended
        self.root_claimed = False
        self.text = 0
        self.buf = {"stdout": "", "stderr": ""}
        self.stopped = None

    # -- clock (scenario ms since the run started) --
    def now_ms(self):
        if self.virtual:
            return self.vt_ms
        return (_real() - self.t0) * 1000.0 * self.speed

    def stamp(self):
        if self.virtual:
            return int(round(self.vt_ms))
        return round(self.now_ms(), 3)

    def wait(self, ms):
        """The loop has nothing to run for `ms` scenario ms: wait for it (or jump there)."""
        if self.stopped:
            raise self.stopped
        now = self.now_ms()
        over = now + ms > self.limit_ms
        if over:
            ms = max(0.0, self.limit_ms - now)
        if self.virtual:
            self.vt_ms += ms
            _host.clock_at(self.vt_ms)
        elif ms > 0:
            self.flush(force=True)
            from pyodide.ffi import run_sync

            # run_sync attaches the promise to the running loop: for that moment it must be
            # Pyodide's WebLoop again, not ours (which is the one waiting).
            ours = events._get_running_loop()
            events._set_running_loop(_WEB_LOOP[0])
            try:
                # As CPython's epoll selector: at least the timeout, rounded up to whole ms.
                run_sync(_host.wait_ms(math.ceil(ms / self.speed) + 1))
            finally:
                events._set_running_loop(ours)
        if over:
            self.stop("limit", f"the program ran past {self.limit_ms / 1000:g} s of scenario time", "time")
        if not self.virtual:
            self.flush()

    def block(self, ms):
        """time.sleep: hold the thread (a real busy-wait), or advance the virtual clock."""
        now = self.now_ms()
        over = now + ms > self.limit_ms
        if over:
            ms = max(0.0, self.limit_ms - now)
        if self.virtual:
            self.vt_ms += ms
            _host.clock_at(self.vt_ms)
        else:
            self.flush(force=True)
            end = _real() + ms / 1000.0 / self.speed
            while _real() < end:
                pass
        if over:
            self.stop("limit", f"the program ran past {self.limit_ms / 1000:g} s of scenario time", "time")

    def stop(self, kind, message, what=None):
        if self.stopped is None:
            self.stopped = Stop(kind, message, what)
        raise self.stopped

    # -- tasks and events --
    def new_task(self, name, parent):
        if parent is None and not self.root_claimed:
            self.root_claimed = True
            if self.tasks and self.tasks[0]["id"] == 0:
                # Task 0 was opened by module-level output before asyncio.run: it is main.
                if self.sent_tasks == 0:
                    self.tasks[0]["name"] = name
                return 0
            self.tasks.append({"id": 0, "name": name})
            return 0
        if len(self.tasks) >= MAX_TASKS:
            self.stop("limit", f"the program created more than {MAX_TASKS:,} tasks", "tasks")
        tid = len(self.tasks)
        info = {"id": tid, "name": name}
        if parent is not None:
            info["parent"] = parent
        self.tasks.append(info)
        if parent is not None:
            self.emit("spawn", parent, child=tid)
        return tid

    def emit(self, kind, tid, **fields):
        if self.stopped is not None:
            return
        if tid == 0 and not self.tasks:
            self.tasks.append({"id": 0, "name": "main"})
        if len(self.events) >= MAX_EVENTS:
            self.stop("limit", f"the program made more than {MAX_EVENTS:,} events", "events")
        ev = {"t": self.stamp(), "task": tid, "kind": kind}
        ev.update(fields)
        self.events.append(ev)
        if kind in ("end", "fail", "cancel"):
            self.done.add(tid)

    def write(self, stream, s):
        self.text += len(s)
        if self.text > MAX_TEXT:
            self.stop("limit", f"the program printed more than {MAX_TEXT:,} characters", "text")
        buf = self.buf[stream] + s
        while "\n" in buf:
            line, buf = buf.split("\n", 1)
            self.print_line(stream, line)
        self.buf[stream] = buf
        if not self.virtual and self.now_ms() - self.last_flush > FLUSH_MS:
            self.flush()

    def print_line(self, stream, line):
        if stream == "stderr":
            self.emit("print", current_tid(), text=line, stream="stderr")
        else:
            self.emit("print", current_tid(), text=line)

    def flush_text(self):
        for stream in ("stdout", "stderr"):
            if self.buf[stream]:
                line, self.buf[stream] = self.buf[stream], ""
                self.print_line(stream, line)

    def flush(self, force=False):
        """Streams the new tasks and events of the real run (at most every FLUSH_MS)."""
        if not self.stream:
            return
        now = self.now_ms()
        if not force and now - self.last_flush < FLUSH_MS:
            return
        if self.sent_events == len(self.events) and self.sent_tasks == len(self.tasks):
            return
        self.last_flush = now
        msg = {
            "type": "events",
            "id": self.rid,
            "tasks": self.tasks[self.sent_tasks :],
            "events": self.events[self.sent_events :],
        }
        self.sent_tasks = len(self.tasks)
        self.sent_events = len(self.events)
        _post(msg)

    def trace(self):
        total = max((e["t"] for e in self.events), default=0)
        return {
            "format": "async-playground-trace",
            "version": 1,
            "scenario": "custom",
            "mode": self.mode,
            "params": {},
            "loop": "asyncio",
            "clock": "ideal" if self.virtual else "browser",
            "speed": self.speed,
            "hidden": False,
            "total_ms": total,
            "tasks": list(self.tasks),
            "events": list(self.events),
        }


def _post(msg):
    _host.post(json.dumps(msg, ensure_ascii=False, allow_nan=False))


def current_tid():
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    if task is not None:
        coro = task.get_coro()
        if isinstance(coro, _Traced):
            return coro.tid
    return 0


# ---------------------------------------------------------------------------------------------
# Tasks: CPython's C Task, running a proxy of the coroutine that marks each step.


def _short_error(e):
    text = str(e)
    s = f"{type(e).__name__}: {text}" if text else type(e).__name__
    return s if len(s) <= 500 else s[:499] + "…"


def _jsonable(v, depth=0):
    if v is None or isinstance(v, (bool, str, int)):
        return True
    if isinstance(v, float):
        return math.isfinite(v)
    if depth > 50:
        return False
    if isinstance(v, (list, tuple)):
        return all(_jsonable(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _jsonable(x, depth + 1) for k, x in v.items())
    return False


def _value_field(v):
    if v is None:
        return {}
    if _jsonable(v):
        try:
            text = json.dumps(v, allow_nan=False)
        except (ValueError, TypeError, RecursionError):
            text = None
        if text is not None and len(text) <= MAX_VALUE_CHARS:
            return {"value": json.loads(text)}
    try:
        r = repr(v)
    except Exception as e:  # a broken __repr__ is the program's; say so
        r = f"<repr failed: {_short_error(e)}>"
    if len(r) > MAX_VALUE_CHARS:
        r = r[: MAX_VALUE_CHARS - 1] + "…"
    return {"value": r}


class _Traced(collections.abc.Coroutine):
    """Stands for a task's coroutine inside CPython's own Task: every step goes through here."""

    __slots__ = ("_c", "tid", "run", "started")

    def __init__(self, coro, tid, run):
        self._c = coro
        self.tid = tid
        self.run = run
        self.started = False

    def _step(self, fn, arg):
        run = self.run
        if not self.started:
            self.started = True
            run.emit("start", self.tid)
        try:
            return fn(arg)
        except StopIteration as e:
            run.emit("end", self.tid, **_value_field(e.value))
            raise
        except asyncio.CancelledError:
            run.emit("cancel", self.tid)
            raise
        except Stop:
            raise
        except BaseException as e:
            run.emit("fail", self.tid, error=_short_error(e))
            raise

    def send(self, value):
        return self._step(self._c.send, value)

    def throw(self, typ, val=None, tb=None):
        if val is None and tb is None:
            return self._step(self._c.throw, typ)
        return self._step(lambda _: self._c.throw(typ, val, tb), None)

    def close(self):
        return self._c.close()

    def __await__(self):
        return self._c.__await__()

    def __getattr__(self, name):
        return getattr(self._c, name)

    def __repr__(self):
        return repr(self._c)


_ASYNCIO_DIR = asyncio.__file__.rsplit("/", 1)[0] + "/"


def _is_asyncio_own(loop, coro):
    """asyncio.run's own housekeeping (shutdown_asyncgens, shutdown_default_executor) is not the
    program's: it gets no lane."""
    code = getattr(coro, "cr_code", None)
    return code is not None and code.co_filename.startswith(_ASYNCIO_DIR) and asyncio.current_task(loop) is None


def _call_label(coro):
    """A lane's name when the program gives none: the coroutine function's name and its first
    short plain argument (`download 3` for `download(sem, 3)`, `fetch page0`), so the tasks of one
    gather are told apart, as the catalog's `download 0`, `download 1`… are."""
    name = getattr(coro, "__name__", None) or type(coro).__name__
    code = getattr(coro, "cr_code", None)
    frame = getattr(coro, "cr_frame", None)
    if code is None or frame is None:
        return name
    try:
        params = [p for p in code.co_varnames[: code.co_argcount] if p not in ("self", "cls")]
        local = frame.f_locals
        for p in params:
            v = local.get(p)
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                continue
            text = v if isinstance(v, str) else repr(v)
            if text and len(text) <= 24 and text.isprintable():
                return f"{name} {text}"
            return name
    except Exception:  # a frame that will not say: the plain name
        pass
    return name


def _task_factory(loop, coro, **kw):
    run = CURRENT
    if run is None or not asyncio.iscoroutine(coro) or run.stopped is not None or _is_asyncio_own(loop, coro):
        return asyncio.Task(coro, loop=loop, **kw)
    name = kw.get("name")
    if name is None:
        name = _call_label(coro)
    try:
        parent_task = asyncio.current_task(loop)
    except RuntimeError:
        parent_task = None
    parent = None
    if parent_task is not None and isinstance(parent_task.get_coro(), _Traced):
        parent = parent_task.get_coro().tid
    tid = run.new_task(str(name)[:200], parent)
    return asyncio.Task(_Traced(coro, tid, run), loop=loop, **kw)


# ---------------------------------------------------------------------------------------------
# The loop: CPython's BaseEventLoop; only the selector's wait is ours.


class _TimerHandle(events.TimerHandle):
    """Equal deadlines fire in the order they were set (CPython gets this from a clock that
    always advances between two calls; a virtual or coarse clock needs the sequence number)."""

    __slots__ = ("_ap_seq",)

    def __lt__(self, other):
        if self._when == other._when:
            return self._ap_seq < getattr(other, "_ap_seq", 0)
        return self._when < other._when


class _Selector:
    def __init__(self, loop):
        self._loop = loop

    def select(self, timeout=None):
        run = self._loop._ap_run
        if timeout is None:
            run.stop(
                "limit",
                "the program waits forever: nothing is scheduled that could wake it (CPython would hang here)",
                "forever",
            )
        run.wait(max(0.0, timeout) * 1000.0)
        return []

    def close(self):
        pass

    def get_map(self):
        return {}


class PlaygroundLoop(base_events.BaseEventLoop):
    def __init__(self, run):
        super().__init__()
        self._ap_run = run
        self._ap_seq = 0
        self._selector = _Selector(self)
        self.set_task_factory(_task_factory)

    def time(self):
        return self._ap_run.now_ms() / 1000.0

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass

    def call_at(self, when, callback, *args, context=None):
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        timer = _TimerHandle(when, callback, args, self, context)
        self._ap_seq += 1
        timer._ap_seq = self._ap_seq
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer


class _Policy(events._BaseDefaultEventLoopPolicy):
    def _loop_factory(self):
        if CURRENT is None:
            return _orig_new_event_loop()
        return PlaygroundLoop(CURRENT)


# ---------------------------------------------------------------------------------------------
# What a task waits on: wrappers of the public calls.


def _delay_ms(delay):
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not math.isfinite(delay):
        return None
    return max(0, int(round(delay * 1000)))


async def sleep(delay, result=None):
    run = CURRENT
    ms = _delay_ms(delay)
    if run is None or ms is None:
        return await _orig_sleep(delay, result)
    tid = current_tid()
    run.emit("sleep", tid, ms=ms)
    value = await _orig_sleep(delay, result)
    run.emit("wake", tid)
    return value


sleep.__doc__ = _orig_sleep.__doc__


def _wrap_wait(cls, meth, on, will_wait):
    orig = getattr(cls, meth)

    async def wrapper(self, *args, **kwargs):
        run = CURRENT
        if run is None:
            return await orig(self, *args, **kwargs)
        tid = current_tid()
        waiting = will_wait(self)
        if waiting:
            run.emit("acquire_wait", tid, on=on)
        value = await orig(self, *args, **kwargs)
        if waiting or on in ("semaphore", "lock"):
            run.emit("acquire", tid, on=on)
        return value

    wrapper.__name__ = orig.__name__
    wrapper.__qualname__ = orig.__qualname__
    wrapper.__doc__ = orig.__doc__
    wrapper._ap_orig = orig
    setattr(cls, meth, wrapper)


def _wrap_release(cls, on):
    orig = cls.release

    def release(self, *args, **kwargs):
        value = orig(self, *args, **kwargs)
        run = CURRENT
        if run is not None:
            run.emit("release", current_tid(), on=on)
        return value

    release.__name__ = "release"
    release.__qualname__ = orig.__qualname__
    release.__doc__ = orig.__doc__
    release._ap_orig = orig
    cls.release = release


def _wrap_timeout():
    orig = timeouts.Timeout.__aexit__

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        try:
            return await orig(self, exc_type, exc_val, exc_tb)
        except TimeoutError:
            run = CURRENT
            if run is not None:
                run.emit("timeout", current_tid())
            raise

    __aexit__.__qualname__ = orig.__qualname__
    __aexit__._ap_orig = orig
    timeouts.Timeout.__aexit__ = __aexit__


def _time_sleep(secs):
    run = CURRENT
    if run is None:
        return _orig_time["sleep"](secs)
    if isinstance(secs, bool) or not isinstance(secs, (int, float)):
        return _orig_time["sleep"](secs)  # CPython's own TypeError
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    if not math.isfinite(secs):
        return _orig_time["sleep"](secs)
    ms = secs * 1000.0
    tid = current_tid()
    run.emit("block", tid, ms=int(round(ms)))
    run.block(ms)
    run.emit("unblock", tid)


def _clock(base_key):
    def read():
        run = CURRENT
        if run is None:
            return _orig_time[base_key]()
        base = {"time": run.epoch0, "monotonic": run.mono0, "perf_counter": run.pc0}[base_key]
        return base + run.now_ms() / 1000.0

    def read_ns():
        return int(read() * 1e9)

    read.__name__ = base_key
    read_ns.__name__ = base_key + "_ns"
    return read, read_ns


def _input(prompt=""):
    raise OSError(
        "input() cannot read a keyboard here: the program runs in the browser without a terminal "
        "(give the value in the code instead)"
    )


def _open(file, *args, **kwargs):
    raise OSError(
        f"open({file!r}): files are not available here, the program runs in the browser without a disk"
    )


def _showwarnmsg_impl(msg):
    run = CURRENT
    if run is not None:
        run.emit("warn", current_tid(), text=str(msg.message)[:500])
        _cache_source(msg.filename)
    return _orig_showwarnmsg_impl(msg)


def _cache_source(filename):
    """A warning's source line comes from linecache by file name alone; the standard library here
    is a zip (/lib/python314.zip/...), which only a module's loader reads: register that loader,
    so the warning shows its line as CPython does (e.g. asyncio/events.py's)."""
    if not isinstance(filename, str) or filename in linecache.cache:
        return
    for mod in list(sys.modules.values()):
        if getattr(mod, "__file__", None) == filename:
            linecache.lazycache(filename, vars(mod))
            return


def _warn_unawaited_coroutine(coro):
    """CPython's own, told to skip this file's frames. A task's coroutine steps inside
    `_Traced._step` (Python) called by the C Task, so a coroutine a task drops (a local never awaited,
    freed when the task's coroutine returns) would be located at `_step`'s line, and counted in this
    file's `__warningregistry__`; CPython names the frame below the Task's step (asyncio's
    `Handle._run`) or the program's line. The original calls `warnings.warn(..., stacklevel=2,
    source=coro)`: for that one call it gets `skip_file_prefixes` (the frames under /ap/)."""
    real_warn = warnings.warn
    warnings.warn = functools.partial(real_warn, skip_file_prefixes=(_HERE_DIR,))
    try:
        return _orig_warn_unawaited(coro)
    finally:
        warnings.warn = real_warn


class _Out:
    encoding = "utf-8"
    errors = "strict"
    newlines = None

    def __init__(self, stream):
        self.stream = stream

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        run = CURRENT
        if run is not None:
            run.write(self.stream, s)
        return len(s)

    def writelines(self, lines):
        for s in lines:
            self.write(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True

    def readable(self):
        return False

    def fileno(self):
        raise OSError("no file descriptor")


_installed = False


def _install():
    """Wraps the public calls once; each wrapper passes through when no run is in progress."""
    global _installed
    if _installed:
        return
    _installed = True
    # Pyodide routes asyncio.run to its WebLoop (one setTimeout per timer): CPython's own again.
    asyncio.run = asyncio.runners.run
    asyncio.sleep = sleep
    _wrap_wait(locks.Semaphore, "acquire", "semaphore", lambda s: s.locked())
    _wrap_wait(locks.Lock, "acquire", "lock", lambda s: s.locked())
    _wrap_wait(locks.Event, "wait", "event", lambda s: not s.is_set())
    _wrap_wait(locks.Condition, "wait", "condition", lambda s: True)
    _wrap_wait(queues.Queue, "get", "queue", lambda s: s.empty())
    _wrap_wait(queues.Queue, "put", "queue", lambda s: s.full())
    _wrap_wait(queues.Queue, "join", "queue", lambda s: s._unfinished_tasks > 0)
    _wrap_release(locks.Semaphore, "semaphore")
    _wrap_release(locks.Lock, "lock")
    _wrap_timeout()
    events._set_event_loop_policy(_Policy())
    time.sleep = _time_sleep
    for key in ("time", "monotonic", "perf_counter"):
        read, read_ns = _clock(key)
        setattr(time, key, read)
        setattr(time, key + "_ns", read_ns)
    warnings._showwarnmsg_impl = _showwarnmsg_impl
    # CPython's C code calls warnings._warn_unawaited_coroutine (looked up on the module each time).
    warnings._warn_unawaited_coroutine = _warn_unawaited_coroutine


# ---------------------------------------------------------------------------------------------
# Tracebacks as CPython prints them, without this file's frames.


def _strip(tb):
    head = None
    prev = None
    while tb is not None:
        nxt = tb.tb_next
        if tb.tb_frame.f_code.co_filename != _HERE:
            if prev is None:
                head = tb
            else:
                prev.tb_next = tb
            prev = tb
        tb = nxt
    if prev is not None:
        prev.tb_next = None
    return head


def _strip_all(e, seen=None):
    seen = seen if seen is not None else set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        e.__traceback__ = _strip(e.__traceback__)
        if e.__cause__ is not None:
            _strip_all(e.__cause__, seen)
        e = e.__context__


def _print_uncaught(e):
    _strip_all(e)
    traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Analysis: syntax errors, what cannot run here, and the sequential rewrite.

_UNSUPPORTED_MODULES = {
    "threading": "threading",
    "_thread": "threading",
    "multiprocessing": "threading",
    "concurrent": "threading",
    "subprocess": "subprocess",
    "socket": "socket",
    "ssl": "socket",
    "selectors": "socket",
    "urllib.request": "socket",
    "http.client": "socket",
    "requests": "socket",
    "aiohttp": "socket",
    "httpx": "socket",
}
_UNSUPPORTED_CALLS = {
    "to_thread": "to_thread",
    "run_in_executor": "to_thread",
    "create_subprocess_exec": "subprocess",
    "create_subprocess_shell": "subprocess",
    "open_connection": "socket",
    "start_server": "socket",
    "open_unix_connection": "socket",
    "start_unix_server": "socket",
    "create_connection": "socket",
    "create_server": "socket",
    "sock_connect": "socket",
}
_RUNTIME_ONLY = {"input": "input", "open": "files"}  # these raise a clear error when called

MESSAGES = {
    "threading": "OS threads (threading, multiprocessing, concurrent.futures) cannot run in the browser: this page has one thread for Python",
    "to_thread": "asyncio.to_thread / run_in_executor need an OS thread, which the browser cannot give Python here",
    "subprocess": "subprocesses cannot run in the browser",
    "socket": "network sockets cannot be opened from the browser here (simulate the request with asyncio.sleep)",
    "files": "files are not available in the browser: open() raises an error when the program calls it",
    "input": "input() cannot read a keyboard here: it raises an error when the program calls it",
}

_CONCURRENCY_CALLS = {"gather", "create_task", "ensure_future", "TaskGroup"}


def _module_kind(name):
    for mod, kind in _UNSUPPORTED_MODULES.items():
        if name == mod or name.startswith(mod + "."):
            return kind
    return None


def _call_name(node):
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def parse(src):
    """The module's AST, or a SyntaxError exactly as CPython raises it."""
    return compile(src, FILENAME, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)


def analyze_tree(tree):
    unsupported = []
    has_concurrency = False

    def add(kind, node):
        unsupported.append({"what": kind, "line": node.lineno, "col": node.col_offset + 1})

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                kind = _module_kind(a.name)
                if kind:
                    add(kind, node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            kind = _module_kind(node.module)
            if not kind:
                for a in node.names:
                    kind = _UNSUPPORTED_CALLS.get(a.name) if node.module == "asyncio" else None
                    kind = kind or _module_kind(f"{node.module}.{a.name}")
                    if kind:
                        break
            if kind:
                add(kind, node)
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in _UNSUPPORTED_CALLS:
                add(_UNSUPPORTED_CALLS[name], node)
            elif isinstance(node.func, ast.Name) and name in _RUNTIME_ONLY:
                add(_RUNTIME_ONLY[name], node)
            if name in _CONCURRENCY_CALLS:
                has_concurrency = True
    return has_concurrency, unsupported


def _syntax_error_message(rid, e):
    return {
        "type": "error",
        "id": rid,
        "kind": "syntax",
        "message": f"{type(e).__name__}: {e.msg}",
        "line": e.lineno or 1,
        "col": e.offset or 1,
    }


def analyze(rid, src):
    try:
        tree = parse(src)
    except (SyntaxError, ValueError) as e:
        if isinstance(e, SyntaxError):
            msg = _syntax_error_message(rid, e)
        else:
            msg = {"type": "error", "id": rid, "kind": "syntax", "message": str(e), "line": 1, "col": 1}
        msg["type"] = "syntax-error"
        _post(msg)
        return
    has_concurrency, unsupported = analyze_tree(tree)
    for u in unsupported:
        u["message"] = MESSAGES[u["what"]]
    _post({"type": "analysis", "id": rid, "has_concurrency": has_concurrency, "unsupported": unsupported})


_SEQ_HELPERS = '''
async def __ap_seq_gather(*aws, return_exceptions=False):
    import asyncio as __ap_asyncio
    out = []
    pending = list(aws)
    try:
        while pending:
            aw = pending.pop(0)
            if __ap_asyncio.iscoroutine(aw):
                aw = __ap_asyncio.ensure_future(aw)
            if return_exceptions:
                try:
                    out.append(await aw)
                except Exception as e:
                    out.append(e)
            else:
                out.append(await aw)
    finally:
        for aw in pending:
            if __ap_asyncio.iscoroutine(aw):
                aw.close()
    return out

async def __ap_seq_wait(task):
    import asyncio as __ap_asyncio
    if __ap_asyncio.isfuture(task):
        await __ap_asyncio.wait([task])
    return task
'''


class _Sequential(ast.NodeTransformer):
    """gather(...) → its awaitables awaited one after the other, in argument order (each still a
    task, so it keeps its lane); create_task/ensure_future/TaskGroup.create_task → the new task is
    awaited where it is created. Only inside `async def` (where `await` is allowed)."""

    def __init__(self):
        self.depth = []  # True for async def, False for def/lambda/class
        self.changed = False

    def _in_async(self):
        return bool(self.depth) and self.depth[-1]

    def _scoped(self, node, is_async):
        self.depth.append(is_async)
        self.generic_visit(node)
        self.depth.pop()
        return node

    def visit_AsyncFunctionDef(self, node):
        return self._scoped(node, True)

    def visit_FunctionDef(self, node):
        return self._scoped(node, False)

    def visit_Lambda(self, node):
        return self._scoped(node, False)

    def visit_ClassDef(self, node):
        return self._scoped(node, False)

    def visit_GeneratorExp(self, node):
        return self._scoped(node, False)

    def visit_Call(self, node):
        self.generic_visit(node)
        if not self._in_async():
            return node
        name = _call_name(node)
        if name == "gather":
            self.changed = True
            return ast.copy_location(
                ast.Call(func=ast.Name(id="__ap_seq_gather", ctx=ast.Load()), args=node.args, keywords=node.keywords),
                node,
            )
        if name in ("create_task", "ensure_future"):
            self.changed = True
            call = ast.Call(func=ast.Name(id="__ap_seq_wait", ctx=ast.Load()), args=[node], keywords=[])
            return ast.copy_location(ast.Await(value=ast.copy_location(call, node)), node)
        return node


def sequential_tree(tree):
    t = _Sequential()
    tree = t.visit(tree)
    helpers = ast.parse(_SEQ_HELPERS, filename="<sequential>")
    tree.body[0:0] = helpers.body
    ast.fix_missing_locations(tree)
    return tree


# ---------------------------------------------------------------------------------------------
# A run of the program.


def _warnings_fresh():
    """Each run warns as a fresh `python3 program.py` does: the ideal run, then the measured one
    (and the next request in this warm worker) each start with no warning already shown. A
    "default" warning is shown once per location, recorded in the `__warningregistry__` of the
    module it names (asyncio's, a long-lived one, for an unawaited coroutine a task dropped) and
    "once" in `warnings.onceregistry`; bumping the filters' version empties every registry.
    Returns what the program may change (filters, showwarning, formatwarning), to restore."""
    saved = (list(warnings.filters), warnings.showwarning, warnings.formatwarning)
    warnings.onceregistry.clear()
    warnings._filters_mutated()
    return saved


def _warnings_restore(saved):
    warnings.filters[:] = saved[0]
    warnings.showwarning, warnings.formatwarning = saved[1], saved[2]
    warnings.onceregistry.clear()
    warnings._filters_mutated()


def _exec_program(run, code):
    global CURRENT
    main = types.ModuleType("__main__")
    main.__file__ = FILENAME
    main.__builtins__ = builtins
    saved = (sys.stdout, sys.stderr, sys.modules.get("__main__"), builtins.input, builtins.open)
    saved_warnings = _warnings_fresh()
    sys.stdout, sys.stderr = _Out("stdout"), _Out("stderr")
    sys.modules["__main__"] = main
    builtins.input, builtins.open = _input, _open
    CURRENT = run
    # The C clock (datetime.now(), time.localtime()) reads the worker's Date.now: scenario time too.
    _host.clock_start(run.epoch0 * 1000.0, run.t0 * 1000.0, run.speed, run.virtual)
    outcome = None
    # Pyodide marks its WebLoop as always running; asyncio.run refuses to start under a running loop.
    web_loop = events._get_running_loop()
    _WEB_LOOP[0] = web_loop
    events._set_running_loop(None)
    try:
        exec(code, main.__dict__)
    except Stop as e:
        outcome = e
    except SystemExit as e:
        if run.stopped is not None:
            outcome = run.stopped
        elif e.code not in (None, 0):
            if not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
    except BaseException as e:
        if run.stopped is not None:
            outcome = run.stopped
        else:
            try:
                _print_uncaught(e)
            except Stop as s:
                outcome = s
            if 0 not in run.done:
                run.emit("fail", 0, error=_short_error(e))
    finally:
        try:
            run.flush_text()
        except Stop as s:
            outcome = outcome or s
        CURRENT = None
        _host.clock_stop()
        events._set_running_loop(web_loop)
        sys.stdout, sys.stderr = saved[0], saved[1]
        if saved[2] is not None:
            sys.modules["__main__"] = saved[2]
        builtins.input, builtins.open = saved[3], saved[4]
        _warnings_restore(saved_warnings)
    return outcome


def run(rid, src, variant, speed, limit_ms):
    """The whole `run` request: the virtual-clock run (→ ideal), then the real-clock run
    (→ events…, done). Called through JSPI (callPromising) so the real run can truly wait."""
    _install()
    try:
        tree = parse(src)
    except (SyntaxError, ValueError) as e:
        if isinstance(e, SyntaxError):
            _post(_syntax_error_message(rid, e))
        else:
            _post({"type": "error", "id": rid, "kind": "syntax", "message": str(e), "line": 1, "col": 1})
        return
    _, unsupported = analyze_tree(tree)
    refused = [u for u in unsupported if u["what"] not in ("files", "input")]
    if refused:
        u = refused[0]
        _post({"type": "error", "id": rid, "kind": "unsupported", "message": MESSAGES[u["what"]],
               "what": u["what"], "line": u["line"], "col": u["col"]})
        return
    mode = "concurrent"
    if variant == "sequential":
        tree = sequential_tree(tree)
        mode = "sequential"
    linecache.cache[FILENAME] = (len(src), None, src.splitlines(True), FILENAME)
    code = compile(tree, FILENAME, "exec", dont_inherit=True)
    for virtual in (True, False):
        r = Run(rid, virtual, speed, limit_ms, mode, stream=not virtual)
        outcome = _exec_program(r, code)
        trace = r.trace()
        if isinstance(outcome, Stop):
            r.flush(force=True)
            _post({"type": "error", "id": rid, "kind": outcome.kind, "message": outcome.message,
                   "what": outcome.what, "clock": trace["clock"], "trace": trace})
            return
        if virtual:
            _post({"type": "ideal", "id": rid, "trace": trace})
        else:
            r.flush(force=True)
            _post({"type": "done", "id": rid, "trace": trace})
