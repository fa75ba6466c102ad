import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEventBus,
  createMemoryStore,
  ProviderUnavailableError,
  type FailoverEvent,
  type ProviderV1,
  type VM,
} from '../../src/index.js';
import {
  AllCandidatesFailedError,
  FederationManager,
  GroupIncompleteError,
  type Policy,
} from '../../src/federation/index.js';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { createPostgresStore } from '../../src/state/postgres/index.js';
import { cloud, EAST, EU, offer, WEST } from './fixtures.js';

const need = { name: 'app', cpu: 2, memory: 4 } as const;

async function countVMs(providers: ProviderV1[]): Promise<VM[]> {
  const out: VM[] = [];
  for (const p of providers) for await (const vm of p.listVMs()) out.push(vm);
  return out;
}

/** aws: cheapest in east-1a, then east-1b (zone-priced), then west-1; gcp dearer; azure dearest. */
function clouds() {
  const aws = cloud('aws-main', 'aws', [EAST, WEST], [
    offer('aws', 'east-1', 'm.large', 2, 8, 0.08, { zone: 'east-1a' }),
    offer('aws', 'east-1', 'm.large', 2, 8, 0.081, { zone: 'east-1b' }),
    offer('aws', 'west-1', 'm.large', 2, 8, 0.085),
  ]);
  const gcp = cloud('gcp-main', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.09)]);
  const azure = cloud('azure-main', 'azure', [EU], [offer('azure', 'eu-1', 'D2', 2, 8, 0.1)]);
  return { aws, gcp, azure, all: [aws, gcp, azure] };
}

function managerWith(providers: ProviderV1[], extra: ConstructorParameters<typeof FederationManager>[0] = {}) {
  const events = createEventBus();
  const failovers: FailoverEvent[] = [];
  events.on('failover.attempt-failed', (e) => failovers.push(e));
  const manager = new FederationManager({
    providers,
    events,
    failover: { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 } },
    ...extra,
  });
  return { manager, failovers };
}

const cheapest = { strategy: 'cost-optimized' as const };

