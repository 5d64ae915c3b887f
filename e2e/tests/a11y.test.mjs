// axe-core with the WCAG 2.0/2.1/2.2 A and AA rules: no violation on any main view (QUALITY.md).
// axe is injected into the page, which the CSP forbids: these contexts bypass it (the CSP itself
// is tested everywhere else).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, axe, runAndWait, screenshot } from '../lib.mjs';

const VIEWS = [
  { name: 'main', q: '' },
  { name: 'embed', q: 'embed=1' },
  { name: 'presenter', q: 'presenter=1' },
  { name: 'lang-fr', q: 'lang=fr' },
  { name: 'lang-es', q: 'lang=es' },
  { name: 'theme-light', q: 'theme=light' },
  { name: 'theme-dark', q: 'theme=dark' },
  { name: 'theme-contrast', q: 'theme=contrast' },
  { name: 'after-run', q: 'scenario=breakfast&speed=4', run: true },
  { name: 'phone', q: 'scenario=weather', viewport: { width: 390, height: 844 } },
  // The table view opened on a phone (it scrolls sideways in its own box) and the editor with
  // an error listed.
  { name: 'phone-table', q: 'scenario=gather-fetch&speed=4', viewport: { width: 390, height: 844 }, run: true,
    then: async (page) => { await page.click('#ap-tab-console'); await page.click(`${tid('table-view')} button`); } },
  // Beyond the subset: CPython (loaded on Run) reports the SyntaxError.
  { name: 'editor-error', q: 'scenario=custom&lang=fr', timeout: 240000,
    then: async (page) => { await page.fill(tid('editor-text'), 'async def main(:\n'); await page.click(tid('editor-apply')); await page.waitForSelector(tid('editor-error'), { timeout: 180000 }); } },
];

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

for (const v of VIEWS) {
  test(`axe: ${v.name} (?${v.q})`, { timeout: v.timeout || 60000 }, async () => {
    const P = await env.open(v.q, { bypassCSP: true, ...(v.viewport ? { viewport: v.viewport } : {}) });
    try {
      const { page } = P;
      // The lesson text may arrive a moment after its panel: wait for the page to settle.
      // (Attached, not visible: presenter mode keeps the lesson off the projector's one screen.)
      await page.waitForSelector(tid('lesson'), { state: 'attached', timeout: 10000 });
      await page.waitForLoadState('networkidle');
      if (v.run) await runAndWait(page);
      if (v.then) await v.then(page);
      const violations = await axe(page);
      if (violations.length) await screenshot(page, `a11y-${v.name}`);
      assert.deepEqual(violations, [], `axe violations on ${v.name}:\n${JSON.stringify(violations, null, 1)}`);
    } finally {
      await P.close();
    }
  });
}
