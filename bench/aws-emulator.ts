/**
 * AWS adapter figures against the local EC2 emulator (real AWS SDK over HTTP on loopback):
 * the time to list 10,000 instances (median of several runs; the emulator in this process, and
 * in a process of its own so the client's share shows), and how many API calls listing and
 * creating take, per action, to show there is no N+1 (listing is one DescribeInstances per
 * 1,000 instances; a create is one RunInstances plus the waiter's polls once the catalog is
 * cached). Exits by itself.
 *
 *   node --import tsx bench/aws-emulator.ts
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAwsProvider, type AwsProvider } from '../src/providers/aws/index.js';
import { startEc2Emulator } from '../src/testing/emulators/ec2/index.js';

const INSTANCES = 10_000;
const RUNS = 5;
const CREATES = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Lists everything `RUNS` times after a warm-up; returns the times in ms and the count. */
async function timeListing(aws: AwsProvider): Promise<{ times: number[]; listed: number }> {
  for await (const _ of aws.listVMs()) void _;
  const times: number[] = [];
  let listed = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    listed = 0;
    for await (const _ of aws.listVMs()) listed++;
    times.push(performance.now() - start);
  }
  return { times, listed };
}

async function listingAgainstSeparateProcess(): Promise<{ times: number[]; listed: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./aws-emulator-process.ts', import.meta.url)), String(INSTANCES)], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', () => reject(new Error('emulator process exited')));
    });
    return await timeListing(createAwsProvider(JSON.parse(line) as Parameters<typeof createAwsProvider>[0]));
  } finally {
    child.stdin!.end();
  }
}

const emu = await startEc2Emulator({ timings: { pendingMs: 50, consistencyWindowMs: 20 } });
try {
  const aws = createAwsProvider({ ...emu.providerOptions });
  emu.seedInstances(INSTANCES, { tags: { bench: 'list' } });

  // Warm-up: SDK import, connection, JIT.
  for await (const _ of aws.listVMs({ labels: { bench: 'list' } })) void _;

  const times: number[] = [];
  const serverTimes: number[] = [];
  let listed = 0;
  let listCalls: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    emu.stats.reset();
    const start = performance.now();
    listed = 0;
    for await (const _ of aws.listVMs()) listed++;
    times.push(performance.now() - start);
    serverTimes.push(emu.stats.serverTimeMs());
    listCalls = emu.stats.byAction();
  }

  emu.stats.reset();
  await aws.createVM({ name: 'bench-cold', cpu: 2, memory: 4 }, { idempotencyKey: 'bench-cold' });
  const coldCreate = emu.stats.byAction();

  emu.stats.reset();
  await Promise.all(Array.from({ length: CREATES }, (_, i) => aws.createVM({ name: `bench-${i}`, cpu: 2, memory: 4 }, { idempotencyKey: `bench-${i}` })));
  const warmCreates = emu.stats.byAction();

  emu.stats.reset();
  await Promise.all(Array.from({ length: CREATES }, (_, i) => aws.createVM({ name: `bench-nw-${i}`, cpu: 2, memory: 4 }, { idempotencyKey: `bench-nw-${i}`, wait: false })));
  const noWaitCreates = emu.stats.byAction();

  const separate = await listingAgainstSeparateProcess();
  const lines = [
    `list ${listed} instances, emulator in-process: median ${median(times).toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}), of which the emulator building the XML: median ${median(serverTimes).toFixed(0)} ms`,
    `list ${separate.listed} instances, emulator in its own process: median ${median(separate.times).toFixed(0)} ms (min ${Math.min(...separate.times).toFixed(0)}, max ${Math.max(...separate.times).toFixed(0)})`,
    `  calls per list: ${JSON.stringify(listCalls)}`,
    `first create (cold catalog, waits for running): ${JSON.stringify(coldCreate)}`,
    `${CREATES} concurrent creates (warm, waiting for running): ${JSON.stringify(warmCreates)}`,
    `${CREATES} concurrent creates (warm, wait: false): ${JSON.stringify(noWaitCreates)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await emu.close();
}
