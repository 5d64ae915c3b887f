// Shared harness of the e2e tests and the bench: a static server for dist/, a cross-origin
// "course page" server for embed tests, headless Chromium via playwright-core, pages that collect
// console errors, page errors and CSP violations, and small helpers that wait for events.
//
// Stable API (ui-*.test.mjs files use it; add, never rename):
//   tid(id) · serveDist(opts) · serveHost() · launch() · start(opts) → env
//   env.newPage(opts) → P · env.open(query, opts) → P · env.embed(query, sandbox | opts) → E · env.close()
//   P: { page, ctx, problems, consoleErrors, pageErrors, csp, warnings, screenshot(name), close() }
//   E: P + { frame(), send(m), sendRaw(m), sendFromOther(m), msg(type, filter, timeout), msgs(), clear(), probe() }
//   waitApp(page) · runAndWait(page) · runState(page) · screenshot(page, name) · axe(page, opts)
//   assertClean(P, { allow }) · DIST · OUT
import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(import.meta.url);

export const ROOT = path.resolve(here, '..');
export const DIST = path.resolve(process.env.AP_DIST || path.join(ROOT, 'dist'));
export const OUT = path.resolve(process.env.AP_OUT || path.join(here, 'out'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the networking flags Chromium floods the closed network (TOOLCHAIN.md).
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const APP_TIMEOUT = 20000;

export const tid = (id) => `[data-testid="${id}"]`;

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json', '.woff2': 'font/woff2',
};

/** A request handler serving `root` as a plain static host would. `headers` are added to every
 *  answer; `block(pathname)` → true answers 404 (e.g. to prove a missing .wasm is reported). */
export function staticHandler(root, { headers = {}, block = () => false } = {}) {
  const base = path.resolve(root);
  return (req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400); return res.end('bad request');
    }
    let p = path.join(base, pathname);
    if (p !== base && !p.startsWith(base + path.sep)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
    if (block(pathname) || !fs.existsSync(p)) { res.writeHead(404, { 'content-type': 'text/plain', ...headers }); return res.end('not found'); }
    res.writeHead(200, { 'content-type': MIME[path.extname(p)] || 'application/octet-stream', 'cache-control': 'no-store', ...headers });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(p).pipe(res);
  };
}

function listen(handler, port = 0) {
  return new Promise((resolve, reject) => {
    const srv = http.createServer(handler);
    srv.on('error', reject);
    srv.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${srv.address().port}`;
      resolve({ srv, url, close: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(() => r()); }) });
    });
  });
}

/** Serves dist/ (or opts.root). CORS is on by default: a sandboxed iframe without
 *  allow-same-origin loads the module and the wasm as CORS requests (EMBEDDING.md). */
export async function serveDist({ root = DIST, headers = { 'access-control-allow-origin': '*' }, block, port = 0 } = {}) {
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`no ${path.join(root, 'index.html')}: build first (make build, i.e. trunk build --release)`);
  }
  return listen(staticHandler(root, { headers, block }), port);
}

const escAttr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A course page on another origin: GET /?src=<iframe url>&sandbox=<tokens> embeds the
 *  playground as iframe#pg, plus a same-origin sibling iframe#other used to send messages from a
 *  window that is not the playground's parent. Messages from #pg are recorded in window.__msgs. */
export async function serveHost() {
  return listen((req, res) => {
    const q = new URL(req.url, 'http://x').searchParams;
    const src = q.get('src') || 'about:blank';
    const sandbox = q.has('sandbox') ? ` sandbox="${escAttr(q.get('sandbox'))}"` : '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Course page</title></head><body>
<main><h1>Course page</h1>
<iframe id="pg" title="Async Playground" src="${escAttr(src)}"${sandbox} style="width:1000px;height:700px;border:0"></iframe>
<iframe id="other" title="other frame" srcdoc="<p>other</p>" style="width:10px;height:10px;border:0"></iframe></main>
<script>window.__msgs=[];addEventListener('message',e=>{if(e.source===document.getElementById('pg').contentWindow)window.__msgs.push(e.data)});
window.__send=m=>document.getElementById('pg').contentWindow.postMessage(m,'*');</script></body></html>`);
  });
}

