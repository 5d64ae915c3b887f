// Service worker: the page keeps working offline after one visit (PRODUCT.md F15).
// Network first, so a new build is picked up whenever the host is reachable (file names carry no
// hash); the cache answers only when the network cannot. Same-origin GETs only: the page never
// fetches from another origin.
const CACHE = 'async-playground-v1';
const SHELL = ['./', './boot.js', './style.css', './async-playground.js', './async-playground_bg.wasm', './worker.js',
  './manifest.webmanifest', './icon.svg', './lessons/en.txt', './lessons/fr.txt', './lessons/es.txt'];

self.addEventListener('install', (event) => {
  // One missing file must not cost the whole shell: cache what is there.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(SHELL.map((url) => cache.add(url).catch(() => undefined))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  const navigate = req.mode === 'navigate';
  event.respondWith((async () => {
    try {
      const res = await fetch(req);
      if (res.ok && res.type === 'basic') {
        // Every query string shows the same page: keep one copy of it, under './'.
        const copy = res.clone();
        caches.open(CACHE).then((cache) => cache.put(navigate ? './' : req, copy)).catch(() => undefined);
      }
      return res;
    } catch (err) {
      const hit = navigate ? await caches.match('./') : await caches.match(req);
      if (hit) return hit;
      throw err;
    }
  })());
});
