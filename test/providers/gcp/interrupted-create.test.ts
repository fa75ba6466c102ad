/**
 * A create whose process is killed (SIGKILL) while it waits on the insert's zone operation is
 * resumed by a fresh process from the SQLite state store: the fresh process waits on the
 * recorded operation (`zoneOperations.wait` of that name) instead of inserting again, and there
 * is exactly one instance.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordKey } from '../../../src/providers/gcp/create-record.js';
import { instanceNameFor } from '../../../src/providers/gcp/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import type { StateStore } from '../../../src/state/index.js';
import { fastOptions, startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
let dir: string;
// Inserts run for 1.5 s, and the emulator's `wait` answers every 100 ms, so the child is seen waiting.
beforeAll(async () => {
  env = await startEmulatedGcp({ emulator: { operationPendingMs: 10, operationRunningMs: 1_500, waitTimeoutMs: 100 } });
  dir = await mkdtemp(join(tmpdir(), 'novacron-gcp-kill-'));
});
afterAll(async () => {
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('an interrupted GCE create', () => {
  it('killed while it waits on the zone operation, is resumed by a fresh process from the SQLite store: one insert, one instance', async () => {
    const path = join(dir, 'state.db');
    const key = 'killed-1';
    const spec = { name: 'killed', cpu: 2, memory: 4, labels: { suite: 'killed' }, userData: '#cloud-config\nsecret: hunter2\n' };
    const { authClient, apiEndpoint: _a, port: _p, protocol: _pr, ...plain } = env.emu.providerOptions;
    const { token } = await authClient.getAccessToken();
    env.emu.stats.reset();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./create-child.ts', import.meta.url))], {
      env: { ...process.env, NOVACRON_GCP_OPTIONS: JSON.stringify({ ...plain, ...fastOptions }), NOVACRON_GCE_TOKEN: token, NOVACRON_STATE_PATH: path, NOVACRON_KEY: key, NOVACRON_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // This process loads the library and the catalog while the child does the same.
    const warm = env.gcp.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // The operation is recorded before the first wait: an answered wait is the moment to kill.
    await until(() => env.emu.stats.count('zoneOperations.wait') > 0 || child.exitCode !== null).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    child.kill('SIGKILL');
    expect((await exited).signal, stderr).toBe('SIGKILL');
    await warm;

    const name = instanceNameFor(key);
    expect(env.emu.stats.count('instances.insert')).toBe(1);
    const insertOp = env.emu.state.operations().find((o) => o.operationType === 'insert' && o.targetLink?.endsWith(`/instances/${name}`))!;
    expect(insertOp.status).not.toBe('DONE'); // killed mid-wait
    expect(env.emu.state.instance(name)?.status).not.toBe('RUNNING');

    const store: StateStore = await createSqliteStore({ path });
    try {
      const record = (await store.get<{ operation?: string; vmId: string; zone: string }>(createRecordKey(env.gcp.name, name)))?.value;
      expect(record).toMatchObject({ operation: insertOp.name, vmId: expect.stringMatching(new RegExp(`/instances/${name}$`)) as unknown });
      expect(JSON.stringify(record)).not.toMatch(/hunter2|cloud-config|ssh-/);

      const waitsBefore = env.emu.requests('zoneOperations.wait').length;
      const fresh = env.provider({ stateStore: store });
      const vm = await fresh.createVM(spec, { idempotencyKey: key });
      expect(vm.id).toBe(record!.vmId);
      expect(vm.state).toBe('running');
      // The recorded operation was waited on, and nothing was inserted again.
      const waits = env.emu.requests('zoneOperations.wait').slice(waitsBefore);
      expect(waits.length).toBeGreaterThan(0);
      expect(waits.every((r) => r.path.endsWith(`/zones/${record!.zone}/operations/${insertOp.name}/wait`))).toBe(true);
      expect(env.emu.stats.count('instances.insert')).toBe(1);
      expect(env.emu.state.operations().find((o) => o.name === insertOp.name)?.status).toBe('DONE');
    } finally {
      await store.close();
    }
    expect(env.emu.state.instances().filter((i) => i.name === name)).toHaveLength(1);
    expect(env.emu.state.instances().filter((i) => (i.labels as Record<string, string> | undefined)?.suite === 'killed')).toHaveLength(1);
  }, 30_000);
});
