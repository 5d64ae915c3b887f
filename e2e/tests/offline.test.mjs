// Offline after one visit (PRODUCT.md F15): once the service worker has cached the shell, the page
// loads and mounts with its host gone; static/sw.js answers with the shell only the app's own page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, tid, assertClean, screenshot, serveDist, launch, tmpDir, DIST } from '../lib.mjs';

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

// The app shell answers only the app's own page: a text file of the site opened as a page, then
// the host gone, must not turn the next app visit into that text file (nor any other URL into
// the app). Each file offline is its own cached copy.
async function ownSite(files = {}) {
  const root = tmpDir('ap-sw-');
  fs.cpSync(DIST, root, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  const srv = await serveDist({ root });
  const browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  const close = async () => { await browser.close().catch(() => {}); await srv.close().catch(() => {}); };
  return { root, srv, page, problems, close };
}
const cached = (page, url) => page.waitForFunction(async (u) => !!(await caches.match(u)), url, { polling: 100, timeout: 20000 });
const bodyText = (page) => page.evaluate(() => document.body?.innerText ?? '');

test('offline after visiting other same-origin pages: the app for its own page only, other files their own copy', { timeout: 90000 }, async () => {
  const S = await ownSite({ 'notes.txt': 'plain notes of the course' });
  try {
    const { page, srv } = S;
    await page.goto(`${srv.url}/?scenario=crawler`);
    await page.waitForSelector(tid('app'));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { polling: 100, timeout: 20000 });
    await cached(page, './async-playground_bg.wasm');
    for (const file of ['lessons/en.txt', 'notes.txt']) {
      await page.goto(`${srv.url}/${file}`);
      await cached(page, `${srv.url}/${file}`);
    }
    assert.match(await bodyText(page), /plain notes of the course/);
    await srv.close(); // the host is gone
    await page.goto(`${srv.url}/?scenario=weather`);
    await page.waitForSelector(tid('app'), { timeout: 20000 });
    assert.equal(await page.getAttribute(tid('app'), 'data-scenario'), 'weather', 'the app, not the last page visited');
    await page.goto(`${srv.url}/index.html?scenario=crawler`);
    await page.waitForSelector(tid('app'), { timeout: 20000 });
    await page.goto(`${srv.url}/notes.txt`);
    assert.match(await bodyText(page), /^plain notes of the course/, 'a text file offline is its own copy');
    assert.equal(await page.$(tid('app')), null);
    await page.goto(`${srv.url}/lessons/en.txt`);
    assert.equal(await page.$(tid('app')), null, 'the lessons file is not the app');
    assert.ok((await bodyText(page)).length > 100, 'the lessons text, from its own copy');
    // A page never visited is a network error offline, never the app.
    await page.goto(`${srv.url}/never-visited.txt`).catch(() => undefined);
    // The failed navigation is followed by Chromium's own error page: ask once that has loaded.
    let app;
    for (let i = 0; i < 5; i += 1) {
      try { app = await page.$(tid('app')); break; } catch (e) {
        if (!/context was destroyed/.test(String(e))) throw e;
        await page.waitForLoadState('load').catch(() => undefined);
      }
    }
    assert.equal(app, null, 'an unvisited URL is not answered with the app');
    assert.deepEqual(S.problems, []);
  } finally {
    await S.close();
  }
});

test('the Python runtime: cached on first use, then served from its own versioned cache; old versions go', { timeout: 90000 }, async () => {
  const S = await ownSite({ 'pyodide/probe.js': 'one', 'py/probe.txt': 'one' });
  try {
    const { page, root } = S;
    let srv = S.srv;
    await page.goto(`${srv.url}/?scenario=crawler`);
    await page.waitForSelector(tid('app'));
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { polling: 100, timeout: 20000 });
    const get = (u) => page.evaluate(async (u) => { try { return await (await fetch(u)).text(); } catch { return 'network error'; } }, u);
    assert.equal(await get('./pyodide/probe.js'), 'one');
    assert.equal(await get('./py/probe.txt'), 'one');
    await cached(page, './pyodide/probe.js');
    await cached(page, './py/probe.txt');
    // A newer file on the host does not replace the cached copy (cache first).
    fs.writeFileSync(path.join(root, 'pyodide/probe.js'), 'two');
    assert.equal(await get('./pyodide/probe.js'), 'one', 'served from the cache after first use');
    const keys = await page.evaluate(() => caches.keys());
    const py = keys.filter((k) => /pyodide/.test(k));
    assert.equal(py.length, 1, `one Pyodide cache of its own: ${keys}`);
    assert.ok(keys.some((k) => !/pyodide/.test(k)), `and the app's own cache: ${keys}`);
    assert.ok(keys.every((k) => /-v\d+$/.test(k)), `versioned names: ${keys}`);
    const pyHolds = await page.evaluate(async (name) => !!(await (await caches.open(name)).match('./pyodide/probe.js')), py[0]);
    assert.ok(pyHolds, 'the Pyodide file is in the Pyodide cache');
    const port = new URL(srv.url).port;
    await srv.close();
    assert.equal(await get('./py/probe.txt'), 'one', 'offline after first use');
    // A new version of the worker: activating it deletes the old version's caches.
    srv = await serveDist({ root, port: Number(port) });
    S.srv = srv;
    const sw = fs.readFileSync(path.join(root, 'sw.js'), 'utf8');
    const next = sw.replace(/const VERSION = '(\d+)'/, (_, v) => `const VERSION = '${Number(v) + 1}'`);
    assert.notEqual(next, sw, 'sw.js names its VERSION');
    fs.writeFileSync(path.join(root, 'sw.js'), next);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForFunction((old) => caches.keys().then((ks) => ks.length > 0 && ks.every((k) => !old.includes(k))),
      keys, { polling: 100, timeout: 20000 });
    assert.deepEqual(S.problems, []);
  } finally {
    await S.close();
    // S.close closes the first server; the one started for the new version is this test's own
    // (left open, it kept the test file's process alive after its last test).
    await S.srv.close().catch(() => {});
  }
});
