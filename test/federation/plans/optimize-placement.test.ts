/**
 * optimizePlacement over chosen catalogs: the saving of a proposal equals the hand-computed one,
 * a move that would break a policy (residency, a group's spread) is never proposed, budgets cut
 * the proposals into waves, payback limits drop moves that cost more to make than they save in
 * time, the same inventory and prices give the same plan, and applyPlan keeps to the budgets,
 * re-validates against fresh prices, and never migrates twice for one plan.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryImageStore, FederationManager, type MigrationProposal, type Offer, type Policy } from '../../../src/index.js';
import { applyPlan, type PlanApplier } from '../../../src/federation/plans/apply-plan.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { EAST, EU, WEST, cloud, offer } from '../fixtures.js';

const HOURS = 730;
const spec = (name: string, extra: Record<string, unknown> = {}) => ({ name, cpu: 2, memory: 4, disk: 100, ...extra });

/** Two clouds: `dear` sells the 2×4 shape at 0.20/h in east, `cheap` at 0.10/h in west and 0.12/h in the EU. */
function world(extra: { policies?: Policy[]; cheapOffers?: Offer[] } = {}) {
  // One image store: a memory provider imports what the other exports (no transfer needed).
  const imageStore = createMemoryImageStore();
  const dear = cloud('dear', 'aws', [EAST], [offer('aws', 'east-1', 'd.large', 2, 4, 0.2)], { imageStore });
  const cheap = cloud('cheap', 'gcp', [WEST, EU], extra.cheapOffers ?? [offer('gcp', 'west-1', 'c.large', 2, 4, 0.1), offer('gcp', 'eu-1', 'c.large', 2, 4, 0.12)], { imageStore });
  const manager = new FederationManager({ stateStore: createMemoryStore(), providers: [dear, cheap], policies: extra.policies });
  const onDear = { request: { constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['dear'] }] } };
  return { dear, cheap, manager, onDear };
}

