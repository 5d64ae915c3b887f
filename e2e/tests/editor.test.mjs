// F17, the scenario editor: a student writes a small asyncio script, applies it, runs it on real
// timers, shares it by link; mistakes are listed with line and column in the page's language;
// hostile scripts are refused with a message, never run as code, never rendered as HTML.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, tid, screenshot, assertClean, runAndWait } from '../lib.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const texts = (page) => page.$$eval(tid('console-text'), (l) => l.map((x) => x.textContent));
const lanes = async (page) => Number(await page.getAttribute(tid('timeline'), 'data-lanes'));
async function write(page, text) {
  await page.fill(tid('editor-text'), text);
  await page.click(tid('editor-apply'));
}

const HELLO = `import asyncio

async def greet(who, seconds):
    print(f"hello {who}")
    await asyncio.sleep(seconds)
    print(f"bye {who}")
    return who

async def main():
    names = await asyncio.gather(greet("Ana", 0.2), greet("Léo", 0.1))
    print("done:", names)

asyncio.run(main())
`;

test('the starter runs; a script of one\'s own applies, runs and travels in the link', { timeout: 90000 }, async () => {
  const P = await env.open('scenario=custom&mode=concurrent&speed=4');
  const { page } = P;
  await page.waitForSelector(tid('editor-text'));
  assert.match(await page.inputValue(tid('editor-text')), /asyncio\.run\(main\(\)\)/);
  assert.equal(await lanes(page), 5, 'main + four downloads of the starter');
  assert.equal(await runAndWait(page), 'finished');
  const total = Number(await page.getAttribute(tid('total-concurrent'), 'data-ms'));
  assert.ok(Math.abs(total - 3000) <= 50 + 3000 * 0.02, `starter total ${total} ms (ideal 3000)`);
  assert.ok((await texts(page)).includes('a: start'));
  await screenshot(page, 'editor-starter');

  await write(page, HELLO);
  await page.waitForFunction(() => new URL(location.href).searchParams.has('src'));
  assert.equal(await lanes(page), 3, 'main + two greetings');
  assert.equal(await runAndWait(page), 'finished');
  const out = await texts(page);
  assert.deepEqual(out, ['hello Ana', 'hello Léo', 'bye Léo', 'bye Ana', "done: ['Ana', 'Léo']"]);
  // The Python view is generated from the model, and runs the same program.
  await page.click(`${tid('code-tab')}[data-lang="python"]`);
  assert.match(await page.textContent(tid('code')), /async def greet\(/);
  const link = page.url();
  assert.equal(new URL(link).searchParams.get('src'), b64url(HELLO).replace(/=+$/, ''));
  assertClean(P);
  await P.close();

  // The shared link opens the same script, ready to run.
  const Q = await env.open(new URL(link).search.slice(1));
  assert.equal(await Q.page.inputValue(tid('editor-text')), HELLO);
  assert.equal(await lanes(Q.page), 3);
  assertClean(Q);
  await Q.close();
});

test('mistakes are listed with line and column, in the page\'s language (CPython\'s own SyntaxError for a program beyond the subset)', { timeout: 400000 }, async () => {
  for (const [lang, words] of [['en', 'line 3, column 11'], ['fr', 'ligne 3, colonne 11'], ['es', 'línea 3, columna 11']]) {
    const P = await env.open(`scenario=custom&mode=concurrent&lang=${lang}`);
    const { page } = P;
    await page.waitForSelector(tid('editor-text'));
    // Beyond the subset, so CPython parses it: its own SyntaxError, at its line and column.
    await write(page, 'async def main():\n    print("hi")\n    print(x y)\nasyncio.run(main())\n');
    const err = await page.waitForSelector(tid('editor-error'), { timeout: 120000 });
    assert.equal(await err.getAttribute('data-line'), '3');
    assert.ok((await err.textContent()).startsWith(words), `${lang}: ${await err.textContent()}`);
    assert.match(await err.textContent(), /SyntaxError: invalid syntax/);
    assert.equal(await page.getAttribute(tid('editor-text'), 'aria-invalid'), 'true');
    // A click on the error puts the caret on it.
    await page.click(`${tid('editor-error')} button`);
    const caret = await page.$eval(tid('editor-text'), (t) => [document.activeElement === t, t.selectionStart]);
    const want = 'async def main():\n    print("hi")\n'.length + 10;
    assert.deepEqual(caret, [true, want]);
    if (lang === 'fr') await screenshot(page, 'editor-error-fr');
    assertClean(P);
    await P.close();
  }
});

test('hostile scripts: HTML stays text, huge fan-outs are refused, typing never drives the player', { timeout: 60000 }, async () => {
  const xss = 'async def main():\n    print("<img src=x onerror=window.__pwned=1>")\nasyncio.run(main())\n';
  const P = await env.open(`scenario=custom&mode=concurrent&speed=4&src=${b64url(xss)}`);
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  assert.deepEqual(await texts(page), ['<img src=x onerror=window.__pwned=1>']);
  assert.equal(await page.evaluate(() => window.__pwned === 1 || !!document.querySelector('img[src="x"]')), false);
  // 100,000 tasks: refused at once with the reason.
  await write(page, 'async def j():\n    pass\nasync def main():\n    await asyncio.gather(*(j() for i in range(100000)))\nasyncio.run(main())\n');
  const err = await page.waitForSelector(tid('editor-error'));
  assert.match(await err.textContent(), /more than 10000 tasks/);
  // 1 MB pasted: refused at once by its size, the counter says why.
  await page.fill(tid('editor-text'), '#'.repeat(1 << 20));
  await page.click(tid('editor-apply'));
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-error"]')?.textContent.includes('4096'));
  assert.equal(await page.$eval('.ap-editor .ap-count', (e) => e.classList.contains('is-over')), true);
  // Space and arrows typed in the editor are text, not player keys.
  await page.click(tid('editor-text'));
  await page.keyboard.press('End');
  await page.keyboard.type(' ');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getAttribute(tid('app'), 'data-run-state'), 'finished');
  assertClean(P);
  await P.close();
  // A link whose script is not text: a message, not a crash.
  const Q = await env.open('scenario=custom&src=_w&lang=fr');
  const bad = await Q.page.waitForSelector(tid('editor-error'));
  assert.match(await bad.textContent(), /^ligne 1, colonne 1\u00a0: le script de ce lien est abîmé/);
  assert.equal(await Q.page.$(tid('error-panel')), null);
  assert.ok(!(await Q.page.textContent('body')).includes('line 1'), 'no English error beside the French one');
  assertClean(Q, { allow: [/./] });
  await Q.close();
});

