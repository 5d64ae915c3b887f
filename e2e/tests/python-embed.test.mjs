// Issue 12 through the embed API (EMBEDDING.md): a course page loads a program that needs CPython
// into the playground's iframe, runs it and reads the measured trace (runFinished, getTrace); the
// warning of a coroutine left in a local variable, where CPython puts it, on every run of a warm
// worker; the 60 s limit of a program that never ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, tid, tmpDir, assertClean } from '../lib.mjs';
import { cpython, sameLine } from '../python.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const TOL_MS = Number(process.env.AP_PY_TOL_MS || 300);
// Python's download and start-up in a loaded machine's browser come before the first run.
const BOOT_MS = 180000;

/** python3 (this machine's CPython) runs `src` as program.py: [[t_ms, stream, text], …]. */
function python3(src) {
  const file = path.join(tmpDir('ap-py-embed-'), 'program.py');
  fs.writeFileSync(file, src);
  return cpython(file);
}

/** The course page with the playground in its iframe, ready; then `load` of `src` (custom). */
async function embedProgram(src, extra = { mode: 'concurrent' }) {
  const E = await env.embed('embed=1');
  await E.msg('ready');
  await E.send({ type: 'load', scenario: 'custom', src: b64url(src), ...extra });
  await E.probe();
  const frame = E.frame();
  await frame.waitForSelector(tid('editor-python'), { timeout: 30000 });
  return { E, frame };
}

/** Sends `run` and waits for its runFinished (the n-th of this page). */
async function run(E, n) {
  await E.send({ type: 'run' });
  await E.msg('runStarted', {}, BOOT_MS);
  await E.page.waitForFunction((n) => window.__msgs.filter((m) => m?.source === 'async-playground' && m.type === 'runFinished').length >= n,
    n, { timeout: BOOT_MS, polling: 100 });
  const done = (await E.msgs()).filter((m) => m.type === 'runFinished');
  return done[n - 1];
}

const prints = (trace, stream) => trace.events.filter((e) => e.kind === 'print' && (e.stream || 'stdout') === stream);

// Beyond the compiled subset (classes, a dataclass, comprehensions, TaskGroup, keyword arguments),
// with timers far enough apart that a loaded machine keeps their order.
const KITCHEN = `import asyncio
from dataclasses import dataclass


@dataclass
class Order:
    dish: str
    minutes: int


class Kitchen:
    def __init__(self):
        self.served = []

    async def cook(self, order):
        print(f"start {order.dish}")
        await asyncio.sleep(order.minutes / 10)
        self.served.append(order.dish)
        print(f"{order.dish} ready after {order.minutes} min")
        return order.dish.upper()


async def main():
    kitchen = Kitchen()
    orders = [Order(d, m) for d, m in [("soup", 3), ("bread", 1), ("pie", 6)]]
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(kitchen.cook(o), name=o.dish) for o in orders]
    print({t.get_name(): t.result() for t in tasks})
    print("served in order:", kitchen.served)


asyncio.run(main())
`;

test('embed: a host loads a program that needs CPython, runs it, and gets the trace of what CPython prints', { timeout: 400000 }, async () => {
  const { E } = await embedProgram(KITCHEN);
  const [want, done] = await Promise.all([python3(KITCHEN), run(E, 1)]);
  assert.equal(done.cancelled, false);
  const { trace } = done;
  assert.ok(trace && Array.isArray(trace.events), 'runFinished carries the trace');
  assert.equal(trace.clock, 'browser', 'the measured trace');
  const got = prints(trace, 'stdout');
  const wantOut = want.filter((l) => l[1] === 'stdout');
  assert.deepEqual(got.map((e) => e.text), wantOut.map((l) => l[2]), 'the same lines in the same order');
  got.forEach((e, i) => {
    const w = wantOut[i][0];
    assert.ok(Math.abs(e.t - w) <= TOL_MS + 0.02 * w, `"${e.text}" at ${e.t} ms, CPython at ${w} ms`);
  });
  // A lane per task, named as the program names them.
  const names = trace.tasks.map((t) => t.name);
  for (const n of ['soup', 'bread', 'pie']) assert.ok(names.includes(n), `task ${n} in ${names}`);
  // getTrace answers the same measured trace.
  await E.send({ type: 'getTrace', id: 'after' });
  const reply = await E.msg('trace', { id: 'after' });
  assert.deepEqual(prints(reply.trace, 'stdout').map((e) => e.text), got.map((e) => e.text));
  assertClean(E);
  await E.close();
});

