// The labs of issue 13: cpu-bound (workers really do the same work at the same speed, and the
// fix is faster on a machine with 2 cores or more), threads-vs-async, blocking-mistake and the
// event-loop lab of F18, as a person sees them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { start, tid, runAndWait, assertClean, screenshot, axe, waitApp } from '../lib.mjs';

const env = await start();
after(() => env.close());

/** The blocked (computing) bars of one program: [{task, ms}] from the drawn lanes. */
async function computeBars(page, mode) {
  return page.$$eval(`${tid('lane')}[data-mode="${mode}"]`, (lanes) => lanes.flatMap((l) =>
    [...l.querySelectorAll('[data-testid="bar"][data-state="blocked"], [data-testid="bar"][data-state="running"]')]
      .map((b) => ({ task: l.dataset.task, ms: Number(b.dataset.end) - Number(b.dataset.start) }))
      .filter((b) => b.task.startsWith('piece') && b.ms > 100)));
}

/** How many cores' worth of work three threads of this page get done at once right now, against
 *  one thread alone (the machine is shared: the OS may give the browser one core of its two). A
 *  plain counting loop, in three blob: workers as the app's lanes are. */
async function freeCores(page) {
  return page.evaluate(async () => {
    const spin = (ms) => { const end = performance.now() + ms; let n = 0; while (performance.now() < end) n++; return n; };
    const src = 'onmessage = (e) => { if (e.data === 0) return postMessage(0); const end = performance.now() + e.data; let n = 0; while (performance.now() < end) n++; postMessage(n); };';
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const ws = [0, 1, 2].map(() => new Worker(url));
    const ask = (w, m) => new Promise((res) => { w.onmessage = (e) => res(e.data); w.postMessage(m); });
    await Promise.all(ws.map((w) => ask(w, 0)));
    spin(100);
    const one = spin(400);
    const all = await Promise.all(ws.map((w) => ask(w, 400)));
    ws.forEach((w) => w.terminate());
    URL.revokeObjectURL(url);
    return all.reduce((a, b) => a + b, 0) / one;
  });
}

