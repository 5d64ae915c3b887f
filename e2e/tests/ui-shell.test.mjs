// The UI shell through its public contract (EMBEDDING.md): root attributes, native selects, the
// mode radiogroup, URL state, notices for hostile URLs, figures after a run, languages, the
// postMessage API v1 both ways, the crash path, blocked storage/clipboard, phone layout, axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, screenshot, assertClean, axe, runAndWait } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const attr = (page, id, name) => page.getAttribute(tid(id), name);

test('root, selects, radiogroup and player buttons follow the contract', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=crawler&mode=sequential&lang=es&speed=2&code=js');
  const { page } = P;
  assert.equal(await attr(page, 'app', 'data-run-state'), 'idle');
  assert.equal(await attr(page, 'app', 'data-scenario'), 'crawler');
  assert.equal(await attr(page, 'app', 'data-mode'), 'sequential');
  assert.equal(await attr(page, 'app', 'data-lang'), 'es');
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  for (const [id, value] of [['scenario', 'crawler'], ['lang', 'es'], ['speed', '2']]) {
    assert.equal(await page.$eval(tid(id), (el) => el.tagName), 'SELECT', `${id} is a native select`);
    assert.equal(await page.$eval(tid(id), (el) => el.value), value, `${id} shows the URL value`);
  }
  const options = await page.$$eval(`${tid('mode')} ${tid('mode-option')}`, (l) => l.map((o) => [o.dataset.value, o.getAttribute('aria-checked')]));
  assert.deepEqual(options, [['sequential', 'true'], ['concurrent', 'false'], ['compare', 'false']]);
  assert.equal(await attr(page, 'mode', 'role'), 'radiogroup');
  // Arrow keys move the selection and the focus.
  await page.focus(`${tid('mode-option')}[data-value="sequential"]`);
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector(`${tid('app')}[data-mode="concurrent"]`);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.value), 'concurrent');
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector(`${tid('app')}[data-mode="sequential"]`);
  for (const b of ['run', 'pause', 'stop', 'step', 'step-back', 'reset', 'lesson', 'status', 'total-sequential', 'total-concurrent', 'speedup']) {
    assert.ok(await page.$(tid(b)), `${b} present`);
  }
  assert.equal(await attr(page, 'status', 'aria-live'), 'polite');
  // No figure claims to be measured before a run.
  assert.equal(await attr(page, 'total-sequential', 'data-ms'), null);
  assert.equal(await attr(page, 'speedup', 'data-ratio'), null);
  assertClean(P);
  await P.close();
});

test('every view is a link: the address follows the controls, language switches without reload', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&lang=en');
  const { page } = P;
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.selectOption(tid('lang'), 'fr');
  await page.waitForSelector(`${tid('app')}[data-lang="fr"]`);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await page.selectOption(tid('scenario'), 'crawler');
  await page.selectOption(tid('speed'), '0.5');
  await page.click(`${tid('mode-option')}[data-value="concurrent"]`);
  const q = new URLSearchParams(await page.evaluate(() => location.search));
  assert.deepEqual([q.get('lang'), q.get('scenario'), q.get('speed'), q.get('mode')], ['fr', 'crawler', '0.5', 'concurrent']);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  const runLabel = await page.innerText(tid('run'));
  assert.match(runLabel, /Lancer/);
  // Reopening the address shows the same view.
  const again = await env.open(q.toString());
  assert.equal(await attr(again.page, 'app', 'data-scenario'), 'crawler');
  assert.equal(await again.page.$eval(tid('speed'), (el) => el.value), '0.5');
  await again.close();
  assertClean(P);
  await P.close();
});

test('hostile and invalid URLs: a plain-text notice names each ignored parameter', { timeout: 90000 }, async () => {
  const cases = [
    ['speed=NaN', /speed/], ['speed=Infinity', /speed/], ['speed=0', /speed/], ['lang=xx', /lang/],
    ['lang=fr&lang=es', /lang/], ['scenario=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E', /<img src=x/],
    ['scenario=crawler&count=1e7', /count/], ['scenario=crawler&count=-5', /count/], ['scenario=crawler&limit=0', /limit/],
    ['scenario=timeout&budget=3000000000', /budget/], ['theme=%22%3E%3Cscript%3E', /theme/],
  ];
  for (const [query, re] of cases) {
    const P = await env.open(query);
    const { page } = P;
    const notices = await page.$$eval(tid('notice'), (l) => l.map((n) => n.innerText));
    assert.ok(notices.some((t) => re.test(t)), `${query}: notice ${JSON.stringify(notices)}`);
    assert.equal(await page.evaluate(() => window.__pwned === 1 || !!document.querySelector('img[src="x"]')), false, `${query}: injected`);
    if (query.startsWith('lang=fr&')) assert.equal(await attr(page, 'app', 'data-lang'), 'fr', 'first value wins');
    assertClean(P);
    await P.close();
  }
  const P = await env.open('speed=NaN');
  await P.page.click(tid('notice-dismiss'));
  await P.page.waitForSelector(tid('notice'), { state: 'detached' });
  await P.close();
});

