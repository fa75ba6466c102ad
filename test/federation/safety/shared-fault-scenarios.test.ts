/**
 * One fault vocabulary, one outcome: the same scenarios — 30% throttling, a dropped create
 * answer, no capacity in the chosen zone, a create that hangs — said with the same calls to the
 * in-memory provider (`controls.faults`) and to the EC2 emulator (`emu.faults`), each as the
 * primary cloud of a FederationManager with a dearer memory cloud beside it. Both targets end
 * the same way: the same provider role, the same attempt outcomes, exactly one VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderV1, VM } from '../../../src/index.js';
import { FederationManager, type CreateVMResult } from '../../../src/federation/index.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator, type FaultControls } from '../../../src/testing/emulators/index.js';
import { cloud, offer } from '../fixtures.js';

const US_EAST = { name: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } } as const;
const spec = { name: 'svc', cpu: 2, memory: 4 } as const;
const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const };
const fast = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } };

/** A cloud under test: its provider, its fault controls and the name of its create call. */
interface Target {
  readonly provider: ProviderV1;
  readonly faults: FaultControls;
  readonly createOperation: string;
  cleanUp(): Promise<void>;
}

/** What a scenario ended with, in words that do not depend on the target. */
interface Outcome {
  readonly role: 'primary' | 'backup';
  readonly attempts: readonly string[];
  /** On the primary: whether the VM is in the zone placement chose first (`undefined` on the backup). */
  readonly sameZoneAsFirstChoice: boolean | undefined;
  readonly liveVMs: number;
}

interface Scenario {
  readonly name: string;
  /** Sets the fault, knowing the zone placement chooses first. */
  arrange(target: Target, firstZone: string | undefined): void;
}

const scenarios: readonly Scenario[] = [
  { name: '30% throttling', arrange: (t) => t.faults.throttle(0.3, { seed: 7, retryAfterMs: 1 }) },
  { name: 'a dropped create answer', arrange: (t) => t.faults.dropResponse(t.createOperation) },
  { name: 'no capacity in the chosen zone', arrange: (t, zone) => t.faults.capacity({ zone: zone! }, 0) },
  { name: 'a create that hangs', arrange: (t) => t.faults.hang(t.createOperation) },
];

const backup = (): ProviderV1 => cloud('backup', 'gcp', [{ ...US_EAST, zones: ['us-east-1a'] }], [offer('gcp', 'us-east-1', 'e2-standard-2', 2, 8, 5)]);

async function live(providers: readonly ProviderV1[]): Promise<VM[]> {
  const out: VM[] = [];
  for (const p of providers) for await (const vm of p.listVMs()) if (vm.state !== 'terminated' && vm.state !== 'terminating') out.push(vm);
  return out;
}

async function play(target: Target, scenario: Scenario): Promise<Outcome> {
  const other = backup();
  const manager = new FederationManager({
    providers: [{ provider: target.provider, timeouts: { createMs: 1_500 } }, other],
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

const expected: Readonly<Record<string, Outcome>> = {
  '30% throttling': { role: 'primary', attempts: ['created'], sameZoneAsFirstChoice: true, liveVMs: 1 },
  'a dropped create answer': { role: 'primary', attempts: ['created'], sameZoneAsFirstChoice: true, liveVMs: 1 },
  'no capacity in the chosen zone': { role: 'primary', attempts: ['failed', 'created'], sameZoneAsFirstChoice: false, liveVMs: 1 },
  'a create that hangs': { role: 'backup', attempts: ['failed', 'created'], sameZoneAsFirstChoice: undefined, liveVMs: 1 },
};

describe('the same fault calls give the same outcome on the memory provider and on the EC2 emulator', () => {
  let emu: Ec2Emulator;
  beforeAll(async () => {
    emu = await startEc2Emulator({ region: 'us-east-1' });
  });
  afterAll(async () => {
    await emu?.close();
  });

  const memoryTarget = (): Target => {
    const provider = cloud('primary', 'aws', [US_EAST], [
      offer('aws', 'us-east-1', 'm.large', 2, 8, 0.08, { zone: 'us-east-1a' }),
      offer('aws', 'us-east-1', 'm.large', 2, 8, 0.08, { zone: 'us-east-1b' }),
    ]);
    return { provider, faults: provider.controls.faults, createOperation: 'createVM', cleanUp: async () => undefined };
  };
  const ec2Target = (): Target => {
    const provider = createAwsProvider({ ...emu.providerOptions, name: 'primary', consistencyWindowMs: 200, maxAttempts: 4, retryBaseDelayMs: 1, waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } });
    return {
      provider,
      faults: emu.faults,
      createOperation: 'RunInstances',
      cleanUp: async () => {
        for await (const vm of provider.listVMs()) await provider.deleteVM(vm.id, { wait: false });
      },
    };
  };

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${JSON.stringify(expected[scenario.name])}`, async () => {
      const onMemory = await play(memoryTarget(), scenario);
      const onEc2 = await play(ec2Target(), scenario);
      expect(onMemory).toEqual(expected[scenario.name]);
      expect(onEc2).toEqual(onMemory);
    }, 30_000);
  }
});
