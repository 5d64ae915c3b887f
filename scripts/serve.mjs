// Serves a release build (dist/) as a plain static host would: correct MIME types (application/wasm),
// no rebuild, no live reload. usage: node scripts/serve.mjs [DIR]   (PORT=8080 by default)
import path from 'node:path';
import { serveDist, DIST } from '../e2e/lib.mjs';

const root = path.resolve(process.argv[2] || DIST);
const wanted = Number(process.env.PORT || 8080);
let server;
try {
  server = await serveDist({ root, port: wanted, headers: {} });
} catch (err) {
  if (err.code !== 'EADDRINUSE') throw err;
  console.log(`port ${wanted} is busy; picking a free one`);
  server = await serveDist({ root, port: 0, headers: {} });
}
console.log(`Async Playground: ${server.url}/   (serving ${root}; Ctrl-C to stop)`);