test('cpu-bound: workers run the same pieces about as fast as the main thread, and the fix wins on 2+ free cores', { timeout: 120000 }, async () => {
  const P = await env.open('scenario=cpu-bound&mode=compare&lang=en');
  const { page } = P;
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const note = page.locator(tid('cores'));
  assert.equal(Number(await note.getAttribute('data-cores')), cores);
  assert.match(await note.textContent(), new RegExp(`navigator\\.hardwareConcurrency\\): ${cores}$`));
  // Before a run nothing is measured and there is no plan for real computation: no "ideal" figure.
  assert.doesNotMatch(await page.locator(tid('timeline')).textContent(), /ideal/);
  const before = await freeCores(page);
  assert.equal(await runAndWait(page, { timeout: 90000 }), 'finished');
  // The load can change during the run (other builds on a shared machine): the fewer free cores
  // of just before and just after count.
  const free = Math.min(before, await freeCores(page));
  const load = os.loadavg()[0];
  const mistake = Number(await page.getAttribute(tid('total-sequential'), 'data-ms'));
  const fix = Number(await page.getAttribute(tid('total-concurrent'), 'data-ms'));
  const main = await computeBars(page, 'sequential');
  const workers = await computeBars(page, 'concurrent');
  assert.equal(main.length, 3, JSON.stringify(main));
  assert.equal(workers.length, 3, JSON.stringify(workers));
  const mean = (xs) => xs.reduce((a, b) => a + b.ms, 0) / xs.length;
  // Three pieces share the cores the OS gives this page (`free`, measured just before): a worker
  // piece takes about 3 / min(3, free) times a main-thread piece, the fix about 1 / min(3, free)
  // times the mistake. On this shared 2-core machine `free` is ~1 while others compile (the
  // scheduler shares the CPU per session, not per thread) and ~2 when it is quiet.
  const usable = Math.min(3, cores, Math.max(1, free));
  const share = 3 / usable;
  console.log(`cpu-bound on ${cores} cores (${free.toFixed(2)} free, load ${load.toFixed(1)}): mistake ${mistake} ms, fix ${fix} ms; piece ${mean(main)} ms on main, ${mean(workers)} ms in a worker`);
  // Timing claims need a machine that is not swamped: with more runnable threads than twice its
  // cores (load average), how the OS shares it among this page's threads is not the page's doing
  // (measured here: worker pieces 3.3x a main-thread piece at load 12 on 2 cores).
  if (load <= 2 * cores) {
    // Generous (the load moves during the run): the old JavaScript copy in workers was 2–4× slower
    // than the same piece on main whatever the load.
    assert.ok(mean(workers) < mean(main) * share * 1.6, `worker piece ${mean(workers)} ms vs main ${mean(main)} ms with ${free.toFixed(2)} free cores`);
    // Never slower than the mistake beyond noise; faster whenever the OS gives it a second core.
    assert.ok(fix < mistake * 1.25, `the fix ${fix} ms vs the mistake ${mistake} ms`);
    // With more than ~1.3 cores' worth free the three pieces must beat one thread (ideal ratio
    // 1 / free: 0.77 at 1.3), and clearly so with nearly two.
    if (cores >= 2 && free >= 1.3) assert.ok(fix < mistake, `the fix ${fix} ms vs the mistake ${mistake} ms with ${free.toFixed(2)} free cores of ${cores}`);
    if (cores >= 2 && free >= 1.7) assert.ok(fix < mistake * 0.9, `the fix ${fix} ms vs the mistake ${mistake} ms with ${free.toFixed(2)} free cores of ${cores}`);
  } else {
    console.log(`cpu-bound: load ${load.toFixed(1)} on ${cores} cores: the timing claims are not asserted in this run`);
  }
  const header = await page.locator(tid('timeline')).textContent();
  assert.doesNotMatch(header, /ideal/, 'no plan, so no ideal in the lane headers');
  assert.match(header, /measured \d+\.\d+\u00a0?\s?s/);
  // The same words everywhere for this scenario.
  assert.equal(await page.locator(tid('total-sequential')).locator('.ap-figure-label').textContent(), 'The mistake');
  assert.equal(await page.locator(tid('total-concurrent')).locator('.ap-figure-label').textContent(), 'The fix');
  assert.match(await page.textContent(tid('status')), /^Run finished\. The mistake \d+\.\d\d\u00a0s\. The fix \d+\.\d\d\u00a0s\. Speed-up /);
  await screenshot(page, 'lab-cpu-bound-compare');
  assertClean(P);
  await P.close();
});

/** Each "holds the only thread" label of the sequential half: its box, its bar's box, the boxes
 *  of the other bars in its lane, and the drawing's box. */
async function blockedLabels(page) {
  return page.$$eval(`${tid('lane')}[data-mode="sequential"]`, (lanes) => lanes.flatMap((l) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom }; };
    const bars = [...l.querySelectorAll('[data-testid="bar"]')];
    const svg = box(l.closest('svg'));
    return [...l.querySelectorAll('.ap-bar-label')].filter((t) => t.textContent === 'holds the only thread').map((t) => {
      const tb = box(t);
      // Its own bar: the lane's blocked bar, at most 60 px away (past the ticks touching it).
      const own = bars.filter((b) => b.dataset.state === 'blocked').map(box).find((b) => b.l - 60 <= tb.r && tb.l <= b.r + 60 && b.t <= tb.b && tb.t <= b.b);
      // Other bars a person reads (ticks of a few pixels, such as a breath, may sit under it).
      const others = bars.map(box).filter((b) => b.r - b.l > 12 && !(own && b.l === own.l));
      return { task: l.dataset.task, tb, own: !!own, svg, overlaps: others.filter((b) => tb.l < b.r && b.l < tb.r).length };
    });
  }));
}

