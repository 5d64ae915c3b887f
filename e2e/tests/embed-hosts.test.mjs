// Issue 14 items 4 and 5: the embed on the course pages it lands on. Hosts that speak H5P's
// resizer (Moodle, WordPress) or Canvas LMS's lti.frameResize size the frame with no script of
// ours; a plain page sizes every playground frame with dist/embed.js. The compact embed: what it
// shows by default, `view=`, its height at 900 px and nothing clipped at 300 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { start, tid, assertClean, screenshot, axe, runAndWait } from '../lib.mjs';

let env;
let hosts;
const pages = new Map();

before(async () => {
  env = await start();
  hosts = await new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const body = pages.get(new URL(req.url, 'http://x').pathname);
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body || 'not found');
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
});
after(async () => {
  await env?.close();
  await new Promise((r) => hosts?.server.close(r));
});

const page = (title, frames, script = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="data:,"><style>body{margin:0;font:16px system-ui} iframe{display:block;border:0}</style></head><body><main><h1>${title}</h1>
${frames}</main>${script}</body></html>`;
const frame = (id, query, width = 900) => `<iframe id="${id}" title="Async Playground: ${id}" src="${env.app.url}/?${query}" style="width:${width}px"></iframe>`;

// H5P's resizer as the host side runs it (h5p-resizer.js): answer hello, shrink the frame on
// prepareResize and answer resizePrepared, take scrollHeight on resize.
const H5P_HOST = `<script>
window.__h5p = [];
addEventListener('message', (e) => {
  const d = e.data;
  if (!d || d.context !== 'h5p') return;
  const f = [...document.getElementsByTagName('iframe')].find((f) => f.contentWindow === e.source);
  if (!f) return;
  window.__h5p.push(d.action);
  const respond = (action) => e.source.postMessage({ context: 'h5p', action }, e.origin);
  if (d.action === 'hello') respond('hello');
  else if (d.action === 'prepareResize') {
    if (f.clientHeight !== d.scrollHeight || d.scrollHeight !== d.clientHeight) { f.style.height = d.clientHeight + 'px'; respond('resizePrepared'); }
  } else if (d.action === 'resize') f.style.height = d.scrollHeight + 'px';
});
</script>`;

// Canvas LMS: a tool frame posts {subject: 'lti.frameResize', height} (object or JSON text).
const CANVAS_HOST = `<script>
addEventListener('message', (e) => {
  let d = e.data;
  if (typeof d === 'string') { try { d = JSON.parse(d); } catch { return; } }
  if (!d || d.subject !== 'lti.frameResize') return;
  const f = [...document.getElementsByTagName('iframe')].find((f) => f.contentWindow === e.source);
  if (f) f.style.height = typeof d.height === 'number' ? d.height + 'px' : String(d.height);
});
</script>`;

async function openHost(path, html, opts = {}) {
  pages.set(path, html);
  const P = await env.newPage(opts);
  await P.page.goto(hosts.url + path);
  return P;
}

const appFrame = async (P, id) => (await P.page.$(`#${id}`)).contentFrame();

/** Waits until iframe#id is as tall as the content inside it (±1 px) and returns that height. */
async function fitted(P, id, timeout = 30000) {
  const f = await appFrame(P, id);
  await f.waitForSelector(tid('app'), { timeout });
  const t0 = Date.now();
  for (;;) {
    const content = await f.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    const box = await P.page.$eval(`#${id}`, (el) => el.getBoundingClientRect().height);
    if (content > 200 && Math.abs(box - content) <= 1) return { f, height: box };
    if (Date.now() - t0 > timeout) assert.fail(`#${id}: frame ${box} px, content ${content} px`);
    await P.page.waitForFunction(([id, h]) => document.getElementById(id).getBoundingClientRect().height !== h, [id, box], { timeout: 2000, polling: 100 }).catch(() => {});
  }
}

const send = (P, id, m) => P.page.evaluate(([id, m]) => document.getElementById(id).contentWindow
  .postMessage({ source: 'async-playground', version: 1, ...m }, '*'), [id, m]);

async function followsLoad(P, id) {
  const { f, height } = await fitted(P, id);
  await send(P, id, { type: 'load', scenario: 'crawler', count: 30, mode: 'compare' });
  await f.waitForFunction(() => document.querySelector('[data-testid="app"]').getAttribute('data-scenario') === 'crawler');
  const t0 = Date.now();
  for (;;) {
    const now = await fitted(P, id);
    if (Math.abs(now.height - height) > 50) return [height, now.height];
    if (Date.now() - t0 > 30000) assert.fail(`#${id} stayed ${height} px after loading a taller scenario`);
    await P.page.waitForTimeout(200);
  }
}

test('an H5P host (Moodle, WordPress) sizes the frame with its own resizer', { timeout: 90000 }, async () => {
  const P = await openHost('/h5p', page('H5P course page', frame('pg', 'embed=1&scenario=breakfast')) + H5P_HOST);
  const [a, b] = await followsLoad(P, 'pg');
  assert.ok(b > a, `taller content, taller frame: ${a} → ${b}`);
  const actions = await P.page.evaluate(() => window.__h5p);
  for (const a of ['hello', 'prepareResize', 'resize']) assert.ok(actions.includes(a), `the frame spoke ${a}: ${actions}`);
  await screenshot(P.page, 'embed-host-h5p', { fullPage: true });
  assertClean(P);
  await P.close();
});

test('a Canvas LMS host sizes the frame from lti.frameResize', { timeout: 90000 }, async () => {
  const P = await openHost('/canvas', page('Canvas course page', frame('pg', 'embed=1&scenario=breakfast')) + CANVAS_HOST);
  const [a, b] = await followsLoad(P, 'pg');
  assert.ok(b > a, `${a} → ${b}`);
  assertClean(P);
  await P.close();
});

test('a plain page with embed.js sizes every playground frame, each to its own content', { timeout: 90000 }, async () => {
  const html = page('Plain page', frame('one', 'embed=1&scenario=breakfast') + frame('two', 'embed=1&scenario=crawler&count=30'),
    `<script src="${env.app.url}/embed.js" async></script>`);
  const P = await openHost('/plain', html);
  const one = await fitted(P, 'one');
  const two = await fitted(P, 'two');
  assert.ok(two.height > one.height + 50, `each frame its own height: ${one.height} / ${two.height}`);
  await followsLoad(P, 'one');
  assertClean(P);
  await P.close();
});

test('embed.js included after the frames reported their height still sizes them (hello)', { timeout: 90000 }, async () => {
  const P = await openHost('/late', page('Late script', frame('pg', 'embed=1&scenario=breakfast')));
  const f = await (await P.page.$('#pg')).contentFrame();
  await f.waitForSelector(tid('app'));
  assert.equal(await P.page.$eval('#pg', (el) => el.getBoundingClientRect().height), 150, 'no helper yet: the default 150 px');
  await P.page.evaluate((src) => { const s = document.createElement('script'); s.src = src; document.body.append(s); }, `${env.app.url}/embed.js`);
  await fitted(P, 'pg');
  assertClean(P);
  await P.close();
});

test('embed.js is small, MIT, dependency-free, and ignores frames that are not the sender', { timeout: 60000 }, async () => {
  const res = await fetch(`${env.app.url}/embed.js`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(text.length < 3000, `${text.length} bytes`);
  assert.match(text, /MIT/);
  assert.doesNotMatch(text, /\bimport\b|\brequire\(/);
  // A message claiming to be a resize from the host page itself sizes nothing.
  const P = await openHost('/spoof', page('Spoof', frame('pg', 'embed=1&scenario=breakfast'), `<script src="${env.app.url}/embed.js"></script>`));
  await fitted(P, 'pg');
  const before = await P.page.$eval('#pg', (el) => el.style.height);
  await P.page.evaluate(() => new Promise((r) => {
    addEventListener('message', () => setTimeout(r, 0), { once: true });
    window.postMessage({ source: 'async-playground', version: 1, type: 'resize', height: 5 }, '*');
  }));
  assert.equal(await P.page.$eval('#pg', (el) => el.style.height), before);
  await P.close();
});

// ---------- the compact embed ----------

const EMBED_JS = () => `<script src="${env.app.url}/embed.js" async></script>`;

async function visible(f, id) {
  return f.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  }, id);
}

test('default embed at 900 px: timeline, figures and console, lesson and code behind tabs', { timeout: 90000 }, async () => {
  const P = await openHost('/compact', page('Compact', frame('pg', 'embed=1&scenario=breakfast'), EMBED_JS()), { viewport: { width: 1000, height: 1000 } });
  const { f, height } = await fitted(P, 'pg');
  for (const id of ['timeline', 'total-sequential', 'total-concurrent', 'console']) assert.ok(await visible(f, id), `${id} shown`);
  for (const id of ['lesson', 'code']) assert.equal(await visible(f, id), false, `${id} behind its tab`);
  heightAt900 = height;
  // The tabs bring the lesson and the code, and the frame follows.
  await f.click('[data-testid="embed-tab"][data-pane="code"]');
  assert.ok(await visible(f, 'code'), 'code tab shows the code');
  assert.equal(await visible(f, 'console'), false);
  await fitted(P, 'pg');
  await f.click('[data-testid="embed-tab"][data-pane="lesson"]');
  await f.waitForSelector(`${tid('lesson')}`, { state: 'visible' });
  await screenshot(P.page, 'embed-compact-900', { fullPage: true });
  const violations = await axe(f);
  assert.deepEqual(violations, [], 'axe on the compact embed');
  assertClean(P);
  await P.close();
});

let heightAt900 = null;
test('the default embed of breakfast at 900 px is at most ~900 px tall', () => {
  assert.ok(heightAt900 !== null && heightAt900 <= 900, `the default embed of breakfast is ${heightAt900} px tall at 900 px`);
});

// And it stays so once it has run, in every language: the console fills, the answer shows, the
// player's state word stays on the buttons' row, the legend lists only this scenario's states.
for (const lang of ['en', 'fr', 'es']) {
  test(`the default embed of breakfast at 900 px stays at most 900 px tall after a run (${lang})`, { timeout: 90000 }, async () => {
    const P = await openHost(`/after-${lang}`, page('After a run', frame('pg', `embed=1&scenario=breakfast&lang=${lang}`), EMBED_JS()), { viewport: { width: 1000, height: 1000 } });
    const before = await fitted(P, 'pg');
    assert.equal(await runAndWait(before.f, { timeout: 60000 }), 'finished');
    await before.f.waitForSelector(`${tid('console')} .ap-console-line`);
    const { f, height } = await fitted(P, 'pg');
    const legend = await f.$$eval('.ap-legend-items li', (li) => li.length);
    if (height > 900) await screenshot(P.page, `embed-after-run-${lang}-failed`, { fullPage: true });
    assert.ok(height <= 900, `${lang}: ${before.height} px before the run, ${height} px after it`);
    assert.ok(legend <= 4, `${lang}: the legend lists breakfast's states and the ideal, not all eight (${legend} items)`);
    assertClean(P);
    await P.close();
  });
}

// A course page with two embeds, one in a 900 px column and one in a 328 px column (a 360 px
// phone column): each frame takes the height the playground posts, that height is the content's
// real height, and the 900 px one fits one screen. The second frame starts below the first one's
// growth, out of view (Chromium then runs no rendering steps in it: no ResizeObserver).
test('two embeds at 900 and 328 px: posted resize heights are the content heights', { timeout: 120000 }, async () => {
  const html = page('Two columns', frame('wide', 'embed=1&scenario=breakfast') + frame('narrow', 'embed=1&scenario=breakfast&lang=fr', 328),
    `<script>window.__resize = {}; addEventListener('message', (e) => { const d = e.data;
      if (d && d.source === 'async-playground' && d.type === 'resize') for (const f of document.getElementsByTagName('iframe'))
        if (f.contentWindow === e.source) window.__resize[f.id] = d.height; });</script>` + EMBED_JS());
  const P = await openHost('/two', html, { viewport: { width: 1000, height: 900 } });
  for (const [id, max] of [['wide', 900], ['narrow', 1400]]) {
    const { f, height } = await fitted(P, id);
    const posted = await P.page.evaluate((id) => window.__resize[id], id);
    const content = await f.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    assert.equal(posted, content, `${id}: posted ${posted} px, content ${content} px`);
    assert.ok(Math.abs(height - content) <= 1, `${id}: frame ${height} px`);
    assert.ok(height <= max, `${id}: ${height} px tall (at most ${max})`);
    // Nothing scrolls inside the frame: the frame shows all of it.
    assert.ok(await f.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1), `${id}: no inner scroll`);
  }
  await P.page.$eval('#narrow', (el) => el.scrollIntoView());
  await screenshot(P.page, 'embed-two-columns', { fullPage: true });
  assertClean(P);
  await P.close();
});

