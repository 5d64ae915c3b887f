// PENDING (not run by e2e/run.mjs yet): on main at 12:20 the engine's real-clock wait never resumes
// (a bare worker prints up to its first asyncio.sleep, then nothing: run_sync on wait_ms in
// static/py/tracer.py). Move this file to e2e/tests/ once that works; it needs no other change.
// Issue 12: real asyncio programs beyond the editor's subset run on real CPython (Pyodide, in a
// worker). Each program of tests/fixtures/python/ is pasted into the editor and run; its console
// must equal what this machine's python3 prints (computed here, by e2e/py/reference.py): same
// lines, same order, each line's time within tolerance; the timeline has a lane per task.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { start, tid, assertClean, runAndWait, ROOT, screenshot, axe } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const DIR = path.join(ROOT, 'tests', 'fixtures', 'python');
const PROGRAMS = fs.readdirSync(DIR).filter((f) => f.endsWith('.py')).sort();
const SPEED = 2;
// 25 ms + 2 % of CPython's time (the bound), widened for a loaded 2-core machine: the
// page runs at SPEED, so a real delay of d ms reads as d × SPEED in scenario time.
const tolerance = (t) => (25 + 0.02 * t) * SPEED + 60;

const cpython = (file) => JSON.parse(execFileSync('python3', [path.join(ROOT, 'e2e', 'py', 'reference.py'), file],
  { cwd: DIR, encoding: 'utf8', timeout: 60000 }));
const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');

async function consoleLines(page) {
  return page.$$eval('[data-testid="console-line"]', (ls) => ls.map((l) => ({
    t: Number(l.getAttribute('data-t')),
    task: l.getAttribute('data-task'),
    text: l.querySelector('[data-testid="console-text"]')?.textContent ?? '',
  })));
}

test(`${PROGRAMS.length} real programs print what CPython prints, in its order, at its times`, { timeout: 900000 }, async () => {
  assert.ok(PROGRAMS.length >= 25, `only ${PROGRAMS.length} programs`);
  const P = await env.newPage();
  const { page } = P;
  let onCpython = 0;
  for (const file of PROGRAMS) {
    const src = fs.readFileSync(path.join(DIR, file), 'utf8');
    const want = cpython(file);
    await page.goto(`${env.url}/?scenario=custom&mode=concurrent&speed=${SPEED}&src=${b64url(src)}`);
    await page.waitForSelector(tid('editor-text'));
    const python = !!(await page.$(tid('editor-python')));
    if (python) {
      onCpython += 1;
      // The Python tab holds the program exactly as pasted.
      assert.equal(await page.textContent(tid('code')), src, `${file}: code tab`);
    }
    assert.equal(await runAndWait(page, { timeout: 120000 }), 'finished', `${file}: run state`);
    const got = await consoleLines(page);
    const stdout = want.filter((l) => l.stream === 'stdout');
    const stderr = want.filter((l) => l.stream === 'stderr');
    if (stderr.length === 0) {
      assert.deepEqual(got.map((l) => l.text), want.map((l) => l.text), `${file}: console text and order`);
      for (let i = 0; i < want.length; i++) {
        const d = Math.abs(got[i].t - want[i].t);
        assert.ok(d <= tolerance(want[i].t), `${file}: line ${i + 1} "${want[i].text}" at ${got[i].t} ms, CPython ${want[i].t.toFixed(1)} ms`);
      }
    } else {
      // A traceback: stdout as printed, then CPython's traceback on stderr ending with the same
      // exception line (its frames name this machine's paths and asyncio's own files).
      assert.deepEqual(got.slice(0, stdout.length).map((l) => l.text), stdout.map((l) => l.text), `${file}: stdout`);
      assert.equal(got.at(-1)?.text, stderr.at(-1).text, `${file}: the exception line`);
      assert.ok(got.some((l) => l.text === 'Traceback (most recent call last):'), `${file}: traceback`);
    }
    // A lane per task of the measured trace.
    const tasks = await page.evaluate(() => document.querySelectorAll('[data-testid="lane"]').length);
    const names = new Set(got.map((l) => l.task));
    assert.ok(tasks >= names.size, `${file}: ${tasks} lanes for ${names.size} printing tasks`);
  }
  assert.ok(onCpython >= 20, `only ${onCpython} programs went to CPython`);
  assertClean(P);
  await P.close();
});