test('a course page loads a script by postMessage and gets its trace', { timeout: 60000 }, async () => {
  const E = await env.embed('embed=1');
  await E.msg('ready');
  await E.send({ type: 'load', scenario: 'custom', mode: 'concurrent', speed: 4, src: b64url(HELLO) });
  await E.send({ type: 'run' });
  const s = await E.msg('runStarted');
  const f = await E.msg('runFinished', { runId: s.runId }, 30000);
  const prints = f.trace.events.filter((e) => e.kind === 'print').map((e) => e.text);
  assert.deepEqual(prints, ['hello Ana', 'hello Léo', 'bye Léo', 'bye Ana', "done: ['Ana', 'Léo']"]);
  assert.equal(f.trace.scenario, 'custom');
  // src without custom, or not base64url: refused with the parameter named.
  await E.clear();
  await E.send({ type: 'load', scenario: 'breakfast', src: b64url(HELLO) });
  const err = await E.msg('error');
  assert.equal(err.code, 'bad-param');
  assert.match(err.message, /^src/);
  assertClean(E);
  await E.close();
});

test('keyboard only: reach the editor, type, Ctrl+Enter applies, Run by keyboard', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=custom&mode=concurrent&speed=4');
  const { page } = P;
  await page.waitForSelector(tid('editor-text'));
  // Tab from the top of the page until the script box has the focus.
  let found = false;
  for (let i = 0; i < 60 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.dataset.testid === 'editor-text');
  }
  assert.ok(found, 'the script box is reachable with Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('async def main():\n    print("typed")\n    await asyncio.sleep(0.1)\n    print("by keys")\nasyncio.run(main())\n');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('src'));
  assert.equal(await lanes(page), 1);
  await page.focus(tid('run'));
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${tid('app')}[data-run-state="finished"]`);
  assert.deepEqual(await texts(page), ['typed', 'by keys']);
  assertClean(P);
  await P.close();
});