describe('optimizePlacement', () => {
  it('proposes the move to the cheapest placement with the saving computed by hand, and the egress of the disk as its one-off cost', async () => {
    const w = world();
    const { vm } = await w.manager.createVM(spec('web-1'), { ...w.onDear, idempotencyKey: 'web-1' });
    const plan = await w.manager.optimizePlacement({ strategy: 'cost-optimized', egressPricePerGB: (kind) => (kind === 'aws' ? 0.09 : 0.12) });
    expect(plan.proposals).toHaveLength(1);
    const p = plan.proposals[0]!;
    expect(p.vm).toMatchObject({ provider: 'dear', id: vm.id, name: 'web-1' });
    expect(p.from).toMatchObject({ provider: 'dear', region: 'east-1', instanceType: 'd.large', hourlyPrice: 0.2 });
    expect(p.to).toMatchObject({ provider: 'cheap', region: 'west-1', instanceType: 'c.large', hourlyPrice: 0.1 });
    expect(p.reason).toBe('cheaper');
    expect(p.monthlySavings).toBeCloseTo((0.2 - 0.1) * HOURS, 6); // 73.00 a month
    // 100 GiB leave AWS at 0.09 per GB (GB = 10^9 bytes): 100 × 1.073741824 × 0.09.
    expect(p.oneOffCost).toBeCloseTo(100 * 1.073741824 * 0.09, 3);
    expect(p.paybackDays).toBeCloseTo(Math.round((p.oneOffCost / (73 / (HOURS / 24))) * 10) / 10, 6);
    expect(p.transferGiB).toBe(100);
    expect(p.to.score).toBeGreaterThan(p.from.score);
    expect(plan.monthlySavings).toBeCloseTo(73, 6);
  });

  it('never proposes a move that breaks a residency policy, and names why a VM stays', async () => {
    const residency: Policy = { name: 'eu-data-stays-in-eu', condition: { type: 'label', key: 'data-residency', value: 'eu' }, action: { type: 'restrict', areas: ['europe'] } };
    const w = world({ policies: [residency] });
    // An EU-resident VM placed in the EU at 0.12; west-1 at 0.10 is cheaper but outside Europe.
    await w.manager.createVM(spec('eu-db', { labels: { 'data-residency': 'eu' } }), { idempotencyKey: 'eu-db' });
    const plan = await w.manager.optimizePlacement();
    expect(plan.proposals.filter((p) => p.vm.name === 'eu-db')).toEqual([]);
    expect(plan.skipped.find((s) => s.name === 'eu-db')?.reason).toMatch(/already runs at the best placement/);
  });

  it('keeps a group on as many providers as its distribute policy asks', async () => {
    const spread: Policy = { name: 'spread', condition: { type: 'label', key: 'tier', value: 'web' }, action: { type: 'distribute', minProviders: 2 } };
    const w = world({ policies: [spread] });
    const group = await w.manager.createGroup(spec('web', { labels: { tier: 'web' } }), { replicas: 2, idempotencyKey: 'web-group' });
    expect(new Set(group.vms.map((v) => v.provider)).size).toBe(2);
    const plan = await w.manager.optimizePlacement();
    // Moving the replica on `dear` to `cheap` would leave the group on one provider.
    expect(plan.proposals.filter((p) => p.vm.provider === 'dear')).toEqual([]);
    expect(plan.skipped.find((s) => s.provider === 'dear')?.reason).toMatch(/group web-group on 1 provider/);
  });

  it('drops moves whose payback is beyond the limit, and a move to fix a broken policy is kept whatever it saves', async () => {
    const w = world();
    await w.manager.createVM(spec('big-disk', { disk: 2000 }), { ...w.onDear, idempotencyKey: 'big-disk' });
    // 2000 GiB at 0.09/GB ≈ 193.27 once against 73 a month (2.40 a day): 80.5 days to pay back.
    const strict = await w.manager.optimizePlacement({ egressPricePerGB: () => 0.09, budgets: { maxPaybackDays: 30 } });
    expect(strict.proposals).toEqual([]);
    expect(strict.skipped[0]?.reason).toMatch(/pay back in 80\.5 days, beyond the 30 days/);
    const patient = await w.manager.optimizePlacement({ egressPricePerGB: () => 0.09, budgets: { maxPaybackDays: 90 } });
    expect(patient.proposals).toHaveLength(1);
    // A constraint added since: `dear` is no longer allowed, so the VM must move, saving or not.
    const fix = await w.manager.optimizePlacement({ egressPricePerGB: () => 0.09, budgets: { maxPaybackDays: 1 }, constraints: [{ type: 'provider', operator: 'notIn', values: ['dear'] }] });
    expect(fix.proposals.map((p) => p.reason)).toEqual(['policy']);
  });

  it('cuts proposals into waves within the budgets, ranked by saving per disruption, and is stable', async () => {
    const w = world();
    for (let i = 0; i < 5; i++) await w.manager.createVM(spec(`svc-${i}`, { disk: 20 + i * 10 }), { ...w.onDear, idempotencyKey: `svc-${i}` });
    const options = { budgets: { maxConcurrentMigrations: 2 }, liveMigration: false } as const;
    const plan = await w.manager.optimizePlacement(options);
    expect(plan.proposals).toHaveLength(5);
    expect(plan.proposals.map((p) => p.wave)).toEqual([0, 0, 1, 1, 2]);
    // Without live migration the downtime grows with the disk: the smallest disks go first.
    expect(plan.proposals.map((p) => p.vm.name)).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4']);
    const ranks = plan.proposals.map((p) => p.savingsPerDisruption);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    const again = await w.manager.optimizePlacement(options);
    expect(again.id).toBe(plan.id);
    expect(again.proposals).toEqual(plan.proposals);
  });

  it('moves at most the allowed share of a group per wave', async () => {
    const w = world();
    await w.manager.createGroup(spec('api'), { replicas: 4, idempotencyKey: 'api', ...w.onDear });
    const plan = await w.manager.optimizePlacement({ budgets: { maxConcurrentMigrations: 10, maxGroupShare: 0.25 } });
    expect(plan.proposals).toHaveLength(4);
    expect(plan.proposals.map((p) => p.wave)).toEqual([0, 1, 2, 3]);
  });

  it('refuses budgets out of range with the field named', async () => {
    const w = world();
    await expect(w.manager.optimizePlacement({ budgets: { maxGroupShare: 0 } })).rejects.toThrow(/budgets\.maxGroupShare/);
    await expect(w.manager.optimizePlacement({ budgets: { windows: [{ cron: 'not cron', durationMinutes: 60 }] } })).rejects.toThrow(/budgets\.windows\[0\]\.cron/);
  });
});