test('view=timeline,console: exactly those panels, no tabs; view=timeline alone', { timeout: 90000 }, async () => {
  const P = await openHost('/views', page('Views', frame('a', 'embed=1&scenario=breakfast&view=timeline,console')
    + frame('b', 'embed=1&scenario=breakfast&view=timeline') + frame('c', 'embed=1&scenario=breakfast&view=code,lesson'), EMBED_JS()));
  const a = await fitted(P, 'a');
  assert.ok(await visible(a.f, 'timeline') && await visible(a.f, 'console'));
  for (const id of ['total-sequential', 'lesson', 'code', 'embed-tab']) assert.equal(await visible(a.f, id), false, `a: ${id} hidden`);
  const b = await fitted(P, 'b');
  assert.ok(await visible(b.f, 'timeline'));
  for (const id of ['console', 'total-sequential', 'lesson', 'code']) assert.equal(await visible(b.f, id), false, `b: ${id} hidden`);
  assert.ok(b.height < a.height, `fewer panels, shorter frame: ${b.height} < ${a.height}`);
  const c = await fitted(P, 'c');
  assert.equal(await visible(c.f, 'timeline'), false);
  assert.ok(await visible(c.f, 'code'), 'c: the first listed tab (code) is shown');
  assert.equal(await visible(c.f, 'lesson'), false, 'c: lesson behind its tab');
  assert.equal(await c.f.locator('[data-testid="embed-tab"]').count(), 2, 'c: one tab per listed pane');
  // The player stays: an embed can always be run.
  assert.ok(await visible(b.f, 'run'));
  await screenshot(P.page, 'embed-views', { fullPage: true });
  assertClean(P);
  await P.close();
});

