// The embed API v1 (EMBEDDING.md), as a course page on another origin uses it: the playground in
// an <iframe>, driven only by postMessage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean, screenshot } from '../lib.mjs';

const CATALOG = ['hello', 'gather-fetch', 'background-task', 'timeout', 'breakfast', 'weather', 'weather-partial', 'crawler',
  'unequal-gather', 'threads-vs-async', 'blocking-mistake', 'cpu-bound', 'never-awaited', 'sync-vs-async-call',
  'event-loop-order', 'promise-combinators'];

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** load + run through the API; resolves with the runFinished message of that run. */
async function runVia(E, load, timeout = 30000) {
  await E.clear();
  await E.send({ type: 'load', ...load });
  await E.send({ type: 'run' });
  const started = await E.msg('runStarted', {}, timeout);
  assert.equal(typeof started.runId, 'number', 'runStarted carries a numeric runId');
  return E.msg('runFinished', { runId: started.runId }, timeout);
}

async function planOf(E) {
  const id = `plan-${Date.now()}-${Math.random()}`;
  await E.send({ type: 'getPlan', id });
  return E.msg('plan', { id });
}

const steps = (tr) => tr.events.map((e) => `${e.task}:${e.kind}`);

/** Measured trace against the ideal one: same (task, kind) sequence, each event within
 *  50 ms + 2 % of its ideal time (QUALITY.md's correctness tolerance), total likewise. */
function matchesPlan(measured, ideal, label) {
  assert.equal(measured.format, 'async-playground-trace', `${label}: format`);
  assert.equal(measured.clock, 'browser', `${label}: measured clock`);
  assert.equal(ideal.clock, 'ideal', `${label}: plan clock`);
  assert.deepEqual(steps(measured), steps(ideal), `${label}: event order differs from the plan`);
  const tol = (ms) => 50 + ms * 0.02;
  measured.events.forEach((e, i) => {
    const want = ideal.events[i].t;
    assert.ok(Math.abs(e.t - want) <= tol(want), `${label}: event #${i} ${e.task}:${e.kind} at ${e.t} ms, ideal ${want} ms`);
  });
  assert.ok(Math.abs(measured.total_ms - ideal.total_ms) <= tol(ideal.total_ms),
    `${label}: total ${measured.total_ms} ms, ideal ${ideal.total_ms} ms`);
}

test('ready lists every scenario and language; resize reports the height', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1');
  const ready = await E.msg('ready');
  assert.equal(ready.version, 1);
  for (const id of CATALOG) assert.ok(ready.scenarios?.includes(id), `ready.scenarios lacks ${id}: ${JSON.stringify(ready.scenarios)}`);
  assert.deepEqual([...(ready.langs || [])].sort(), ['en', 'es', 'fr']);
  const resize = await E.msg('resize');
  assert.ok(typeof resize.height === 'number' && resize.height > 0, `resize.height = ${resize.height}`);
  await E.clear();
  await E.send({ type: 'hello' });
  const again = await E.msg('ready');
  assert.deepEqual(again.scenarios, ready.scenarios, 'hello answers the same ready');
  await screenshot(E.page, 'embed-ready');
  assertClean(E);
  await E.close();
});

test('breakfast concurrent and sequential: plan order, ≈2000 / ≈4000 ms', { timeout: 90000 }, async () => {
  const E = await env.embed('embed=1&scenario=breakfast');
  await E.msg('ready');
  for (const [mode, total] of [['concurrent', 2000], ['sequential', 4000]]) {
    const fin = await runVia(E, { scenario: 'breakfast', mode });
    assert.equal(fin.cancelled, false);
    assert.ok(fin.trace, `${mode}: runFinished carries a trace`);
    assert.equal(fin.trace.scenario, 'breakfast');
    assert.equal(fin.trace.mode, mode);
    const plan = await planOf(E);
    assert.ok(plan.trace, `${mode}: plan carries a trace`);
    assert.equal(plan.trace.total_ms, total, `${mode}: ideal total`);
    matchesPlan(fin.trace, plan.trace, `breakfast/${mode}`);
    // getTrace returns the same last run
    const id = `t-${mode}`;
    await E.send({ type: 'getTrace', id });
    const tr = await E.msg('trace', { id });
    assert.equal(tr.trace?.total_ms, fin.trace.total_ms, `${mode}: getTrace returns the last run`);
  }
  assertClean(E);
  await E.close();
});

