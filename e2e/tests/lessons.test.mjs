// Lesson texts are not in the wasm (QUALITY.md size budget): the page downloads
// lessons/<lang>.txt for the language on screen, only that one, and says so in words when the file
// cannot be had (offline, a host that did not copy it), with a button that tries again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean } from '../lib.mjs';

let blocked = false;
const env = await start({ block: (p) => blocked && p.startsWith('/lessons/') });
after(() => env.close());

test('only the language on screen is downloaded; switching fetches the next one', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&lang=fr');
  const asked = [];
  P.page.on('request', (r) => { if (r.url().includes('/lessons/')) asked.push(new URL(r.url()).pathname); });
  const lesson = P.page.locator(tid('lesson'));
  await lesson.locator('h2', { hasText: 'Le petit-déjeuner : grille-pain et cafetière' }).waitFor();
  // The predict card waits for the same file, then asks the French questions.
  await P.page.locator(tid('predict')).waitFor();
  await P.page.selectOption(tid('lang'), 'es');
  await lesson.locator('h2', { hasText: 'El desayuno: tostadora y cafetera' }).waitFor();
  await P.page.selectOption(tid('lang'), 'fr');
  await lesson.locator('h2', { hasText: 'Le petit-déjeuner' }).waitFor();
  // fr was fetched before the listener; after it only es, once (fr is kept in memory).
  assert.deepEqual(asked, ['/lessons/es.txt']);
  assertClean(P);
  await P.close();
});

test('a lesson file that cannot be downloaded: a notice in words and a retry that works', { timeout: 60000 }, async () => {
  blocked = true;
  const P = await env.open('scenario=hello&lang=en');
  const failed = P.page.locator(tid('lesson-failed'));
  await failed.waitFor();
  assert.match(await failed.textContent(), /could not be loaded \(HTTP 404\)/);
  assert.equal(await P.page.locator(tid('predict')).count(), 0, 'no questions without their lesson');
  assert.ok(P.warnings.some((w) => w.includes('lessons/en.txt')), 'a console warning names the file');
  // The rest of the page works: a run still runs.
  blocked = false;
  await failed.getByRole('button', { name: 'Try again' }).click();
  await P.page.locator(tid('lesson')).locator('h2').waitFor();
  await P.page.locator(tid('predict')).waitFor();
  // Chromium itself logs the 404 of a fetch as an error line; the page logged nothing else.
  assertClean(P, { allow: [/Failed to load resource: the server responded with a status of 404/] });
  await P.close();
});
