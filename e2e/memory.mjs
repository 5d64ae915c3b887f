// Memory over many runs in a row (issue 16 "Must hold": 100 runs of each mode, of the crawler and of
// an editor script, leave wasm memory, the JS heap and the DOM flat after warm-up). Shared by
// e2e/tests/memory.test.mjs (asserts generous bounds) and bench/bench.mjs (prints the figures).
//
// The embed is driven by postMessage: load, run, wait for that run's runFinished (no sleeps).
// Figures, each after a forced GC (CDP HeapProfiler.collectGarbage):
//   wasm   — boot.js's hook asyncPlaygroundWasmBytes(): the linear memory's size; it only grows, so
//            any rise means the Rust heap needed more room;
//   rust   — the app's hook asyncPlaygroundHeap().bytes (src/ui/heap.rs): bytes live in the Rust
//            heap, counted by its allocator (the linear memory grows by 64 KiB pages, so it shows a
//            small leak only once it has filled pages; this shows every byte kept);
//   heap   — Runtime.getHeapUsage().usedSize of the page's isolate (the course page and the app's
//            frame are on one site, so one renderer and one heap);
//   nodes  — Memory.getDOMCounters().nodes: live DOM nodes of the renderer, detached ones included
//            (what a leak of removed rows would keep);
//   listeners — Memory.getDOMCounters().jsEventListeners;
//   elements  — elements in the app's document (what is on the page).

/** The bounds the test asserts (and the bench judges by) over runs WARM → RUNS (90 runs): a compare
 *  crawler run kept ~110 KB of wasm memory when issue 16 was filed (14.9 MB after 100 runs), ~74 KB
 *  before 56af4fb, ~3.5 KB before the fixes of effects and row owners made per run (tab buttons,
 *  the export group, the console's empty note, the code view's program chips, the table's rows)
 *  and of gloo's forgotten timeouts; now ~0.4 KB (Rust heap; what is left: each per-run `For`'s
 *  effect stays listed in the long-lived memo it reads, ~5 a run). So: wasm memory < 256 KB (four
 *  pages), Rust heap < 128 KB (~1.4 KB a run; was ~3.4), JS heap < 2 MB. */
export const RUNS = 100;
export const WARM = 10;
export const BOUNDS = { wasm: 256 * 1024, rust: 128 * 1024, heap: 2 * 1024 * 1024, domShare: 0.05 };

export const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url');

/** A small editor script (compiled by the page's own compiler, not CPython): tasks, gather,
 *  sleeps, f-string prints. */
export const SCRIPT = `import asyncio

async def job(n):
    print(f"start {n}")
    await asyncio.sleep(0.01 * n)
    print(f"end {n}")
    return n

async def main():
    t = asyncio.create_task(job(3))
    done = await asyncio.gather(job(1), job(2), t)
    print("done", done)

asyncio.run(main())
`;

/** The loads measured: each mode of the crawler (its shortest waits at the fastest speed, so 100
 *  runs take seconds), and the editor script in compare mode (both of its forms each run). */
export const CASES = [
  { name: 'crawler compare', load: { scenario: 'crawler', mode: 'compare', ms: 10, speed: 4 } },
  { name: 'crawler concurrent', load: { scenario: 'crawler', mode: 'concurrent', ms: 10, speed: 4 } },
  { name: 'editor script compare', load: { scenario: 'custom', mode: 'compare', speed: 4, src: b64url(SCRIPT) } },
];

/** One load + run through the embed API; resolves with the runFinished message's summary. */
export async function runOnce(E, load, timeout = 60000) {
  await E.clear();
  await E.send({ type: 'load', ...load });
  await E.send({ type: 'run' });
  const s = await E.msg('runStarted', {}, timeout);
  const f = await E.msg('runFinished', { runId: s.runId }, timeout);
  if (f.cancelled) throw new Error(`${load.scenario}/${load.mode}: run ${s.runId} reported cancelled`);
  const traces = f.traces ? Object.values(f.traces) : [f.trace];
  return { runId: s.runId, events: traces.reduce((n, t) => n + (t?.events?.length ?? 0), 0) };
}

/** Runs `load` `runs` times in a fresh embed and measures after runs listed in `marks`. */
export async function memoryRuns(env, load, { runs = RUNS, warm = WARM, marks = [warm, 50, runs] } = {}) {
  const E = await env.embed('embed=1');
  await E.msg('ready');
  const cdp = await E.ctx.newCDPSession(E.page);
  await cdp.send('HeapProfiler.enable');
  if ((await E.frame().evaluate(() => typeof globalThis.asyncPlaygroundWasmBytes)) !== 'function') {
    throw new Error('no asyncPlaygroundWasmBytes() hook in the app (static/boot.js)');
  }
  if ((await E.frame().evaluate(() => typeof globalThis.asyncPlaygroundHeap)) !== 'function') {
    throw new Error('no asyncPlaygroundHeap() hook in the app (src/ui/heap.rs)');
  }
  const measure = async () => {
    // After the page has drawn what the run's end changed (a frame, then the tasks it queued), so
    // no view is caught half-replaced.
    await E.frame().evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    // Twice: a first collection can leave garbage that finalizers only free for the second.
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    const app = await E.frame().evaluate(() => ({
      wasm: globalThis.asyncPlaygroundWasmBytes(),
      rust: globalThis.asyncPlaygroundHeap().bytes,
      elements: document.getElementsByTagName('*').length,
    }));
    return { wasm: app.wasm, rust: app.rust, heap: usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners, elements: app.elements };
  };
  const at = { 0: await measure() };
  let events = null;
  const t0 = Date.now();
  for (let i = 1; i <= runs; i++) {
    const r = await runOnce(E, load);
    if (events === null) events = r.events;
    if (r.events !== events) throw new Error(`run ${i}: ${r.events} events, run 1 had ${events}`);
    if (marks.includes(i)) at[i] = await measure();
  }
  const ms = Date.now() - t0;
  const problems = E.problems;
  await E.close();
  const n = runs - warm;
  const grew = Object.fromEntries(Object.keys(at[runs]).map((k) => [k, at[runs][k] - at[warm][k]]));
  const perRun = Object.fromEntries(Object.entries(grew).map(([k, v]) => [k, v / n]));
  return { at, grew, perRun, warm, runs, events, ms, problems };
}

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
/** One line: the figures at each mark and the growth per run after warm-up. */
export function describe(name, r) {
  const marks = Object.keys(r.at).map(Number).filter((m) => m >= r.warm);
  const series = (k, f) => marks.map((m) => f(r.at[m][k])).join(' → ');
  return `${name}: ${r.runs} runs in ${(r.ms / 1000).toFixed(1)} s (${r.events} events each); after run @${marks.join('/')}: `
    + `wasm ${series('wasm', kb)} (${kb(r.perRun.wasm)}/run), Rust heap ${series('rust', kb)} (${kb(r.perRun.rust)}/run), JS heap ${series('heap', kb)} (${kb(r.perRun.heap)}/run), `
    + `DOM nodes ${series('nodes', String)} (${r.perRun.nodes.toFixed(2)}/run), listeners ${series('listeners', String)}, `
    + `elements ${series('elements', String)}`;
}
