/**
 * migrateVM on each path the pair of providers decides: across providers without a transfer (one
 * shared memory image store), across providers with a transfer and a qemu-img conversion, a
 * region move and a resize within one provider, and a live migration; plus what a caller sees
 * (record, events, metric) and what it is refused before anything changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSpecError, type VM } from '../../../src/index.js';
import { MigrationFailedError } from '../../../src/federation/migration/migration-errors.js';
import type { TrafficSwitcher } from '../../../src/federation/migration/traffic-switcher.js';
import type { MigrationStatusEvent, MigrationStepEvent } from '../../../src/provider/events.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { FederationManager } from '../../../src/federation/index.js';
import { BucketClouds, countingSink, FAST, keysUnder, liveVMs, SharedClouds } from './migration-fixtures.js';

const FORWARD = ['lock', 'stop-source', 'export', 'import', 'verify', 'switch', 'grace', 'delete-source', 'release-lock', 'cleanup'];

describe('migrateVM between two memory providers sharing an image store', () => {
  it('moves the VM without a transfer: the target serves, the source is deleted, nothing is left', async () => {
    const clouds = new SharedClouds();
    const { sink, counts } = countingSink();
    const store = createMemoryStore();
    const manager = clouds.manager({ metrics: sink, stateStore: store });
    const steps: MigrationStepEvent[] = [];
    const statuses: MigrationStatusEvent[] = [];
    manager.events.on('migration.step', (e) => void steps.push(e));
    manager.events.on('migration.status', (e) => void statuses.push(e));
    const source = await clouds.source();

    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'shared-1', waitForGrace: true, gracePeriodMs: 0 });

    expect(result.status).toBe('succeeded');
    expect(result.vm?.provider).toBe('mem-b');
    const live = await liveVMs(clouds.providers);
    expect(live.map((v) => `${v.provider}/${v.id}`)).toEqual([`mem-b/${result.vm!.id}`]);
    expect(live[0]!.state).toBe('running');
    expect(clouds.switcher.current(result.migrationId)).toEqual({ provider: 'mem-b', id: result.vm!.id });
    expect(clouds.images.size, 'the export image was deleted').toBe(0);
    expect(clouds.b.controls.calls.importVM).toBe(1);

    const record = result.record;
    expect(record.path).toBe('cross-provider');
    expect(record.steps.map((s) => s.name)).toEqual(FORWARD);
    expect(record.steps.every((s) => s.status === 'succeeded' && s.durationMs !== undefined)).toBe(true);
    expect(record.bytesMoved).toBe(0);
    expect(record.targetVm).toEqual({ provider: 'mem-b', id: result.vm!.id });
    expect(record.source).toMatchObject({ provider: 'mem-a', id: source.id, name: 'svc' });
    expect(record.leftovers).toEqual([]);
    expect(record.cost?.currency).toBe('USD');
    expect(record.cost?.targetHourly).toBeGreaterThan(0);
    expect(await manager.getMigration(result.migrationId)).toEqual(record);
    const listed = [];
    for await (const m of manager.listMigrations()) listed.push(m.id);
    expect(listed).toEqual([result.migrationId]);

    // The lock is released and the inventory follows the move.
    expect(await keysUnder(store, 'migration-locks')).toEqual([]);
    const inventory = [];
    for await (const r of manager.inventory()) inventory.push(`${r.provider}/${r.vmId}:${r.status}`);
    expect(inventory).toEqual([`mem-b/${result.vm!.id}:active`]);

    expect(steps.filter((e) => e.status === 'succeeded').map((e) => e.step)).toEqual(FORWARD);
    expect(statuses.map((e) => e.status)).toEqual(['running', 'grace-period', 'succeeded']);
    expect(counts.get('novacron_federation_migrations_total{"source":"mem-a","destination":"mem-b","status":"succeeded"}')).toBe(1);
  });

  it('the same idempotency key reports the finished migration and makes nothing new', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager();
    const source = await clouds.source();
    const first = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'again', waitForGrace: true, gracePeriodMs: 0 });
    const second = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'again', waitForGrace: true, gracePeriodMs: 0 });
    expect(second.migrationId).toBe(first.migrationId);
    expect(second.status).toBe('succeeded');
    expect(second.vm?.id).toBe(first.vm?.id);
    expect(clouds.b.controls.calls.importVM).toBe(1);
    expect(clouds.a.controls.calls.exportVM).toBe(1);
  });

  it('a region move stays with the provider, under a name of its own, in the target region', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager();
    const source = await clouds.source();
    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-a', region: 'local-2' }, { waitForGrace: true, gracePeriodMs: 0 });
    expect(result.record.path).toBe('region-move');
    expect(result.vm).toMatchObject({ provider: 'mem-a', region: 'local-2', state: 'running' });
    expect(result.vm!.name).toMatch(/^svc-[0-9a-f]{5}$/);
    expect((await liveVMs(clouds.providers)).map((v) => v.id)).toEqual([result.vm!.id]);
    expect(clouds.images.size).toBe(0);
  });

  it('a resize re-creates the VM with the new instance type in the same region', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager();
    const source = await clouds.source();
    const bigger = await (async () => {
      for await (const o of clouds.a.offers('local-1')) if (o.vcpus === 4 && o.instanceType !== source.instanceType) return o.instanceType;
      throw new Error('no 4 vCPU offer in the catalog');
    })();
    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-a', instanceType: bigger }, { waitForGrace: true, gracePeriodMs: 0 });
    expect(result.record.path).toBe('resize');
    expect(result.vm).toMatchObject({ provider: 'mem-a', region: source.region, instanceType: bigger, state: 'running' });
    expect((await liveVMs(clouds.providers)).map((v) => v.id)).toEqual([result.vm!.id]);
  });

  it('a live migration never stops the source: it runs until traffic has moved', async () => {
    const clouds = new SharedClouds();
    let sourceStateAtSwitch: string | undefined;
    const switcher: TrafficSwitcher = {
      switch: async (from: VM) => {
        sourceStateAtSwitch = (await clouds.a.getVM(from.id)).state;
      },
    };
    const manager = clouds.manager();
    const source = await clouds.source();
    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { liveMigration: true, trafficSwitcher: switcher, waitForGrace: true, gracePeriodMs: 0 });
    expect(result.status).toBe('succeeded');
    expect(result.record.live).toBe(true);
    expect(result.record.steps.map((s) => s.name)).not.toContain('stop-source');
    expect(clouds.a.controls.calls.stopVM).toBe(0);
    expect(sourceStateAtSwitch).toBe('running');
  });
});

describe('migrateVM across providers whose images live in buckets', () => {
  let clouds: BucketClouds | undefined;
  afterEach(async () => {
    await clouds?.close();
    clouds = undefined;
  });

  it('exports, transfers with conversion into the target store, imports, and deletes both images', async () => {
    clouds = await BucketClouds.start();
    const manager = clouds.manager();
    const source = await clouds.src.createVM({ name: 'svc', cpu: 2, memory: 4 });
    const result = await manager.migrateVM({ provider: 'src', id: source.id }, { provider: 'dst' }, { waitForGrace: true, gracePeriodMs: 0 });
    expect(result.status).toBe('succeeded');
    expect(result.record.steps.map((s) => s.name)).toEqual(['lock', 'stop-source', 'export', 'transfer', 'import', 'verify', 'switch', 'grace', 'delete-source', 'release-lock', 'cleanup']);
    // qemu-img wrote the qcow2 the target takes, into the target's bucket, under the migration's key.
    expect(result.vm!.image).toBe(`memory://bucket-dst/novacron-migrations/${result.migrationId}/disk.qcow2`);
    expect(result.record.bytesMoved).toBeGreaterThan(0);
    expect(await clouds.leftovers()).toEqual({ objects: [], uploads: [], workFiles: [] });
    expect((await liveVMs([clouds.src, clouds.dst])).map((v) => `${v.provider}/${v.id}`)).toEqual([`dst/${result.vm!.id}`]);
  });

  it('refuses, before anything changes, a move into a provider that cannot take the format and has no store to convert into', async () => {
    clouds = await BucketClouds.start();
    const manager = clouds.manager({ artifactStores: {} });
    const source = await clouds.src.createVM({ name: 'svc', cpu: 2, memory: 4 });
    const error = await manager.migrateVM({ provider: 'src', id: source.id }, { provider: 'dst' }).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('artifactStores.dst.store');
    expect((await clouds.src.getVM(source.id)).state).toBe('running');
    const listed = [];
    for await (const m of manager.listMigrations()) listed.push(m);
    expect(listed).toEqual([]);
  });
});

describe('migrateVM input', () => {
  it('names the wrong field and records nothing', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager();
    const source = await clouds.source();
    const cases: [Parameters<typeof manager.migrateVM>, string][] = [
      [[{ provider: 'mem-a', id: source.id }, { provider: 'mem-c' }], 'target.provider'],
      [[{ provider: 'mem-x', id: source.id }, { provider: 'mem-b' }], 'source.provider'],
      [[{ provider: 'mem-a', id: source.id }, { provider: 'mem-a' }], 'target'],
      [[{ provider: 'mem-a', id: '' }, { provider: 'mem-b' }], 'source.id'],
      [[{ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { gracePeriod: 10 } as never], 'options.gracePeriod'],
      [[{ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { gracePeriodMs: -1 }], 'options.gracePeriodMs'],
      [[{ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { trafficSwitcher: {} as never }], 'options.trafficSwitcher'],
    ];
    for (const [args, field] of cases) {
      const error = await manager.migrateVM(...args).catch((e: unknown) => e);
      expect(InvalidSpecError.isInstance(error), `${field}: ${String(error)}`).toBe(true);
      expect((error as InvalidSpecError).issues.map((i) => i.field)).toContain(field);
    }
    const listed = [];
    for await (const m of manager.listMigrations()) listed.push(m);
    expect(listed).toEqual([]);
    expect(clouds.a.controls.calls.stopVM).toBe(0);
  });

  it('a rolled-back migration asked again with its key says so again', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager({ migration: { healthCheck: async () => false } });
    const source = await clouds.source();
    const args = [{ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'twice' }] as const;
    const first = await manager.migrateVM(...args).catch((e: unknown) => e);
    expect(MigrationFailedError.isInstance(first) && first.status).toBe('rolled-back');
    const second = await manager.migrateVM(...args).catch((e: unknown) => e);
    expect(MigrationFailedError.isInstance(second) && second.status).toBe('rolled-back');
    expect(clouds.b.controls.calls.importVM).toBe(1);
  });
});

describe('what a caller sees of a migration', () => {
  it('with no migration options: the default health check, a recording switcher, a five-minute grace period', async () => {
    const clouds = new SharedClouds();
    const now = Date.parse('2026-12-01T12:00:00Z');
    const manager = new FederationManager({ providers: clouds.providers, failover: FAST, clock: () => now, artifactStores: { 'mem-b': { from: [clouds.view] } } });
    const source = await clouds.source();
    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' });
    expect(result.status).toBe('grace-period');
    expect(result.record.graceDeadline).toBe('2026-12-01T12:05:00.000Z');
    expect(result.vm?.state).toBe('running');
  });

  it('a rollback is announced step by step, counted, and keeps secrets a host error carried out of the record and events', async () => {
    const clouds = new SharedClouds();
    const { sink, counts } = countingSink();
    const store = createMemoryStore();
    const healthCheck = async (): Promise<boolean> => {
      throw new Error('probe failed: password=hunter2-very-secret api_key=AKIAABCDEFGHIJKLMNOP');
    };
    const manager = clouds.manager({ metrics: sink, stateStore: store, migration: { healthCheck } });
    const seen: unknown[] = [];
    const statuses: string[] = [];
    manager.events.on('migration.step', (e) => void seen.push(e));
    manager.events.on('migration.status', (e) => {
      seen.push(e);
      statuses.push(e.status);
    });
    const source = await clouds.source();
    const error = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }).catch((e: unknown) => e);
    expect(MigrationFailedError.isInstance(error) && error.status).toBe('rolled-back');
    expect(statuses).toEqual(['running', 'rolling-back', 'rolled-back']);
    expect(counts.get('novacron_federation_migrations_total{"source":"mem-a","destination":"mem-b","status":"rolled_back"}')).toBe(1);
    const stored: string[] = [];
    for await (const r of store.list('')) stored.push(JSON.stringify(r.value));
    for (const text of [...stored, JSON.stringify(seen), String(error), JSON.stringify(await manager.getMigration((error as MigrationFailedError).migrationId))]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('AKIAABCDEFGHIJKLMNOP');
    }
    expect(JSON.stringify(await manager.getMigration((error as MigrationFailedError).migrationId))).toContain('probe failed');
  });
});
