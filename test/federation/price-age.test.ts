import { describe, expect, it } from 'vitest';
import { EventBus, FederationManager, type PriceStaleEvent } from '../../src/index.js';
import { AS_OF, cloud, EAST, offer, WEST } from './fixtures.js';

const DAY = 86_400_000;

function manager(now: () => number, maxPriceAgeDays?: number) {
  const events = new EventBus();
  const seen: PriceStaleEvent[] = [];
  events.on('price.stale', (e) => seen.push(e));
  const fm = new FederationManager({
    providers: [
      cloud('aws-main', 'aws', [EAST, WEST], [offer('aws', 'east-1', 'm5.large', 2, 8, 0.096), offer('aws', 'west-1', 'm5.large', 2, 8, 0.1)]),
      cloud('gcp-main', 'gcp', [EAST], [offer('gcp', 'east-1', 'n2-standard-2', 2, 8, 0.097, { source: 'gcp-billing', asOf: '2026-11-30' })]),
    ],
    clock: now,
    events,
    maxPriceAgeDays,
  });
  return { fm, seen };
}

describe('stale prices in placement decisions', () => {
  it('names the source, date and age in the explanation, and publishes price.stale once per source and date', async () => {
    const now = Date.parse(AS_OF) + 120 * DAY;
    const { fm, seen } = manager(() => now);
    const decision = await fm.place({ name: 'web', cpu: 2, memory: 8 });
    expect(decision.chosen).toMatchObject({ provider: 'aws-main', region: 'east-1', instanceType: 'm5.large' });
    expect(decision.explain()).toContain(`warning: aws-main east-1 m5.large: price from test-catalog as of ${AS_OF} is 120 days old (older than 90 days)`);
    await fm.place({ name: 'web-2', cpu: 2, memory: 8 });
    expect(seen).toEqual([{ component: 'federation', provider: 'aws-main', region: 'east-1', instanceType: 'm5.large', source: 'test-catalog', asOf: AS_OF, ageDays: 120, maxAgeDays: 90 }]);
    // A create decides the same way and does not warn again for the same source and date.
    const created = await fm.createVM({ name: 'web-3', cpu: 2, memory: 8 });
    expect(created.vm.provider).toBe('aws-main');
    expect(seen.length).toBe(1);
  });

  it('says nothing while prices are within maxPriceAgeDays', async () => {
    const { fm, seen } = manager(() => Date.parse(AS_OF) + 5 * DAY, 30);
    const decision = await fm.place({ name: 'web', cpu: 2, memory: 8 });
    expect(decision.explain()).not.toContain('warning:');
    expect(seen).toEqual([]);
  });
});
