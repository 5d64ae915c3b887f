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
