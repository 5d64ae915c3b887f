// A program that holds the thread (time.sleep in async code) still yields to Stop between two
// blocking calls: the Stop button, a `stop` message and a scenario switch are honoured when the
// call in progress returns; the stopped run holds (and the console shows) only what ran before;
// and autoplay=1 never starts such a program by itself (a Run prompt instead).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean, screenshot } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const texts = (page) => page.$$eval(tid('console-text'), (l) => l.map((x) => x.textContent));
// Four blocking calls of 2 s each: 8 s of frozen page if nothing gets in between.
const BLOCKS = `import asyncio
import time

async def main():
    for i in range(4):
        print(f"block {i}")
        time.sleep(2)
    print("end")

asyncio.run(main())
`;
const ALL = ['block 0', 'block 1', 'block 2', 'block 3', 'end'];
const QUERY = `scenario=custom&mode=concurrent&src=${b64url(BLOCKS)}`;
const ended = (page) => page.waitForSelector(`${tid('app')}[data-run-state="finished"], ${tid('app')}[data-run-state="cancelled"]`, { timeout: 30000 });

/** Real mouse clicks at an element's centre (taken before the page freezes). */
async function centre(page, id) {
  const b = await page.locator(tid(id)).boundingBox();
  return [b.x + b.width / 2, b.y + b.height / 2];
}

test('Stop clicked while a blocking call holds the page is honoured when that call returns', { timeout: 60000 }, async () => {
  const P = await env.open(QUERY);
  const { page } = P;
  const run = await centre(page, 'run');
  const stop = await centre(page, 'stop');
  // The Run click is answered once its handler returns: the first call already holds the thread.
  await page.mouse.click(...run);
  await page.mouse.click(...stop);
  assert.equal(await (await ended(page)).getAttribute('data-run-state'), 'cancelled');
  const lines = await texts(page);
  assert.ok(lines.length >= 1 && lines.length <= 3, `stopped within one blocking call: ${JSON.stringify(lines)}`);
  assert.deepEqual(lines, ALL.slice(0, lines.length), 'the console shows what ran before the stop, in order');
  await screenshot(page, 'blocking-stopped');
  assertClean(P);
  await P.close();
});

test('a scenario switch during a blocking program stops it within one call', { timeout: 60000 }, async () => {
  const P = await env.open(QUERY);
  const { page } = P;
  const run = await centre(page, 'run');
  const t0 = Date.now();
  // The scenario picker changes 300 ms in, while the first call holds the thread (a browser
  // timer: Playwright's own actions wait for frames, which a frozen page does not give).
  await page.evaluate(() => setTimeout(() => {
    const sel = document.querySelector('[data-testid="scenario"]');
    sel.value = 'crawler';
    sel.dispatchEvent(new Event('change', { bubbles: true }));
  }, 300));
  await page.mouse.click(...run);
  await page.waitForSelector(`${tid('app')}[data-scenario="crawler"]`, { timeout: 30000 });
  const ms = Date.now() - t0;
  // The program holds the thread 4 × 2 s: switching within one or two calls lands well before
  // its end (without the fix it lands after all four, 8 s on).
  assert.ok(ms < 7000, `the switch landed ${ms} ms after Run`);
  assert.notEqual(await page.getAttribute(tid('app'), 'data-run-state'), 'running');
  assert.deepEqual(await texts(page), [], 'the stopped program left nothing in the new console');
  assertClean(P);
  await P.close();
});

test('a stop message is honoured within one blocking call; the trace holds only what ran', { timeout: 60000 }, async () => {
  const E = await env.embed(`embed=1&${QUERY}`);
  await E.msg('ready');
  // Both from the host at once: the stop falls due while the first call holds the thread.
  await E.page.evaluate(() => {
    window.__send({ source: 'async-playground', version: 1, type: 'run' });
    setTimeout(() => window.__send({ source: 'async-playground', version: 1, type: 'stop' }), 300);
  });
  const fin = await E.msg('runFinished', {}, 30000);
  assert.equal(fin.cancelled, true, 'the stop message cancelled the run');
  const prints = fin.trace.events.filter((e) => e.kind === 'print').map((e) => e.text);
  assert.ok(prints.length >= 1 && prints.length <= 3, `stopped within one blocking call: ${JSON.stringify(prints)}`);
  assert.deepEqual(prints, ALL.slice(0, prints.length));
  const blocks = fin.trace.events.filter((e) => e.kind === 'block').length;
  const unblocks = fin.trace.events.filter((e) => e.kind === 'unblock').length;
  assert.ok(blocks <= 3 && unblocks === blocks, `only whole blocking calls before the stop (${blocks}/${unblocks})`);
  const frame = E.frame();
  assert.deepEqual(await texts(frame), prints, 'the console shows the same lines');
  assertClean(E);
  await E.close();
});

test('autoplay=1 never starts a program that holds the thread: a Run prompt instead', { timeout: 60000 }, async () => {
  for (const query of [`${QUERY}&autoplay=1&lang=fr`, 'scenario=blocking-mistake&mode=sequential&autoplay=1']) {
    const P = await env.open(query);
    const { page } = P;
    const prompt = page.locator(tid('notice-run'));
    await prompt.waitFor({ timeout: 20000 });
    assert.equal(await page.getAttribute(tid('app'), 'data-run-state'), 'idle', query);
    assert.deepEqual(await texts(page), [], 'nothing ran');
    if (query.includes('lang=fr')) {
      assert.match(await page.locator(tid('notice')).first().textContent(), /ne démarre donc pas tout seul/);
      await screenshot(page, 'blocking-autoplay-prompt-fr');
      // The prompt runs it; Stop still gets in.
      const [go, stop] = [await centre(page, 'notice-run'), await centre(page, 'stop')];
      await page.mouse.click(...go);
      await page.mouse.click(...stop);
      assert.equal(await (await ended(page)).getAttribute('data-run-state'), 'cancelled');
    }
    assertClean(P);
    await P.close();
  }
  // A program that only awaits still starts by itself.
  const P = await env.open('scenario=crawler&mode=concurrent&autoplay=1&speed=4');
  assert.equal(await (await ended(P.page)).getAttribute('data-run-state'), 'finished');
  assert.equal(await P.page.locator(tid('notice-run')).count(), 0);
  await P.close();
});