describe('applyPlan through migrateVM', () => {
  it('moves the VM to the proposed placement, and applying the same plan again migrates nothing twice', async () => {
    const w = world();
    const { vm } = await w.manager.createVM(spec('web-1'), { ...w.onDear, idempotencyKey: 'web-1' });
    const plan = await w.manager.optimizePlacement();
    const dry = await w.manager.applyPlan(plan, { dryRun: true });
    expect(dry.results.map((r) => r.status)).toEqual(['dry-run']);
    expect((await collectAll(w.dear.listVMs())).map((v) => v.id)).toEqual([vm.id]);

    const applied = await w.manager.applyPlan(plan);
    expect(applied.results.map((r) => r.status)).toEqual(['migrated']);
    const migration = await w.manager.getMigration(applied.results[0]!.migrationId!);
    expect(migration?.status).toBe('grace-period');
    const moved = await collectAll(w.cheap.listVMs());
    expect(moved.map((v) => [v.region, v.instanceType])).toEqual([['west-1', 'c.large']]);
    // Same plan again (the source waits out its grace period, so the move still holds): the same
    // migration, found by its key, and no second VM.
    const again = await w.manager.applyPlan(plan);
    expect(again.results.map((r) => [r.status, r.migrationId])).toEqual([['migrated', applied.results[0]!.migrationId]]);
    expect(await collectAll(w.cheap.listVMs())).toHaveLength(1);
  });
});

async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

describe('applyPlan', () => {
  /** A plan of `n` moves, and an applier that records what it is asked. */
  async function planOf(n: number, budgets = { maxConcurrentMigrations: 2 }) {
    const w = world();
    for (let i = 0; i < n; i++) await w.manager.createVM(spec(`job-${i}`), { ...w.onDear, idempotencyKey: `job-${i}` });
    return { w, plan: await w.manager.optimizePlacement({ budgets }) };
  }

  function recordingApplier(overrides: Partial<PlanApplier> = {}) {
    let running = 0;
    let most = 0;
    const migrated: string[] = [];
    const applier: PlanApplier = {
      revalidate: async () => undefined,
      migrate: async (p: MigrationProposal, key: string) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        migrated.push(key);
        return { id: `migration-${p.vm.name}` };
      },
      now: () => Date.parse('2026-12-04T02:30:00Z'),
      ...overrides,
    };
    return { applier, migrated, most: () => most };
  }

  it('runs no more migrations at once than the budget, wave by wave, each under a key of the plan and the VM', async () => {
    const { plan } = await planOf(5);
    const r = recordingApplier();
    const result = await applyPlan(plan, r.applier, { concurrency: 8 });
    expect(result.results.map((x) => x.status)).toEqual(['migrated', 'migrated', 'migrated', 'migrated', 'migrated']);
    expect(r.most()).toBeLessThanOrEqual(2);
    expect(new Set(r.migrated).size).toBe(5);
    expect(r.migrated.every((k) => k.startsWith(`${plan.id}/dear/`))).toBe(true);
  });

  it('skips a proposal gone stale at re-validation, reports a dry run without migrating, and defers outside the windows', async () => {
    const { plan } = await planOf(2);
    const stale = recordingApplier({ revalidate: async (p) => (p.vm.name === 'job-0' ? 'the target is no longer cheaper' : undefined) });
    const result = await applyPlan(plan, stale.applier);
    expect(result.results.find((x) => x.proposal.vm.name === 'job-0')).toMatchObject({ status: 'skipped', reason: 'the target is no longer cheaper' });
    expect(stale.migrated).toHaveLength(1);

    const dry = recordingApplier();
    expect((await applyPlan(plan, dry.applier, { dryRun: true })).results.map((x) => x.status)).toEqual(['dry-run', 'dry-run']);
    expect(dry.migrated).toEqual([]);

    const windowed = { ...plan, budgets: { ...plan.budgets, windows: [{ cron: '0 2 * * *', durationMinutes: 60 }] } };
    const inside = recordingApplier({ now: () => Date.parse('2026-12-04T02:30:00Z') });
    expect((await applyPlan(windowed, inside.applier)).results.map((x) => x.status)).toEqual(['migrated', 'migrated']);
    const outside = recordingApplier({ now: () => Date.parse('2026-12-04T05:00:00Z') });
    expect((await applyPlan(windowed, outside.applier)).results.map((x) => x.status)).toEqual(['deferred', 'deferred']);
    expect(outside.migrated).toEqual([]);
  });
});
