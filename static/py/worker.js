// Async Playground: the Python worker (ES module). Real CPython (Pyodide) runs a pasted asyncio
// program here, never on the page: on a virtual clock first (the ideal), then on the real clock
// (CPython's own event loop, waiting on real browser timers through JSPI). Protocol: PROTOCOL.md
// beside this file. Nothing here loads until the page creates this worker for a program.
const post = (m) => self.postMessage(m);
const here = import.meta.url;

let pyodide = null;
let tracer = null;
let booting = null;
let queue = Promise.resolve();

/** Counts the bytes of the two big downloads as they stream in (loadPyodide fetches them). */
function progressFetch(realFetch) {
  const tracked = ['pyodide.asm.wasm', 'python_stdlib.zip'];
  return async (input, init) => {
    const res = await realFetch(input, init);
    const url = String(input instanceof Request ? input.url : input);
    const what = tracked.find((n) => new URL(url, here).pathname.endsWith('/' + n));
    if (!what || !res.ok || !res.body) return res;
    // With a content-encoding the length is the compressed size: the total is then unknown.
    const total = res.headers.get('content-encoding') ? 0 : Number(res.headers.get('content-length')) || 0;
    let loaded = 0;
    let last = 0;
    post({ type: 'progress', what, loaded, total });
    const counter = new TransformStream({
      transform(chunk, ctl) {
        loaded += chunk.byteLength;
        const now = performance.now();
        if (now - last > 50) {
          last = now;
          post({ type: 'progress', what, loaded, total });
        }
        ctl.enqueue(chunk);
      },
      flush() {
        post({ type: 'progress', what, loaded, total: total || loaded });
      },
    });
    return new Response(res.body.pipeThrough(counter), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

function sameOriginDir(base) {
  const url = new URL(typeof base === 'string' && base ? base : '../pyodide/', here);
  if (url.origin !== new URL(here).origin) throw new Error('the Pyodide files must come from this page\'s origin');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

async function boot(base) {
  const t0 = performance.now();
  const indexURL = sameOriginDir(base);
  const realFetch = self.fetch;
  self.fetch = progressFetch(realFetch.bind(self));
  try {
    const { loadPyodide } = await import(indexURL + 'pyodide.mjs');
    const tracerText = realFetch(new URL('./tracer.py', here)).then((r) => {
      if (!r.ok) throw new Error(`tracer.py: HTTP ${r.status}`);
      return r.text();
    });
    const py = await loadPyodide({
      indexURL,
      // The program's output goes through the tracer; nothing reaches the console.
      stdout: () => {},
      stderr: () => {},
    });
    post({ type: 'progress', what: 'starting Python', loaded: 0, total: 0 });
    py.FS.mkdirTree('/ap');
    py.FS.writeFile('/ap/aptracer.py', await tracerText);
    py.registerJsModule('ap_host', {
      post: (text) => post(JSON.parse(text)),
      wait_ms: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...clockHost,
    });
    py.runPython('import sys\nsys.path.insert(0, "/ap")\nimport aptracer, ap_host\naptracer.set_host(ap_host)');
    tracer = py.pyimport('aptracer');
    pyodide = py;
  } finally {
    self.fetch = realFetch;
  }
  post({ type: 'booted', ms: performance.now() - t0 });
}

function ensureBoot(base) {
  if (!booting) {
    booting = boot(base).catch((e) => {
      booting = null;
      throw e;
    });
  }
  return booting;
}

// During a run the worker's wall clock is the scenario's (tracer.py sets it): CPython's C clock
// reads Date.now, so datetime.now(), time.localtime() and time.strftime() agree with time.time()
// and loop.time(): virtual time in the ideal run, measured × speed since the start in the real one.
// performance.now (CPython's monotonic clock, which the tracer measures with) stays real.
const realDateNow = Date.now.bind(Date);
let clock = null;
Date.now = () => {
  if (!clock) return realDateNow();
  return clock.epoch + (clock.virtual ? clock.at : (performance.now() - clock.perf0) * clock.speed);
};
const clockHost = {
  clock_start: (epoch, perf0, speed, virtual) => { clock = { epoch, perf0, speed, virtual: !!virtual, at: 0 }; },
  clock_at: (ms) => { if (clock) clock.at = ms; },
  clock_stop: () => { clock = null; },
};

const num = (v, d) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

async function handle(m) {
  if (!m || typeof m !== 'object') return;
  const id = Number.isSafeInteger(m.id) ? m.id : null;
  try {
    if (m.type === 'boot') {
      await ensureBoot(m.base);
    } else if (m.type === 'run' || m.type === 'analyze') {
      await ensureBoot(m.base);
      const src = typeof m.src === 'string' ? m.src : '';
      if (m.type === 'analyze') {
        tracer.analyze(id, src);
      } else {
        const variant = m.variant === 'sequential' ? 'sequential' : 'as-written';
        const speed = num(m.speed, 1) > 0 ? num(m.speed, 1) : 1;
        const limit = Math.min(num(m.limit_ms, 60000), 60000);
        // callPromising: the real run suspends on browser timers (JSPI, pyodide.ffi.run_sync).
        await tracer.run.callPromising(id, src, variant, speed, limit);
      }
    }
  } catch (e) {
    const message = String((e && e.message) || e).slice(0, 2000);
    // Pyodide itself did not load (a file missing, offline before first use): `what: "boot"`.
    const boot = pyodide ? {} : { what: 'boot' };
    post({ type: 'error', id: id ?? 0, kind: 'internal', message, ...boot });
  }
}

// A request the page's CSP blocked (e.g. a program calling js.fetch on another origin): told to the
// page, which treats it as untrusted diagnostics.
self.addEventListener('securitypolicyviolation', (e) => {
  post({ type: 'csp', directive: String(e.violatedDirective || '').slice(0, 100), blocked: String(e.blockedURI || '').slice(0, 300) });
});

self.onmessage = (e) => {
  queue = queue.then(() => handle(e.data));
};
