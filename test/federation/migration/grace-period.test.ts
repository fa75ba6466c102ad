/**
 * The grace period is a recorded deadline, never a timer: migrateVM returns once traffic has moved
 * (status `grace-period`), the source is kept, and whichever process calls resumeMigrations() after
 * the deadline deletes it; before the deadline, resuming deletes nothing.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { keysUnder, liveVMs, SharedClouds } from './migration-fixtures.js';

describe('grace period', () => {
  it('is recorded; resuming before it deletes nothing, resuming after it (from another manager) deletes the source', async () => {
    const clouds = new SharedClouds();
    const store = createMemoryStore();
    let now = Date.parse('2026-12-01T10:00:00Z');
    const clock = (): number => now;
    const manager = clouds.manager({ stateStore: store, clock, migration: { gracePeriodMs: 60_000 } });
    const source = await clouds.source();

    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'grace' });
    expect(result.status).toBe('grace-period');
    expect(result.record.graceDeadline).toBe('2026-12-01T10:01:00.000Z');
    expect(result.record.steps.map((s) => s.name).at(-1)).toBe('grace');
    expect(clouds.switcher.current(result.migrationId)).toEqual({ provider: 'mem-b', id: result.vm!.id });
    // The source is kept (stopped) for the grace period; the lock still holds the VM.
    expect((await clouds.a.getVM(source.id)).state).toBe('stopped');
    expect(await keysUnder(store, 'migration-locks')).toHaveLength(1);

    now += 59_000;
    expect(await manager.resumeMigrations()).toEqual([{ migrationId: result.migrationId, outcome: 'waiting', status: 'grace-period', graceDeadline: '2026-12-01T10:01:00.000Z' }]);
    const again = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { idempotencyKey: 'grace' });
    expect(again.status).toBe('grace-period');
    expect(clouds.a.controls.calls.deleteVM).toBe(0);
    expect((await clouds.a.getVM(source.id)).state).toBe('stopped');

    // Another process, after the deadline.
    now += 2_000;
    const other = clouds.manager({ stateStore: store, clock, replicaId: 'other' });
    expect(await other.resumeMigrations()).toEqual([{ migrationId: result.migrationId, outcome: 'finished', status: 'succeeded' }]);
    expect((await liveVMs(clouds.providers)).map((v) => `${v.provider}/${v.id}`)).toEqual([`mem-b/${result.vm!.id}`]);
    const record = (await other.getMigration(result.migrationId))!;
    expect(record.status).toBe('succeeded');
    expect(record.steps.map((s) => s.name).slice(-4)).toEqual(['grace', 'delete-source', 'release-lock', 'cleanup']);
    expect(await keysUnder(store, 'migration-locks')).toEqual([]);
    expect(clouds.images.size).toBe(0);
    expect(await other.resumeMigrations()).toEqual([]);
  });

  it('no timer deletes the source: long after a short grace period it is still there, until a resume', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager({ migration: { gracePeriodMs: 20 } });
    const source = await clouds.source();
    const result = await manager.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' });
    expect(result.status).toBe('grace-period');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await clouds.a.getVM(source.id)).state).toBe('stopped');
    expect(clouds.a.controls.calls.deleteVM).toBe(0);
    expect(await manager.resumeMigrations()).toEqual([{ migrationId: result.migrationId, outcome: 'finished', status: 'succeeded' }]);
    expect((await clouds.a.getVM(source.id)).state).toBe('terminated');
  });

  it('waitForGrace waits abortably: an abort leaves the migration in its grace period, to be finished later', async () => {
    const clouds = new SharedClouds();
    const manager = clouds.manager();
    const source = await clouds.source();
    const controller = new AbortController();
    manager.events.on('migration.status', (e) => {
      if (e.status === 'grace-period') setTimeout(() => controller.abort(), 5);
    });
    const error = await manager
      .migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, { waitForGrace: true, gracePeriodMs: 3_600_000, signal: controller.signal, idempotencyKey: 'abort-in-grace' })
      .catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    const listed = [];
    for await (const m of manager.listMigrations()) listed.push(m);
    expect(listed.map((m) => m.status)).toEqual(['grace-period']);
    expect((await clouds.a.getVM(source.id)).state).toBe('stopped');
    expect(clouds.a.controls.calls.deleteVM).toBe(0);
  });
});
