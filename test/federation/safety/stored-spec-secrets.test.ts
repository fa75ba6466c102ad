/**
 * Nothing secret-shaped of a VM spec reaches the state store in plain text: user data is a
 * digest, a label whose key names a secret is redacted, a password inside an image URL too.
 * Proven on the raw records — the memory store's values as stored, the SQLite file's rows and
 * bytes — not on what the inventory API chooses to show.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore, ProviderUnavailableError, type StateStore } from '../../../src/index.js';
import { FederationManager, OutcomeUncertainError } from '../../../src/federation/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { cloud, EAST, offer } from '../fixtures.js';

const SECRETS = ['hunter2-db-pass', 'tok-7f3a9c2e', 'img-pass-5150', 's3cr3t-join-token-4242'];
const spec = {
  name: 'app',
  cpu: 2,
  memory: 4,
  image: 'https://deploy:img-pass-5150@images.example.com/app.qcow2',
  labels: { team: 'payments', 'db-password': 'hunter2-db-pass', 'api-token': 'tok-7f3a9c2e' },
  userData: '#!/bin/sh\nexport JOIN_TOKEN=s3cr3t-join-token-4242\n',
};

async function createThrough(store: StateStore): Promise<FederationManager> {
  const manager = new FederationManager({ providers: [cloud('aws-east', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08)])], stateStore: store });
  await manager.createVM(spec, { idempotencyKey: 'secret-spec' });
  return manager;
}

function expectStoredSpec(stored: { labels: Record<string, string>; image: string; userDataSha256?: string }): void {
  expect(stored.labels).toEqual({ team: 'payments', 'db-password': '[REDACTED]', 'api-token': '[REDACTED]' });
  expect(stored.image).toBe('https://deploy:[REDACTED]@images.example.com/app.qcow2');
  expect(stored.userDataSha256).toMatch(/^[0-9a-f]{64}$/);
}

describe('secret-shaped fields of a stored spec', () => {
  it('never reach the memory store as text', async () => {
    const store = createMemoryStore();
    const manager = await createThrough(store);
    const raw: string[] = [];
    for (const prefix of ['operations', 'vms']) for await (const rec of store.list(prefix)) raw.push(JSON.stringify(rec.value));
    expect(raw).toHaveLength(2);
    for (const secret of SECRETS) expect(raw.join('\n')).not.toContain(secret);
    const [operation, record] = raw.map((text) => JSON.parse(text) as { input?: { spec: never }; spec?: never });
    expectStoredSpec(operation!.input!.spec);
    expectStoredSpec(record!.spec!);
    // What a reconcile reads back is still a spec it can work with.
    expect((await manager.reconcile()).failures).toEqual([]);
  });

  it('leave a create that reconcile settles from the stored spec adoptable, its record still free of them', async () => {
    const store = createMemoryStore();
    const aws = cloud('aws-east', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08, { zone: 'east-1a' })]);
    const fast = { resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveAttempts: 2 };
    aws.controls.faults.dropResponse('createVM');
    for (let i = 0; i < 2; i++) aws.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ provider: 'aws-east', message: 'lookup failed' }));
    const error = await new FederationManager({ providers: [aws], stateStore: store, failover: fast }).createVM(spec, { idempotencyKey: 'settled' }).catch((e: unknown) => e);
    expect(OutcomeUncertainError.isInstance(error), String(error)).toBe(true);

    const report = await new FederationManager({ providers: [aws], stateStore: store, failover: fast }).reconcile();
    expect(report.creates.map((c) => c.outcome)).toEqual(['adopted']);
    const raw: string[] = [];
    for await (const rec of store.list('vms')) raw.push(JSON.stringify(rec.value));
    for (const secret of SECRETS) expect(raw.join('\n')).not.toContain(secret);
    // The settled record keeps what could be kept; a redacted label is dropped rather than stored as a value.
    expect((JSON.parse(raw[0]!) as { spec: { labels: Record<string, string> } }).spec.labels).toEqual({ team: 'payments' });
  });

  describe('in SQLite', () => {
    const path = join(tmpdir(), `novacron-stored-spec-${randomUUID()}.db`);
    afterAll(() => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    });

    it('never reach the database rows or file as text', async () => {
      const store = await createSqliteStore({ path });
      await createThrough(store);
      await store.close();
      const db = new Database(path, { readonly: true });
      const rows = db.prepare('SELECT key, value FROM novacron_kv ORDER BY key').all() as { key: string; value: string }[];
      db.close();
      expect(rows.map((r) => r.key.split('/')[0])).toEqual(expect.arrayContaining(['operations', 'vms']));
      const text = rows.map((r) => r.value).join('\n');
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expectStoredSpec((JSON.parse(rows.find((r) => r.key.startsWith('vms'))!.value) as { spec: never }).spec);
      for (const suffix of ['', '-wal']) {
        if (!existsSync(path + suffix)) continue;
        const bytes = readFileSync(path + suffix).toString('latin1');
        for (const secret of SECRETS) expect(bytes).not.toContain(secret);
      }
    });
  });
});
