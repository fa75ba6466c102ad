/**
 * Two managers on one PostgreSQL store race the same keys while the cloud loses answers: every
 * key still gives exactly one VM.
 */
import { describe, expect, it } from 'vitest';
import type { VM } from '../../../src/index.js';
import { FederationManager } from '../../../src/federation/index.js';
import { createPostgresStore } from '../../../src/state/postgres/index.js';
import { cloud, EAST, offer, WEST } from '../fixtures.js';

const pgUrl = process.env.NOVACRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('two managers on one PostgreSQL store, answers lost', () => {
  it('one VM per key', async () => {
    const schema = `novacron_race_${process.pid}_${Date.now()}`;
    const storeA = await createPostgresStore({ connectionString: pgUrl, schema });
    const storeB = await createPostgresStore({ connectionString: pgUrl, schema });
    try {
      const cheap = cloud('cheap', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08, { zone: 'east-1a' })], { provisioningDelayMs: 5 });
      const dear = cloud('dear', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.09)], { provisioningDelayMs: 5 });
      // Half of the creates on the cheap cloud act and lose their answer.
      cheap.controls.faults.dropResponse('createVM', { times: 10 });
      const failover = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } };
      const a = new FederationManager({ providers: [cheap, dear], stateStore: storeA, replicaId: 'a', failover });
      const b = new FederationManager({ providers: [cheap, dear], stateStore: storeB, replicaId: 'b', failover });
      const keys = Array.from({ length: 20 }, (_, i) => `race-${i}`);
      const request = { strategy: 'cost-optimized' as const };
      const results = await Promise.all(
        keys.flatMap((key, i) => [a, b].map((m) => m.createVM({ name: `vm-${i}`, cpu: 2, memory: 4 }, { idempotencyKey: key, request }).catch((e: unknown) => e))),
      );
      // A replica that saw an unresolved outcome retries, as a caller would.
      for (const [j, r] of results.entries()) {
        if (r instanceof Error) results[j] = await [a, b][j % 2]!.createVM({ name: `vm-${Math.floor(j / 2)}`, cpu: 2, memory: 4 }, { idempotencyKey: keys[Math.floor(j / 2)]!, request });
      }
      for (let i = 0; i < keys.length; i++) expect((results[2 * i] as { vm: VM }).vm.id).toBe((results[2 * i + 1] as { vm: VM }).vm.id);
      const live: VM[] = [];
      for (const p of [cheap, dear]) for await (const vm of p.listVMs()) live.push(vm);
      expect(live).toHaveLength(keys.length);
      expect(cheap.controls.calls.createVM).toBeGreaterThanOrEqual(10);
    } finally {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      await storeA.close();
      await storeB.close();
    }
  });
});