test('compare run of breakfast: measured totals, speed-up, status; a language switch keeps them', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&mode=compare&lang=en');
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  const seq = Number(await attr(page, 'total-sequential', 'data-ms'));
  const con = Number(await attr(page, 'total-concurrent', 'data-ms'));
  const ratio = Number(await attr(page, 'speedup', 'data-ratio'));
  assert.ok(Math.abs(seq - 4000) < 100 && Math.abs(con - 2000) < 100, `totals ${seq} / ${con}`);
  assert.ok(Math.abs(ratio - seq / con) < 0.01, `ratio ${ratio}`);
  assert.match(await page.innerText(tid('status')), /finished/i);
  await screenshot(page, 'ui-shell-breakfast-compare');
  await page.selectOption(tid('lang'), 'es');
  await page.waitForSelector(`${tid('app')}[data-lang="es"]`);
  assert.equal(await attr(page, 'app', 'data-run-state'), 'finished');
  assert.equal(Number(await attr(page, 'total-concurrent', 'data-ms')), con, 'the finished figures stay');
  assert.match(await page.innerText(tid('status')), /terminada/i);
  assertClean(P);
  await P.close();
});

test('a single-mode run fills only its own total', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&mode=concurrent');
  assert.equal(await runAndWait(P.page), 'finished');
  assert.ok(Number(await attr(P.page, 'total-concurrent', 'data-ms')) > 1900);
  assert.equal(await attr(P.page, 'total-sequential', 'data-ms'), null);
  assert.equal(await attr(P.page, 'speedup', 'data-ratio'), null);
  assertClean(P);
  await P.close();
});

test('a one-program scenario shows one figure, its total, in every language; no sequential card, no speed-up', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=promise-combinators&mode=compare&speed=4');
  const { page } = P;
  const shown = (id) => page.isVisible(tid(id));
  assert.equal(await shown('total-sequential'), false);
  assert.equal(await shown('speedup'), false);
  assert.equal(await page.textContent(`${tid('total-concurrent')} .ap-figure-label`), 'Total');
  assert.equal(await runAndWait(page), 'finished');
  assert.ok(Number(await attr(page, 'total-concurrent', 'data-ms')) > 1400, 'the measured total');
  // The status says it the same way as the card.
  assert.match(await page.textContent(tid('status')), /Run finished\. Total 1\.\d\d\u00a0s\.$/);
  assert.equal(await shown('total-sequential'), false);
  assert.equal(await shown('speedup'), false);
  for (const [lang, label] of [['fr', 'Total'], ['es', 'Total']]) {
    await page.selectOption(tid('lang'), lang);
    await page.waitForSelector(`${tid('app')}[data-lang="${lang}"]`);
    assert.equal(await page.textContent(`${tid('total-concurrent')} .ap-figure-label`), label);
  }
  // A two-program scenario still shows the three.
  await page.selectOption(tid('scenario'), 'breakfast');
  await page.waitForSelector(`${tid('app')}[data-scenario="breakfast"]`);
  assert.equal(await shown('total-sequential'), true);
  assert.equal(await shown('speedup'), true);
  assertClean(P);
  await P.close();
});

