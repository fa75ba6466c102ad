// Runs every benchmark in turn and prints its figures. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const only = process.argv.slice(2);
const benches = [
  ['import time', ['bench/import-time.mjs']],
  ['state stores', ['--import', 'tsx', 'bench/state-stores.ts']],
  ['postgres cas', ['--import', 'tsx', 'bench/postgres-cas.ts']],
  ['cost optimizer', ['--expose-gc', '--import', 'tsx', 'bench/optimizer.ts']],
  ['federation placement', ['--import', 'tsx', 'bench/federation.ts']],
  ['create overhead', ['--import', 'tsx', 'bench/create-overhead.ts']],
  ['aws adapter', ['--import', 'tsx', 'bench/aws-emulator.ts']],
  ['azure adapter', ['--import', 'tsx', 'bench/azure.ts']],
  ['gcp adapter', ['--import', 'tsx', 'bench/gcp.ts']],
  ['openstack adapter', ['--import', 'tsx', 'bench/openstack.ts']],
];

for (const [name, args] of benches) {
  const file = args.at(-1);
  if (!existsSync(`${root}${file}`)) continue;
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  console.log(`\n=== ${name} (${file}) ===`);
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
}
