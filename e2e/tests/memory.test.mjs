// Issue 16 item 2 / "Must hold": 100 runs in a row — the crawler in compare mode, the crawler in
// concurrent mode, an editor script (scenario=custom, src=) in compare mode — leave wasm memory (and the
// Rust heap), the JS heap and the DOM flat after a warm-up of 10 runs. Driven by the embed's postMessage API (each
// run waits for its own runFinished, no sleeps); each figure is taken after a forced GC over CDP
// (e2e/memory.mjs says what each one reads).
// Bounds over runs 10 → 100 (e2e/memory.mjs BOUNDS says what each run kept before and after the
// fixes): wasm memory < 256 KB (~2.8 KB a run; a compare crawler run kept ~3.6 KB before them,
// ~110 KB when the issue was filed), Rust heap live bytes < 128 KB (~1.4 KB a run; now ~0.4 KB, was
// ~3.4 KB), JS heap < 2 MB, live DOM nodes and elements within ±5 %.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, assertClean } from '../lib.mjs';
import { CASES, RUNS, WARM, BOUNDS, memoryRuns, describe } from '../memory.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const { wasm: WASM_BOUND, rust: RUST_BOUND, heap: HEAP_BOUND, domShare: DOM_SHARE } = BOUNDS;
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;

for (const { name, load } of CASES) {
  test(`${RUNS} runs of the ${name}: wasm memory, JS heap and DOM stay flat after run ${WARM}`, { timeout: 180000 }, async () => {
    const r = await memoryRuns(env, load, { runs: RUNS, warm: WARM });
    console.log(`memory ${describe(name, r)}`);
    const w = r.at[WARM];
    const e = r.at[RUNS];
    assert.ok(r.events > 0, 'each run has events');
    assert.ok(r.grew.wasm < WASM_BOUND,
      `wasm memory grew ${kb(r.grew.wasm)} over runs ${WARM}–${RUNS} (${kb(w.wasm)} → ${kb(e.wasm)}; bound ${kb(WASM_BOUND)})`);
    assert.ok(r.grew.rust < RUST_BOUND,
      `Rust heap grew ${kb(r.grew.rust)} over runs ${WARM}–${RUNS} (${kb(w.rust)} → ${kb(e.rust)}; bound ${kb(RUST_BOUND)})`);
    assert.ok(r.grew.heap < HEAP_BOUND,
      `JS heap grew ${kb(r.grew.heap)} over runs ${WARM}–${RUNS} (${kb(w.heap)} → ${kb(e.heap)}; bound ${kb(HEAP_BOUND)})`);
    for (const k of ['nodes', 'elements']) {
      assert.ok(Math.abs(r.grew[k]) <= DOM_SHARE * w[k],
        `DOM ${k} went ${w[k]} → ${e[k]} over runs ${WARM}–${RUNS} (bound ±${DOM_SHARE * 100} %)`);
    }
    assertClean(r);
  });
}
