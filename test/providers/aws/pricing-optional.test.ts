/**
 * Prices are never a precondition of the AWS adapter: with the Price List API unreachable
 * (connection refused) or refusing (AccessDenied), the whole lifecycle runs — regions, offers,
 * create, list, estimate, export — with list prices from the bundled snapshot (offers say so),
 * and the fallback is reported once as an event, not as an error per call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type NovacronEventMap } from '../../../src/provider/events.js';
import { createAwsProvider, type AwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { collect } from '../../helpers.js';

/** A port nothing listens on: every connection is refused. */
const REFUSED = 'http://127.0.0.1:1';

let emu: Ec2Emulator;
beforeAll(async () => {
  emu = await startEc2Emulator({ region: 'us-east-1' });
});
afterAll(() => emu.close());

function provider(extra: Partial<AwsProviderOptions> = {}): { aws: AwsProvider; degraded: NovacronEventMap['provider.degraded'][] } {
  const events = new EventBus();
  const degraded: NovacronEventMap['provider.degraded'][] = [];
  events.on('provider.degraded', (e) => void degraded.push(e));
  const aws = createAwsProvider({ ...emu.providerOptions, maxAttempts: 2, retryBaseDelayMs: 1, waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 }, events, ...extra });
  return { aws, degraded };
}

async function lifecycle(aws: AwsProvider): Promise<void> {
  const regions = await collect(aws.regions());
  expect(regions.map((r) => r.name)).toContain('us-east-1');
  expect(regions[0]!.zones.length).toBeGreaterThan(0);
  const offers = await collect(aws.offers('us-east-1'));
  expect(offers.length).toBeGreaterThan(0);
  for (const o of offers) {
    expect(o.source).toMatch(/^bundled-snapshot:aws/);
    expect(o.asOf).toBe('2026-07-01'); // BUNDLED_SNAPSHOT_AS_OF
    expect(Number.isFinite(o.onDemandHourly)).toBe(true);
  }
  const vm = await aws.createVM({ name: 'no-prices', cpu: 2, memory: 4 }, { idempotencyKey: `np-${Math.random()}` });
  expect(vm.state).toBe('running');
  expect(vm.hourlyPrice?.source).toBe('bundled-snapshot:aws');
  expect((await collect(aws.listVMs())).map((v) => v.id)).toContain(vm.id);
  const estimate = await aws.estimateCost({ name: 'no-prices', cpu: 2, memory: 4 });
  expect(estimate.source).toBe('bundled-snapshot:aws');
  expect(estimate.breakdown.storage).toBeGreaterThan(0);
  const artifact = await aws.exportVM(vm.id);
  expect(artifact.format).toBe('ami');
  await aws.deleteVM(vm.id);
}

describe('AWS adapter without the Price List API', () => {
  it('runs the lifecycle with the Price List endpoint refusing connections, and says so once', async () => {
    const { aws, degraded } = provider({ pricingEndpoint: REFUSED });
    await lifecycle(aws);
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toMatchObject({ provider: aws.name, capability: 'pricing', fallback: 'bundled-snapshot' });
    expect(degraded[0]!.message).toMatch(/ECONNREFUSED/);
  });

  it('runs the lifecycle when GetProducts answers AccessDenied, without asking again for every region', async () => {
    emu.faults.failNext('GetProducts', { kind: 'auth', code: 'AccessDeniedException', status: 400, message: 'User is not authorized to perform: pricing:GetProducts' }, { times: 1_000 });
    try {
      const { aws, degraded } = provider({ regions: ['us-east-1', 'eu-west-1'] });
      const before = emu.stats.byAction()['GetProducts'] ?? 0;
      await lifecycle(aws);
      await collect(aws.offers('eu-west-1'));
      expect(degraded).toHaveLength(1);
      expect(degraded[0]!.message).toMatch(/AccessDenied/);
      // The first refusal is believed: the later loads use the snapshot at once.
      expect((emu.stats.byAction()['GetProducts'] ?? 0) - before).toBeLessThanOrEqual(3);
    } finally {
      emu.faults.reset();
    }
  });

  it('creates an explicit instance type that has no price anywhere, priced as unknown', async () => {
    const { aws } = provider({ pricingEndpoint: REFUSED });
    const catalog = await collect(aws.offers('us-east-1'));
    const priced = new Set(catalog.map((o) => o.instanceType));
    const unpriced = 'inf2.xlarge'; // sold by the emulator, unknown to the bundled snapshot
    expect(priced.has(unpriced)).toBe(false);
    const vm = await aws.createVM({ name: 'unpriced', cpu: 1, memory: 1, instanceType: unpriced }, { idempotencyKey: `unpriced-${Math.random()}` });
    expect(vm.instanceType).toBe(unpriced);
    expect(vm.hourlyPrice).toBeUndefined();
    await aws.deleteVM(vm.id, { wait: false });
  });

  it('uses the live Price List when it answers', async () => {
    const { aws, degraded } = provider();
    const offers = await collect(aws.offers('us-east-1'));
    expect(offers.every((o) => o.source.startsWith('aws-pricing-api'))).toBe(true);
    expect(degraded).toEqual([]);
  });
});