test('threads-vs-async: thread lanes sleep through the download; the blocked half says why', { timeout: 90000 }, async () => {
  const P = await env.open('scenario=threads-vs-async&mode=compare&lang=en');
  const { page } = P;
  assert.equal(await runAndWait(page, { timeout: 60000 }), 'finished');
  const threads = await page.$$eval(`${tid('lane')}[data-mode="concurrent"]`, (lanes) => lanes
    .filter((l) => l.dataset.task.startsWith('thread'))
    .map((l) => [...l.querySelectorAll('[data-testid="bar"]')].map((b) => ({ state: b.dataset.state, ms: Number(b.dataset.end) - Number(b.dataset.start) }))));
  assert.equal(threads.length, 3);
  for (const bars of threads) {
    assert.ok(bars.some((b) => b.state === 'sleeping' && b.ms > 800), JSON.stringify(bars));
    assert.ok(!bars.some((b) => b.state === 'running' && b.ms > 100), `a thread waiting for a download is not running: ${JSON.stringify(bars)}`);
  }
  // Every blocked bar says why, however narrow it is drawn: the whole label is on screen, by its
  // bar, inside the drawing and over no other bar of its lane (at a phone's width too).
  for (const [w, h] of [[1280, 720], [390, 844], [1920, 1080]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForFunction(() => document.querySelector('[data-testid="timeline"] svg')?.getBoundingClientRect().width <= window.innerWidth);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="lane"][data-mode="sequential"] .ap-bar-label')]
      .filter((t) => t.textContent === 'holds the only thread').length >= 3, null, { timeout: 10000 }).catch(() => {});
    const labels = await blockedLabels(page);
    if (w >= 1280) {
      assert.deepEqual(labels.map((l) => l.task).sort(), ['download 1', 'download 2', 'download 3'], `${w} px: ${JSON.stringify(labels)}`);
    } else {
      // A phone may have room beside no bar: the legend under the timeline says it for all.
      const legend = page.locator('.ap-legend-items li', { hasText: 'a blocking call holds the thread' });
      await legend.scrollIntoViewIfNeeded();
      assert.ok(await legend.isVisible(), `${w} px: the legend does not say why a bar is blocked`);
    }
    for (const l of labels) {
      assert.ok(l.own, `${w} px: the label of ${l.task} is away from its bar: ${JSON.stringify(l)}`);
      assert.ok(l.tb.l >= l.svg.l - 0.5 && l.tb.r <= l.svg.r + 0.5, `${w} px: the label of ${l.task} runs out of the drawing: ${JSON.stringify(l)}`);
      assert.equal(l.overlaps, 0, `${w} px: the label of ${l.task} covers another bar: ${JSON.stringify(l)}`);
    }
    await screenshot(page, `lab-threads-vs-async-${w}`);
  }
  assertClean(P);
  await P.close();
});

test('blocking-mistake: one axis from the start, each half’s cursor at its own end, one pair of words', { timeout: 90000 }, async () => {
  const P = await env.open('scenario=blocking-mistake&mode=compare&lang=fr');
  const { page } = P;
  const axisEnd = () => page.$$eval('.ap-grid', (ls) => Math.max(...ls.map((l) => Number(l.dataset.ms))));
  const before = await axisEnd();
  // Record every axis end drawn during the run.
  await page.evaluate(() => {
    window.__axisEnds = new Set();
    const note = () => window.__axisEnds.add(Math.max(...[...document.querySelectorAll('.ap-grid')].map((l) => Number(l.dataset.ms))));
    new MutationObserver(note).observe(document.querySelector('[data-testid="timeline"]'), { subtree: true, childList: true, attributes: true });
  });
  assert.equal(await runAndWait(page, { timeout: 60000 }), 'finished');
  const ends = await page.evaluate(() => [...window.__axisEnds]);
  assert.deepEqual(ends.filter((e) => e !== before), [], `axis ${before} ms rescaled during the run to ${ends}`);
  const total = Number(await page.getAttribute(tid('total-sequential'), 'data-ms'));
  const cursors = await page.$$eval(tid('panel-now'), (gs) => gs.map((g) => ({ p: g.dataset.program, ms: Number(g.dataset.ms) })));
  const mistake = cursors.find((c) => c.p === '0');
  assert.ok(mistake && Math.abs(mistake.ms - total) < 60, `the mistake's cursor ${JSON.stringify(cursors)} vs its total ${total}`);
  const labels = async (sel) => page.$$eval(sel, (es) => es.map((e) => e.textContent.trim()));
  const words = ['L’erreur', 'La correction'];
  assert.deepEqual(await labels(`${tid('mode-option')}[data-value="sequential"], ${tid('mode-option')}[data-value="concurrent"]`), words);
  assert.deepEqual(await labels('.ap-figure:not(.ap-speedup) .ap-figure-label'), words);
  assert.deepEqual(await labels('.ap-panel-title'), words);
  assert.deepEqual(await labels(tid('code-program')), words);
  await screenshot(page, 'lab-blocking-mistake-fr');
  assertClean(P);
  await P.close();
});

