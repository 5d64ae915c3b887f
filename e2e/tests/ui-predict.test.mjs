// Predict-then-run (F9): the answer is graded against the MEASURED run, a wrong choice says so
// and names the right one, changing to the right choice turns the verdict; in French too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, screenshot, runAndWait } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const verdict = (page) => page.$eval(`${tid('predict')} ${tid('predict-result')}`, (el) => el.textContent.trim());

for (const [lang, right, wrong] of [
  ['en', 'Right: the run agrees.', 'Not this time: look at the timeline.'],
  ['fr', 'Exact\u00a0: l\'exécution vous donne raison.', 'Pas cette fois\u00a0: regardez la frise.'],
]) {
  test(`breakfast (${lang}): a wrong prediction then the right one, graded on the measured run`, { timeout: 60000 }, async () => {
    const P = await env.open(`scenario=breakfast&mode=concurrent&lang=${lang}&speed=4`);
    const { page } = P;
    await page.waitForSelector(tid('predict'));
    // Choose "about 4 seconds" before the run: wrong for the concurrent breakfast.
    await page.check(`${tid('predict')} input[type=radio][value="4000"]`);
    assert.equal(await runAndWait(page), 'finished');
    const measured = Number(await page.getAttribute(tid('total-concurrent'), 'data-ms'));
    assert.ok(Math.abs(measured - 2000) < 150, `measured concurrent total ${measured}`);
    await page.waitForFunction((w) => document.querySelector('[data-testid="predict-result"]').textContent.includes(w), wrong);
    assert.ok((await verdict(page)).startsWith(wrong));
    // The right option is marked, the chosen wrong one is not.
    const marked = await page.$$eval(`${tid('predict')} .ap-choice.is-right input`, (l) => l.map((i) => i.value));
    assert.deepEqual(marked, ['2000']);
    // Changing to the right answer turns the verdict without a new run.
    await page.check(`${tid('predict')} input[type=radio][value="2000"]`);
    await page.waitForFunction((r) => document.querySelector('[data-testid="predict-result"]').textContent.startsWith(r), right);
    await screenshot(page, `predict-${lang}`);
    await P.close();
  });
}
