// Issue 12, the page side of CPython runs: the progress bar while Python loads (named, with aria
// values), the code tabs, compare mode, what a browser cannot run, isolation of the program
// (no DOM, no storage, no other origin), and an endless loop stopped with the page responsive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, tid, assertClean, runAndWait, screenshot, axe } from '../lib.mjs';
import { cpython, headline } from '../python.mjs';

let env;
// While `offPython` is set, the server answers 404 for CPython's standard library (a broken or
// partial deployment, a network gone before first use).
let offPython = false;
before(async () => { env = await start({ block: (p) => offPython && p.endsWith('/python_stdlib.zip') }); });
after(async () => { await env?.close(); });

const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');
const texts = (page) => page.$$eval(tid('console-text'), (l) => l.map((x) => x.textContent));
const open = (src, q = 'mode=concurrent&speed=4') => env.open(`scenario=custom&${q}&src=${b64url(src)}`);

// Beyond the subset (a plain def, a docstring, the __main__ guard) and without timers, so it
// needs only CPython, not its real-clock waits.
const GATHER = `import asyncio

def label(name):
    """The line a job prints."""
    return f"{name} done"

async def job(name):
    print(label(name))
    return name

async def main():
    print(await asyncio.gather(job("a"), job("b")))

if __name__ == "__main__":
    asyncio.run(main())
`;

test('Python loads with a named progress bar, then runs; code tabs; axe clean', { timeout: 240000 }, async () => {
  for (const [lang, loading, why] of [['en', /^Loading Python/, /no JavaScript or Rust version/],
    ['fr', /^Chargement de Python/, /n’a pas de version JavaScript ni Rust/]]) {
    const P = await open(GATHER, `mode=concurrent&speed=4&lang=${lang}`);
    const { page } = P;
    await page.waitForSelector(tid('editor-python'));
    // Nothing of Python is fetched before it is needed.
    assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').some((r) => /pyodide|\/py\//.test(r.name))), false);
    await page.click(tid('run'));
    const bar = await page.waitForSelector(`${tid('py-progress')} [role="progressbar"]`, { timeout: 30000 });
    assert.match(await bar.getAttribute('aria-label'), loading);
    assert.equal(await bar.getAttribute('aria-valuemin'), '0');
    assert.equal(await bar.getAttribute('aria-valuemax'), '100');
    if (lang === 'en') {
      assert.deepEqual(await axe(page), [], 'axe with the progress bar');
      await screenshot(page, 'python-loading');
    }
    await page.waitForSelector(`${tid('app')}[data-run-state="finished"]`, { timeout: 180000 });
    assert.deepEqual(await texts(page), ['a done', 'b done', "['a', 'b']"]);
    assert.equal(await page.$(tid('py-progress')), null, 'the bar goes once Python is ready');
    assert.equal(await page.textContent(tid('code')), GATHER, 'the Python tab is the program as pasted');
    await page.click(`${tid('code-tab')}:nth-child(2)`);
    assert.match(await page.textContent(tid('code')), why);
    await page.click(`${tid('code-tab')}:nth-child(1)`);
    if (lang === 'en') {
      assert.deepEqual(await axe(page), [], 'axe with a CPython-run result');
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'python-result-390');
      await page.setViewportSize({ width: 1280, height: 720 });
      await screenshot(page, 'python-result-1280');
    }
    assertClean(P);
    await P.close();
  }
});

test('compare: the sequential rewrite and the program as written; none to compare says so', { timeout: 240000 }, async () => {
  const P = await open(GATHER, 'mode=compare&speed=4');
  const { page } = P;
  assert.equal(await runAndWait(page, { timeout: 180000 }), 'finished');
  const blocks = await page.$$eval('.ap-console-block', (bs) => bs.map((b) => [b.dataset.mode,
    [...b.querySelectorAll('[data-testid="console-text"]')].map((x) => x.textContent)]));
  assert.deepEqual(blocks, [['sequential', ['a done', 'b done', "['a', 'b']"]], ['concurrent', ['a done', 'b done', "['a', 'b']"]]]);
  assert.match(await page.textContent(tid('editor-python')), /one after the other/);
  // No gather, create_task or TaskGroup: nothing to compare, it runs once.
  const plain = 'import asyncio\n\nasync def main():\n    steps = [f"step {i}" for i in range(2)]\n    for s in steps:\n        print(s)\n\nasyncio.run(main())\n';
  await page.fill(tid('editor-text'), plain);
  await page.click(tid('editor-apply'));
  assert.equal(await runAndWait(page, { timeout: 120000 }), 'finished');
  assert.deepEqual(await texts(page), ['step 0', 'step 1']);
  assert.match(await page.textContent(tid('editor-python')), /no concurrency to compare/);
  assertClean(P);
  await P.close();
});