describe('failover', () => {
  it('capacity exhausted in the cheapest zone → the next zone', async () => {
    const { aws, all } = clouds();
    aws.controls.faults.capacity({ zone: 'east-1a' }, 0);
    const { manager, failovers } = managerWith(all);
    const result = await manager.createVM(need, { request: cheapest });
    expect([result.vm.provider, result.vm.zone]).toEqual(['aws-main', 'east-1b']);
    expect(result.attempts.map((a) => [a.zone, a.outcome, a.code])).toEqual([
      ['east-1a', 'failed', 'CAPACITY'],
      ['east-1b', 'created', undefined],
    ]);
    expect(failovers.map((f) => f.blocked)).toEqual(['zone']);
    expect((await countVMs(all)).length).toBe(1);
  });

  it('quota in a region → the next region', async () => {
    const { all } = clouds();
    const aws = cloud('aws-main', 'aws', [EAST, WEST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08), offer('aws', 'west-1', 'm.large', 2, 8, 0.085)], {
      quotas: { vcpusPerRegion: 1 },
    });
    const providers = [aws, ...all.slice(1)];
    const { manager, failovers } = managerWith(providers);
    const result = await manager.createVM(need, { request: cheapest });
    // The vCPU quota (1) refuses every region of aws; the next provider takes it.
    expect(result.attempts.map((a) => `${a.provider}/${a.region}:${a.outcome}`)).toEqual(['aws-main/east-1:failed', 'aws-main/west-1:failed', 'gcp-main/west-1:created']);
    expect(failovers.map((f) => f.blocked)).toEqual(['region', 'region']);
    expect((await countVMs(providers)).length).toBe(1);
  });

  it('bad credentials → the next provider, and the provider stays blocked for later requests', async () => {
    const { aws, all } = clouds();
    const { manager, failovers } = managerWith(all);
    await manager.ready(); // the catalog was read; then the credentials are revoked
    aws.controls.faults.expireCredentials();
    const first = await manager.createVM(need, { request: cheapest });
    expect(first.vm.provider).toBe('gcp-main');
    expect(failovers.map((f) => [f.provider, f.errorCode, f.blocked])).toEqual([['aws-main', 'AUTH', 'provider']]);
    const second = await manager.createVM({ ...need, name: 'app-2' }, { request: cheapest });
    expect(second.attempts.length).toBe(1); // aws is skipped without another try
    expect(second.vm.provider).toBe('gcp-main');
    aws.controls.faults.restoreCredentials();
    expect((await countVMs(all)).length).toBe(2);
  });

  it('throttling is retried on the same candidate, honouring retry-after', async () => {
    const { aws, all } = clouds();
    let retried = 0;
    const { manager } = managerWith(all);
    await manager.ready();
    aws.controls.faults.throttle(1, { retryAfterMs: 1 });
    manager.events.on('operation.retried', () => {
      retried++;
      if (retried === 3) aws.controls.faults.throttle(0);
    });
    const result = await manager.createVM(need, { request: cheapest });
    expect(result.vm.provider).toBe('aws-main');
    expect(retried).toBeGreaterThanOrEqual(3);
    expect((await countVMs(all)).length).toBe(1);
  });

  it('everything fails → AllCandidatesFailedError with a table of what was tried, and no VM', async () => {
    const { aws, gcp, azure, all } = clouds();
    aws.controls.faults.capacity({ zone: 'east-1a' }, 0);
    aws.controls.faults.capacity({ zone: 'east-1b' }, 0);
    aws.controls.faults.capacity({ zone: 'west-1a' }, 0);
    aws.controls.faults.capacity({ zone: 'west-1b' }, 0);
    const { manager } = managerWith(all);
    await manager.ready();
    gcp.controls.faults.expireCredentials();
    azure.controls.setAvailable(false);
    const error = await manager.createVM(need, { request: cheapest }).catch((e: unknown) => e);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    const e = error as AllCandidatesFailedError;
    expect(e.attempts.map((a) => `${a.provider}:${a.code}`)).toEqual(['aws-main:CAPACITY', 'aws-main:CAPACITY', 'aws-main:CAPACITY', 'gcp-main:AUTH', 'azure-main:PROVIDER_UNAVAILABLE']);
    expect(e.message).toMatch(/#\s+provider\s+region\/zone\s+instance type\s+error\s+message/);
    expect(e.message).toContain('east-1/east-1a');
    gcp.controls.faults.restoreCredentials();
    azure.controls.setAvailable(true);
    expect((await countVMs(all)).length).toBe(0);
  });

  it('honours an explicit failover priority after the first choice fails', async () => {
    const { aws, all } = clouds();
    const { manager } = managerWith(all);
    await manager.ready();
    aws.controls.faults.expireCredentials();
    const result = await manager.createVM(need, { request: { ...cheapest, failoverPriority: ['aws-main', 'azure-main', 'gcp-main'] } });
    expect(result.vm.provider).toBe('azure-main'); // by score gcp would be next; the priority list says azure
  });

  it('a repeated request returns the same VM and creates nothing', async () => {
    const { all } = clouds();
    const { manager } = managerWith(all);
    const a = await manager.createVM(need, { idempotencyKey: 'req-1', request: cheapest });
    const b = await manager.createVM(need, { idempotencyKey: 'req-1', request: cheapest });
    expect(b.reused).toBe(true);
    expect(b.vm.id).toBe(a.vm.id);
    await expect(manager.createVM({ ...need, cpu: 4 }, { idempotencyKey: 'req-1' })).rejects.toThrow(/different VM spec/);
    expect((await countVMs(all)).length).toBe(1);
  });

  it('a create whose answer was lost is resumed by a retry with the same key: one VM', async () => {
    const { aws, all } = clouds();
    // The cloud creates the VM, then the connection drops before the answer arrives.
    // A client that cannot look the VM up by its key either: the outcome stays unknown in this run.
    // The provider is a class (its methods live on the prototype): the wrapper inherits them and overrides two.
    const overrides: Partial<ProviderV1> = {
      findByIdempotencyKey: undefined,
      createVM: async (spec, options) => {
        // The id never reaches the caller either (it travels in the lost answer).
        await aws.createVM(spec, { ...options, onProvisioned: undefined, wait: false });
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    };
    const flaky: ProviderV1 = Object.assign(Object.create(aws) as ProviderV1, overrides);
    const store = createMemoryStore();
    const { manager } = managerWith([flaky, ...all.slice(1)], { stateStore: store });
    await expect(manager.createVM(need, { idempotencyKey: 'lost-answer', request: cheapest })).rejects.toThrow(/socket hang up/);
    expect((await countVMs(all)).length).toBe(1);
    // A new process (same store, healthy client) retries the request.
    const { manager: restarted } = managerWith(all, { stateStore: store });
    const result = await restarted.createVM(need, { idempotencyKey: 'lost-answer', request: cheapest });
    expect(result.vm.provider).toBe('aws-main');
    expect((await countVMs(all)).length).toBe(1);
  });

  it('records the VM id in the state store before waiting for it to run', async () => {
    // The VM stays pending until the test moves this clock on.
    let now = 0;
    const aws = cloud('aws-main', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08)], { provisioningDelayMs: 1_000, clock: () => now });
    const store = createMemoryStore();
    const { manager } = managerWith([aws], { stateStore: store });
    const pending = manager.createVM(need, { idempotencyKey: 'slow' });
    let recorded: string | undefined;
    for (let i = 0; i < 100 && !recorded; i++) {
      await new Promise((r) => setTimeout(r, 5));
      for await (const rec of store.list<{ steps: { output?: { vmId?: string } }[] }>('operations')) recorded = rec.value.steps[0]?.output?.vmId;
    }
    const vm = (await aws.listVMs()[Symbol.asyncIterator]().next()).value as VM;
    expect(recorded).toBe(vm.id);
    expect(vm.state).toBe('pending'); // recorded while still pending
    now = 1_000;
    expect((await pending).vm.id).toBe(vm.id);
  });
});

