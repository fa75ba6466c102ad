/**
 * A create whose process is killed (SIGKILL) while the SDK's poller waits for the VM is resumed by
 * a fresh process from the SQLite state store: the same long-running operation is followed
 * (`restorePoller`), no second PUT is sent, and there is exactly one VM, one NIC and one public IP.
 * Also: a client that gives up right after the PUT was accepted, then retries.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError } from '../../../src/provider/errors.js';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import { createRecordKey } from '../../../src/providers/azure/create-record.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import type { StateStore } from '../../../src/state/index.js';
import { rejectionOf } from '../../helpers.js';
import { fastOptions, startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
let dir: string;
beforeAll(async () => {
  env = await startEmulatedAzure();
  dir = await mkdtemp(join(tmpdir(), 'novacron-azure-kill-'));
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 }); // catalog loaded in this process
});
afterAll(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

const ofKey = (key: string) => {
  const names = resourceNamesFor(key);
  return {
    names,
    vms: env.emu.state.virtualMachines().filter((v) => v.name === names.vm),
    nics: env.emu.state.networkInterfaces().filter((n) => n.name.startsWith(names.vm)),
    ips: env.emu.state.publicIPAddresses().filter((n) => n.name.startsWith(names.vm)),
  };
};

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('interrupted Azure creates', () => {
  it('a process killed while its poller waits is resumed by a fresh process from the SQLite store: one VM, one NIC, one IP', async () => {
    const path = join(dir, 'state.db');
    env.emu.faults.slowOperations(2_000, { operations: ['virtualMachines.createOrUpdate'] });
    env.emu.stats.reset();
    const { credential: _credential, ...plain } = env.emu.providerOptions;
    const options = { ...plain, ...fastOptions(env.emu), credential: { ...env.emu.clientCredentials, caCertificate: env.emu.providerOptions.caCertificate } };
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./create-child.ts', import.meta.url))], {
      env: { ...process.env, NOVACRON_AZURE_OPTIONS: JSON.stringify(options), NOVACRON_STATE_PATH: path, NOVACRON_KEY: 'killed-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (_code, signal) => resolve({ signal })));
    // The poller polls only after the resume token was recorded: its first poll is the moment to kill.
    await until(() => env.emu.stats.count('computeOperations.get') > 0);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    env.emu.faults.reset();

    const before = ofKey('killed-1');
    expect(before.vms).toHaveLength(1);
    expect(before.vms[0]!.properties.provisioningState).toBe('Creating');
    expect(env.emu.stats.count('virtualMachines.createOrUpdate')).toBe(1);
    const pollPath = env.emu.requests('computeOperations.get')[0]!.path;

    const store: StateStore = await createSqliteStore({ path });
    try {
      const record = (await store.get<{ resumeToken?: string; vmId: string }>(createRecordKey(createAzureProvider(env.emu.providerOptions).name, before.names.vm)))?.value;
      expect(record?.vmId).toBe(before.vms[0]!.id);
      expect(record?.resumeToken).toContain(pollPath.split('/').at(-1));
      expect(JSON.stringify(record)).not.toMatch(/customData|adminPassword|ssh-ed25519/);

      const fresh = env.provider({ stateStore: store });
      const vm = await fresh.createVM({ name: 'killed', cpu: 1, memory: 1, network: { publicIp: true }, labels: { suite: 'killed' } }, { idempotencyKey: 'killed-1' });
      expect(vm.id).toBe(before.vms[0]!.id);
      expect(vm.state).toBe('running');
      // The same operation was followed: no second PUT of anything, and the polls went to the recorded operation.
      expect(env.emu.stats.count('virtualMachines.createOrUpdate')).toBe(1);
      expect(env.emu.stats.count('networkInterfaces.createOrUpdate')).toBe(1);
      expect(env.emu.stats.count('publicIPAddresses.createOrUpdate')).toBe(1);
      expect(env.emu.requests('computeOperations.get').every((r) => r.path === pollPath)).toBe(true);
    } finally {
      await store.close();
    }
    const after = ofKey('killed-1');
    expect([after.vms.length, after.nics.length, after.ips.length]).toEqual([1, 1, 1]);
  }, 60_000);

  it('a client that gives up once the PUT was accepted, and retries: one VM', async () => {
    const controller = new AbortController();
    const spec = { name: 'aborted', cpu: 1, memory: 1 };
    const error = await rejectionOf(env.azure.createVM(spec, { idempotencyKey: 'abort-1', signal: controller.signal, onProvisioned: () => controller.abort() }));
    expect(isAbortError(error), String(error)).toBe(true);
    expect(ofKey('abort-1').vms).toHaveLength(1);
    const vm = await env.azure.createVM(spec, { idempotencyKey: 'abort-1' });
    expect(vm.state).toBe('running');
    expect(ofKey('abort-1').vms.map((v) => v.id)).toEqual([vm.id]);
  });
});
