/**
 * A create whose process is killed (SIGKILL) while it waits for its server to become ACTIVE is
 * resumed by a fresh process with the same idempotency key: the fresh process finds the server
 * (recorded in the SQLite state store, and named from the key) and follows it to ACTIVE instead
 * of booting another, and there is exactly one server and one port.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordKey } from '../../../src/providers/openstack/create-record.js';
import { serverNameFor } from '../../../src/providers/openstack/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import type { StateStore } from '../../../src/state/index.js';
import { fastOptions, startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
let dir: string;
// Builds take 3 s, so the child is seen waiting.
beforeAll(async () => {
  env = await startEmulatedOpenStack({ emulator: { timings: { buildMs: 3_000, deleteMs: 10 } } });
  dir = await mkdtemp(join(tmpdir(), 'novacron-openstack-kill-'));
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

describe('an interrupted OpenStack create', () => {
  it('killed while it waits for ACTIVE, is resumed by a fresh process: one POST /servers, one server, one port', async () => {
    const path = join(dir, 'state.db');
    const key = 'killed-1';
    const spec = { name: 'killed', cpu: 1, memory: 1, labels: { suite: 'killed' }, userData: '#cloud-config\nsecret: hunter2\n', network: { publicIp: true } };
    env.emu.stats.reset();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./create-child.ts', import.meta.url))], {
      env: { ...process.env, NOVACRON_OPENSTACK_OPTIONS: JSON.stringify({ ...env.emu.providerOptions, ...fastOptions }), NOVACRON_STATE_PATH: path, NOVACRON_KEY: key, NOVACRON_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // The server id is recorded before the first read of the wait: a read of the server is the moment to kill.
    await until(() => env.emu.stats.count('servers.get') > 0 || child.exitCode !== null).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    child.kill('SIGKILL');
    expect((await exited).signal, stderr).toBe('SIGKILL');

    const name = serverNameFor(key);
    expect(env.emu.stats.count('servers.create')).toBe(1);
    const [server] = env.emu.state.servers().filter((s) => s.name === name);
    expect(server?.status).toBe('BUILD'); // killed mid-wait

    const store: StateStore = await createSqliteStore({ path });
    try {
      const record = (await store.get<{ vmId: string; portId: string }>(createRecordKey(env.openstack.name, name)))?.value;
      expect(record).toMatchObject({ vmId: server!.id });
      expect(JSON.stringify(record)).not.toMatch(/hunter2|cloud-config|password/);

      const fresh = env.provider({ stateStore: store });
      const vm = await fresh.createVM(spec, { idempotencyKey: key });
      expect(vm.id).toBe(record!.vmId);
      expect(vm.state).toBe('running');
      expect(vm.publicIps).toHaveLength(1);
      expect(env.emu.stats.count('servers.create')).toBe(1);
      expect(await fresh.findByIdempotencyKey(key)).toMatchObject({ id: vm.id, state: 'running' });
    } finally {
      await store.close();
    }
    expect(env.emu.state.servers().filter((s) => s.name === name)).toHaveLength(1);
    expect(env.emu.state.ports().filter((p) => p.name === `${name}-port`)).toHaveLength(1);
    expect(env.emu.state.floatingIps().filter((f) => f.port_id === env.emu.state.ports().find((p) => p.name === `${name}-port`)?.id)).toHaveLength(1);
  }, 30_000);
});
