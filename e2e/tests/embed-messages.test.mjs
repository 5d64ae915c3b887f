// Issue 16 items 7 and 8: every inbound message that passes the source/version checks gets exactly
// one reply, whatever it holds (lone surrogates, deep nests, BigInt, cycles, structured-clone types);
// the size limit counts UTF-8 bytes; a storm of expensive loads is coalesced (the last wins, each
// replaced one is answered by the `state` that follows the last); a page that is not embedded obeys no message.
// Messages are built inside the host page (a lone surrogate or a BigInt cannot cross Playwright's
// serialisation intact), and replies are checked there too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const ENV = "{ source: 'async-playground', version: 1 }";

/** Posts the message that `build` (source text of a function returning the fields) makes in the
 *  host page; returns the replies carrying `id` (compared in the page with Object.is) that
 *  arrived before a later probe's reply — messages take effect in order, so that is all of them. */
async function repliesTo(E, build, id) {
  await E.clear();
  await E.page.evaluate(`window.__send(Object.assign(${ENV}, (${build})()))`);
  await E.probe();
  return E.page.evaluate(`(() => { const id = (${id})(); return window.__msgs
    .filter((m) => m && m.source === 'async-playground' && Object.is(m.id, id))
    .map((m) => ({ type: m.type, code: m.code, message: m.message, hasTrace: 'trace' in m || 'traces' in m })); })()`);
}

async function oneReply(E, build, id, what) {
  const replies = await repliesTo(E, build, id);
  assert.equal(replies.length, 1, `${what}: exactly one reply, got ${JSON.stringify(replies)}`);
  return replies[0];
}

let shared;
async function embedded() {
  if (!shared) {
    shared = await env.embed('embed=1&scenario=breakfast');
    await shared.msg('ready');
  }
  return shared;
}
after(async () => { if (shared) { assertClean(shared); await shared.close(); } });

test('getTrace with a lone surrogate in its id: the trace reply echoes that very id', { timeout: 60000 }, async () => {
  const E = await embedded();
  const r = await oneReply(E, "() => ({ type: 'getTrace', id: 'a\\uD800b' })", "() => 'a\\uD800b'", 'lone surrogate id');
  assert.equal(r.type, 'trace');
  assert.ok(r.hasTrace, 'the reply carries the trace field');
});

test('a lone surrogate in another field: still one reply', { timeout: 60000 }, async () => {
  const E = await embedded();
  const r = await oneReply(E, "() => ({ type: 'load', scenario: 'x\\uDFFF', id: 'sur-2' })", "() => 'sur-2'", 'surrogate scenario');
  assert.equal(r.type, 'error');
  assert.equal(r.code, 'unknown-scenario');
});

test('an extra field nested 200 deep: one reply (bad-message naming the field)', { timeout: 60000 }, async () => {
  const E = await embedded();
  const r = await oneReply(E, "() => { let d = {}; for (let i = 0; i < 200; i++) d = { d }; return { type: 'getTrace', id: 'deep', extra: d }; }",
    "() => 'deep'", 'deep nest');
  assert.equal(r.type, 'error');
  assert.equal(r.code, 'bad-message');
  assert.match(r.message, /extra/);
});

test('a BigInt field: one reply', { timeout: 60000 }, async () => {
  const E = await embedded();
  const r = await oneReply(E, "() => ({ type: 'getTrace', id: 'big', n: 10n ** 30n })", "() => 'big'", 'BigInt');
  assert.equal(r.type, 'error');
  assert.equal(r.code, 'bad-message');
  assert.match(r.message, /BigInt/);
});

test('a cyclic object: one reply', { timeout: 60000 }, async () => {
  const E = await embedded();
  const r = await oneReply(E, "() => { const o = { a: 1 }; o.self = o; return { type: 'getTrace', id: 'cycle', o }; }", "() => 'cycle'", 'cycle');
  assert.equal(r.type, 'error');
  assert.equal(r.code, 'bad-message');
  assert.match(r.message, /cycle/);
});