test('a bad view= is ignored with a notice naming it', { timeout: 60000 }, async () => {
  const P = await env.open('embed=1&scenario=breakfast&view=timeline,frobs');
  const notice = await P.page.locator(tid('notice')).first().textContent();
  assert.match(notice, /view/);
  assert.match(notice, /frobs/);
  assert.ok(await P.page.locator(tid('console')).isVisible(), 'the default panels');
  assertClean(P);
  await P.close();
});

test('300 px wide, Spanish: nothing clipped, the selected "Comparar" whole', { timeout: 90000 }, async () => {
  const P = await openHost('/narrow', page('Narrow', frame('pg', 'embed=1&scenario=breakfast&lang=es', 300), EMBED_JS()), { viewport: { width: 400, height: 900 } });
  const { f } = await fitted(P, 'pg');
  const problems = await f.evaluate(() => {
    const out = [];
    const W = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > W) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${W}`);
    for (const el of document.querySelectorAll('button, select, [role="radio"], [role="tab"], label, .ap-figure, [data-testid="notice"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.left < -0.5 || r.right > W + 0.5) out.push(`${el.outerHTML.slice(0, 60)} outside 0–${W}: ${r.left}–${r.right}`);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible') out.push(`${el.outerHTML.slice(0, 60)} clips its text`);
    }
    return out;
  });
  assert.deepEqual(problems, []);
  const compare = f.locator('[data-testid="mode-option"][data-value="compare"]');
  assert.equal(await compare.getAttribute('aria-checked'), 'true');
  const fits = await compare.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const t = range.getBoundingClientRect();
    return t.left >= r.left - 0.5 && t.right <= r.right + 0.5 && r.right <= document.documentElement.clientWidth + 0.5;
  });
  assert.ok(fits, '"Comparar" is whole inside its button and the frame');
  await screenshot(P.page, 'embed-300-es', { fullPage: true });
  assertClean(P);
  await P.close();
});
