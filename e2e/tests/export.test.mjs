// F14 Export: after a run, the trace downloads as JSON, the timeline as a standalone SVG (every
// style written on it, nothing that needs the page) and as a PNG at twice the size.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, tid, runAndWait, assertClean, OUT } from '../lib.mjs';

const env = await start();
after(() => env.close());

async function download(page, id) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(tid(id))]);
  const file = path.join(OUT, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file), file };
}

test('breakfast: JSON trace, standalone SVG and 2× PNG of what was measured', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&mode=concurrent&speed=4');
  const { page } = P;
  assert.equal(await page.locator(tid('export')).count(), 0, 'nothing to export before a run');
  assert.equal(await runAndWait(page), 'finished');

  const json = await download(page, 'export-json');
  assert.equal(json.name, 'async-playground-breakfast-concurrent.json');
  const trace = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(trace.scenario, 'breakfast');
  assert.equal(trace.mode, 'concurrent');
  assert.ok(trace.events.length > 0, 'events');
  // The figure on the page is the one in the file.
  assert.ok(Math.abs(trace.total_ms - 2000) < 2000 * 0.02 + 50, `total ${trace.total_ms}`);

  const svg = await download(page, 'export-svg');
  assert.equal(svg.name, 'async-playground-breakfast-concurrent.svg');
  const text = svg.bytes.toString('utf8');
  assert.match(text, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(text, /var\(--/, 'every CSS variable resolved');
  assert.doesNotMatch(text, /\sclass="/, 'no class that means nothing outside the page');
  assert.doesNotMatch(text, /<script|on\w+="/i, 'nothing active in the file');
  const bars = (text.match(/data-testid="bar"/g) || []).length;
  assert.equal(bars, await page.locator(`${tid('timeline')} [data-testid="bar"]`).count(), 'every bar of the page');
  assert.ok(bars >= 2, `bars ${bars}`);

  const png = await download(page, 'export-png');
  assert.equal(png.name, 'async-playground-breakfast-concurrent.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  const w = png.bytes.readUInt32BE(16);
  const svgW = Number(text.match(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/)[1]);
  assert.equal(w, Math.round(svgW * 2), 'painted at twice the size');

  // Look at the file as a viewer would: the SVG alone, in a page of its own.
  const V = await env.newPage({ viewport: { width: 1100, height: 500 } });
  await V.page.goto('file://' + svg.file);
  await V.page.screenshot({ path: path.join(OUT, 'export-svg-alone.png') });
  assert.equal(await V.page.locator('[data-testid="bar"]').count(), bars);
  await V.close();
  assertClean(P);
  await P.close();
});

test('compare: one JSON with both traces; French labels', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&mode=compare&speed=4&lang=fr');
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  assert.equal(await page.locator(tid('export-svg')).textContent(), 'Frise (SVG)');
  const json = await download(page, 'export-json');
  assert.equal(json.name, 'async-playground-breakfast-compare.json');
  const both = JSON.parse(json.bytes.toString('utf8'));
  assert.deepEqual(Object.keys(both).sort(), ['concurrent', 'sequential']);
  assert.equal(both.sequential.mode, 'sequential');
  assertClean(P);
  await P.close();
});

/** Well-formed XML, as a browser's own parser judges it (no <parsererror>). */
async function parsesAsXml(page, text) {
  return page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return doc.getElementsByTagName('parsererror').length === 0 && doc.documentElement.nodeName === 'svg';
  }, text);
}

test('SVG carries the title, the totals and a legend; Perfetto trace of the same run', { timeout: 60000 }, async () => {
  const P = await env.open('scenario=breakfast&mode=compare&speed=4');
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  const svg = (await download(page, 'export-svg')).bytes.toString('utf8');
  assert.ok(await parsesAsXml(page, svg), 'the SVG is well-formed');
  const title = await page.title();
  assert.match(title, /Breakfast|breakfast/i);
  const texts = await page.evaluate((t) => [...new DOMParser().parseFromString(t, 'image/svg+xml').querySelectorAll('text')]
    .map((n) => n.textContent), svg);
  assert.ok(texts.includes(title), `title "${title}" in the file`);
  for (const id of ['total-sequential', 'total-concurrent']) {
    const words = (await page.locator(tid(id)).innerText()).split(/\s+/).filter(Boolean).join(' ');
    assert.ok(texts.some((t) => t.includes(words)), `totals line holds "${words}": ${JSON.stringify(texts.slice(0, 3))}`);
  }
  for (const state of ['running', 'sleeping on a timer']) assert.ok(texts.includes(state), `legend names ${state}`);

  const pf = await download(page, 'export-perfetto');
  assert.equal(pf.name, 'async-playground-breakfast-compare.perfetto.json');
  const doc = JSON.parse(pf.bytes.toString('utf8'));
  assert.ok(Array.isArray(doc.traceEvents), 'JSON Object Format: traceEvents');
  const ev = doc.traceEvents;
  for (const e of ev) {
    assert.ok(['X', 'i', 'M'].includes(e.ph), `phase ${e.ph}`);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), 'pid/tid');
    if (e.ph !== 'M') assert.ok(typeof e.ts === 'number' && e.ts >= 0, 'ts in µs');
    if (e.ph === 'X') assert.ok(typeof e.dur === 'number' && e.dur >= 0, 'dur in µs');
  }
  assert.deepEqual([...new Set(ev.map((e) => e.pid))].sort(), [1, 2], 'one process per program');
  const lanes = await page.locator(`${tid('timeline')} [data-testid="lane"]`).evaluateAll((ls) => ls.map((l) => l.getAttribute('data-task')));
  const threads = ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  assert.deepEqual(threads.slice().sort(), lanes.slice().sort(), 'one named thread per lane');
  const bars = await page.locator(`${tid('timeline')} [data-testid="bar"]`).count();
  assert.equal(ev.filter((e) => e.ph === 'X').length, bars, 'one complete event per bar');
  const prints = await page.locator(tid('console-line')).count();
  assert.equal(ev.filter((e) => e.ph === 'i' && e.cat === 'print').length, prints, 'one instant event per printed line');
  // The sequential total in µs is the longest complete event's end in process 1, within a tick.
  const seqEnd = Math.max(...ev.filter((e) => e.ph === 'X' && e.pid === 1).map((e) => e.ts + e.dur));
  const seqMs = Number(await page.locator(tid('total-sequential')).getAttribute('data-ms'));
  assert.ok(Math.abs(seqEnd / 1000 - seqMs) < 60, `sequential ends at ${seqEnd} µs, total ${seqMs} ms`);
  assertClean(P);
  await P.close();
});

