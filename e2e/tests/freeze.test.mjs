// F16: a program that blocks the main thread really freezes the page, and the page says so with
// the gap it measured between two frames; the fix (await asyncio.sleep) does not.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, runAndWait, assertClean, screenshot } from '../lib.mjs';

const env = await start();
after(() => env.close());

test('blocking-mistake: the mistake freezes the page for about a blocking call; the fix does not', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=blocking-mistake&mode=sequential&lang=fr');
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  const note = page.locator(tid('freeze'));
  await note.waitFor();
  const ms = Number(await note.getAttribute('data-ms'));
  // Each of the three tasks holds the thread 1000 ms: no frame for at least about that long.
  assert.ok(ms >= 900 && ms < 10000, `longest frame gap ${ms} ms`);
  assert.match(await note.textContent(), /La page s’est figée : pendant \d,\d\d\u00a0s/);
  await screenshot(page, 'freeze-blocking-mistake-fr');

  // The fix: nothing holds the thread, so the page is not blamed (and a new run clears the note).
  await page.click(`${tid('mode-option')}[data-value="concurrent"]`);
  assert.equal(await runAndWait(page), 'finished');
  assert.equal(await note.count(), 0, 'no freeze note after the fix');
  assertClean(P);
  await P.close();
});
