// Service worker: the page keeps working offline after one visit (PRODUCT.md F15).
// Same-origin GETs inside the app's folder only: the page never fetches from another origin.
// - The app's own navigations (its index path, any query string) are network first; offline they
//   get the app shell, one copy kept under './'. Only those: any other page of the site (a text
//   file opened as a page, another app in a sibling folder) is never answered with the shell.
// - Every other file is network first too (file names carry no hash, so a new build is picked up
//   whenever the host is reachable); offline it gets its own cached copy, or the network error.
// - The Python runtime (Pyodide under pyodide/, the worker and tracer under py/) is large and
//   fixed per version: cached on first use, then served from the cache (the editor works
//   offline after one use), in its own cache.
// Caches carry VERSION in their names; activating a new worker deletes this app's older ones.
// Bump VERSION whenever the Pyodide bundle or static/py changes.
const VERSION = '7';
const PREFIX = 'async-playground-';
const APP_CACHE = `${PREFIX}app-v${VERSION}`;
const PY_CACHE = `${PREFIX}pyodide-v${VERSION}`;
const OURS = [APP_CACHE, PY_CACHE];
const SHELL = ['./', './boot.js', './style.css', './async-playground.js', './async-playground_bg.wasm', './worker.js',
  './manifest.webmanifest', './icon.svg', './lessons/en.txt', './lessons/fr.txt', './lessons/es.txt'];

const scope = () => new URL(self.registration.scope);
const inScope = (url) => url.origin === self.location.origin && url.pathname.startsWith(scope().pathname);
/** The app's own page: the folder itself or its index.html, whatever the query says. */
const isAppPage = (url) => url.pathname === scope().pathname || url.pathname === `${scope().pathname}index.html`;
const isPython = (url) => ['pyodide/', 'py/'].some((dir) => url.pathname.startsWith(scope().pathname + dir));

self.addEventListener('install', (event) => {
  // One missing file must not cost the whole shell: cache what is there.
  event.waitUntil(caches.open(APP_CACHE)
    .then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => undefined))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // Only this app's caches of other versions: the origin may hold other sites' caches.
    for (const key of await caches.keys()) if (key.startsWith(PREFIX) && !OURS.includes(key)) await caches.delete(key);
    await self.clients.claim();
  })());
});

/** Keeps a copy of a complete same-origin answer (not a 206 part, not an error page). */
function keep(cacheName, key, res) {
  if (res.status !== 200 || res.type !== 'basic') return;
  const copy = res.clone();
  caches.open(cacheName).then((cache) => cache.put(key, copy)).catch(() => undefined);
}

async function networkFirst(req, key) {
  try {
    const res = await fetch(req);
    keep(APP_CACHE, key, res);
    return res;
  } catch (err) {
    const hit = await caches.open(APP_CACHE).then((cache) => cache.match(key));
    if (hit) return hit;
    throw err;
  }
}

async function cacheFirst(req) {
  const cache = await caches.open(PY_CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  keep(PY_CACHE, req, res);
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (!inScope(url)) return;
  if (isPython(url)) {
    event.respondWith(cacheFirst(req));
  } else if (req.mode === 'navigate' && isAppPage(url)) {
    // Every query string shows the same page: one copy of it, under './'.
    event.respondWith(networkFirst(req, new URL('./', self.registration.scope).href));
  } else {
    event.respondWith(networkFirst(req, req));
  }
});