/** Presses the player's step back (by keyboard) until the lab shows callback `k`. */
async function stepBackTo(page, k) {
  for (let i = 0; i < 40; i++) {
    if (await page.getAttribute(tid('lab-step'), 'data-step') === String(k)) return;
    await page.focus(tid('step-back'));
    await page.keyboard.press('Enter');
  }
  assert.fail(`the lab never showed callback ${k}`);
}

const QUEUE_OF = { sync: 'sync', microtask: 'micro', macrotask: 'macro' };

/** The queue lanes' marks as drawn: order, state, text, ms, the lane they sit in and their box. */
async function queueMarks(page) {
  return page.$$eval('[data-testid="queue-mark"]', (ms) => ms.map((m) => {
    const r = m.getBoundingClientRect();
    const lane = m.closest('[data-testid="queue-lane"]');
    const lr = lane.getBoundingClientRect();
    const at = m.querySelector('.ap-ql-at');
    return {
      order: Number(m.dataset.order), state: m.dataset.state, queue: m.dataset.queue, lane: lane.dataset.queue,
      text: m.querySelector('.ap-ql-text').textContent, ms: m.dataset.ms === undefined ? null : Number(m.dataset.ms),
      at: at.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom, inLane: r.top >= lr.top - 0.5 && r.bottom <= lr.bottom + 0.5,
      dashed: getComputedStyle(m).borderTopStyle === 'dashed',
    };
  }).sort((a, b) => a.order - b.order));
}

/** The marks' words a person cannot read whole: a visible line of a mark whose glyphs (a Range)
 *  run past the mark's box (it clips what overflows). */
async function cutMarks(page) {
  return page.$$eval('[data-testid="queue-mark"]', (ms) => ms.flatMap((m) => {
    const mb = m.getBoundingClientRect();
    return [...m.querySelectorAll('.ap-ql-n, .ap-ql-text, .ap-ql-word, .ap-ql-ms')].filter((e) => e.getClientRects().length).filter((e) => {
      const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect();
      return b.left < mb.left - 0.5 || b.right > mb.right + 0.5 || b.bottom > mb.bottom + 0.5;
    }).map((e) => `${m.dataset.order}: ${e.textContent}`);
  }));
}

/** Words a mark's text is broken inside when it wraps, as 'queueMicrot|ask': a line may only
 *  break at a space, after a colon or a dot, or inside a camelCase name at a capital. */
async function brokenWords(page) {
  return page.$$eval('[data-testid="queue-mark"] .ap-ql-text', (ts) => ts.filter((t) => t.getClientRects().length).flatMap((t) => {
    const chars = [];
    const walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (let i = 0; i < n.data.length; i++) {
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const b = r.getClientRects()[0];
        if (b) chars.push({ c: n.data[i], top: b.top });
      }
    }
    const bad = [];
    for (let i = 1; i < chars.length; i++) {
      const [a, b] = [chars[i - 1], chars[i]];
      if (b.top <= a.top + 1) continue;
      const ok = /\s/.test(a.c) || /\s/.test(b.c) || a.c === ':' || a.c === '.' || (/[a-z]/.test(a.c) && /[A-Z]/.test(b.c));
      if (!ok) bad.push(`${t.textContent.slice(0, i)}|${t.textContent.slice(i)}`);
    }
    return bad;
  }));
}

/** The console as printed: [{text, ms}]. */
async function consoleLines(page) {
  return page.$$eval('[data-testid="console-line"]', (ls) => ls.map((l) => ({
    text: l.querySelector('[data-testid="console-text"]').textContent, ms: Number(l.dataset.t) })));
}

