/**
 * One fault vocabulary, one outcome: the scenarios — 30% throttling, a dropped create answer, no
 * capacity in the chosen zone, a create that hangs — and the outcome each must end with, whatever
 * cloud is the primary of a FederationManager (a dearer memory cloud beside it as the backup):
 * the same provider role, the same attempt outcomes, exactly one VM. Played on the memory
 * provider and the EC2 emulator (shared-fault-scenarios.test.ts) and on the ARM emulator
 * (test/providers/azure/shared-fault-scenarios.test.ts).
 */
import type { ProviderV1, Region, VM } from '../../../src/index.js';
import { FederationManager, type CreateVMResult } from '../../../src/federation/index.js';
import type { FaultControls } from '../../../src/testing/emulators/index.js';
import { cloud, offer } from '../fixtures.js';

const spec = { name: 'svc', cpu: 2, memory: 4 } as const;
const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const };
const fast = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } };

/** A cloud under test: its provider, its fault controls and the name of its create call. */
export interface Target {
  readonly provider: ProviderV1;
  readonly faults: FaultControls;
  readonly createOperation: string;
  cleanUp(): Promise<void>;
}

/** What a scenario ended with, in words that do not depend on the target. */
export interface Outcome {
  readonly role: 'primary' | 'backup';
  readonly attempts: readonly string[];
  /** On the primary: whether the VM is in the zone placement chose first (`undefined` on the backup). */
  readonly sameZoneAsFirstChoice: boolean | undefined;
  readonly liveVMs: number;
}

/** A fault, said in the kit's vocabulary. */
export interface Scenario {
  readonly name: string;
  /** Sets the fault, knowing the zone placement chooses first. */
  arrange(target: Target, firstZone: string | undefined): void;
}

/** The scenarios every cloud is played through. */
export const scenarios: readonly Scenario[] = [
  { name: '30% throttling', arrange: (t) => t.faults.throttle(0.3, { seed: 7, retryAfterMs: 1 }) },
  { name: 'a dropped create answer', arrange: (t) => t.faults.dropResponse(t.createOperation) },
  { name: 'no capacity in the chosen zone', arrange: (t, zone) => t.faults.capacity({ zone: zone! }, 0) },
  { name: 'a create that hangs', arrange: (t) => t.faults.hang(t.createOperation) },
];

/** The VMs alive on the providers. */
async function live(providers: readonly ProviderV1[]): Promise<VM[]> {
  const out: VM[] = [];
  for (const p of providers) for await (const vm of p.listVMs()) if (vm.state !== 'terminated' && vm.state !== 'terminating') out.push(vm);
  return out;
}

/** Where the dearer backup cloud stands (the primary's region, one zone) and how long a create may take on the primary. */
export interface PlayOptions {
  readonly region: Region;
  readonly createMs: number;
}

/** Runs a scenario on a target, with a dearer memory cloud beside it as the backup. */
export async function play(target: Target, scenario: Scenario, options: PlayOptions): Promise<Outcome> {
  const r = options.region;
  const other = cloud('backup', 'gcp', [{ ...r, zones: r.zones.slice(0, 1) }], [offer('gcp', r.name, 'e2-standard-2', 2, 8, 5)]);
  const manager = new FederationManager({
    providers: [{ provider: target.provider, timeouts: { createMs: options.createMs } }, other],
    failover: fast,
  });
  try {
    const firstZone = (await manager.place(spec, { request })).chosen.zone;
    scenario.arrange(target, firstZone);
    const result: CreateVMResult = await manager.createVM(spec, { idempotencyKey: `shared-${scenario.name}`, request });
    target.faults.reset();
    const role = result.vm.provider === 'backup' ? 'backup' : 'primary';
    return {
      role,
      attempts: result.attempts.map((a) => a.outcome),
      sameZoneAsFirstChoice: role === 'primary' ? result.vm.zone === firstZone : undefined,
      liveVMs: (await live([target.provider, other])).length,
    };
  } finally {
    target.faults.reset();
    await target.cleanUp();
  }
}

/** What each scenario must end with, on every cloud. */
export const expected: Readonly<Record<string, Outcome>> = {
  '30% throttling': { role: 'primary', attempts: ['created'], sameZoneAsFirstChoice: true, liveVMs: 1 },
  'a dropped create answer': { role: 'primary', attempts: ['created'], sameZoneAsFirstChoice: true, liveVMs: 1 },
  'no capacity in the chosen zone': { role: 'primary', attempts: ['failed', 'created'], sameZoneAsFirstChoice: false, liveVMs: 1 },
  'a create that hangs': { role: 'backup', attempts: ['failed', 'created'], sameZoneAsFirstChoice: undefined, liveVMs: 1 },
};
