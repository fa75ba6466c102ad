/**
 * Faults at every step of a migration, in the memory provider's fault vocabulary: answers lost
 * after the cloud acted, capacity refused on the target, a failing transfer, a failing health
 * check, a failing traffic switch, failures after the switch. Each ends as specified — rolled
 * back before the switch, rolled forward after it — and afterwards exactly one VM serves: the one
 * traffic goes to, running, with the other gone (never two, never zero).
 */
import { describe, expect, it } from 'vitest';
import { CapacityError, type ArtifactStore, type VM } from '../../../src/index.js';
import type { FederationManager } from '../../../src/federation/index.js';
import { MigrationFailedError } from '../../../src/federation/migration/migration-errors.js';
import type { MigrationRecord } from '../../../src/federation/migration/migration-types.js';
import type { TrafficSwitcher } from '../../../src/federation/migration/traffic-switcher.js';
import { ProviderUnavailableError } from '../../../src/provider/errors.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { faultyStore } from '../safety/faulty-store.js';
import { BucketClouds, liveVMs, SharedClouds } from './migration-fixtures.js';

type Expectation = 'succeeded' | 'rolled-back';

/** The VM that serves: where traffic goes (the source when it never moved); it must be the only live VM, and running. */
async function servingVM(clouds: SharedClouds, record: MigrationRecord): Promise<VM> {
  const live = await liveVMs(clouds.providers);
  const to = clouds.switcher.current(record.id) ?? { provider: record.source.provider, id: record.source.id };
  expect(live.map((v) => `${v.provider}/${v.id}`), 'exactly one VM, the one traffic goes to').toEqual([`${to.provider}/${to.id}`]);
  expect(live[0]!.state).toBe('running');
  return live[0]!;
}

/** Runs a migration to its end (resuming once faults are lifted, when it stopped half-way) and checks the outcome. */
async function migrateThrough(clouds: SharedClouds, manager: FederationManager, expected: Expectation, options: Parameters<FederationManager['migrateVM']>[2] = {}) {
  const source = await clouds.source();
  let migrationId: string;
  let thrown: unknown;
  try {
    migrationId = (await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { waitForGrace: true, gracePeriodMs: 0, ...options })).migrationId;
  } catch (error) {
    thrown = error;
    if (!MigrationFailedError.isInstance(error)) throw error;
    migrationId = error.migrationId;
  }
  const record = (await manager.getMigration(migrationId))!;
  expect(record.status, JSON.stringify(record.steps)).toBe(expected);
  const serving = await servingVM(clouds, record);
  expect(serving.provider).toBe(expected === 'succeeded' ? 'mem-b' : 'mem-a');
  return { record, thrown, source, serving };
}