/** The marks tell the console's story: numbered 1..n in the printed order, each on the lane of
 *  its queue (the word before the colon of its line), each at the time its line was printed. */
function assertMarksMatchConsole(marks, lines, what) {
  assert.deepEqual(marks.map((m) => m.order), lines.map((_, i) => i + 1), `${what}: marks numbered in order`);
  assert.deepEqual(marks.map((m) => m.text), lines.map((l) => l.text), `${what}: marks vs console`);
  for (const [i, m] of marks.entries()) {
    const q = QUEUE_OF[lines[i].text.split(':')[0]];
    assert.equal(m.state, 'ran', `${what}: mark ${m.order}`);
    assert.equal(m.queue, q, `${what}: mark ${m.order} (${m.text}) is on the ${m.queue} lane`);
    assert.equal(m.lane, q, `${what}: mark ${m.order} (${m.text}) is drawn in the ${m.lane} lane`);
    assert.ok(m.inLane, `${what}: mark ${m.order} sticks out of its lane`);
    assert.ok(Math.abs(m.ms - lines[i].ms) < 0.2, `${what}: mark ${m.order} ran at ${m.ms} ms, printed at ${lines[i].ms} ms`);
    if (i) assert.ok(m.l >= marks[i - 1].r - 0.5, `${what}: mark ${m.order} is not right of mark ${m.order - 1}`);
  }
}

const count = (page, id) => page.getAttribute(tid(id), 'data-count').then(Number);