test('task names and prints XML forbids (U+0001, U+0000, U+FFFF) still give a well-formed SVG, and its PNG', { timeout: 60000 }, async () => {
  const script = 'import asyncio\n\nasync def job(name):\n    print("p\u0001q\u0000r\uFFFFs", name)\n    await asyncio.sleep(0.1)\n\n'
    + 'async def main():\n    await asyncio.gather(job("x\u0001y"), job("a\u000Bb"))\n\nasyncio.run(main())\n';
  const src = Buffer.from(script, 'utf8').toString('base64url');
  const P = await env.open(`scenario=custom&mode=concurrent&speed=4&src=${src}`);
  const { page } = P;
  assert.equal(await runAndWait(page), 'finished');
  const svg = (await download(page, 'export-svg')).bytes.toString('utf8');
  assert.ok(/[\uFFFD]/.test(svg), 'the forbidden characters were replaced');
  assert.doesNotMatch(svg, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/, 'no forbidden character left');
  assert.ok(await parsesAsXml(page, svg), 'the SVG is well-formed XML');
  const pf = JSON.parse((await download(page, 'export-perfetto')).bytes.toString('utf8'));
  assert.ok(pf.traceEvents.some((e) => e.ph === 'i' && e.args.text.includes('p\u0001q')), 'prints kept exactly in the JSON');
  JSON.parse((await download(page, 'export-json')).bytes.toString('utf8'));
  // The PNG is painted from that SVG: it comes out, at twice the SVG's width.
  const png = (await download(page, 'export-png')).bytes;
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  const svgW = Number(svg.match(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/)[1]);
  assert.equal(png.readUInt32BE(16), Math.round(svgW * 2), 'the PNG of the whole SVG, at 2×');
  assertClean(P);
  await P.close();
});