export function launch() {
  // Loaded here so the static server (scripts/serve.mjs) works without the browser packages.
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// Runs in every frame before any page script: records CSP violations where the page cannot
// hide them (a violation is a failure even if the page swallows the error).
function cspRecorder() {
  document.addEventListener('securitypolicyviolation', (e) => {
    const msg = `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || location.href}:${e.lineNumber})`;
    try { window.__apCsp(msg); } catch { /* binding missing: the console line below still counts */ }
  });
}

/** Starts the servers and the browser for one test file. */
export async function start({ distHeaders, block } = {}) {
  fs.mkdirSync(OUT, { recursive: true });
  const app = await serveDist({ headers: { 'access-control-allow-origin': '*', ...(distHeaders || {}) }, block });
  const host = await serveHost();
  const browser = await launch();
  const env = { app, host, browser };

  env.newPage = async (opts = {}) => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', ...opts });
    const P = { ctx, consoleErrors: [], pageErrors: [], csp: [], warnings: [] };
    await ctx.exposeFunction('__apCsp', (m) => P.csp.push(m));
    await ctx.addInitScript(cspRecorder);
    const page = await ctx.newPage();
    P.page = page;
    page.on('console', (m) => {
      if (m.type() === 'error') P.consoleErrors.push(m.text().slice(0, 300));
      else if (m.type() === 'warning') P.warnings.push(m.text().slice(0, 300));
    });
    page.on('pageerror', (e) => P.pageErrors.push(String(e).slice(0, 300)));
    Object.defineProperty(P, 'problems', {
      get: () => [...P.consoleErrors.map((x) => 'console: ' + x), ...P.pageErrors.map((x) => 'pageerror: ' + x),
        ...P.csp.map((x) => 'csp: ' + x)],
    });
    P.close = () => ctx.close();
    P.screenshot = (name, opts) => screenshot(page, name, opts);
    return P;
  };

  /** A page on the app: query without '?', e.g. 'scenario=crawler&lang=fr'. Waits for the app. */
  env.open = async (query = '', opts = {}) => {
    const { wait = true, ...ctxOpts } = opts;
    const P = await env.newPage(ctxOpts);
    await P.page.goto(`${app.url}/${query ? '?' + query : ''}`);
    if (wait) await waitApp(P.page);
    return P;
  };

  /** The app in a cross-origin iframe of the course page, driven by postMessage. */
  env.embed = async (query = 'embed=1', opts = {}) => {
    // embed(query, 'allow-scripts') is short for embed(query, { sandbox: 'allow-scripts' }).
    const { sandbox, ...ctxOpts } = typeof opts === 'string' ? { sandbox: opts } : opts;
    const P = await env.newPage(ctxOpts);
    const hostUrl = new URL(host.url + '/');
    hostUrl.searchParams.set('src', `${app.url}/?${query}`);
    if (sandbox !== undefined && sandbox !== null) hostUrl.searchParams.set('sandbox', sandbox);
    await P.page.goto(hostUrl.href);
    const page = P.page;
    const E = P;
    E.frame = () => page.frames().find((f) => f.url().startsWith(app.url)) || page.frame({ url: (u) => u.startsWith(app.url) });
    E.sendRaw = (m) => page.evaluate((m) => window.__send(m), m);
    E.send = (m) => E.sendRaw({ source: 'async-playground', version: 1, ...m });
    // From the sibling frame: event.source is then not window.parent, so the app must ignore it.
    E.sendFromOther = async (m) => {
      const other = page.frames().find((f) => f !== page.mainFrame() && !f.url().startsWith(app.url));
      await other.evaluate((m) => parent.document.getElementById('pg').contentWindow.postMessage(m, '*'), m);
    };
    E.msgs = () => page.evaluate(() => window.__msgs.filter((m) => m && m.source === 'async-playground'));
    E.clear = () => page.evaluate(() => { window.__msgs = []; });
    /** Waits for the first recorded message of `type` whose fields equal `filter`'s. */
    E.msg = async (type, filter = {}, timeout = APP_TIMEOUT) => {
      const h = await page.waitForFunction(([type, filter]) => window.__msgs.find((m) => m && m.source === 'async-playground'
        && m.type === type && Object.entries(filter).every(([k, v]) => m[k] === v)), [type, filter], { timeout, polling: 50 })
        .catch((err) => { throw new Error(`no '${type}' message ${JSON.stringify(filter)} within ${timeout} ms (${String(err).split('\n')[0]})`); });
      // Dispose of the handle: it keeps the message (a whole trace) alive in the page, which a
      // memory figure would count against the app.
      const value = await h.jsonValue();
      await h.dispose();
      return value;
    };
    let probes = 0;
    /** Round trip through the app's queue: resolves with every message received before the
     *  probe's reply. Messages take effect in order, so this is how a test knows that an earlier
     *  message was handled (or ignored) without sleeping. */
    E.probe = async (timeout = APP_TIMEOUT) => {
      const id = `probe-${++probes}-${Date.now()}`;
      await E.send({ type: 'getTrace', id });
      await E.msg('trace', { id }, timeout);
      const all = await E.msgs();
      return all.slice(0, all.findIndex((m) => m.type === 'trace' && m.id === id));
    };
    return E;
  };

  env.close = async () => {
    await browser.close().catch(() => {});
    await app.close();
    await host.close();
  };
  return env;
}

export async function waitApp(page, timeout = APP_TIMEOUT) {
  await page.waitForSelector(tid('app'), { timeout });
}

export async function runState(page) {
  return page.getAttribute(tid('app'), 'data-run-state');
}

/** Clicks Run (or, where no Run button is shown, as in presenter mode, presses R as a presenter
 *  does) and waits until the run has finished or been cancelled; returns the final state. */
export async function runAndWait(page, { timeout = 30000, button = tid('run') } = {}) {
  if (button === tid('run') && !(await page.isVisible(button))) {
    await page.locator('body').press('r');
  } else {
    await page.click(button);
  }
  const el = await page.waitForSelector(`${tid('app')}[data-run-state="finished"], ${tid('app')}[data-run-state="cancelled"]`, { timeout });
  return el.getAttribute('data-run-state');
}

export async function screenshot(page, name, opts = {}) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, ...opts });
  return file;
}

/** Runs axe-core (WCAG 2.x A/AA rules incl. 2.2) in the page or frame; returns its violations.
 *  The page's CSP forbids injected scripts, so open the context with { bypassCSP: true }. */
export async function axe(target, { rules = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'], exclude = [] } = {}) {
  const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await target.evaluate(src);
  return target.evaluate(async ([rules, exclude]) => {
    const r = await window.axe.run({ exclude: exclude.map((s) => [s]) }, { runOnly: rules, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + n.failureSummary?.split('\n')[1]?.trim()) }));
  }, [rules, exclude]);
}

/** Fails with every console error, page error and CSP violation collected so far.
 *  `allow`: regexps of problems this test expects (the forced panic). */
export function assertClean(P, { allow = [] } = {}) {
  const left = P.problems.filter((p) => !allow.some((re) => re.test(p)));
  assert.deepEqual(left, [], `unexpected console errors / page errors / CSP violations:\n${left.join('\n')}`);
}

export function tmpDir(prefix = 'ap-e2e-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
