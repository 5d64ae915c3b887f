// Drives the Python worker (dist/py/worker.js) from a page of the app, as the page's bridge does:
// a module worker from a blob: URL that imports /py/worker.js, under the page's own CSP.
// Used by e2e/tests/python-engine.test.mjs; reusable by other e2e tests.
//   const W = await pyWorker(page); await W.boot(); const msgs = await W.run(src, { speed: 2 });
//   W.terminate(); W.all() (every message so far, progress included)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './lib.mjs';

export const PY_FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'python');
const TERMINAL = ['done', 'error', 'analysis', 'syntax-error'];

export async function pyWorker(page, { name = 'w' } = {}) {
  await page.evaluate((name) => {
    window.__py = window.__py || {};
    const blob = new Blob([`import "${new URL('py/worker.js', document.baseURI).href}";`], { type: 'text/javascript' });
    const url = URL.createObjectURL(blob);
    const w = new Worker(url, { type: 'module' });
    const rec = { w, msgs: [], waiters: [] };
    w.onmessage = (e) => {
      rec.msgs.push(e.data);
      rec.waiters = rec.waiters.filter((f) => !f(e.data));
    };
    w.onerror = (e) => { rec.msgs.push({ type: 'worker-error', message: String(e.message) }); rec.waiters = rec.waiters.filter((f) => !f({ type: 'worker-error' })); };
    window.__py[name] = rec;
  }, name);

  /** Posts `msg` and resolves with the messages (progress left out) up to the first whose type is
   *  in `types` (and whose id is `id`, when given). No eval: the page's CSP forbids it. */
  const request = (msg, { types, id = null }, timeout) => page.evaluate(([name, msg, types, id, timeout]) => new Promise((resolve, reject) => {
    const rec = window.__py[name];
    const from = rec.msgs.length;
    const timer = setTimeout(() => reject(new Error(`no answer to ${msg.type} within ${timeout} ms; got ${JSON.stringify(rec.msgs.slice(from).map((m) => m.type))}`)), timeout);
    rec.waiters.push((m) => {
      if (m.type === 'worker-error' || (types.includes(m.type) && (id === null || m.id === id))) {
        clearTimeout(timer);
        resolve(rec.msgs.slice(from).filter((x) => x.type !== 'progress'));
        return true;
      }
      return false;
    });
    rec.w.postMessage(msg);
  }), [name, msg, types, id, timeout]);

  let ids = 0;
  const W = {
    boot: (timeout = 180000) => request({ type: 'boot' }, { types: ['booted', 'error'] }, timeout),
    run: (src, { variant = 'as-written', speed = 1, limit_ms = 60000, timeout = 180000 } = {}) => {
      const id = ++ids;
      return request({ type: 'run', id, src, variant, speed, limit_ms }, { types: TERMINAL, id }, timeout);
    },
    analyze: (src, timeout = 180000) => {
      const id = ++ids;
      return request({ type: 'analyze', id, src }, { types: TERMINAL, id }, timeout);
    },
  /** Posts without waiting (e.g. a program that never ends). */
    post: (msg) => page.evaluate(([name, msg]) => window.__py[name].w.postMessage(msg), [name, msg]),
    all: () => page.evaluate((name) => window.__py[name].msgs, name),
    terminate: () => page.evaluate((name) => window.__py[name].w.terminate(), name),
    nextId: () => ++ids,
  };
  return W;
}

/** The program run by this machine's python3: [[t_ms, stream, text], …] (tests/python/cpython_run.py). */
export function cpython(file) {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', [path.join(ROOT, 'tests', 'python', 'cpython_run.py'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => {
      try { resolve(JSON.parse(out)); } catch { reject(new Error(`python3 ${file}: exit ${code}: ${err.slice(0, 500)}`)); }
    });
  });
}

/** Same text, where decimal numbers (printed timings) may differ within `tolMs` (+ 2 %) or their
 *  own last digit. */
export function sameLine(got, want, tolMs) {
  if (got === want) return true;
  const num = /-?\d+\.\d+/g;
  if (got.replace(num, '#') !== want.replace(num, '#')) return false;
  const a = got.match(num) || [];
  const b = want.match(num) || [];
  return a.length === b.length && a.every((x, i) => {
    const step = 10 ** -(b[i].split('.')[1].length);
    return Math.abs(Number(x) - Number(b[i])) <= Math.max(step, tolMs / 1000 + 0.02 * Math.abs(Number(b[i])));
  });
}

const norm = (s) => s.replace(/(?:\/[^\s"']*)?\bprogram\.py\b/g, 'program.py');
/** stderr lines a reader compares: not the frame lines (indented), which name asyncio's files
 *  (this machine's python3 and the worker's CPython differ there), and program.py by its name. */
export const headline = (lines) => lines.filter((l) => !/^\s/.test(l)).map(norm);
