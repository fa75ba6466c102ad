import { describe, expect, it } from 'vitest';
import { ConflictError, createMemoryStore, NotFoundError, type ProviderEntry, type ProviderV1, type StateStore, type VM } from '../../src/index.js';
import { MemoryCloudFactory } from '../../src/cli/memory-cloud.js';
import { describeProviderConformance } from '../../src/testing/provider-conformance.js';

const entry = (name: string, config: Record<string, unknown> = {}): ProviderEntry => ({ name, type: 'memory', config: { provisioningDelay: '2ms', ...config } });

// A stored memory cloud is still a provider like any other.
const conformanceClouds = new MemoryCloudFactory(createMemoryStore());
describeProviderConformance('memory cloud kept in a state store', () => conformanceClouds.create(entry('kept-a')), {
  pageSize: 5,
  importTarget: () => conformanceClouds.create(entry('kept-b', { kind: 'gcp', regions: ['us-central1'] })),
});

/** A provider as the next CLI run builds it: a new factory (and in-memory provider) over the same store. */
const nextRun = (store: StateStore, name = 'mem-a'): ProviderV1 => new MemoryCloudFactory(store).create(entry(name));

async function listed(provider: ProviderV1): Promise<VM[]> {
  const out: VM[] = [];
  for await (const vm of provider.listVMs()) out.push(vm);
  return out;
}

describe('a memory cloud kept in the state store', () => {
  it('finds its VMs again in a later run, by the ids they were given, in the state they were left', async () => {
    const store = createMemoryStore();
    const first = nextRun(store);
    const web = await first.createVM({ name: 'web', cpu: 2, memory: '4Gi', labels: { tier: 'front' } });
    const batch = await first.createVM({ name: 'batch', cpu: 1, memory: '2Gi' });
    await first.stopVM(batch.id);

    const second = nextRun(store);
    expect(await second.getVM(web.id)).toMatchObject({ id: web.id, name: 'web', state: 'running', instanceType: web.instanceType, zone: web.zone, labels: { tier: 'front' }, createdAt: web.createdAt });
    expect(await second.getVM(batch.id)).toMatchObject({ id: batch.id, state: 'stopped' });
    expect((await listed(second)).map((vm) => vm.id).sort()).toEqual([web.id, batch.id].sort());

    await second.startVM(batch.id);
    await second.deleteVM(web.id);
    const third = nextRun(store);
    expect(await third.getVM(batch.id)).toMatchObject({ state: 'running' });
    await expect(third.getVM(web.id)).rejects.toSatisfy((e) => NotFoundError.isInstance(e));
  });

  it('keeps user data and secret-named labels out of the state store', async () => {
    const store = createMemoryStore();
    await nextRun(store).createVM({ name: 'app', cpu: 1, memory: '1Gi', userData: '#cloud-config\npassword: hunter2-secret', labels: { 'db-password': 'label-secret', tier: 'back' } });
    const records: unknown[] = [];
    for await (const r of store.list('memory-clouds')) records.push(r.value);
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records)).not.toContain('hunter2-secret');
    expect(JSON.stringify(records)).not.toContain('label-secret');
    expect(JSON.stringify(records)).toContain('"tier":"back"');
  });

  it('answers a repeated create with the same key from a later run with the VM it made, and refuses the key with another spec', async () => {
    const store = createMemoryStore();
    const vm = await nextRun(store).createVM({ name: 'once', cpu: 1, memory: '1Gi' }, { idempotencyKey: 'request-1' });
    const later = nextRun(store);
    expect(await later.createVM({ name: 'once', cpu: 1, memory: '1Gi' }, { idempotencyKey: 'request-1' })).toMatchObject({ id: vm.id });
    expect(await later.findByIdempotencyKey!('request-1')).toMatchObject({ id: vm.id });
    expect(await later.findByIdempotencyKey!('request-2')).toBeUndefined();
    expect(await listed(later)).toHaveLength(1);
    await expect(later.createVM({ name: 'once', cpu: 2, memory: '1Gi' }, { idempotencyKey: 'request-1' })).rejects.toSatisfy((e) => ConflictError.isInstance(e));
  });

  it('says nothing of laying VMs out again, and names VMs by their kept ids in its events', async () => {
    const store = createMemoryStore();
    const vm = await nextRun(store).createVM({ name: 'evented', cpu: 1, memory: '1Gi' });
    const later = nextRun(store);
    const seen: { event: string; vmId: string }[] = [];
    later.events!.on('vm.created', (e) => seen.push({ event: 'vm.created', vmId: e.vm.id }));
    later.events!.on('vm.state-changed', (e) => seen.push({ event: `vm.state-changed:${e.to}`, vmId: e.vmId }));
    await later.stopVM(vm.id);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.vmId === vm.id)).toBe(true);
    expect(seen.map((e) => e.event)).not.toContain('vm.created');
    expect(seen.map((e) => e.event)).toContain('vm.state-changed:stopped');
  });

  it('exports under the kept id, and a cloud of the same run imports the export', async () => {
    const store = createMemoryStore();
    const source = nextRun(store, 'mem-a');
    const vm = await source.createVM({ name: 'moving', cpu: 1, memory: '1Gi', disk: '10Gi' });
    const clouds = new MemoryCloudFactory(store);
    const from = clouds.create(entry('mem-a'));
    const to = clouds.create(entry('mem-b'));
    await from.stopVM(vm.id);
    const artifact = await from.exportVM(vm.id);
    expect(artifact.sourceVmId).toBe(vm.id);
    const moved = await to.importVM(artifact, { name: 'moving', cpu: 1, memory: '1Gi', disk: '10Gi' });
    // The imported VM is kept too: the next run finds it.
    expect(await nextRun(store, 'mem-b').getVM(moved.id)).toMatchObject({ id: moved.id, provider: 'mem-b', state: 'running' });
  });
});
