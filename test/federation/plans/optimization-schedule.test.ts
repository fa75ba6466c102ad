/**
 * Scheduled optimization: the schedule fires at croner's times on the manager's clock, only the
 * replica holding the `optimizer` lease plans at a firing (another replica sharing the store skips
 * it), one plan per strategy named in the configuration's words, and a disabled section refuses to run.
 */
import { describe, expect, it } from 'vitest';
import { FederationManager, type OptimizationRun } from '../../../src/index.js';
import { scheduleStrategies } from '../../../src/federation/plans/optimization-schedule.js';
import { createMemoryStore } from '../../../src/state/memory-store.js';
import { EAST, WEST, cloud, offer } from '../fixtures.js';

describe('startOptimization', () => {
  it('plans at each firing on the leading replica only, one plan per strategy', async () => {
    const store = createMemoryStore();
    // A clock a little before 02:00 UTC, so the daily 02:00 firing comes at once.
    let now = Date.parse('2026-12-04T01:59:59.950Z');
    const clock = () => now;
    const providers = () => [cloud('dear', 'aws', [EAST], [offer('aws', 'east-1', 'd.large', 2, 4, 0.2)]), cloud('cheap', 'gcp', [WEST], [offer('gcp', 'west-1', 'c.large', 2, 4, 0.1)])];
    const a = new FederationManager({ stateStore: store, providers: providers(), clock, replicaId: 'replica-a' });
    const b = new FederationManager({ stateStore: store, providers: providers(), clock, replicaId: 'replica-b' });
    await a.createVM({ name: 'web', cpu: 2, memory: 4 }, { idempotencyKey: 'web', request: { constraints: [{ type: 'provider', operator: 'in', values: ['dear'] }] } });

    // Replica b holds the lease when the schedule fires: a skips that firing.
    const held = await store.acquireLease('optimizer', 'replica-b', 60_000);
    const runsA: OptimizationRun[] = [];
    const handleA = a.startOptimization({ schedule: '0 2 * * *', strategies: ['cost', 'carbon-footprint'], onRun: (r) => void runsA.push(r) });
    await waitFor(() => runsA.length === 1);
    handleA.stop();
    await handleA.done;
    expect(runsA[0]).toMatchObject({ skipped: true, plans: [] });
    expect(runsA[0]!.firedAt).toBe(Date.parse('2026-12-04T02:00:00Z'));
    await store.releaseLease(held!);

    // Free lease: the firing plans once per strategy.
    now = Date.parse('2026-12-05T01:59:59.950Z');
    const runsB: OptimizationRun[] = [];
    const handleB = b.startOptimization({ schedule: '0 2 * * *', strategies: ['cost', 'carbon-footprint'], onRun: (r) => void runsB.push(r) });
    await waitFor(() => runsB.length === 1);
    handleB.stop();
    await handleB.done;
    expect(runsB[0]!.skipped).toBe(false);
    expect(runsB[0]!.plans.map((p) => p.plan.strategy)).toEqual(['cost-optimized', 'carbon']);
    expect(runsB[0]!.plans[0]!.plan.proposals.map((p) => p.to.provider)).toEqual(['cheap']);
    expect(runsB[0]!.plans[0]!.applied).toBeUndefined();
    // The lease is given back after the run.
    expect(await store.acquireLease('optimizer', 'replica-a', 1000)).not.toBeNull();
  });

  it('reads the configuration’s strategy names, refuses unknown ones, and refuses to run without a schedule', () => {
    expect(scheduleStrategies(['cost', 'performance', 'carbon-footprint'])).toEqual(['cost-optimized', 'performance', 'carbon']);
    expect(scheduleStrategies([])).toEqual(['cost-optimized']);
    expect(() => scheduleStrategies(['cheapest'])).toThrow(/strategies\[0\]/);
    const m = new FederationManager({ providers: [] });
    expect(() => m.startOptimization()).toThrow(/schedule/);
  });
});

async function waitFor(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
