// The page's own defences and how it behaves on real hosts: the exact CSP, no inline script, no
// request to another origin, the headers the README recommends, sandboxed iframes, a missing .wasm.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, tid, DIST, assertClean, screenshot } from '../lib.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
  + "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'";

const envs = [];
async function env(opts) { const e = await start(opts); envs.push(e); return e; }
after(async () => { for (const e of envs) await e.close(); });

test('dist/index.html: exact CSP meta, no inline script, empty icon, a language', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const meta = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  assert.ok(meta, 'CSP meta tag present');
  assert.equal(meta[1], CSP, 'CSP is exactly QUALITY.md\'s policy');
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    assert.match(m[1], /\bsrc=/, `script without src: ${m[0].slice(0, 80)}`);
    assert.equal(m[2].trim(), '', `inline script body: ${m[0].slice(0, 80)}`);
  }
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler attributes');
  assert.match(html, /<link rel="icon" href="data:,">/);
  assert.match(html, /<html lang="[a-z]{2}">/);
});

test('every request stays on the page\'s origin; clean under the recommended host headers', { timeout: 60000 }, async () => {
  const e = await env({
    distHeaders: {
      'content-security-policy': 'frame-ancestors *',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
  const P = await e.newPage();
  const foreign = [];
  P.page.on('request', (r) => { const u = r.url(); if (!u.startsWith(e.app.url) && !u.startsWith('data:')) foreign.push(u); });
  await P.page.goto(e.app.url + '/');
  await P.page.waitForSelector(tid('app'));
  await P.page.waitForLoadState('networkidle');
  assert.deepEqual(foreign, [], 'requests to another origin');
  assertClean(P);
  await P.close();
});

test('frame-ancestors naming the course page: the embed still works', { timeout: 60000 }, async () => {
  // The host origin is only known once its server runs: allow any 127.0.0.1 port.
  const e = await env({ distHeaders: { 'content-security-policy': 'frame-ancestors http://127.0.0.1:*' } });
  const E = await e.embed('embed=1');
  await E.msg('ready');
  assertClean(E);
  await E.close();
});

for (const sandbox of ['allow-scripts allow-same-origin', 'allow-scripts']) {
  test(`sandbox="${sandbox}": ready, runs, no crash (storage may be blocked)`, { timeout: 60000 }, async () => {
    const e = envs[0] || await env();
    const E = await e.embed('embed=1&scenario=hello', { sandbox });
    await E.msg('ready');
    await E.send({ type: 'load', scenario: 'gather-fetch', mode: 'concurrent', ms: 100 });
    await E.send({ type: 'run' });
    const s = await E.msg('runStarted');
    const f = await E.msg('runFinished', { runId: s.runId });
    assert.equal(f.cancelled, false);
    const msgs = await E.msgs();
    assert.deepEqual(msgs.filter((m) => m.type === 'error'), [], 'no error message');
    assert.equal(await E.frame().$(tid('error-panel')), null, 'no error panel');
    await screenshot(E.page, `sandbox-${sandbox.replace(/\s+/g, '_')}`);
    assertClean(E);
    await E.close();
  });
}

test('a missing .wasm: the page says it could not load (plain text), the host hears of it', { timeout: 60000 }, async () => {
  const e = await env({ block: (p) => p.endsWith('.wasm') });
  const P = await e.open('', { wait: false });
  const panel = await P.page.waitForSelector(tid('error-panel'));
  assert.equal(await panel.getAttribute('role'), 'alert');
  assert.match(await panel.textContent(), /could not load/i);
  await screenshot(P.page, 'missing-wasm');
  assert.deepEqual(P.csp, [], 'no CSP violation');
  await P.close();

  const E = await e.embed('embed=1');
  const err = await E.msg('error', { code: 'crash' });
  assert.match(err.message, /could not load/i);
  await E.close();
});

test('?panic=1 on the main page: error panel with Reload; the page is never blank', { timeout: 60000 }, async () => {
  const e = envs[0] || await env();
  const P = await e.open('panic=1', { wait: false });
  const panel = await P.page.waitForSelector(tid('error-panel'));
  assert.equal(await panel.getAttribute('role'), 'alert');
  assert.ok(await panel.$('button'), 'a Reload button');
  assert.ok(P.consoleErrors.length > 0, 'the panic is logged with console.error');
  assert.deepEqual(P.csp, [], 'no CSP violation');
  await screenshot(P.page, 'panic');
  await P.close();
});