// A coroutine object kept in a local variable and never awaited: CPython warns when main's frame
// lets go of it, from the frame below the task's step (asyncio's Handle._run in events.py), not
// from the program's line.
const UNAWAITED = `import asyncio


def label(n):
    return f"step {n}"


async def fetch():
    print("never printed")


async def main():
    pending = fetch()
    await asyncio.sleep(0.1)
    print(label(1))


asyncio.run(main())
`;

/** The warning's headline with the interpreter's own directory and line of an asyncio file left
 *  out (this machine's python3 and the worker's CPython 3.14 differ there), and the source line
 *  CPython prints under it. */
function warning(lines) {
  const i = lines.findIndex((l) => /RuntimeWarning: coroutine/.test(l));
  if (i < 0) return null;
  return {
    where: lines[i].replace(/^\S*\/(asyncio\/\w+\.py):\d+:/, '$1:'),
    line: lines[i + 1],
  };
}

test('a coroutine left in a local variable: the measured trace and the console warn where CPython does, on every run', { timeout: 400000 }, async () => {
  const { E, frame } = await embedProgram(UNAWAITED);
  const want = await python3(UNAWAITED);
  const wantWarn = warning(want.filter((l) => l[1] === 'stderr').map((l) => l[2]));
  assert.deepEqual(wantWarn, { where: "asyncio/events.py: RuntimeWarning: coroutine 'fetch' was never awaited",
    line: '  self._context.run(self._callback, *self._args)' }, 'what python3 prints');
  // The same worker runs it twice (warm): the second run must warn as a fresh python3 does.
  for (const n of [1, 2]) {
    const { trace, cancelled } = await run(E, n);
    assert.equal(cancelled, false, `run ${n}`);
    assert.deepEqual(prints(trace, 'stdout').map((e) => e.text), ['step 1'], `run ${n}: stdout`);
    // The warning is in the trace as CPython writes it (its stderr lines, by the task that let go).
    assert.deepEqual(warning(prints(trace, 'stderr').map((e) => e.text)), wantWarn, `run ${n}: the trace's stderr`);
    assert.ok(prints(trace, 'stderr').every((e) => e.task === 0), `run ${n}: written by main`);
    // What a person reads in the console: the warning's headline and its line, warning-toned.
    const lines = await frame.$$eval(tid('console-line'), (ls) => ls.map((l) => ({
      stream: l.dataset.stream || 'stdout', tone: l.dataset.tone || null,
      text: l.querySelector('[data-testid="console-text"]')?.textContent ?? '',
    })));
    const err = lines.filter((l) => l.stream === 'stderr');
    assert.deepEqual(warning(err.map((l) => l.text)), wantWarn, `run ${n}: the console`);
    assert.ok(err.filter((l) => /RuntimeWarning/.test(l.text)).every((l) => l.tone === 'warning'), `run ${n}: warning-toned`);
  }
  assertClean(E);
  await E.close();
});

// Never ends: CPython spins in a task (no await), so only the page can stop it, by terminating the
// worker once the run is past its 60 s of scenario time (60 s / speed of real time) + 20 s of slack.
const SPIN = `import asyncio


async def spin():
    print("spinning")
    while True:
        pass


async def main():
    await asyncio.gather(spin(), asyncio.sleep(1))


asyncio.run(main())
`;