describe('injected faults before the traffic switch', () => {
  it('a lost stop answer: the stop is asked again, the migration goes on', async () => {
    const clouds = new SharedClouds();
    clouds.a.controls.faults.dropResponse('stopVM');
    const { record } = await migrateThrough(clouds, clouds.manager(), 'succeeded');
    expect(clouds.a.controls.calls.stopVM).toBe(2);
    expect(record.leftovers).toEqual([]);
    expect(clouds.images.size).toBe(0);
  });

  it('a lost stop answer, then a failing health check: the rollback still starts the source again', async () => {
    const clouds = new SharedClouds();
    clouds.a.controls.faults.dropResponse('stopVM');
    const { record } = await migrateThrough(clouds, clouds.manager({ migration: { healthCheck: async () => false } }), 'rolled-back');
    expect(record.steps.map((s) => s.name)).toContain('restart-source');
  });

  it('a lost export answer: exported again; the lost image is named as a leftover, not hidden', async () => {
    const clouds = new SharedClouds();
    clouds.a.controls.faults.dropResponse('exportVM');
    const { record } = await migrateThrough(clouds, clouds.manager(), 'succeeded');
    expect(clouds.a.controls.calls.exportVM).toBe(2);
    expect(record.leftovers).toHaveLength(1);
    expect(record.leftovers[0]).toMatch(/1 export of .* ended without an answer and may have left an image/);
    // The memory provider cannot be asked which export a lost answer made: exactly that one is left.
    expect(clouds.images.size).toBe(1);
  });

  it('a lost import answer: the VM is found by the import key, never imported twice', async () => {
    const clouds = new SharedClouds();
    clouds.b.controls.faults.dropResponse('importVM');
    const { serving } = await migrateThrough(clouds, clouds.manager(), 'succeeded');
    expect(clouds.b.controls.calls.importVM).toBe(1);
    expect(clouds.b.controls.calls.findByIdempotencyKey).toBeGreaterThanOrEqual(1);
    expect(serving.provider).toBe('mem-b');
    expect(clouds.images.size).toBe(0);
  });

  it('lost import answers and a lookup that fails once: still one import, one VM', async () => {
    const clouds = new SharedClouds();
    clouds.b.controls.faults.dropResponse('importVM', { times: 3 });
    clouds.b.controls.faults.failNext('findByIdempotencyKey', { kind: 'unavailable' });
    await migrateThrough(clouds, clouds.manager(), 'succeeded');
    expect(clouds.b.controls.calls.importVM).toBe(1);
  });

  it('capacity refused on the target: rolled back, the source runs again, nothing of the target is left', async () => {
    const clouds = new SharedClouds();
    for (const zone of ['local-1a', 'local-1b', 'local-1c']) clouds.b.controls.faults.capacity({ zone }, 0);
    const { record, thrown } = await migrateThrough(clouds, clouds.manager(), 'rolled-back');
    expect(MigrationFailedError.isInstance(thrown) && thrown.status).toBe('rolled-back');
    expect(CapacityError.isInstance((thrown as MigrationFailedError).cause)).toBe(true);
    expect(record.error?.code).toBe('CAPACITY');
    expect(record.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'lock:succeeded',
      'stop-source:succeeded',
      'export:succeeded',
      'import:failed',
      'rollback:succeeded',
      'restart-source:succeeded',
      'delete-target:succeeded',
      'cleanup:succeeded',
      'release-lock:succeeded',
    ]);
    expect(clouds.images.size).toBe(0);
    expect(clouds.b.controls.vmCount).toBe(0);
  });

  it('a failing health check: rolled back, the imported target deleted', async () => {
    const clouds = new SharedClouds();
    const { record } = await migrateThrough(clouds, clouds.manager({ migration: { healthCheck: async () => false } }), 'rolled-back');
    expect(record.error?.code).toBe('HEALTH_CHECK_FAILED');
    expect(record.targetVm).toBeDefined();
    expect((await clouds.b.getVM(record.targetVm!.id)).state).toBe('terminated');
    expect(clouds.images.size).toBe(0);
  });

  it('a health check that throws counts as failed', async () => {
    const clouds = new SharedClouds();
    const healthCheck = async (): Promise<boolean> => {
      throw new Error('probe refused');
    };
    const { record } = await migrateThrough(clouds, clouds.manager({ migration: { healthCheck } }), 'rolled-back');
    expect(record.error?.message).toMatch(/probe refused/);
  });

  it('a traffic switch that fails: reverted first, then rolled back', async () => {
    const clouds = new SharedClouds();
    const calls: string[] = [];
    const switcher: TrafficSwitcher = {
      switch: async () => {
        calls.push('switch');
        throw new Error('the load balancer said no');
      },
      revert: async () => void calls.push('revert'),
    };
    const manager = clouds.manager({ migration: { trafficSwitcher: switcher } });
    const source = await clouds.source();
    const error = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }).catch((e: unknown) => e);
    expect(MigrationFailedError.isInstance(error) && error.status).toBe('rolled-back');
    expect(calls).toEqual(['switch', 'revert']);
    const live = await liveVMs(clouds.providers);
    expect(live.map((v) => v.id)).toEqual([source.id]);
    expect(live[0]!.state).toBe('running');
  });

  it('a lost start answer during the rollback: the source still runs again', async () => {
    const clouds = new SharedClouds();
    clouds.a.controls.faults.dropResponse('startVM');
    await migrateThrough(clouds, clouds.manager({ migration: { healthCheck: async () => false } }), 'rolled-back');
  });

  it('a rollback that cannot delete the target yet stays rolling-back, and resumeMigrations finishes it', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager({ migration: { healthCheck: async () => false } });
    clouds.b.controls.faults.failNext('deleteVM', { kind: 'unavailable' }, { times: 50 });
    const source = await clouds.source();
    const error = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }).catch((e: unknown) => e);
    expect(MigrationFailedError.isInstance(error) && error.status).toBe('rolling-back');
    const id = (error as MigrationFailedError).migrationId;
    expect((await manager.getMigration(id))!.status).toBe('rolling-back');
    // The source is already back (it is restarted before the target is deleted).
    expect((await clouds.a.getVM(source.id)).state).toBe('running');
    clouds.b.controls.faults.reset();
    expect(await manager.resumeMigrations()).toEqual([{ migrationId: id, outcome: 'finished', status: 'rolled-back', error: expect.objectContaining({ code: 'HEALTH_CHECK_FAILED' }) }]);
    await servingVM(clouds, (await manager.getMigration(id))!);
  });

  it('30% of all calls throttled: the migration goes through', async () => {
    const clouds = new SharedClouds();
    clouds.a.controls.faults.throttle(0.3, { seed: 3, retryAfterMs: 1 });
    clouds.b.controls.faults.throttle(0.3, { seed: 5, retryAfterMs: 1 });
    await migrateThrough(clouds, clouds.manager(), 'succeeded');
  });
});

