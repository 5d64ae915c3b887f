// Teaching truth, end to end (QUALITY.md): for every catalog scenario, in every mode and in the
// Python and JS views, the page's console (its `console-text` lines, in order) must be exactly
// what the program shown in the page's `code` box prints when the real interpreter runs it —
// CPython (`python3 -`) for Python, Node for JS. The program is the text a student copies from
// the page; a small prelude only scales its waits down (asyncio's timers, `time.sleep`,
// `asyncio.timeout`; JS `setTimeout`, `AbortSignal.timeout` and the `Date.now` clock of busy
// loops), so it prints the
// same lines in the same order, ten times faster.
//
// Exemptions, as QUALITY.md asks:
// - worker lanes (`threads-vs-async` and `cpu-bound` in concurrent mode) run on real threads or
//   processes in parallel: no language orders prints made at the same instant on two threads.
//   There each task's own lines must come in order and every line must be there, but the
//   interleaving between tasks is not compared.
// - equal deadlines under CPython: its loop wakes from `epoll` rounded to whole milliseconds, so
//   in a rare run two "equal" deadlines resume apart; a program whose lines differ runs a second
//   time (a wrong console fails both).
// Python's `RuntimeWarning` for a coroutine never awaited goes to stderr: the page shows it as a
// warning line (`console-warn`), checked against CPython's stderr below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { start, tid, runAndWait, assertClean, tmpDir } from '../lib.mjs';

const IDS = ['hello', 'gather-fetch', 'background-task', 'timeout', 'breakfast', 'weather', 'weather-partial',
  'crawler', 'unequal-gather', 'threads-vs-async', 'blocking-mistake', 'cpu-bound', 'never-awaited',
  'sync-vs-async-call', 'event-loop-order', 'promise-combinators'];
// AP_TRUTH=id,id… runs only those scenarios (while working on one).
const ONLY = (process.env.AP_TRUTH || '').split(',').filter(Boolean);
const WORKERS = new Set(['threads-vs-async', 'cpu-bound']);
const SCALE = 0.1;

const PY_PRELUDE = `import asyncio as _ap_asyncio, asyncio.base_events as _ap_be, time as _ap_time
_AP_S = ${SCALE}
_ap_call_later = _ap_be.BaseEventLoop.call_later
_ap_be.BaseEventLoop.call_later = lambda self, d, cb, *a, **k: _ap_call_later(self, d * _AP_S, cb, *a, **k)
_ap_timeout = _ap_asyncio.timeout
_ap_asyncio.timeout = lambda d: _ap_timeout(None if d is None else d * _AP_S)
_ap_sleep = _ap_time.sleep
_ap_time.sleep = lambda d: _ap_sleep(d * _AP_S)
`;
const JS_PRELUDE = `const __apS = ${SCALE};
const __apSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (f, ms = 0, ...a) => __apSetTimeout(f, ms * __apS, ...a);
const __apNow = Date.now; const __ap0 = __apNow();
Date.now = () => __ap0 + (__apNow() - __ap0) / __apS;
const __apAbort = AbortSignal.timeout;
AbortSignal.timeout = (ms) => __apAbort.call(AbortSignal, ms * __apS);
`;

const dir = tmpDir('ap-truth-');
let n = 0;
function runReal(lang, code) {
  const r = lang === 'python'
    ? spawnSync('python3', ['-'], { input: PY_PRELUDE + code, encoding: 'utf8', timeout: 60000, env: { ...process.env, PYTHONUNBUFFERED: '' } })
    : (() => {
      const f = path.join(dir, `p${++n}.mjs`);
      fs.writeFileSync(f, JS_PRELUDE + code);
      return spawnSync(process.execPath, [f], { encoding: 'utf8', timeout: 60000 });
    })();
  assert.equal(r.status, 0, `${lang} exits 0\n--- stderr\n${r.stderr}\n--- program\n${code}`);
  return { out: r.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== ''), err: r.stderr };
}

/** CPython's stdout and stderr in one stream, unbuffered: where its warnings stand among the
 *  printed lines ('WARN ' + the warning, as the page's console shows it). */