test('compare mode: one run, one runFinished with both traces on one clock', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1');
  await E.msg('ready');
  const fin = await runVia(E, { scenario: 'breakfast', mode: 'compare' });
  assert.ok(fin.traces?.sequential && fin.traces?.concurrent, 'runFinished.traces has both modes');
  const plan = await planOf(E);
  assert.ok(plan.traces?.sequential && plan.traces?.concurrent, 'plan.traces has both modes');
  matchesPlan(fin.traces.concurrent, plan.traces.concurrent, 'compare/concurrent');
  matchesPlan(fin.traces.sequential, plan.traces.sequential, 'compare/sequential');
  const finished = (await E.msgs()).filter((m) => m.type === 'runFinished');
  assert.equal(finished.length, 1, 'exactly one runFinished per run');
  assertClean(E);
  await E.close();
});

test('stop cancels a run; run during a run replaces it', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1');
  await E.msg('ready');
  await E.clear();
  await E.send({ type: 'load', scenario: 'crawler', mode: 'concurrent' });
  await E.send({ type: 'run' });
  const s1 = await E.msg('runStarted');
  await E.send({ type: 'stop' });
  const f1 = await E.msg('runFinished', { runId: s1.runId });
  assert.equal(f1.cancelled, true, 'stopped run reports cancelled');
  await E.clear();
  await E.send({ type: 'run' });
  const s2 = await E.msg('runStarted');
  await E.send({ type: 'run' });
  const f2 = await E.msg('runFinished', { runId: s2.runId });
  assert.equal(f2.cancelled, true, 'the replaced run reports cancelled');
  const s3 = await E.page.waitForFunction((id) => window.__msgs.find((m) => m && m.type === 'runStarted' && m.runId !== id), s2.runId)
    .then((h) => h.jsonValue());
  await E.send({ type: 'stop' });
  const f3 = await E.msg('runFinished', { runId: s3.runId });
  assert.equal(f3.cancelled, true);
  assertClean(E);
  await E.close();
});

