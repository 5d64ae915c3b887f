// Boots Async Playground from a same-origin module, so the page's CSP needs no inline script.
// It also owns the crash panel: with `panic = "abort"` the wasm is dead after a panic, so the panel,
// the console line and the host message must come from plain JavaScript (QUALITY.md).
// Everything shown here is built with createElement/textContent: no message is ever parsed as HTML.

// Marked before the glue is even fetched: the bench measures module start → interactive from here.
performance.mark('ap-module-start');

const GLUE = './async-playground.js';

const TEXT = {
  en: {
    load: 'Async Playground could not load. Check your connection and reload the page.',
    crash: 'Something went wrong and Async Playground stopped.',
    reload: 'Reload',
  },
  fr: {
    load: "Async Playground n'a pas pu se charger. Vérifiez votre connexion et rechargez la page.",
    crash: "Une erreur s'est produite et Async Playground s'est arrêté.",
    reload: 'Recharger',
  },
  es: {
    load: 'Async Playground no se pudo cargar. Comprueba tu conexión y recarga la página.',
    crash: 'Algo salió mal y Async Playground se detuvo.',
    reload: 'Recargar',
  },
};

// The UI sets <html lang>; before it mounts, the URL's `lang` is the best guess.
function text() {
  let lang = document.documentElement.lang;
  if (!TEXT[lang]) {
    try {
      lang = new URLSearchParams(location.search).get('lang');
    } catch {
      lang = '';
    }
  }
  return TEXT[lang] || TEXT.en;
}

function embedded() {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
}

// Broadcast to the host page: nothing in it is private, so the target origin is '*' (EMBEDDING.md).
function postToHost(type, fields) {
  if (!embedded()) return;
  try {
    window.parent.postMessage({ source: 'async-playground', version: 1, type, ...fields }, '*');
  } catch {
    // A host that cannot receive messages must not turn a crash into a second one.
  }
}

function removeBootNotice() {
  for (const el of document.querySelectorAll('[data-boot]')) el.remove();
}

function showPanel(headline, detail) {
  removeBootNotice();
  const t = text();
  const panel = document.createElement('section');
  panel.setAttribute('role', 'alert');
  panel.setAttribute('data-testid', 'error-panel');
  panel.className = 'ap-error-panel';
  // Inline styles so the panel is readable even if style.css never arrived.
  Object.assign(panel.style, {
    position: 'fixed', top: '0', left: '0', right: '0', zIndex: '2147483647',
    margin: '0', padding: '16px 20px', background: '#fff4f4', color: '#5c0a0a',
    borderBottom: '3px solid #b3261e', font: '16px/1.4 system-ui, sans-serif',
  });
  const h = document.createElement('p');
  h.style.margin = '0 0 8px';
  h.style.fontWeight = '700';
  h.textContent = headline;
  panel.append(h);
  if (detail) {
    const pre = document.createElement('pre');
    Object.assign(pre.style, { margin: '0 0 12px', whiteSpace: 'pre-wrap', maxHeight: '8em', overflow: 'auto', font: '13px/1.3 ui-monospace, monospace' });
    pre.textContent = detail;
    panel.append(pre);
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = t.reload;
  Object.assign(button.style, { minHeight: '32px', minWidth: '32px', padding: '4px 16px', font: 'inherit' });
  // Same URL: the scenario, language and settings come back from the query string.
  button.addEventListener('click', () => location.reload());
  panel.append(button);
  (document.body || document.documentElement).append(panel);
  button.focus({ preventScroll: true });
}

let crashed = false;

// Called by the Rust panic hook (and below, by a wasm trap that bypassed it). Runs once: the first
// report is the cause, whatever follows is fallout of the dead module.
globalThis.asyncPlaygroundCrash = (message) => {
  if (crashed) return;
  crashed = true;
  const detail = String(message ?? 'unknown error').slice(0, 4000);
  console.error(`Async Playground crashed: ${detail}`);
  showPanel(text().crash, detail);
  postToHost('error', { code: 'crash', message: detail });
};

// A wasm trap (e.g. `unreachable` after an aborting panic) means the module is dead even if the
// panic hook could not run; other page errors are left to the console.
function onFailure(reason) {
  if (reason instanceof WebAssembly.RuntimeError) globalThis.asyncPlaygroundCrash(String(reason));
}
window.addEventListener('error', (e) => onFailure(e.error));
window.addEventListener('unhandledrejection', (e) => onFailure(e.reason));

// Offline after one visit (static/sw.js). Where service workers are blocked (a sandboxed iframe,
// private modes) the page simply stays online-only: never an error.
function registerServiceWorker() {
  try {
    if ('serviceWorker' in navigator) navigator.serviceWorker.register('./sw.js').catch(() => undefined);
  } catch {
    // SecurityError in an opaque origin: nothing to do.
  }
}

try {
  const glue = await import(GLUE);
  const wasm = await glue.default();
  // Test and bench hook (README): the size in bytes of the wasm linear memory. It only ever grows,
  // so a figure that keeps rising over repeated runs is a leak in the Rust heap.
  globalThis.asyncPlaygroundWasmBytes = () => wasm.memory.buffer.byteLength;
  removeBootNotice();
  registerServiceWorker();
} catch (err) {
  if (err instanceof WebAssembly.RuntimeError) {
    // A trap while starting (e.g. a panic before the hook was set): the module is dead.
    globalThis.asyncPlaygroundCrash(String(err));
  } else if (!crashed) {
    crashed = true;
    const detail = String(err && err.message ? err.message : err).slice(0, 1000);
    console.error(`Async Playground could not load: ${detail}`);
    showPanel(text().load, detail);
    postToHost('error', { code: 'crash', message: `could not load: ${detail}` });
  }
}
