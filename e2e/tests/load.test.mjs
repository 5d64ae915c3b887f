// The app loads under its CSP, mounts, and leaves nothing alarming in the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, screenshot, assertClean } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

test('the app mounts with no console error, page error or CSP violation', { timeout: 60000 }, async () => {
  const P = await env.open('');
  const { page } = P;
  assert.equal(await page.getAttribute(tid('app'), 'data-run-state'), 'idle');
  // boot.js removes its loading line once the app has started.
  await page.waitForSelector('[data-boot]', { state: 'detached' });
  assert.equal(await page.$(tid('error-panel')), null, 'no error panel on a normal load');
  const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
  assert.ok(marks.includes('ap-module-start'), `boot.js marks ap-module-start (marks: ${marks.join(', ')})`);
  const lang = await page.getAttribute('html', 'lang');
  assert.match(lang ?? '', /^(en|fr|es)$/);
  await screenshot(page, 'load');
  assertClean(P);
  await P.close();
});

test('no inline script in the served page: everything runs from same-origin files', { timeout: 30000 }, async () => {
  const P = await env.open('');
  const scripts = await P.page.$$eval('script', (l) => l.map((s) => ({ src: s.getAttribute('src'), inline: s.textContent.trim().length })));
  for (const s of scripts) assert.ok(s.src && s.inline === 0, `inline or external script found: ${JSON.stringify(s)}`);
  const csp = await P.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.ok(csp && csp.includes("script-src 'self' 'wasm-unsafe-eval'"), `CSP meta present: ${csp}`);
  assertClean(P);
  await P.close();
});
