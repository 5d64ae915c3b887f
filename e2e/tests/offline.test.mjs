// Offline after one visit (PRODUCT.md F15): once the service worker has cached the shell, the page
// loads and mounts with its host gone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean, screenshot } from '../lib.mjs';

let env;
after(async () => { await env?.close(); });

test('after one visit the app loads with the host unreachable', { timeout: 60000 }, async () => {
  env = await start();
  const P = await env.open('scenario=crawler');
  const { page } = P;
  // Wait until the worker controls the page and holds the wasm: events, not time.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async () => !!(await caches.match('./async-playground_bg.wasm')) && !!(await caches.match('./')),
    null, { polling: 100, timeout: 20000 });
  await env.app.close(); // the host is gone
  await page.goto(`${env.app.url}/?scenario=weather&lang=fr`);
  await page.waitForSelector(tid('app'));
  assert.equal(await page.getAttribute(tid('app'), 'data-scenario'), 'weather', 'the URL still picks the scenario offline');
  await screenshot(page, 'offline');
  // Lessons or other files not visited yet may be missing offline: only the app's health counts.
  assert.equal(await page.$(tid('error-panel')), null, 'no error panel offline');
  assertClean(P, { allow: [/Failed to load resource|ERR_CONNECTION_REFUSED|net::/] });
  await P.close();
});