test('event-loop-order: the lab and the queue lanes step through the browser’s real callback order beside the model', { timeout: 90000 }, async () => {
  const P = await env.open('scenario=event-loop-order&lang=en', { bypassCSP: true });
  const { page } = P;
  // The lesson is about setTimeout and Promise.then: the code opens on JavaScript.
  assert.equal(await page.getAttribute(`${tid('code-tab')}[data-lang="js"]`, 'aria-selected'), 'true');
  const lab = page.locator(tid('event-lab'));
  await lab.waitFor();
  assert.equal(await page.getAttribute(tid('lab-step'), 'data-step'), '0');
  assert.equal(await runAndWait(page), 'finished');
  await page.waitForSelector(`${tid('lab-step')}[data-step="5"]`);
  const browser = await page.$$eval(tid('lab-browser'), (ts) => ts.map((t) => t.textContent));
  const printed = await page.$$eval(tid('console-text'), (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(browser, printed, 'the lab shows the order the console printed');
  assert.deepEqual(await page.$$eval(tid('lab-row'), (rs) => rs.map((r) => r.dataset.agree)), ['true', 'true', 'true', 'true', 'true']);
  assert.equal(await page.locator(tid('lab-mismatch')).count(), 0);
  // The timeline's queue lanes: script, microtasks, macrotasks, and on them the callbacks the
  // browser ran, numbered in its order, each with the time its line was printed.
  assert.deepEqual(await page.$$eval(tid('queue-lane'), (ls) => ls.map((l) => l.dataset.queue)), ['sync', 'micro', 'macro']);
  const lines = await consoleLines(page);
  const marks = await queueMarks(page);
  assertMarksMatchConsole(marks, lines, 'after the run');
  // The axis spans the recorded run, and keeps spanning it while the player steps back (it
  // zoomed to the ideal's 0–2 ms before, drawing the timer's callback off its end).
  const axisEnd = () => page.$$eval(`${tid('timeline')} .ap-grid`, (g) => Math.max(...g.map((l) => Number(l.dataset.ms))));
  const measuredEnd = Number(await page.getAttribute(tid('total-concurrent'), 'data-ms'));
  const end0 = await axisEnd();
  assert.ok(end0 >= measuredEnd - 0.5, `the axis ends at ${end0} ms, before the run's ${measuredEnd} ms`);
  for (const m of marks) {
    const shown = m.at.match(/^ran at (\d+\.\d)\u00a0ms$/);
    assert.ok(shown && Math.abs(Number(shown[1]) - m.ms) < 0.051, `mark ${m.order} says '${m.at}', ran at ${m.ms} ms`);
  }
  // Step back: after both microtasks, only the timer waits.
  await stepBackTo(page, 4);
  assert.equal(await axisEnd(), end0, 'stepping back rescaled the axis');
  assert.deepEqual([await count(page, 'lab-micro'), await count(page, 'lab-macro')], [0, 1]);
  assert.match(await page.locator(tid('lab-stack')).textContent(), /microtask → microtask: queueMicrotask/);
  // Back to the end of the script: both microtasks and the timer are queued, the script is on the stack.
  await stepBackTo(page, 2);
  assert.equal(await axisEnd(), end0, 'stepping back rescaled the axis');
  assert.deepEqual([await count(page, 'lab-micro'), await count(page, 'lab-macro')], [2, 1]);
  assert.match(await page.locator(tid('lab-stack')).textContent(), /script \(main\)/);
  // The lanes step too: the two lines of the script ran, the other three wait in their queues,
  // dashed, in the columns where the browser will run them.
  const back = await queueMarks(page);
  assert.deepEqual(back.map((m) => [m.order, m.state, m.lane]), [[1, 'ran', 'sync'], [2, 'ran', 'sync'], [3, 'queued', 'micro'], [4, 'queued', 'micro'], [5, 'queued', 'macro']]);
  assert.deepEqual(back.map((m) => m.dashed), [false, false, true, true, true]);
  assert.deepEqual(back.map((m) => m.l), marks.map((m) => m.l), 'marks keep their columns as the player steps');
  assert.deepEqual(back.slice(2).map((m) => m.at), ['queued', 'queued', 'queued']);
  assert.deepEqual(await cutMarks(page), [], 'a mark cut at its edge');
  assert.deepEqual(await brokenWords(page), [], '1280 px: a word broken inside a mark');
  assert.deepEqual(await axe(page), []);
  await screenshot(page, 'lab-event-loop-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'lab-event-loop-390');
  const overflow = await page.$eval(tid('event-lab'), (e) => e.scrollWidth - e.clientWidth);
  assert.ok(overflow <= 1, `the lab overflows its box by ${overflow} px at 390 px`);
  // On a phone the lanes keep the numbers in their columns, inside the card.
  const phone = await queueMarks(page);
  const card = await page.$eval(tid('queue-lanes'), (e) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, over: e.scrollWidth - e.clientWidth }; });
  assert.ok(card.over <= 1 && card.r <= 390, `the queue lanes overflow at 390 px: ${JSON.stringify(card)}`);
  assert.deepEqual(await cutMarks(page), [], '390 px: a mark cut at its edge');
  for (const [i, m] of phone.entries()) {
    assert.ok(m.l >= card.l - 0.5 && m.r <= card.r + 0.5 && m.inLane, `390 px: mark ${m.order} out of its lane: ${JSON.stringify(m)}`);
    if (i) assert.ok(m.l >= phone[i - 1].r - 0.5, `390 px: mark ${m.order} is not right of mark ${m.order - 1}`);
  }
  assertClean(P);
  await P.close();
  // French words are longer: still whole in every mark, at 1280 and 1920 px.
  const F = await env.open('scenario=event-loop-order&lang=fr', { viewport: { width: 1280, height: 720 } });
  assert.equal(await runAndWait(F.page), 'finished');
  await F.page.waitForSelector(`${tid('queue-lanes')}[data-shown="5"]`);
  assert.deepEqual(await cutMarks(F.page), [], 'fr 1280 px: a mark cut at its edge');
  assert.deepEqual(await brokenWords(F.page), [], 'fr 1280 px: a word broken inside a mark');
  assert.match(await F.page.locator(`${tid('queue-mark')}[data-order="1"] .ap-ql-at`).textContent(), /^exécuté à \d+,\d\u00a0ms$/);
  await F.page.setViewportSize({ width: 1920, height: 1080 });
  assert.deepEqual(await cutMarks(F.page), [], 'fr 1920 px: a mark cut at its edge');
  await screenshot(F.page, 'lab-event-loop-fr-1920');
  assertClean(F);
  await F.close();
});

test('event-loop-order: a red notice when the model disagrees with the browser (test hook), the queue lanes drawing what the browser did, in French and presenter mode', { timeout: 90000 }, async () => {
  const P = await env.newPage({ viewport: { width: 1280, height: 720 } });
  const { page } = P;
  await page.addInitScript(() => { window.__apLabPerturb = true; });
  await page.goto(`${env.app.url}/?scenario=event-loop-order&lang=fr&presenter=1`);
  await waitApp(page);
  assert.equal(await runAndWait(page), 'finished');
  const notice = page.locator(tid('lab-mismatch'));
  await notice.waitFor();
  assert.equal(await notice.getAttribute('data-row'), '4');
  assert.match(await notice.textContent(), /divergent au rappel 4\u00a0:/);
  assert.deepEqual(await page.$$eval(tid('lab-row'), (rs) => rs.map((r) => r.dataset.agree)), ['true', 'true', 'true', 'false', 'false']);
  // The queue lanes draw what the browser did, not the (here wrong) model.
  const lines = await consoleLines(page);
  assertMarksMatchConsole(await queueMarks(page), lines, 'with a wrong model');
  const model = await page.$$eval(tid('lab-model'), (ts) => ts.map((t) => t.textContent));
  assert.notDeepEqual(model, lines.map((l) => l.text), 'the hook did not make the model wrong');
  // On the projector (French, the notice shown): one screen, the queue lanes under the picture,
  // over neither the timeline's drawing nor the legend, their text at least 24 px, the time of
  // each mark whole ("exécuté à" left out: the lanes' order says it).
  const geo = await page.evaluate(() => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { t: r.top, b: r.bottom, l: r.left, r: r.right }; };
    const marks = [...document.querySelectorAll('[data-testid="queue-mark"]')];
    return {
      svg: box(document.querySelector('[data-testid="timeline"] svg')), ql: box(document.querySelector('[data-testid="queue-lanes"]')),
      legend: box(document.querySelector('.ap-legend')), lab: box(document.querySelector('[data-testid="event-lab"]')),
      scroll: document.documentElement.scrollHeight, vh: innerHeight,
      small: [...document.querySelectorAll('.ap-ql-name, .ap-ql-mark, .ap-lab-step, .ap-lab-h, .ap-lab-item')]
        .filter((e) => e.getClientRects().length && parseFloat(getComputedStyle(e).fontSize) < 23.9).map((e) => e.textContent),
      clipped: marks.filter((m) => m.scrollWidth > m.clientWidth + 1).map((m) => m.textContent),
      words: marks.map((m) => m.querySelector('.ap-ql-at').innerText.trim()),
      names: [...document.querySelectorAll('.ap-ql-name')].map((n) => n.getClientRects().length),
    };
  });
  const msg = JSON.stringify(geo);
  assert.ok(geo.scroll <= geo.vh, `presenter page scrolls: ${msg}`);
  assert.ok(geo.ql.t >= geo.svg.b - 0.5, `the queue lanes cover the timeline's drawing: ${msg}`);
  assert.ok(geo.legend.t >= geo.ql.b - 0.5 && geo.lab.t >= geo.legend.b - 0.5, `the legend is covered: ${msg}`);
  assert.ok(geo.lab.b <= geo.vh + 0.5, `the lab runs off the screen: ${msg}`);
  assert.deepEqual(geo.small, [], 'text under 24 px at 1280×720');
  assert.deepEqual(geo.clipped, [], 'a mark cut at its edge');
  assert.deepEqual(geo.names, [1, 1, 1], 'a lane name on more than one line');
  for (const [i, w] of geo.words.entries()) assert.match(w, /^\d+,\d\u00a0ms$/, `mark ${i + 1} says '${w}'`);
  await screenshot(page, 'lab-event-loop-mismatch-presenter-fr');
  assertClean(P);
  await P.close();
});

