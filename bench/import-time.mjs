// Cold import time of the built root entry: median of fresh processes, measured two ways:
// inside the process (around import()) and as whole-process wall time over a bare-node baseline.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.NOVACRON_BENCH_IMPORT_RUNS ?? 10);
const root = fileURLToPath(new URL('../', import.meta.url));
const entryEsm = new URL('../dist/index.js', import.meta.url).href;
const entryCjs = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function inside(code) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  return Number(out.trim());
}

function wall(args) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: root });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const esm = [];
const cjs = [];
const wallEntry = [];
const wallBaseline = [];
for (let i = 0; i < RUNS; i++) {
  esm.push(inside(`const t = performance.now(); await import(${JSON.stringify(entryEsm)}); console.log(performance.now() - t);`));
  cjs.push(
    inside(`import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const t = performance.now(); require(${JSON.stringify(entryCjs)}); console.log(performance.now() - t);`),
  );
  wallBaseline.push(wall(['-e', '0']));
  wallEntry.push(wall(['--input-type=module', '-e', `await import(${JSON.stringify(entryEsm)})`]));
}

console.log(`import time of 'novacron' (median of ${RUNS} fresh processes, Node ${process.version})`);
console.log(`  ESM import():            ${median(esm).toFixed(1)} ms   (goal ≤ 40 ms)`);
console.log(`  CJS require():           ${median(cjs).toFixed(1)} ms`);
console.log(`  process wall, bare node: ${median(wallBaseline).toFixed(1)} ms`);
console.log(`  process wall, + import:  ${median(wallEntry).toFixed(1)} ms   (difference ${(median(wallEntry) - median(wallBaseline)).toFixed(1)} ms)`);