test('what a browser cannot run is named, with its line and column', { timeout: 180000 }, async () => {
  const P = await open('import asyncio\nimport threading\n\nasync def main():\n    t = threading.Thread(target=print)\n    t.start()\n\nasyncio.run(main())\n');
  const { page } = P;
  await page.click(tid('run'));
  const err = await page.waitForSelector(tid('editor-error'), { timeout: 120000 });
  assert.equal(await err.getAttribute('data-kind'), 'unsupported');
  assert.match(await err.textContent(), /^line \d+, column \d+: .*thread/i);
  // In the page's language, as every word of the page.
  await page.selectOption(tid('lang'), 'fr');
  await page.waitForSelector(`${tid('app')}[data-lang="fr"]`);
  assert.match(await page.textContent(tid('editor-error')), /^ligne \d+, colonne \d+\u00a0: les threads du système .* n’a qu’un thread pour Python$/);
  await page.selectOption(tid('lang'), 'es');
  await page.waitForSelector(`${tid('app')}[data-lang="es"]`);
  assert.match(await page.textContent(tid('editor-error')), /^línea \d+, columna \d+: los hilos del sistema .* solo tiene un hilo para Python$/);
  assertClean(P);
  await P.close();
});

test('Python cannot start (its files do not load): said in the page\'s language, the run stops, a later Run retries', { timeout: 240000 }, async () => {
  offPython = true;
  const P = await open(GATHER, 'mode=concurrent&speed=4&lang=fr');
  const { page } = P;
  try {
    await page.click(tid('run'));
    const failed = await page.waitForSelector(tid('py-failed'), { timeout: 120000 });
    assert.equal(await failed.textContent(), 'Python n’a pas pu démarrer (ses fichiers ne se sont pas chargés).');
    assert.match(await page.textContent(tid('editor-error')), /^L’exécution s’est arrêtée\u00a0: Python n’a pas pu démarrer/);
    await page.waitForSelector(`${tid('app')}[data-run-state="cancelled"]`, { timeout: 10000 });
    await page.selectOption(tid('lang'), 'es');
    await page.waitForSelector(`${tid('app')}[data-lang="es"]`);
    assert.equal(await page.textContent(tid('py-failed')), 'Python no pudo arrancar (sus archivos no se cargaron).');
    assert.match(await page.textContent(tid('editor-error')), /^La ejecución se detuvo: Python no pudo arrancar/);
    // The only errors are the worker's own report of the missing file (Pyodide's), nothing of the page.
    assert.deepEqual(P.pageErrors.filter((e) => !/python_stdlib\.zip/.test(e)), []);
  } finally {
    offPython = false;
  }
  // The files are back: the next Run starts Python afresh and runs the program.
  assert.equal(await runAndWait(page, { timeout: 180000 }), 'finished');
  assert.deepEqual(await texts(page), ['a done', 'b done', "['a', 'b']"]);
  assert.equal(await page.$(tid('py-failed')), null);
  await P.close();
});

test('isolation: the program has no DOM and no page storage (it runs in a worker)', { timeout: 180000 }, async () => {
  const prog = `import asyncio

async def main():
    import js
    try:
        print("DOM", js.document.title)
    except Exception as e:
        print("no DOM")
    try:
        js.localStorage.setItem("pwned", "1")
        print("storage")
    except Exception as e:
        print("no storage")

asyncio.run(main())
`;
  const P = await open(prog);
  const { page } = P;
  assert.equal(await runAndWait(page, { timeout: 120000 }), 'finished');
  assert.deepEqual(await texts(page), ['no DOM', 'no storage']);
  assert.equal(await page.evaluate(() => localStorage.getItem('pwned')), null);
  assertClean(P);
  await P.close();
});

test('a program that posts its own messages to the page: refused as untrusted input, said in the page\'s language', { timeout: 180000 }, async () => {
  const prog = 'import asyncio\nimport js\n\nasync def main():\n    print("before")\n    js.postMessage(\'{"type": "done", "id": "forged", "trace": "<b>x</b>"}\')\n    await asyncio.sleep(0.5)\n    print("after")\n\nasyncio.run(main())\n';
  const P = await open(prog, 'mode=concurrent&speed=4&lang=es');
  const { page } = P;
  await page.click(tid('run'));
  const err = await page.waitForSelector(tid('editor-error'), { timeout: 120000 });
  assert.equal(await err.getAttribute('data-kind'), 'invalid');
  assert.match(await err.textContent(), /^La ejecución se detuvo: el worker de Python envió un mensaje que esta página no acepta/);
  await page.waitForSelector(`${tid('app')}[data-run-state="cancelled"]`, { timeout: 10000 });
  assert.equal(await page.$('b'), null, 'nothing of it rendered as HTML');
  assert.ok(!(await texts(page)).includes('after'), 'the run stopped there');
  assertClean(P);
  await P.close();
});