test('embed API v1: ready, state, load+run in order, replies with ids, errors, ignored senders', { timeout: 90000 }, async () => {
  const E = await env.embed('embed=1&scenario=breakfast&lang=fr');
  const ready = await E.msg('ready');
  assert.equal(ready.version, 1);
  assert.ok(ready.scenarios.includes('breakfast') && ready.scenarios.includes('crawler'));
  assert.deepEqual(ready.langs, ['en', 'fr', 'es']);
  const resize = await E.msg('resize');
  assert.ok(resize.height > 100, `resize height ${resize.height}`);
  await E.clear();
  await E.send({ type: 'set', lang: 'es' });
  const st = await E.msg('state', { lang: 'es' });
  assert.equal(st.running, false);
  // A run right after a load runs what was loaded.
  await E.clear();
  await E.send({ type: 'load', scenario: 'breakfast', mode: 'compare' });
  await E.send({ type: 'run' });
  const started = await E.msg('runStarted');
  assert.equal(started.scenario, 'breakfast');
  assert.equal(started.mode, 'compare');
  const fin = await E.msg('runFinished', { runId: started.runId }, 30000);
  assert.equal(fin.cancelled, false);
  assert.ok(fin.traces && fin.traces.sequential && fin.traces.concurrent, 'compare run returns both traces');
  assert.ok(Math.abs(fin.traces.concurrent.total_ms - 2000) < 100);
  await E.send({ type: 'getPlan', id: 'p1' });
  const plan = await E.msg('plan', { id: 'p1' });
  assert.equal(plan.traces.concurrent.clock, 'ideal');
  await E.send({ type: 'getTrace', id: 42 });
  const tr = await E.msg('trace', { id: 42 });
  assert.equal(tr.traces.sequential.scenario, 'breakfast');
  // Errors, with the asking id.
  await E.send({ type: 'nope', id: 'e1' });
  assert.equal((await E.msg('error', { id: 'e1' })).code, 'bad-message');
  await E.send({ type: 'load', scenario: '<b>x</b>', id: 'e2' });
  assert.equal((await E.msg('error', { id: 'e2' })).code, 'unknown-scenario');
  await E.send({ type: 'load', scenario: 'breakfast', speed: 'NaN', id: 'e3' });
  const e3 = await E.msg('error', { id: 'e3' });
  assert.equal(e3.code, 'bad-param');
  assert.match(e3.message, /speed/);
  // Ignored: wrong sender, wrong version, not a plain object, too big.
  await E.clear();
  await E.sendFromOther({ source: 'async-playground', version: 1, type: 'hello' });
  await E.sendRaw({ source: 'async-playground', version: 2, type: 'hello' });
  await E.sendRaw(['async-playground', 1, 'hello']);
  await E.send({ type: 'hello', pad: 'x'.repeat(70000) });
  const before = await E.probe();
  assert.deepEqual(before.filter((m) => m.type !== 'state' && m.type !== 'resize'), [], `ignored messages got answers: ${JSON.stringify(before)}`);
  await E.send({ type: 'hello' });
  await E.msg('ready');
  assertClean(E);
  await E.close();
});

test('sandboxed iframe (allow-scripts only): storage blocked, the app still answers', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1&scenario=hello', { sandbox: 'allow-scripts' });
  const ready = await E.msg('ready');
  assert.equal(ready.version, 1);
  assertClean(E);
  await E.close();
});

test('?panic=1 shows the error panel and posts a crash error', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1&panic=1');
  const err = await E.msg('error', { code: 'crash' });
  assert.match(err.message, /panic/);
  const frame = E.frame();
  await frame.waitForSelector(tid('error-panel'));
  assert.equal(await frame.getAttribute(tid('error-panel'), 'role'), 'alert');
  assertClean(E, { allow: [/crashed/i, /panic/i] });
  await E.close();
});

test('a refused clipboard only shows a notice', { timeout: 30000 }, async () => {
  const P = await env.open('');
  await P.page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) }, configurable: true });
  });
  await P.page.click(tid('share'));
  await P.page.waitForSelector(tid('notice'));
  assertClean(P);
  await P.close();
});

test('phone 390 px: no sideways scroll; presenter and languages pass axe', { timeout: 120000 }, async () => {
  const phone = await env.open('scenario=breakfast', { viewport: { width: 390, height: 844 } });
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await screenshot(phone.page, 'ui-shell-phone');
  await phone.close();
  const phoneAxe = await env.open('scenario=breakfast&lang=fr', { viewport: { width: 390, height: 844 }, bypassCSP: true });
  assert.deepEqual(await axe(phoneAxe.page), [], 'phone layout passes axe');
  await phoneAxe.close();
  for (const q of ['', 'presenter=1', 'lang=fr', 'lang=es&theme=dark', 'theme=contrast', 'embed=1']) {
    const P = await env.open(q, { bypassCSP: true });
    const v = await axe(P.page);
    assert.deepEqual(v, [], `${q || 'main'}: ${JSON.stringify(v, null, 1)}`);
    await screenshot(P.page, `ui-shell-${q.replace(/[=&]/g, '-') || 'main'}`);
    await P.close();
  }
});

test('keyboard help: ? opens the shortcut list, Esc closes it', { timeout: 30000 }, async () => {
  const P = await env.open('lang=fr');
  const { page } = P;
  await page.locator('body').press('?');
  await page.waitForSelector(tid('help-dialog'));
  assert.match(await page.innerText(tid('help-dialog')), /Raccourcis clavier/);
  const inDialog = () => page.evaluate(() => document.activeElement.closest('dialog[open]') !== null);
  assert.equal(await inDialog(), true, 'focus moves into the dialog');
  // Modal: Tab never reaches a control of the page behind it.
  for (let k = 0; k < 4; k++) {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement === document.body
      || document.activeElement.closest('dialog[open]') !== null), true, `Tab ${k + 1} stays in the dialog`);
  }
  await page.keyboard.press('Escape');
  await page.waitForSelector(tid('help-dialog'), { state: 'detached' });
  // Focus goes back to the page, not lost; the help button reopens it and Close shuts it.
  await page.click(tid('help'));
  await page.waitForSelector(tid('help-dialog'));
  await page.locator(tid('help-dialog')).getByRole('button').click();
  await page.waitForSelector(tid('help-dialog'), { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-testid')), 'help', 'focus back on the button that opened it');
  assertClean(P);
  await P.close();
});
