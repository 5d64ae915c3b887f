// A Web Worker lane of Async Playground: runs the steps of worker-thread tasks (print, sleep,
// block, cpu), one task at a time, and posts back what happened with its own clock
// (performance.timeOrigin + performance.now(), comparable with the page's). The page embeds this
// file's text and starts it from a blob: URL, so it also runs where same-origin workers cannot.
// Messages in: {type: 'run', task, base, speed, ideal, steps} | {type: 'cancel', task}.
// Messages out: {type: 'ready'} | {type: 'ev', task, kind, t, text?, ms?} | {type: 'done', task, t, ideal}.
'use strict';

// The same computation as the catalog's `count_primes_below` (a sieve): the primes below n.
function countPrimesBelow(n) {
  n = Math.min(Math.max(0, Math.floor(n)), 50000000);
  if (n < 3) return 0;
  const composite = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (!composite[i]) {
      count++;
      for (let j = i * i; j < n; j += i) composite[j] = 1;
    }
  }
  return count;
}

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
      for (let r = 0; r < s.reps; r++) countPrimesBelow(s.work);
      ideal = Math.max(ideal + s.ms, Math.floor((abs() - base) * speed));
      post(task, 'unblock');
    }
  }
  postMessage({ type: 'done', task, t: abs(), ideal });
}

onmessage = async (e) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'cancel') {
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

postMessage({ type: 'ready' });