describe('groups', () => {
  const ha: Policy = { name: 'high-availability', priority: 90, condition: { type: 'label', key: 'tier', value: 'critical' }, action: { type: 'distribute', minProviders: 2 } };

  it('spreads replicas over the distribute policy’s minimum of providers', async () => {
    const { all } = clouds();
    const { manager } = managerWith(all, { policies: [ha] });
    const group = await manager.createGroup({ ...need, labels: { tier: 'critical' } }, { replicas: 4, request: cheapest });
    expect(group.vms.length).toBe(4);
    expect(group.providers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(group.vms.map((v) => v.id)).size).toBe(4);
    expect((await countVMs(all)).length).toBe(4);
  });

  it('spreads replicas onto a provider whose offers all sit behind many cheaper ones of another', async () => {
    const crowded = cloud('crowd', 'aws', [EAST], Array.from({ length: 80 }, (_, i) => offer('aws', 'east-1', `c.t${i}`, 2, 4, 0.01 + i * 0.001)));
    const dear = cloud('dear', 'gcp', [WEST], [offer('gcp', 'west-1', 'd.large', 2, 4, 0.5)]);
    const { manager } = managerWith([crowded, dear], { policies: [ha] });
    const group = await manager.createGroup({ ...need, labels: { tier: 'critical' } }, { replicas: 2, request: cheapest });
    expect([...group.providers].sort()).toEqual(['crowd', 'dear']);
  });

  it('fails over to the priority list’s provider even when the first choice’s provider has many cheaper offers', async () => {
    const crowded = cloud('crowd', 'aws', [EAST], Array.from({ length: 80 }, (_, i) => offer('aws', 'east-1', `c.t${i}`, 2, 4, 0.01 + i * 0.001)));
    const mid = cloud('mid', 'azure', [EU], [offer('azure', 'eu-1', 'm.large', 2, 4, 0.2)]);
    const dear = cloud('dear', 'gcp', [WEST], [offer('gcp', 'west-1', 'd.large', 2, 4, 0.5)]);
    const { manager } = managerWith([crowded, mid, dear]);
    await manager.ready();
    crowded.controls.faults.expireCredentials();
    const result = await manager.createVM(need, { request: { ...cheapest, failoverPriority: ['crowd', 'dear', 'mid'] } });
    expect(result.vm.provider).toBe('dear');
    expect(result.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ['crowd', 'failed'],
      ['dear', 'created'],
    ]);
  });

  it('retries failed replicas elsewhere and keeps the spread', async () => {
    const { gcp, all } = clouds();
    const { manager } = managerWith(all, { policies: [ha] });
    await manager.ready();
    gcp.controls.faults.expireCredentials();
    const group = await manager.createGroup({ ...need, labels: { tier: 'critical' } }, { replicas: 3, request: cheapest });
    expect(group.vms.length).toBe(3);
    expect(group.providers).not.toContain('gcp-main');
    expect(group.providers.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a partial group instead of accepting it', async () => {
    const { aws, gcp, azure, all } = clouds();
    const { manager } = managerWith(all);
    await manager.ready();
    gcp.controls.faults.expireCredentials();
    azure.controls.faults.expireCredentials();
    // Only aws works; three providers are required. Placement itself still sees three feasible providers.
    const error = await manager.createGroup(need, { replicas: 3, minProviders: 3, request: cheapest }).catch((e: unknown) => e);
    expect(GroupIncompleteError.isInstance(error)).toBe(true);
    const e = error as GroupIncompleteError;
    expect(e.created.every((c) => c.provider === 'aws-main')).toBe(true);
    expect(e.failures.length).toBeGreaterThan(0);
    expect((await countVMs([aws])).length).toBe(e.created.length);
  });
});