describe('injected faults after the traffic switch', () => {
  it('a lost delete answer: the source is deleted, the migration succeeds', async () => {
    const clouds = new SharedClouds();
    clouds.a.controls.faults.dropResponse('deleteVM');
    const { record } = await migrateThrough(clouds, clouds.manager(), 'succeeded');
    expect(record.steps.find((s) => s.name === 'delete-source')?.status).toBe('succeeded');
  });

  it('a source that cannot be deleted yet: the migration stays completing, the target is never deleted, resume finishes it', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager();
    clouds.a.controls.faults.failNext('deleteVM', new ProviderUnavailableError({ provider: 'mem-a', message: 'down for maintenance' }), { times: 50 });
    const source = await clouds.source();
    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { waitForGrace: true, gracePeriodMs: 0 });
    expect(result.status).toBe('completing');
    expect(result.record.error?.message).toMatch(/down for maintenance/);
    // Traffic is on the target; the source still exists (not deleted, not started again).
    expect(clouds.switcher.current(result.migrationId)).toEqual({ provider: 'mem-b', id: result.vm!.id });
    expect((await clouds.b.getVM(result.vm!.id)).state).toBe('running');
    expect((await clouds.a.getVM(source.id)).state).toBe('stopped');
    clouds.a.controls.faults.reset();
    expect(await manager.resumeMigrations()).toEqual([{ migrationId: result.migrationId, outcome: 'finished', status: 'succeeded' }]);
    await servingVM(clouds, (await manager.getMigration(result.migrationId))!);
    expect(clouds.images.size).toBe(0);
  });
});