test('an endless loop: the page stays responsive and Stop ends it; the next run works', { timeout: 180000 }, async () => {
  const P = await open('import asyncio\n\nasync def main():\n    print("looping")\n    while True:\n        pass\n\nasyncio.run(main())\n');
  const { page } = P;
  await page.click(tid('run'));
  await page.waitForSelector(`${tid('app')}[data-run-state="running"]`);
  // Python is loaded and spinning (its progress bar gone) while the page answers at once.
  await page.waitForFunction(() => !document.querySelector('[data-testid="py-progress"]'), null, { timeout: 120000 });
  const t0 = Date.now();
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  assert.ok(Date.now() - t0 < 2000, 'the page answered');
  await page.click(tid('stop'));
  await page.waitForSelector(`${tid('app')}[data-run-state="cancelled"]`, { timeout: 10000 });
  await page.fill(tid('editor-text'), GATHER);
  await page.click(tid('editor-apply'));
  assert.equal(await runAndWait(page, { timeout: 120000 }), 'finished');
  assert.deepEqual(await texts(page), ['a done', 'b done', "['a', 'b']"]);
  assertClean(P);
  await P.close();
});

test('stderr in the console: a never-awaited warning and a traceback, CPython\'s exact text, styled apart', { timeout: 240000 }, async () => {
  const prog = `import asyncio


async def helper():
    return 1


async def main():
    helper()
    await asyncio.sleep(0.05)
    print("before")
    raise ValueError("boom")


asyncio.run(main())
`;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ap-py-')), 'program.py');
  fs.writeFileSync(file, prog);
  const [want, P] = await Promise.all([cpython(file), open(prog)]);
  const { page } = P;
  await page.waitForSelector(tid('editor-python'));
  assert.equal(await runAndWait(page, { timeout: 180000 }), 'finished');
  const got = await page.$$eval(tid('console-line'), (ls) => ls.map((l) => ({
    stream: l.dataset.stream || 'stdout', tone: l.dataset.tone || null,
    cls: ['is-warn', 'is-error'].filter((c) => l.classList.contains(c)).join(' '),
    text: l.querySelector('[data-testid="console-text"]').textContent,
  })));
  // What a person reads: every line in CPython's order, stdout plain, stderr marked by its tone.
  const heads = (ls) => headline(ls.filter((l) => l.stream === 'stdout' || !/^\s/.test(l.text)).map((l) => l.text));
  assert.deepEqual(heads(got), heads(want.map(([, stream, text]) => ({ stream, text }))));
  const by = (re) => got.find((l) => re.test(l.text));
  assert.deepEqual(by(/^program\.py:9: RuntimeWarning: coroutine 'helper' was never awaited$/),
    { stream: 'stderr', tone: 'warning', cls: 'is-warn', text: "program.py:9: RuntimeWarning: coroutine 'helper' was never awaited" });
  assert.equal(by(/^\s+helper\(\)$/)?.tone, 'warning', 'the warning\'s source line is the warning\'s');
  assert.deepEqual(by(/^before$/), { stream: 'stdout', tone: null, cls: '', text: 'before' });
  for (const re of [/^Traceback \(most recent call last\):$/, /^ValueError: boom$/]) {
    assert.deepEqual([by(re)?.stream, by(re)?.tone, by(re)?.cls], ['stderr', 'error', 'is-error'], String(re));
  }
  // The warning is told once, in CPython's words (no second, shorter warning line).
  assert.equal(await page.$(tid('console-warn-line')), null);
  const colours = await page.$$eval('[data-tone]', (ls) => [...new Set(ls.map((l) => `${l.dataset.tone} ${getComputedStyle(l).backgroundColor}`))]);
  assert.equal(new Set(colours.map((c) => c.split(' ')[0])).size, 2, `two tones: ${colours}`);
  assert.equal(new Set(colours.map((c) => c.replace(/^\S+ /, ''))).size, 2, `each its own background: ${colours}`);
  await screenshot(page, 'python-stderr');
  assertClean(P);
  await P.close();
});
