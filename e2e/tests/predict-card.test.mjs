// The predict question is read whole: its text sits inside its box, below the box's top edge,
// however many lines it wraps to (a fieldset draws its top border through the middle of its
// legend, which cut a question wrapped to four lines in half at 328 px, in French and Spanish).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean, screenshot } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

for (const [w, h, extra] of [[328, 700, '&embed=1'], [320, 640, ''], [390, 844, ''], [1280, 720, '']]) {
  for (const lang of ['en', 'fr', 'es']) {
    test(`${lang} ${w}×${h}${extra}: the predict question is whole inside its box`, { timeout: 60000 }, async () => {
      const P = await env.open(`scenario=breakfast&mode=compare&lang=${lang}${extra}`, { viewport: { width: w, height: h } });
      const { page } = P;
      const legend = page.locator('.ap-question legend').first();
      await legend.waitFor();
      const g = await page.$eval('.ap-question', (fs) => {
        const box = fs.getBoundingClientRect();
        const lg = fs.querySelector('legend');
        const r = document.createRange();
        r.selectNodeContents(lg);
        const text = r.getBoundingClientRect();
        const first = fs.querySelector('.ap-choice')?.getBoundingClientRect();
        // Where the top border is drawn: a legend left in the border moves it to the legend's middle.
        const border = parseFloat(getComputedStyle(fs).borderTopWidth) || 0;
        const lgBox = lg.getBoundingClientRect();
        const edge = lgBox.top < box.top + border ? lgBox.top + lgBox.height / 2 : box.top + border;
        return { edge, box: [box.top, box.left, box.right, box.bottom], text: [text.top, text.left, text.right, text.bottom], choice: first ? first.top : null, lines: Math.round(text.height / parseFloat(getComputedStyle(lg).lineHeight || '20')) };
      });
      const [bt, bl, br, bb] = g.box;
      const [tt, tl, tr, tb] = g.text;
      const why = `${JSON.stringify(g)}`;
      assert.ok(tt >= g.edge, `question text starts below the box's top border (no line through it): ${why}`);
      assert.ok(tl >= bl && tr <= br + 0.5 && tb <= bb, `question text inside its box: ${why}`);
      assert.ok(g.choice === null || g.choice >= tb - 0.5, `the first choice comes after the question: ${why}`);
      if (w <= 328 && lang !== 'en') await screenshot(page, `predict-${lang}-${w}${extra ? '-embed' : ''}`);
      assertClean(P);
      await P.close();
    });
  }
}