describe('injected faults in the transfer', () => {
  /** The target's store, failing its first `n` writes after taking part of the body. */
  function failingWrites(store: ArtifactStore, n: number): ArtifactStore & { writes: number } {
    let writes = 0;
    return new Proxy(store, {
      get(target, prop) {
        if (prop === 'writes') return writes;
        if (prop === 'write') {
          return async (key: string, body: AsyncIterable<Uint8Array>, options: Parameters<ArtifactStore['write']>[2] = {}) => {
            if (++writes > n) return target.write(key, body, options);
            // The first chunk lands (as parts), then the connection drops: a partial multipart upload is left behind.
            const cut = (async function* () {
              for await (const chunk of body) {
                yield chunk;
                throw new ProviderUnavailableError({ provider: target.name, message: 'the connection was reset mid-upload' });
              }
            })();
            return target.write(key, cut, { ...options, partSizeBytes: 64 * 1024 });
          };
        }
        const member: unknown = Reflect.get(target, prop, target);
        return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
      },
    }) as ArtifactStore & { writes: number };
  }

  it('a transfer that keeps failing: rolled back; no object, no partial upload, no work file, no export is left', async () => {
    const clouds = await BucketClouds.start();
    try {
      const store = failingWrites(clouds.dstBucket, 100);
      const manager = clouds.manager({ artifactStores: { dst: { store, from: [clouds.srcBucket] } } });
      const source = await clouds.src.createVM({ name: 'svc', cpu: 2, memory: 4 });
      const error = await manager.migrateVM({ provider: 'src', id: source.id }, { provider: 'dst' }).catch((e: unknown) => e);
      expect(MigrationFailedError.isInstance(error) && error.status, String((error as Error).stack)).toBe('rolled-back');
      expect((error as MigrationFailedError).step).toBe('transfer');
      expect(store.writes).toBeGreaterThan(1);
      expect(await clouds.leftovers()).toEqual({ objects: [], uploads: [], workFiles: [] });
      expect((await liveVMs([clouds.src, clouds.dst])).map((v) => `${v.provider}/${v.id}:${v.state}`)).toEqual([`src/${source.id}:running`]);
      expect(clouds.dst.inner.controls.calls.importVM).toBe(0);
    } finally {
      await clouds.close();
    }
  });

  it('a transfer that fails once: resumed from the parts the store has, and the migration goes through', async () => {
    const clouds = await BucketClouds.start();
    try {
      const store = failingWrites(clouds.dstBucket, 1);
      const manager = clouds.manager({ artifactStores: { dst: { store, from: [clouds.srcBucket] } } });
      const source = await clouds.src.createVM({ name: 'svc', cpu: 2, memory: 4 });
      const result = await manager.migrateVM({ provider: 'src', id: source.id }, { provider: 'dst' }, { waitForGrace: true, gracePeriodMs: 0 });
      expect(result.status).toBe('succeeded');
      expect(store.writes).toBe(2);
      expect(await clouds.leftovers()).toEqual({ objects: [], uploads: [], workFiles: [] });
      expect((await liveVMs([clouds.src, clouds.dst])).map((v) => `${v.provider}/${v.id}`)).toEqual([`dst/${result.vm!.id}`]);
    } finally {
      await clouds.close();
    }
  });
});

describe('injected faults in the state store', () => {
  it('a lock write that fails once is retried', async () => {
    const clouds = new SharedClouds();
    const store = faultyStore(createMemoryStore());
    store.failNextPut({ keyPrefix: 'migration-locks/' });
    await migrateThrough(clouds, clouds.manager({ stateStore: store }), 'succeeded');
  });

  it('the record write after the import lost its answer: the run ends, the caller retries the key, and the import is never repeated', async () => {
    const clouds = new SharedClouds();
    const store = faultyStore(createMemoryStore());
    const manager = clouds.manager({ stateStore: store });
    const importSettled = (value: unknown): boolean => ((value as { steps?: { name: string; status: string }[] }).steps ?? []).some((st) => st.name === 'import' && st.status === 'succeeded');
    store.failNextPut({ keyPrefix: 'operations/migration-', when: importSettled, afterWrite: true });
    const source = await clouds.source();
    const args = [{ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'store-fault', waitForGrace: true, gracePeriodMs: 0 }] as const;
    const error = await manager.migrateVM(...args).catch((e: unknown) => e);
    expect(String(error)).toMatch(/injected store failure/);
    // Not rolled back: the store failed, not the cloud; the record still says running.
    const [record] = await (async () => {
      const all = [];
      for await (const m of manager.listMigrations()) all.push(m);
      return all;
    })();
    expect(record!.status).toBe('running');
    const result = await manager.migrateVM(...args);
    expect(result.status).toBe('succeeded');
    expect(clouds.b.controls.calls.importVM).toBe(1);
    await servingVM(clouds, result.record);
  });
});
