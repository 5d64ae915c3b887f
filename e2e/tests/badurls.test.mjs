// Hostile and malformed URLs (EMBEDDING.md "URL parameters", QUALITY.md "Reliability and
// security"): the app still mounts, nothing is injected, a rejected known parameter gets a notice
// naming it (as text), defaults are kept, and nothing worse than console.warn is logged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, assertClean } from '../lib.mjs';

const b64url = (s) => Buffer.from(s).toString('base64url');

// notice: the parameter a notice must name (null: no notice expected).
// expect: attributes of [data-testid=app] / values of the selects that must hold afterwards.
const CASES = [
  // the contract check's 18 cases
  { q: 'count=1e7&scenario=crawler', notice: 'count', expect: { scenario: 'crawler' } },
  { q: 'count=-5&scenario=crawler', notice: 'count', expect: { scenario: 'crawler' } },
  { q: 'speed=NaN', notice: 'speed', expect: { speed: '1' } },
  { q: 'speed=Infinity', notice: 'speed', expect: { speed: '1' } },
  { q: 'speed=0', notice: 'speed', expect: { speed: '1' } },
  { q: 'speed=1e-9', notice: 'speed', expect: { speed: '1' } },
  { q: 'scenario=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E', notice: 'scenario', expect: { scenario: 'breakfast' } },
  { q: 'lang=xx', notice: 'lang', expect: { lang: 'en' } },
  { q: 'lang=fr&lang=es', notice: 'lang', expect: { lang: 'fr' } },
  { q: 'scenario=crawler&limit=0', notice: 'limit', expect: { scenario: 'crawler' } },
  { q: 'scenario=crawler&limit=-1', notice: 'limit', expect: { scenario: 'crawler' } },
  { q: 'scenario=crawler&ms=3000000000', notice: 'ms', expect: { scenario: 'crawler' } },
  { q: 'scenario=crawler&ms=1.5.5', notice: 'ms', expect: { scenario: 'crawler' } },
  { q: 'scenario=__proto__', notice: 'scenario', expect: { scenario: 'breakfast' } },
  { q: 'mode=COMPARE%00', notice: 'mode', expect: { mode: 'compare' } },
  { q: 'theme=%22%3E%3Cscript%3E', notice: 'theme' },
  { q: 'scenario=custom&src=!!!notbase64', notice: 'src' },
  { q: 'x=' + 'a'.repeat(6000), notice: null, expect: { scenario: 'breakfast' } },
  // QUALITY.md's list, and the edges of SCENARIOS.md's ranges
  { q: 'scenario=timeout&budget=0', notice: null, expect: { scenario: 'timeout' } },
  { q: 'scenario=timeout&budget=3e9', notice: 'budget', expect: { scenario: 'timeout' } },
  { q: 'scenario=timeout&budget=600001', notice: 'budget', expect: { scenario: 'timeout' } },
  { q: 'scenario=crawler&ms=abc', notice: 'ms', expect: { scenario: 'crawler' } },
  { q: 'scenario=crawler&count=10001', notice: 'count', expect: { scenario: 'crawler' } },
  { q: 'scenario=crawler&limit=1001', notice: 'limit', expect: { scenario: 'crawler' } },
  { q: 'scenario=gather-fetch&count=0', notice: 'count', expect: { scenario: 'gather-fetch' } },
  { q: 'scenario=breakfast&count=5', notice: 'count', expect: { scenario: 'breakfast' } },
  { q: 'speed=2&speed=4', notice: 'speed', expect: { speed: '2' } },
  { q: 'code=cobol', notice: 'code' },
  { q: 'autoplay=yes', notice: 'autoplay' },
  { q: 'embed=2', notice: 'embed' },
  { q: 'scenario=custom&src=' + b64url('x'.repeat(5000)), notice: 'src' },
  { q: 'scenario=crawler&count=%F0%9F%92%A5', notice: 'count', expect: { scenario: 'crawler' } },
];

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

for (const c of CASES) {
  test(`?${c.q.length > 70 ? c.q.slice(0, 70) + '…' : c.q}`, { timeout: 40000 }, async () => {
    const P = await env.open(c.q);
    const { page } = P;
    try {
      const injected = await page.evaluate(() => window.__pwned === 1 || !!document.querySelector('img[src="x"], script:not([src])'));
      assert.equal(injected, false, 'something from the URL was inserted as HTML');
      if (c.notice) {
        const el = await page.waitForSelector(tid('notice'), { timeout: 10000 }).catch(() => null);
        assert.ok(el, `a notice for the rejected '${c.notice}'`);
        const texts = await page.$$eval(tid('notice'), (l) => l.map((n) => n.textContent));
        assert.ok(texts.some((t) => t.includes(c.notice)), `a notice names '${c.notice}': ${JSON.stringify(texts)}`);
      } else {
        assert.equal(await page.$(tid('notice')), null, 'no notice for a valid or unknown parameter');
      }
      const e = c.expect || {};
      for (const k of ['scenario', 'mode', 'lang']) {
        if (e[k] !== undefined) assert.equal(await page.getAttribute(tid('app'), `data-${k}`), e[k], `data-${k}`);
      }
      if (e.speed !== undefined) assert.equal(await page.$eval(tid('speed'), (s) => s.value), e.speed, 'speed kept at its default');
      assert.equal(await page.$(tid('error-panel')), null, 'no crash');
      assertClean(P);
    } finally {
      await P.close();
    }
  });
}
