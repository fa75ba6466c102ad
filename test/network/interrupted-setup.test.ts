/**
 * A VPN setup whose process is killed (SIGKILL) mid-setup is resumed by a fresh process from the
 * SQLite state store: the same resources, none created twice, and a teardown leaves nothing.
 *
 * The clouds (two memory providers on one fabric, AWS-like and Azure-like) and the secret store
 * live in this process and are served to the child over loopback (remote-network.ts), so the
 * kill loses only what the child held, as a real crash does. Two kill points: while a create is
 * on its way to the cloud (it never arrives), and after the cloud made a resource but before
 * the answer reached the child (the answer dies with the process; the resumed run finds the
 * resource by its idempotency token instead of creating another).
 *
 * The child's operation lease (30 s) is still live when it dies; the resuming process's store
 * clock runs 31 s ahead, which is when a real successor would take over.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault, type ConnectivityResult } from '../../src/network/index.js';
import { EventBus } from '../../src/provider/events.js';
import { createMemoryProvider } from '../../src/providers/memory/index.js';
import { createMemoryNetworkFabric } from '../../src/providers/memory/memory-network.js';
import type { StateStore } from '../../src/state/index.js';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { serveNetworks } from './remote-network.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-vpn-kill-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function storeRows(store: StateStore): Promise<string> {
  const rows: unknown[] = [];
  for await (const r of store.list('')) rows.push(r);
  return JSON.stringify(rows);
}

const LEASE_LAPSED_MS = 31_000;
const timeouts = { pollMs: 5, runBudgetMs: 10_000 };

// Creates of a VPN setup, in order: gateway a, gateway b, peer gateway and connection on the
// first side, then on the second, then one route per side.
describe('a VPN setup killed mid-setup (SIGKILL)', () => {
  it.each([
    { killAt: 2, phase: 'before' as const, what: 'while the second gateway create is on its way to the cloud' },
    { killAt: 4, phase: 'after' as const, what: 'after the cloud made the first VPN connection, before its answer arrived' },
  ])('killed $what, is resumed by a fresh process: the same resources, none twice; the teardown leaves nothing', async ({ killAt, phase }) => {
    const fabric = createMemoryNetworkFabric();
    const events = new EventBus();
    const created: { type: string; id: string }[] = [];
    events.on('network.changed', (e) => {
      if (e.action === 'created' && e.resourceType !== 'network') created.push({ type: e.resourceType, id: e.resourceId });
    });
    const aws = createMemoryProvider({ name: 'aws-east', kind: 'aws', events, network: { fabric, account: '111111111111', gatewayDelayMs: 30 } });
    const azure = createMemoryProvider({ name: 'azure-west', kind: 'azure', events, network: { fabric, gatewayDelayMs: 30 } });
    const vpcA = await aws.networking!.createNetwork({ name: 'vpc-a', cidrs: ['10.1.0.0/16'] });
    const vnetB = await azure.networking!.createNetwork({ name: 'vnet-b', cidrs: ['10.2.0.0/16'] });
    const vault = createMemorySecretVault();
    const server = await serveNetworks([aws.networking!, azure.networking!], vault, (n) => (n === killAt ? phase : 'answer'));
    const path = join(dir, `state-${killAt}.db`);
    const key = `vpn-killed-${killAt}`;
    let store: StateStore | undefined;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./setup-child.ts', import.meta.url))], {
        env: {
          ...process.env,
          NOVACRON_NETWORK_URL: server.url,
          NOVACRON_STATE_PATH: path,
          NOVACRON_KEY: key,
          NOVACRON_SITES: JSON.stringify([
            { provider: 'aws-east', networkId: vpcA.id },
            { provider: 'azure-west', networkId: vnetB.id },
          ]),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      const held = await Promise.race([server.held, exited.then((e) => ({ exitedEarly: e }))]);
      if ('exitedEarly' in held) throw new Error(`the child ended before create ${killAt}: ${JSON.stringify(held.exitedEarly)}\n${output}`);
      expect(held).toMatchObject({ n: killAt, phase });
      child.kill('SIGKILL');
      expect((await exited).signal, output).toBe('SIGKILL');

      // What the cloud holds at the kill: every create answered, plus the held one when it got through.
      const beforeKill = [...created];
      expect(beforeKill).toHaveLength(phase === 'after' ? killAt : killAt - 1);
      expect(output).not.toContain('connected');

      // The fresh process: the same store file, the same clouds and vault, its own replica id.
      store = await createSqliteStore({ path, clock: () => Date.now() + LEASE_LAPSED_MS });
      const network = new CrossCloudNetwork({ vault, store, providers: [aws, azure], timeouts });
      const a = { provider: aws, networkId: vpcA.id };
      const b = { provider: azure, networkId: vnetB.id };
      let result: ConnectivityResult = await network.establishConnectivity(a, b, { idempotencyKey: key });
      for (let i = 0; result.status === 'provisioning' && i < 50; i++) result = await network.resume(result.operationId);
      expect(result.status).toBe('connected');

      // None twice: one create per resource of a VPN setup, and the ones made before the kill are the ones kept.
      expect(created.map((c) => c.type).sort()).toEqual(['peer-gateway', 'peer-gateway', 'route', 'route', 'vpn-connection', 'vpn-connection', 'vpn-gateway', 'vpn-gateway']);
      expect(new Set(created.map((c) => c.id)).size).toBe(created.length);
      const kept = result.resources.map((r) => r.id).sort();
      expect(kept).toEqual(created.map((c) => c.id).sort());
      for (const c of beforeKill) expect(kept).toContain(c.id);
      const [conn] = await (async () => {
        const out = [];
        for await (const c of aws.networking!.list('vpn-connection')) out.push(c);
        return out;
      })();
      expect(conn!.tunnels.map((t) => t.status)).toEqual(['up', 'up']);

      // The pre-shared keys the child generated are in the vault only: not in the store, not in the child's output.
      const psks = vault.secretValues();
      expect(psks).toHaveLength(2);
      const rows = await storeRows(store);
      for (const psk of psks) {
        expect(rows).not.toContain(psk);
        expect(output).not.toContain(psk);
      }

      let down = await network.teardown(result.operationId);
      for (let i = 0; down.status !== 'torn-down' && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 10));
        down = await network.teardown(result.operationId);
      }
      expect(down.status).toBe('torn-down');
      await new Promise((r) => setTimeout(r, 50));
      expect(fabric.resources().map((r) => r.type)).toEqual(['network', 'network']);
      expect(vault.names()).toEqual([]);
    } finally {
      await store?.close();
      await server.close();
    }
  }, 30_000);
});