/** Each lane panel's header texts (its title and its "ideal … · measured …" caption): the box of
 *  the glyphs (a Range over the text), the panel's box, and the other header texts it overlaps. */
async function panelHeads(page) {
  return page.$$eval('[data-testid="timeline"] svg .ap-panel', (panels) => panels.map((p) => {
    const box = (r) => ({ l: r.left, r: r.right, t: r.top, b: r.bottom });
    const glyphs = (e) => { const r = document.createRange(); r.selectNodeContents(e); return box(r.getBoundingClientRect()); };
    const bg = box(p.querySelector('.ap-panel-bg').getBoundingClientRect());
    // What a person can see of the panel: the drawing may be cut by a scrolling or clipping box.
    let view = box(p.ownerSVGElement.getBoundingClientRect());
    for (let e = p.ownerSVGElement.parentElement; e; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== 'visible') {
        const r = e.getBoundingClientRect();
        view = { l: Math.max(view.l, r.left), r: Math.min(view.r, r.right), t: view.t, b: view.b };
      }
    }
    view = { l: Math.max(view.l, 0), r: Math.min(view.r, innerWidth), t: view.t, b: view.b };
    const heads = [...p.querySelectorAll(':scope > .ap-panel-title, :scope > .ap-panel-caption')].filter((t) => t.textContent.trim());
    const boxes = heads.map(glyphs);
    return {
      program: p.dataset.program, bg, view,
      heads: heads.map((t, i) => ({
        text: t.textContent, box: boxes[i],
        overlaps: heads.filter((_, j) => j !== i && boxes[j].l < boxes[i].r && boxes[i].l < boxes[j].r && boxes[j].t < boxes[i].b && boxes[i].t < boxes[j].b).map((o) => o.textContent),
      })),
    };
  }));
}

