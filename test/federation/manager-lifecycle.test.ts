/**
 * The manager covers a VM's life and carries its providers' events: `vm.created`,
 * `vm.deleted` and `vm.state-changed` reach `manager.events` (tagged with the provider's name)
 * whoever built the providers — the built-in AWS factory of `fromConfig` included — and
 * getVM/stopVM/startVM/rebootVM keep the inventory's state right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryProvider, NOVACRON_EVENT_NAMES, type NovacronEventName } from '../../src/index.js';
import { FederationManager } from '../../src/federation/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../src/testing/emulators/index.js';
import { FEDERATION_YAML } from './spec-examples.js';
import { cloud, EAST, offer } from './fixtures.js';

function record(manager: FederationManager): { name: NovacronEventName; provider: unknown }[] {
  const seen: { name: NovacronEventName; provider: unknown }[] = [];
  for (const name of NOVACRON_EVENT_NAMES) manager.events.on(name, ((e: { provider?: unknown }) => void seen.push({ name, provider: e.provider })) as never);
  return seen;
}

describe('provider events reach manager.events', () => {
  let emu: Ec2Emulator;
  beforeAll(async () => {
    emu = await startEc2Emulator({ region: 'us-east-1' });
  });
  afterAll(() => emu.close());

  it('from a memory provider built without a bus', async () => {
    const mem = cloud('mem-east', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08)]);
    const manager = new FederationManager({ providers: [mem] });
    const seen = record(manager);
    const { vm } = await manager.createVM({ name: 'evented', cpu: 2, memory: 4 }, { idempotencyKey: 'ev-1' });
    await manager.deleteVM(vm.provider, vm.id);
    const names = seen.filter((e) => e.provider === 'mem-east').map((e) => e.name);
    expect(names).toContain('vm.created');
    expect(names).toContain('vm.deleted');
    expect(names).toContain('vm.state-changed');
    expect(seen.map((e) => e.name)).toContain('placement.decided');
    // Each event once, although the provider's own bus and the manager's both saw it.
    expect(names.filter((n) => n === 'vm.created')).toHaveLength(1);
  });

  it('from the built-in AWS factory of fromConfig', async () => {
    const yaml = FEDERATION_YAML.replace('        region: us-east-1\n', `        region: us-east-1\n        endpoint: ${emu.providerOptions.endpoint}\n        pricingEndpoint: ${emu.providerOptions.pricingEndpoint}\n        waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.2 }\n`);
    const manager = await FederationManager.fromConfig(yaml, {
      env: { AZURE_SUBSCRIPTION_ID: 'sub' },
      secrets: () => emu.providerOptions.credentials,
      providerFactories: {
        azure: (e) => createMemoryProvider({ name: e.name, kind: 'azure', regions: ['westus2'] }),
        gcp: (e) => createMemoryProvider({ name: e.name, kind: 'gcp', regions: ['us-central1'] }),
        openstack: (e) => createMemoryProvider({ name: e.name, kind: 'openstack' }),
      },
    });
    const seen = record(manager);
    const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const, constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['aws-us-east'] }] };
    const { vm } = await manager.createVM({ name: 'aws-evented', cpu: 2, memory: 4 }, { idempotencyKey: 'ev-aws', request });
    await manager.deleteVM(vm.provider, vm.id);
    const names = seen.filter((e) => e.provider === 'aws-us-east').map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['vm.created', 'vm.deleted']));
  });
});

describe('the manager covers a VM’s life', () => {
  it('getVM, stopVM, startVM and rebootVM go through the provider and keep the inventory right', async () => {
    const mem = cloud('mem-east', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08)]);
    const manager = new FederationManager({ providers: [mem] });
    const changes: string[] = [];
    manager.events.on('inventory.changed', (e) => void changes.push(e.change));
    const { vm } = await manager.createVM({ name: 'life', cpu: 2, memory: 4 }, { idempotencyKey: 'life-1' });
    const state = async (): Promise<string | undefined> => {
      for await (const r of manager.inventory()) if (r.vmId === vm.id) return r.state;
      return undefined;
    };
    expect((await manager.stopVM(vm.provider, vm.id)).state).toBe('stopped');
    expect(await state()).toBe('stopped');
    expect((await manager.startVM(vm.provider, vm.id)).state).toBe('running');
    expect(await state()).toBe('running');
    expect((await manager.rebootVM(vm.provider, vm.id)).state).toBe('running');
    expect((await manager.getVM(vm.provider, vm.id)).id).toBe(vm.id);
    expect(changes.filter((c) => c === 'refreshed').length).toBeGreaterThanOrEqual(2);
    await expect(manager.getVM('nowhere', vm.id)).rejects.toThrow(/nowhere/);
  });
});