test('a program that never ends: stopped past 60 s of scenario time + 20 s, the page answering all along; then a blocking wait past the limit; the next run works', { timeout: 400000 }, async () => {
  const SPEED = 4;
  const limitMs = 60000 / SPEED + 20000;
  const { E, frame } = await embedProgram(SPIN, { mode: 'concurrent', speed: SPEED });
  await E.send({ type: 'run' });
  await E.msg('runStarted', {}, BOOT_MS);
  // Python is loaded (its bar gone): the run is posted and the page's limit armed.
  await frame.waitForFunction(() => !document.querySelector('[data-testid="py-progress"]'), null, { timeout: BOOT_MS, polling: 100 });
  const t0 = Date.now();
  let finished = null;
  let slowest = 0;
  while (!finished) {
    assert.ok(Date.now() - t0 < limitMs + 30000, `still running ${Date.now() - t0} ms after Python started`);
    // The page answers at once while CPython spins in its worker.
    const a = Date.now();
    const state = await frame.evaluate(() => document.querySelector('[data-testid="app"]').dataset.runState);
    slowest = Math.max(slowest, Date.now() - a);
    finished = (await E.msgs()).find((m) => m.type === 'runFinished');
    if (!finished) assert.equal(state, 'running');
    else break;
    await frame.waitForTimeout(1000);
  }
  const took = Date.now() - t0;
  assert.ok(slowest < 3000, `the page took ${slowest} ms to answer`);
  assert.equal(finished.cancelled, true, 'the run is stopped, not finished');
  assert.ok(took >= 60000 / SPEED, `stopped after ${took} ms: before 60 s of scenario time`);
  assert.ok(took <= limitMs + 10000, `stopped after ${took} ms (limit ${limitMs} ms)`);
  const error = await frame.waitForSelector(tid('editor-error'));
  assert.equal(await error.getAttribute('data-kind'), 'limit');
  assert.equal(await error.textContent(), 'The run stopped: the program ran past the 60 s limit');
  await E.send({ type: 'set', lang: 'es' });
  await frame.waitForSelector(`${tid('app')}[data-lang="es"]`);
  assert.equal(await frame.textContent(tid('editor-error')), 'La ejecución se detuvo: el programa superó el límite de 60\u00a0s');
  await E.send({ type: 'set', lang: 'en' });
  await frame.waitForSelector(`${tid('app')}[data-lang="en"]`);
  assert.equal(await frame.getAttribute(tid('app'), 'data-run-state'), 'cancelled');

  // A blocking wait longer than the limit: the worker's own clock says so as soon as the ideal run
  // reaches it (its virtual clock jumps there), before any real waiting: as for the subset's
  // programs, a run planned past the limit is not run.
  const BLOCK = 'import asyncio\nimport time\n\n\nasync def main():\n    print("before")\n    time.sleep(1000)\n    print("after")\n\n\nif __name__ == "__main__":\n    asyncio.run(main())\n';
  await E.send({ type: 'load', scenario: 'custom', src: b64url(BLOCK), mode: 'concurrent', speed: SPEED });
  await E.probe();
  await frame.waitForSelector(tid('editor-python'));
  const blocked = await run(E, 2);
  assert.equal(blocked.cancelled, true);
  const why = await frame.waitForSelector(`${tid('editor-error')}[data-kind="limit"]`);
  // Said so: its console is empty because nothing ran for real.
  assert.equal(await why.textContent(), 'The run stopped: the program would run past 60 s of scenario time (its ideal run, on a virtual clock, got there first), so it was not run for real');
  assert.deepEqual(await frame.$$eval(tid('console-text'), (l) => l.map((x) => x.textContent)), []);
  await E.send({ type: 'set', lang: 'fr' });
  await frame.waitForSelector(`${tid('app')}[data-lang="fr"]`);
  assert.equal(await frame.textContent(tid('editor-error')), 'L’exécution s’est arrêtée\u00a0: le programme dépasserait 60\u00a0s de temps du scénario (son exécution idéale, sur une horloge virtuelle, y est arrivée d’abord)\u00a0: il n’a donc pas été exécuté pour de vrai');
  await E.send({ type: 'set', lang: 'en' });

  // The next program runs in a fresh worker.
  await E.send({ type: 'load', scenario: 'custom', src: b64url(KITCHEN), mode: 'concurrent', speed: SPEED });
  await E.probe();
  const next = await run(E, 3);
  assert.equal(next.cancelled, false);
  assert.deepEqual(prints(next.trace, 'stdout').map((e) => e.text).slice(0, 3), ['start soup', 'start bread', 'start pie']);
  assertClean(E);
  await E.close();
});