function assertHeadsInside(panels, what) {
  assert.ok(panels.length >= 2, `${what}: ${panels.length} panels`);
  for (const p of panels) {
    assert.ok(p.heads.some((h) => /\d\u00a0?s$/.test(h.text)), `${what}: panel ${p.program} has no measured caption: ${JSON.stringify(p.heads)}`);
    for (const h of p.heads) {
      const b = h.box;
      const inside = b.l >= p.bg.l - 0.5 && b.r <= p.bg.r + 0.5 && b.t >= p.bg.t - 0.5 && b.b <= p.bg.b + 0.5;
      const seen = b.l >= p.view.l - 0.5 && b.r <= p.view.r + 0.5;
      assert.ok(inside && seen, `${what}: '${h.text}' (${b.l.toFixed(1)}–${b.r.toFixed(1)}) out of its panel (${p.bg.l.toFixed(1)}–${p.bg.r.toFixed(1)}, seen ${p.view.l.toFixed(1)}–${p.view.r.toFixed(1)})`);
      assert.deepEqual(h.overlaps, [], `${what}: '${h.text}' overlaps its panel's other header text`);
    }
  }
}

test('lane panel headers: every title and "ideal · measured" caption whole inside its panel, over nothing (en/fr/es, 390 and 1280 px, 300 px embed)', { timeout: 300000 }, async () => {
  for (const scenario of ['breakfast', 'crawler']) {
    for (const lang of ['en', 'fr', 'es']) {
      const P = await env.open(`scenario=${scenario}&mode=compare&lang=${lang}&speed=4`, { viewport: { width: 1280, height: 800 } });
      const { page } = P;
      assert.equal(await runAndWait(page, { timeout: 90000 }), 'finished');
      for (const w of [1280, 390]) {
        await page.setViewportSize({ width: w, height: 844 });
        await page.waitForFunction((w) => document.querySelector('[data-testid="timeline"] svg')?.getBoundingClientRect().width <= w, w);
        assertHeadsInside(await panelHeads(page), `${scenario} ${lang} ${w} px`);
      }
      assertClean(P);
      await P.close();
    }
  }
  // A narrow course-page column: the embed at 300 px.
  for (const lang of ['en', 'fr', 'es']) {
    const P = await env.open(`embed=1&scenario=breakfast&mode=compare&lang=${lang}&speed=4`, { viewport: { width: 300, height: 900 } });
    const { page } = P;
    assert.equal(await runAndWait(page, { timeout: 90000 }), 'finished');
    assertHeadsInside(await panelHeads(page), `embed breakfast ${lang} 300 px`);
    if (lang === 'es') await screenshot(page, 'lab-panel-heads-embed-300-es');
    assertClean(P);
    await P.close();
  }
});
