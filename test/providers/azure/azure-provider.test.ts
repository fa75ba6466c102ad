/**
 * The Azure provider's own contract beyond the conformance suite: stop (powerOff, still billed)
 * and deallocate stay apart in Azure and in the VM; the idempotency lookup; what a person or a
 * log line sees of the provider (never its credential or password); events.
 */
import { inspect } from 'node:util';
import { ComputeManagementClient } from '@azure/arm-compute';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError } from '../../../src/provider/errors.js';
import type { VMCreatedEvent, VMDeletedEvent } from '../../../src/provider/events.js';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { createMemoryStore } from '../../../src/state/index.js';
import { rejectionOf, thrownBy } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
});
afterAll(() => env.close());

describe('the Azure provider', () => {
  it('stops (still billed) and deallocates as two states, in Azure and in the VM', async () => {
    const vm = await env.azure.createVM({ name: 'power', cpu: 1, memory: 1 }, { idempotencyKey: 'power-1' });
    const name = resourceNamesFor('power-1').vm;
    const stopped = await env.azure.stopVM(vm.id);
    expect(stopped).toMatchObject({ state: 'stopped', rawState: 'PowerState/stopped' });
    expect(env.emu.state.virtualMachineWrite(name)!.powerState).toBe('stopped');
    const deallocated = await env.azure.deallocateVM(vm.id);
    expect(deallocated).toMatchObject({ state: 'deallocated', rawState: 'PowerState/deallocated' });
    expect(env.emu.state.virtualMachineWrite(name)!.powerState).toBe('deallocated');
    expect((await env.azure.startVM(vm.id)).state).toBe('running');
    expect((await env.azure.rebootVM(vm.id)).state).toBe('running');
    expect(env.emu.stats.count('virtualMachines.powerOff')).toBe(1);
    expect(env.emu.stats.count('virtualMachines.deallocate')).toBe(1);
    await env.azure.deleteVM(vm.id);
  });

  it('finds a create by its key and records it in the state store; a deleted VM comes back terminated', async () => {
    const store = createMemoryStore();
    const azure = env.provider({ stateStore: store });
    const vm = await azure.createVM({ name: 'find', cpu: 1, memory: 1 }, { idempotencyKey: 'find-1', wait: false });
    expect((await azure.findByIdempotencyKey('find-1'))?.id).toBe(vm.id);
    const keys: string[] = [];
    for await (const r of store.list('azure')) keys.push(r.key);
    expect(keys).toEqual([`azure/${encodeURIComponent(azure.name)}/creates/${resourceNamesFor('find-1').vm}`]);
    expect(await env.provider({ consistencyWindowMs: 0 }).findByIdempotencyKey('never-used')).toBeUndefined();
    await azure.deleteVM(vm.id);
    expect((await azure.findByIdempotencyKey('find-1'))?.state).toBe('terminated');
  });

  it('creates afresh with a key whose VM was deleted, the record in the state store notwithstanding', async () => {
    const store = createMemoryStore();
    const azure = env.provider({ stateStore: store });
    const first = await azure.createVM({ name: 'again', cpu: 1, memory: 1 }, { idempotencyKey: 'again-1' });
    await azure.deleteVM(first.id);
    const fresh = env.provider({ stateStore: store }); // another process: no tombstone, only the record
    const second = await fresh.createVM({ name: 'again', cpu: 1, memory: 1 }, { idempotencyKey: 'again-1' });
    expect(second.state).toBe('running');
    expect(second.id).toBe(first.id); // the same name, a new VM
    expect(env.emu.state.virtualMachines().filter((v) => v.name === resourceNamesFor('again-1').vm)).toHaveLength(1);
    await fresh.deleteVM(second.id);

    // Deleted behind the adapter's back: the record still names the finished operation.
    const third = await fresh.createVM({ name: 'again', cpu: 1, memory: 1 }, { idempotencyKey: 'again-2' });
    const o = env.emu.providerOptions;
    await new ComputeManagementClient(o.credential, o.subscriptionId, { ...env.emu.sdkClientOptions }).virtualMachines.delete(o.resourceGroup, resourceNamesFor('again-2').vm, { updateIntervalInMs: 20 });
    const fourth = await env.provider({ stateStore: store }).createVM({ name: 'again', cpu: 1, memory: 1 }, { idempotencyKey: 'again-2' });
    expect(fourth).toMatchObject({ id: third.id, state: 'running' });
    await fresh.deleteVM(fourth.id);
  });

  it('refuses a key reused for another spec, before creating anything, also from another process (the spec hash tag)', async () => {
    await env.azure.createVM({ name: 'keyed', cpu: 1, memory: 1 }, { idempotencyKey: 'keyed-1', wait: false });
    const error = await rejectionOf(env.provider().createVM({ name: 'keyed', cpu: 2, memory: 4 }, { idempotencyKey: 'keyed-1' }));
    expect(ConflictError.isInstance(error)).toBe(true);
    expect(env.emu.state.virtualMachines().filter((v) => v.name === resourceNamesFor('keyed-1').vm)).toHaveLength(1);
  });

  it('shows neither its credential nor the admin password to inspect, JSON or toString', () => {
    const password = 'Sup3r-Secret-Passw0rd!';
    const credential = { secret: 'client-secret-value', getToken: async () => ({ token: 'bearer-token-value', expiresOnTimestamp: Date.now() + 60_000 }) };
    const azure = createAzureProvider({ subscriptionId: 'sub', resourceGroup: 'rg', location: 'westus2', credential, defaults: { adminPassword: password } });
    for (const shown of [inspect(azure, { depth: 10, showHidden: true }), JSON.stringify(azure), String(azure), `${azure.toString()}`]) {
      expect(shown).not.toContain(password);
      expect(shown).not.toContain('client-secret-value');
    }
    expect(JSON.parse(JSON.stringify(azure))).toEqual({ name: 'azure-westus2', kind: 'azure', resourceGroup: 'rg', locations: ['westus2'] });
  });

  it('publishes vm.created and vm.deleted', async () => {
    const created: VMCreatedEvent[] = [];
    const deleted: VMDeletedEvent[] = [];
    const azure = env.provider();
    azure.events.on('vm.created', (e) => created.push(e));
    azure.events.on('vm.deleted', (e) => deleted.push(e));
    const vm = await azure.createVM({ name: 'events', cpu: 1, memory: 1 }, { idempotencyKey: 'events-1' });
    await azure.createVM({ name: 'events', cpu: 1, memory: 1 }, { idempotencyKey: 'events-1' });
    await azure.deleteVM(vm.id);
    expect(created.map((e) => [e.vm.id, e.reused])).toEqual([
      [vm.id, false],
      [vm.id, true],
    ]);
    expect(deleted.map((e) => e.vmId)).toEqual([vm.id]);
  });

  it('needs a subscription, a resource group and a location', () => {
    const error = thrownBy(() => createAzureProvider({ subscriptionId: '', resourceGroup: 'rg', location: '' }));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).issues.map((i) => i.field)).toEqual(['subscriptionId', 'location']);
  });
});
