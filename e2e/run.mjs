// Runs the e2e suite against an existing release build (dist/): every tests/*.test.mjs, one file
// at a time (they share a 2-core machine and measure timers), with node's own test runner.
// usage: node e2e/run.mjs [name …]   (names filter the files: `node e2e/run.mjs load embed`)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, OUT, start } from './lib.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const wanted = process.argv.slice(2);
if (!fs.existsSync(path.join(DIST, 'index.html'))) {
  console.error(`e2e: no ${DIST}/index.html — build first: make build (trunk build --release)`);
  process.exit(2);
}
const files = fs.readdirSync(path.join(here, 'tests')).filter((f) => f.endsWith('.test.mjs')).sort()
  .filter((f) => !wanted.length || wanted.some((w) => f.includes(w)))
  .map((f) => path.join(here, 'tests', f));
if (!files.length) { console.error(`e2e: no test file matches ${wanted.join(' ')}`); process.exit(2); }
fs.mkdirSync(OUT, { recursive: true });

// Preflight: if the app does not even mount, every test would wait out its timeout (tens of
// minutes in all); say why once and stop. AP_NO_PREFLIGHT=1 skips it.
if (process.env.AP_NO_PREFLIGHT !== '1') {
  const env = await start();
  const P = await env.open('', { wait: false });
  const first = await P.page.waitForSelector('[data-testid="app"], [data-testid="error-panel"]', { timeout: 30000 }).catch(() => null);
  const ok = !!first && (await first.getAttribute('data-testid')) === 'app' && !(await P.page.$('[data-testid="error-panel"]'));
  const problems = P.problems;
  await env.close();
  if (!ok) {
    console.error(`e2e preflight FAILED: the app at ${DIST} does not mount within 30 s (or crashes while starting).`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
}
console.log(`e2e: ${files.length} files against ${DIST}; screenshots in ${OUT}`);
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