test('hostile messages are ignored, or answered with an error; nothing is polluted or injected', { timeout: 90000 }, async () => {
  const E = await env.embed('embed=1&scenario=breakfast');
  await E.msg('ready');
  const frame = E.frame();
  const scenarioNow = () => frame.getAttribute(tid('app'), 'data-scenario');

  // Ignored outright: wrong sender, wrong envelope, too big, not a plain object.
  const ignored = [
    ['from a sibling frame', () => E.sendFromOther({ source: 'async-playground', version: 1, type: 'load', scenario: 'crawler' })],
    ['from the playground itself', () => frame.evaluate(() => window.postMessage({ source: 'async-playground', version: 1, type: 'load', scenario: 'crawler' }, '*'))],
    ['wrong source field', () => E.sendRaw({ source: 'evil', version: 1, type: 'load', scenario: 'crawler' })],
    ['wrong version', () => E.sendRaw({ source: 'async-playground', version: 2, type: 'load', scenario: 'crawler' })],
    ['version as a string', () => E.sendRaw({ source: 'async-playground', version: '1', type: 'load', scenario: 'crawler' })],
    ['over 64 KiB', () => E.send({ type: 'load', scenario: 'crawler', pad: 'x'.repeat(70 * 1024) })],
    ['an array', () => E.sendRaw(['async-playground', 1, 'load'])],
    ['a string', () => E.sendRaw('{"source":"async-playground","version":1,"type":"load","scenario":"crawler"}')],
    ['null', () => E.sendRaw(null)],
    ['a number', () => E.sendRaw(42)],
  ];
  for (const [what, send] of ignored) {
    await E.clear();
    await send();
    const before = await E.probe();
    assert.deepEqual(before.filter((m) => m.type === 'error' || m.type === 'runStarted'), [], `${what}: must be ignored silently`);
    assert.equal(await scenarioNow(), 'breakfast', `${what}: nothing changed`);
  }

  // Right envelope, wrong content: an `error` reply with the right code (and the asking id).
  const invalid = [
    [{ type: 42, id: 'a' }, ['bad-message']],
    [{ type: 'frobnicate', id: 'b' }, ['bad-message']],
    [{ type: 'load', scenario: 42, id: 'c' }, ['bad-message']],
    [{ type: 'load', scenario: 'no-such-scenario', id: 'd' }, ['unknown-scenario']],
    [{ type: 'load', scenario: '<img src=x onerror="window.__pwned=1">', id: 'e' }, ['unknown-scenario']],
    [{ type: 'load', scenario: 'crawler', count: 1e7, id: 'f' }, ['bad-param']],
    [{ type: 'load', scenario: 'crawler', limit: -1, id: 'g' }, ['bad-param']],
    [{ type: 'set', speed: { valueOf: 1 }, id: 'h' }, ['bad-message', 'bad-param']],
    [{ type: 'set', lang: 'xx', id: 'i' }, ['bad-param']],
  ];
  for (const [m, codes] of invalid) {
    await E.clear();
    await E.send(m);
    const err = await E.msg('error', { id: m.id });
    assert.ok(codes.includes(err.code), `${JSON.stringify(m).slice(0, 80)} → error code ${err.code}, want ${codes.join('|')}`);
    assert.equal(typeof err.message, 'string');
    if (err.code === 'bad-param') assert.match(err.message, /count|limit|speed|lang/, 'bad-param names the parameter');
    assert.equal(await scenarioNow(), 'breakfast', `${m.type}: nothing changed`);
  }

  // Prototype-pollution keys: JSON.parse makes "__proto__" an own property, which survives
  // structured cloning. Whatever the app answers, Object.prototype must stay clean.
  for (const raw of [
    '{"source":"async-playground","version":1,"type":"load","scenario":"crawler","__proto__":{"polluted":"yes"}}',
    '{"source":"async-playground","version":1,"type":"set","constructor":{"prototype":{"polluted":"yes"}}}',
    '{"source":"async-playground","version":1,"type":"load","scenario":"breakfast","params":{"__proto__":{"polluted":"yes"}}}',
  ]) {
    await E.clear();
    await E.page.evaluate((raw) => window.__send(JSON.parse(raw)), raw);
    const before = await E.probe();
    for (const m of before.filter((x) => x.type === 'error')) assert.ok(['bad-message', 'bad-param'].includes(m.code), `pollution attempt → ${m.code}`);
  }
  const polluted = await frame.evaluate(() => ({}).polluted !== undefined || Object.prototype.polluted !== undefined);
  assert.equal(polluted, false, 'Object.prototype polluted');
  const injected = await frame.evaluate(() => window.__pwned === 1 || !!document.querySelector('img[src="x"]'));
  assert.equal(injected, false, 'a message was inserted as HTML');

  // Still alive and obedient after all that.
  await E.clear();
  await E.send({ type: 'hello' });
  await E.msg('ready');
  assertClean(E);
  await E.close();
});

test('?panic=1: error panel with Reload, console.error, and an error message with code crash', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1&panic=1');
  const err = await E.msg('error', { code: 'crash' });
  assert.equal(typeof err.message, 'string');
  const frame = E.frame();
  const panel = await frame.waitForSelector(tid('error-panel'));
  assert.equal(await panel.getAttribute('role'), 'alert');
  await screenshot(E.page, 'embed-panic');
  assert.ok(E.consoleErrors.length > 0, 'the crash is logged with console.error');
  assert.deepEqual(E.csp, [], 'no CSP violation');
  // Reload reloads the page's current URL (scenario, language and settings come back; the app may
  // have dropped the one-shot panic hook from it): a fresh `ready` proves the reload.
  await E.clear();
  await (await panel.$('button')).click();
  await E.msg('ready');
  assert.equal(await E.frame().getAttribute(tid('app'), 'data-scenario'), 'breakfast');
  await E.close();
});