for (const [name, expr] of [
  ['Map', 'new Map([[1, 2]])'], ['Set', 'new Set([1])'], ['Date', 'new Date(0)'],
  ['Uint8Array', 'new Uint8Array(4)'], ['Float64Array', 'new Float64Array(2)'], ['ArrayBuffer', 'new ArrayBuffer(8)'],
  ['RegExp', '/x/g'], ['Error', "new Error('e')"],
]) {
  test(`a ${name} field: one reply, bad-message naming the field`, { timeout: 60000 }, async () => {
    const E = await embedded();
    const r = await oneReply(E, `() => ({ type: 'getTrace', id: 'sc-${name}', field: ${expr} })`, `() => 'sc-${name}'`, name);
    assert.equal(r.type, 'error', `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.code, 'bad-message');
    assert.match(r.message, /field/);
  });
}

test('a BigInt id is echoed as sent', { timeout: 60000 }, async () => {
  const E = await embedded();
  const r = await oneReply(E, "() => ({ type: 'getTrace', id: 7n })", '() => 7n', 'BigInt id');
  assert.equal(r.type, 'error');
});

/** A `load` of crawler whose JSON text has exactly `bytes` UTF-8 bytes, padded with `unit`. */
const sized = (bytes, unit, unitBytes) => `() => {
  const m = Object.assign(${ENV}, { type: 'load', scenario: 'crawler', pad: '' });
  const base = new TextEncoder().encode(JSON.stringify(m)).length;
  const n = Math.floor((${bytes} - base) / ${unitBytes});
  m.pad = ${JSON.stringify(unit)}.repeat(n) + 'x'.repeat(${bytes} - base - n * ${unitBytes});
  if (new TextEncoder().encode(JSON.stringify(m)).length !== ${bytes}) throw new Error('size');
  return m;
}`;

async function sizeCase(E, build) {
  await E.clear();
  await E.page.evaluate(`window.__send((${build})())`);
  const before = await E.probe();
  return { replies: before.filter((m) => m.type === 'state' || m.type === 'error'), scenario: await E.frame().getAttribute(tid('app'), 'data-scenario') };
}

test('size limit in UTF-8 bytes: 65,535 accepted, 65,536 refused', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1&scenario=breakfast');
  await E.msg('ready');
  const over = await sizeCase(E, sized(65536, 'x', 1));
  assert.equal(over.scenario, 'breakfast', '65,536 bytes must be refused');
  assert.deepEqual(over.replies, [], '65,536 bytes: ignored silently');
  const under = await sizeCase(E, sized(65535, 'x', 1));
  assert.equal(under.scenario, 'crawler', '65,535 bytes are accepted');
  assertClean(E);
  await E.close();
});

test('31,000 emoji (124 KB of UTF-8, 62,000 UTF-16 units) are refused', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1&scenario=breakfast');
  await E.msg('ready');
  const r = await sizeCase(E, `() => Object.assign(${ENV}, { type: 'load', scenario: 'crawler', pad: '😀'.repeat(31000) })`);
  assert.equal(r.scenario, 'breakfast');
  assert.deepEqual(r.replies, []);
  // Below the limit in bytes, the same emoji pass: 16,000 × 4 bytes.
  const ok = await sizeCase(E, sized(65000, '😀', 4));
  assert.equal(ok.scenario, 'crawler');
  assertClean(E);
  await E.close();
});

test('1,000 loads of crawler count=10000: coalesced, each answered once, the page stays responsive', { timeout: 240000 }, async () => {
  const E = await env.embed('embed=1&scenario=breakfast');
  await E.msg('ready');
  await E.clear();
  await E.page.evaluate(`(() => { for (let i = 0; i < 1000; i++) window.__send(Object.assign(${ENV}, { type: 'load', scenario: 'crawler', count: 10000, mode: 'concurrent', id: i })); })()`);
  // Every load is answered by a `state` message carrying its id, showing what the page then
  // shows: the crawler. Applied one by one, 1,000 loads of 10,000 lanes take minutes; coalesced,
  // the last answer comes within a minute even on a loaded 2-core machine.
  const began = Date.now();
  const last = await E.msg('state', { id: 999 }, 60000);
  assert.equal(last.scenario, 'crawler');
  assert.ok(Date.now() - began < 60000, `answered in ${Date.now() - began} ms`);
  await E.probe(60000);
  const replies = (await E.msgs()).filter((m) => typeof m.id === 'number');
  const byId = new Map();
  for (const m of replies) byId.set(m.id, [...(byId.get(m.id) || []), m]);
  for (let i = 0; i < 1000; i++) {
    const got = byId.get(i) || [];
    assert.equal(got.length, 1, `load #${i}: exactly one reply, got ${JSON.stringify(got.map((m) => m.type + ':' + (m.code || '')))}`);
    const [m] = got;
    assert.equal(m.type, 'state', `load #${i}: ${m.type} ${m.code || ''}`);
    assert.equal(m.scenario, 'crawler', `load #${i}`);
  }
  const frame = E.frame();
  await frame.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('data-lanes')) >= 10000, null, { timeout: 60000 });
  assertClean(E);
  await E.close();
});

test('a page that is not embedded ignores messages it posts to itself', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast');
  const handled = await P.page.evaluate(() => new Promise((resolve) => {
    // Listeners run in the order they were added: the app's ran before this one.
    addEventListener('message', () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))), { once: true });
    window.postMessage({ source: 'async-playground', version: 1, type: 'load', scenario: 'crawler' }, '*');
  }));
  assert.equal(handled, true);
  assert.equal(await P.page.getAttribute(tid('app'), 'data-scenario'), 'breakfast', 'a self-posted load was obeyed');
  assertClean(P);
  await P.close();
});
