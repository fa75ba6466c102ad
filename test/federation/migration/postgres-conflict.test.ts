/**
 * Two managers (two replicas) on one PostgreSQL store migrate the same VM at once: one proceeds,
 * the other is refused with MigrationConflictError and changes nothing — whether they race at the
 * lock, one asks while the other's migration waits out its grace period (no process running it),
 * or both run the very same migration (one idempotency key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/index.js';
import type { FederationManager } from '../../../src/federation/index.js';
import { MigrationConflictError } from '../../../src/federation/migration/migration-errors.js';
import type { MigrationResult } from '../../../src/federation/migration/migration-types.js';
import { createPostgresStore } from '../../../src/state/postgres/index.js';
import type { StateStore } from '../../../src/state/state-store.js';
import { liveVMs, SharedClouds } from './migration-fixtures.js';

const pgUrl = process.env.NOVACRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `novacron_migration_${process.pid}_${Date.now()}`;
let storeA: StateStore;
let storeB: StateStore;

beforeAll(async () => {
  storeA = await createPostgresStore({ connectionString: pgUrl, schema });
  storeB = await createPostgresStore({ connectionString: pgUrl, schema });
});

afterAll(async () => {
  await storeA?.close();
  await storeB?.close();
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

function replicas(clouds: SharedClouds, gracePeriodMs = 0): [FederationManager, FederationManager] {
  return [clouds.manager({ stateStore: storeA, replicaId: 'replica-a', migration: { gracePeriodMs } }), clouds.manager({ stateStore: storeB, replicaId: 'replica-b', migration: { gracePeriodMs } })];
}

describe('two managers on one PostgreSQL store migrating the same VM', () => {
  it('racing at once: for every VM one proceeds and one gets MigrationConflictError', async () => {
    const clouds = new SharedClouds();
    const [a, b] = replicas(clouds);
    const sources = await Promise.all(Array.from({ length: 6 }, (_, i) => clouds.a.createVM({ name: `svc-${i}`, cpu: 2, memory: 4 })));
    const outcomes = await Promise.all(
      sources.flatMap((vm) => [a, b].map((m) => m.migrateVM({ provider: 'mem-a', id: vm.id }, { provider: 'mem-b' }, { waitForGrace: true }).catch((e: unknown) => e))),
    );
    for (let i = 0; i < sources.length; i++) {
      const pair = [outcomes[2 * i], outcomes[2 * i + 1]];
      const won = pair.filter((o): o is MigrationResult => !(o instanceof Error));
      const refused = pair.filter((o) => MigrationConflictError.isInstance(o));
      expect(won.map((r) => r.status), `VM ${i}: ${pair.map(String).join(' / ')}`).toEqual(['succeeded']);
      expect(refused).toHaveLength(1);
      const conflict = refused[0] as MigrationConflictError;
      expect(ConflictError.isInstance(conflict)).toBe(true);
      expect(conflict.vm).toEqual({ provider: 'mem-a', id: sources[i]!.id });
      expect(conflict.message).toMatch(/^\[novacron\] \[migration\] VM .* is being migrated/);
      // The refused migration is recorded as refused, having changed nothing.
      const refusedRecord = (await a.getMigration(conflict.migrationId))!;
      expect(refusedRecord.status).toBe('failed');
      expect(refusedRecord.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['lock:failed']);
    }
    // One VM per source, all on the target; one import per source.
    expect((await liveVMs(clouds.providers)).every((v) => v.provider === 'mem-b')).toBe(true);
    expect(await liveVMs(clouds.providers)).toHaveLength(sources.length);
    expect(clouds.b.controls.calls.importVM).toBe(sources.length);
    expect(clouds.a.controls.calls.exportVM).toBe(sources.length);
  });

  it('while one migration waits out its grace period, another replica cannot start a second one of the VM', async () => {
    const clouds = new SharedClouds();
    const [a, b] = replicas(clouds, 3_600_000);
    const source = await clouds.source();
    const first = await a.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' });
    expect(first.status).toBe('grace-period');
    const error = await b.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b', region: 'local-2' }).catch((e: unknown) => e);
    expect(MigrationConflictError.isInstance(error)).toBe(true);
    expect((error as MigrationConflictError).heldBy).toBe(first.migrationId);
    expect(clouds.b.controls.calls.importVM).toBe(1);
  });

  it('both replicas running the same migration (one key): one runs it, the other is told another replica is', async () => {
    const clouds = new SharedClouds();
    const [a, b] = replicas(clouds);
    const source = await clouds.source();
    const options = { idempotencyKey: 'one-key', waitForGrace: true };
    const outcomes = await Promise.all([a, b].map((m) => m.migrateVM({ provider: 'mem-a', id: source.id }, { provider: 'mem-b' }, options).catch((e: unknown) => e)));
    const won = outcomes.filter((o): o is MigrationResult => !(o instanceof Error));
    expect(won).toHaveLength(1);
    const other = outcomes.find((o) => o instanceof Error);
    expect(MigrationConflictError.isInstance(other), String(other)).toBe(true);
    expect((await liveVMs(clouds.providers)).map((v) => v.provider)).toEqual(['mem-b']);
    expect(clouds.b.controls.calls.importVM).toBe(1);
  });
});