describe('two managers sharing one store never double-create', () => {
  const dir = mkdtempSync(join(tmpdir(), 'novacron-fed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pgUrl = process.env.NOVACRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

  const stores = [
    ['SQLite', async () => [await createSqliteStore({ path: join(dir, 'a.db') }), await createSqliteStore({ path: join(dir, 'a.db') })]],
    [
      'PostgreSQL',
      async () => {
        const schema = `novacron_fed_${process.pid}_${Date.now()}`;
        const a = await createPostgresStore({ connectionString: pgUrl, schema });
        const b = await createPostgresStore({ connectionString: pgUrl, schema });
        return [a, b, schema];
      },
    ],
  ] as const;

  it.each(stores)('%s', async (_name, open) => {
    const [storeA, storeB, schema] = (await open()) as [never, never, string | undefined];
    try {
      const { all } = clouds();
      // Both replicas see the same clouds (shared provider objects stand for the same accounts).
      const a = new FederationManager({ providers: all, stateStore: storeA, replicaId: 'a' });
      const b = new FederationManager({ providers: all, stateStore: storeB, replicaId: 'b' });
      const keys = Array.from({ length: 10 }, (_, i) => `shared-${i}`);
      const results = await Promise.all(keys.flatMap((key, i) => [a, b].map((m) => m.createVM({ ...need, name: `vm-${i}` }, { idempotencyKey: key, request: cheapest }))));
      for (let i = 0; i < keys.length; i++) expect(results[2 * i]!.vm.id).toBe(results[2 * i + 1]!.vm.id);
      expect((await countVMs(all)).length).toBe(10);
    } finally {
      if (schema) {
        const pg = await import('pg');
        const client = new pg.default.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      await (storeA as { close(): Promise<void> }).close();
      await (storeB as { close(): Promise<void> }).close();
    }
  });
});

describe('inventory', () => {
  it('lists across providers concurrently and reports a failing provider beside the others’ VMs', async () => {
    const { aws, gcp, all } = clouds();
    const { manager } = managerWith(all);
    await manager.createVM(need, { request: cheapest });
    await manager.createVM(need, { request: { ...cheapest, constraints: [{ type: 'provider', operator: 'in', values: ['gcp'] }] } });
    gcp.controls.setAvailable(false);
    const listing = manager.listVMs();
    const vms: VM[] = [];
    for await (const vm of listing) vms.push(vm);
    expect(vms.map((v) => v.provider)).toEqual(['aws-main']);
    expect(listing.complete).toBe(false);
    expect(listing.failures.map((f) => [f.provider, f.code])).toEqual([['gcp-main', 'PROVIDER_UNAVAILABLE']]);
    expect(ProviderUnavailableError.name).toBe('ProviderUnavailableError');
    expect(aws.name).toBe('aws-main');
  });

  it('reconciles: deleted out of band → lost; labelled but unknown → adopted; one replica at a time', async () => {
    const { aws, all } = clouds();
    const store = createMemoryStore();
    const { manager } = managerWith(all, { stateStore: store, federationId: 'prod' });
    const created = await manager.createVM(need, { request: cheapest });
    await aws.deleteVM(created.vm.id); // out of band
    const stray = await aws.createVM({ ...need, name: 'stray', labels: { 'novacron-federation': 'prod' } });
    const unrelated = await aws.createVM({ ...need, name: 'unrelated' });
    const report = await manager.reconcile();
    expect(report.lost).toEqual([`aws-main/${created.vm.id}`]);
    expect(report.adopted).toEqual([`aws-main/${stray.id}`]);
    const records = [];
    for await (const r of manager.inventory()) records.push(r);
    expect(records.map((r) => [r.vmId, r.status]).sort()).toEqual([[created.vm.id, 'lost'], [stray.id, 'adopted']].sort());
    expect(records.some((r) => r.vmId === unrelated.id)).toBe(false);

    // A stopped VM's state is refreshed.
    const { vm: kept } = await manager.createVM({ ...need, name: 'kept' }, { request: cheapest });
    await manager.reconcile();
    await aws.stopVM(kept.id);
    const refreshed = await manager.reconcile();
    expect(refreshed.refreshed).toBe(1);
    for await (const r of manager.inventory()) if (r.vmId === kept.id) expect(r.state).toBe('stopped');

    // While another replica holds the reconcile lease, this one skips.
    const other = new FederationManager({ providers: all, stateStore: store, replicaId: 'other' });
    const lease = await store.acquireLease('reconcile', 'someone-else', 60_000);
    expect(lease).not.toBeNull();
    expect((await other.reconcile()).skipped).toBe(true);
  });

  it('keeps the VM gauges by provider and region', async () => {
    const values = new Map<string, number>();
    const sink = {
      counter: () => ({ inc: () => undefined }),
      histogram: () => ({ observe: () => undefined }),
      gauge: (def: { name: string }) => ({
        set: (labels: Record<string, string>, v: number) => values.set(`${def.name}${JSON.stringify(labels)}`, v),
        inc: () => undefined,
        dec: () => undefined,
      }),
    };
    const { all } = clouds();
    const manager = new FederationManager({ providers: all, metrics: sink as never });
    const a = await manager.createVM(need, { request: cheapest });
    await manager.createVM({ ...need, name: 'b' }, { request: cheapest });
    expect(values.get('novacron_federation_vms_total{"provider":"aws-main","region":"east-1"}')).toBe(2);
    expect(values.get('novacron_federation_provider_costs_dollars{"provider":"aws-main","type":"compute"}')).toBeGreaterThan(0);
    await manager.deleteVM(a.vm.provider, a.vm.id);
    expect(values.get('novacron_federation_vms_total{"provider":"aws-main","region":"east-1"}')).toBe(1);
  });
});