function pythonMerged(code) {
  const f = path.join(dir, `merged${++n}.txt`);
  const fd = fs.openSync(f, 'w');
  const r = spawnSync('python3', ['-'], { input: PY_PRELUDE + code, stdio: ['pipe', fd, fd], timeout: 60000, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  fs.closeSync(fd);
  assert.equal(r.status, 0, 'python3 exits 0');
  return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '' && !/Enable tracemalloc/.test(l))
    .map((l) => l.replace(/^<stdin>:\d+: (RuntimeWarning: .*)$/, 'WARN $1'));
}

/** Lines grouped by the task that prints them (the text before the first colon). */
const byTask = (lines) => {
  const m = {};
  for (const l of lines) (m[l.split(':')[0]] ??= []).push(l);
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
};

function same(id, got, want) {
  if (!WORKERS.has(id)) return JSON.stringify(got) === JSON.stringify(want);
  return JSON.stringify([...got].sort()) === JSON.stringify([...want].sort())
    && JSON.stringify(byTask(got)) === JSON.stringify(byTask(want));
}

/** What the page shows: per program block, the console's printed lines and warning lines. */
async function pageConsole(page) {
  return page.$$eval('.ap-console-block', (blocks) => blocks.map((b) => ({
    mode: b.getAttribute('data-mode'),
    lines: [...b.querySelectorAll('[data-testid="console-text"]')].flatMap((e) => e.textContent.split('\n')),
    warns: [...b.querySelectorAll('[data-testid="console-warn"]')].map((e) => e.textContent),
    // Everything in order, warnings included, to check where a warning stands.
    all: [...b.querySelectorAll('[data-testid="console-text"], [data-testid="console-warn"]')]
      .map((e) => (e.dataset.testid === 'console-warn' ? 'WARN ' : '') + e.textContent),
  })));
}

/** The program of each block as the code box shows it (compare mode: one per program chip). */
async function pageCode(page, blocks) {
  if (blocks === 1) return [await page.textContent(tid('code'))];
  const chips = page.locator('.ap-code-programs button');
  const out = [];
  for (let i = 0; i < blocks; i++) {
    await chips.nth(i).click();
    await page.waitForSelector(`.ap-code-programs button:nth-child(${i + 1})[aria-pressed="true"]`);
    out.push(await page.textContent(tid('code')));
  }
  return out;
}

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

for (const lang of ['python', 'js']) {
  for (const id of IDS.filter((x) => !ONLY.length || ONLY.includes(x))) {
    test(`${id} · ${lang}: the console prints what ${lang === 'python' ? 'CPython' : 'Node'} prints, every mode`, { timeout: 240000 }, async () => {
      const failures = [];
      for (const mode of ['sequential', 'concurrent', 'compare']) {
        const P = await env.open(`scenario=${id}&mode=${mode}&code=${lang}&speed=4&lang=en`);
        const { page } = P;
        assert.equal(await runAndWait(page, { timeout: 120000 }), 'finished', `${id} ${mode} finishes`);
        const shown = await pageConsole(page);
        const codes = await pageCode(page, shown.length);
        for (let b = 0; b < shown.length; b++) {
          const tag = `${id} ${mode}${shown.length > 1 ? `/${shown[b].mode}` : ''} ${lang}`;
          let real = runReal(lang, codes[b]);
          if (!same(id, shown[b].lines, real.out)) real = runReal(lang, codes[b]);
          if (!same(id, shown[b].lines, real.out)) {
            failures.push(`${tag}:\n  page  ${JSON.stringify(shown[b].lines)}\n  real  ${JSON.stringify(real.out)}`);
          }
          // A coroutine never awaited: CPython's warning, as a warning line, right after the
          // line printed before the call (CPython warns when the coroutine object is dropped).
          const warned = (real.err.match(/RuntimeWarning: coroutine '[^']+' was never awaited/g) || []);
          if (lang === 'python') {
            if (JSON.stringify(shown[b].warns) !== JSON.stringify(warned)) {
              failures.push(`${tag}: warning lines ${JSON.stringify(shown[b].warns)}, CPython's stderr ${JSON.stringify(warned)}`);
            } else if (warned.length && !WORKERS.has(id)) {
              const merged = pythonMerged(codes[b]);
              if (JSON.stringify(shown[b].all) !== JSON.stringify(merged)) {
                failures.push(`${tag}: console with warnings ${JSON.stringify(shown[b].all)}, CPython's stdout+stderr ${JSON.stringify(merged)}`);
              }
            }
          } else if (shown[b].warns.length) {
            failures.push(`${tag}: warning lines ${JSON.stringify(shown[b].warns)}, but Node warns nothing`);
          }
        }
        assertClean(P);
        await P.close();
      }
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
}

// Colour means "which task": A, B and C of promise-combinators keep their colour across the four
// groups (all, race, allSettled, any), in the timeline's lanes and on the console's dots.
test('promise-combinators: a task keeps its colour in every group', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=promise-combinators&code=js&speed=4&lang=en');
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  const lanes = await page.$$eval(`${tid('lane')}`, (ls) => ls.map((l) => [l.dataset.task, getComputedStyle(l.querySelector('circle')).fill]));
  const dots = await page.$$eval(tid('console-line'), (ls) => ls.map((l) => [l.dataset.task, getComputedStyle(l.querySelector('.ap-dot')).backgroundColor]));
  for (const [what, pairs] of [['lane', lanes], ['console dot', dots]]) {
    const by = {};
    for (const [name, c] of pairs) (by[name] ??= new Set()).add(c);
    for (const name of ['A', 'B', 'C']) {
      assert.equal(by[name]?.size, 1, `${what} colours of ${name}: ${[...(by[name] || [])].join(', ')}`);
    }
    assert.equal(new Set(['A', 'B', 'C'].map((n) => [...by[n]][0])).size, 3, `${what}: A, B and C differ`);
  }
  assert.ok(lanes.filter(([n]) => n === 'A').length === 4, 'four A lanes');
  assertClean(P);
  await P.close();
});

// The Rust view of never-awaited: the future is never polled, so nothing is printed, and the
// console shows the warning rustc really gives when it compiles such a call (checked against
// the installed rustc when there is one).
test('never-awaited · rust: nothing printed by the lazy call, and rustc\'s warning', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=never-awaited&code=rust&speed=4&lang=en');
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  const [shown] = await pageConsole(page);
  assert.equal(shown.warns.length, 1, `one warning line: ${JSON.stringify(shown.all)}`);
  assert.equal(shown.all[1], shown.all.find((l) => l.startsWith('WARN ')), 'the warning stands where the call is');
  assert.equal(shown.lines.filter((l) => l === 'greet: hello').length, 1, 'only the awaited call prints');
  let first = 'warning: unused implementer of `Future` that must be used';
  const rs = path.join(dir, 'never.rs');
  fs.writeFileSync(rs, 'async fn greet() {}\nfn main() {\n    greet();\n}\n');
  const r = spawnSync('rustc', ['--edition', '2021', '--emit', 'metadata', '-o', path.join(dir, 'never.rmeta'), rs], { encoding: 'utf8' });
  if (!r.error) first = r.stderr.split('\n')[0];
  assert.ok(shown.warns[0].startsWith(first), `"${shown.warns[0]}" starts as rustc's "${first}"`);
  assertClean(P);
  await P.close();
});
