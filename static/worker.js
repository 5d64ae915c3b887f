// A Web Worker lane of Async Playground: runs the steps of worker-thread tasks (print, sleep,
// block, cpu), one task at a time, and posts back what happened with its own clock
// (performance.timeOrigin + performance.now(), comparable with the page's). The page embeds this
// file's text and starts it from a blob: URL, so it also runs where same-origin workers cannot.
// Messages in: {type: 'init', sieve, warm, warmMs} | {type: 'run', task, base, speed, ideal, steps} | {type: 'cancel', task}.
// Messages out: {type: 'ready'} | {type: 'broken', why} | {type: 'ev', task, kind, t, text?, ms?} | {type: 'done', task, t, ideal}.
'use strict';

// The computation of a cpu-bound piece: the page sends the bytes of the same WebAssembly module
// its main thread runs (src/runtime/sieve.wat), so a piece is the same code at the same speed here.
let countPrimesBelow = null;

const abs = () => performance.timeOrigin + performance.now();
const cancelled = new Set();
const queue = [];
let busy = false;

function post(task, kind, extra) {
  postMessage(Object.assign({ type: 'ev', task, kind, t: abs() }, extra || {}));
}

// Deadlines are absolute (the page's ideal clock), so waits do not drift.
function waitUntil(at) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - abs())));
}

async function run(job) {
  const { task, base, speed } = job;
  let ideal = job.ideal;
  post(task, 'start');
  for (const s of job.steps) {
    if (cancelled.has(task)) return;
    if (s.op === 'print') {
      post(task, 'print', { text: String(s.text) });
    } else if (s.op === 'sleep') {
      post(task, 'sleep', { ms: s.ms });
      ideal += s.ms;
      await waitUntil(base + ideal / speed);
      if (cancelled.has(task)) return;
      post(task, 'wake');
    } else if (s.op === 'block') {
      post(task, 'block', { ms: s.ms });
      ideal += s.ms;
      const end = base + ideal / speed;
      while (abs() < end) { /* the lane is held, as the lesson says */ }
      post(task, 'unblock');
    } else if (s.op === 'cpu') {
      post(task, 'block', { ms: s.ms });
      for (let r = 0; r < s.reps; r++) countPrimesBelow(Math.min(s.work, 50000000));
      ideal = Math.max(ideal + s.ms, Math.floor((abs() - base) * speed));
      post(task, 'unblock');
    }
  }
  postMessage({ type: 'done', task, t: abs(), ideal });
}

onmessage = async (e) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'init') {
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(m.sieve), {});
      countPrimesBelow = instance.exports.count_primes_below;
      // Warm up as the main thread's sizing does, so no piece runs in the engine's first tier.
      const began = performance.now();
      for (let r = 0; r < 200 && m.warm > 0 && (r < 11 || performance.now() - began < m.warmMs); r++) {
        countPrimesBelow(Math.min(m.warm, 50000000));
      }
      postMessage({ type: 'ready' });
    } catch (err) {
      postMessage({ type: 'broken', why: String(err) });
    }
  } else if (m.type === 'cancel') {
    cancelled.add(m.task);
  } else if (m.type === 'run' && Array.isArray(m.steps)) {
    queue.push(m);
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      await run(queue.shift());
    }
    busy = false;
  }
};

