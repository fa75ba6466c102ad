import { describe, expect, it } from 'vitest';
import { bundledOffers, bundledRegions } from '../../src/catalog/bundled-snapshot.js';
import { createMemoryProvider } from '../../src/providers/memory/index.js';
import { CostOptimizer } from '../../src/optimizer/cost-optimizer.js';
import { providerOffersLoader } from '../../src/optimizer/loaders/provider-offers.js';

describe('the bundled snapshot under the in-memory provider', () => {
  it('prices a memory provider of kind aws like the snapshot, and feeds the optimizer through offers()', async () => {
    const aws = createMemoryProvider({ name: 'aws-sim', kind: 'aws' });
    const offers = [];
    for await (const o of aws.offers('us-east-1')) offers.push(o);
    const snapshot = bundledOffers({ provider: 'aws', regions: ['us-east-1'] });
    expect(offers.map((o) => [o.instanceType, o.onDemandHourly])).toEqual(snapshot.map((o) => [o.instanceType, o.onDemandHourly]));
    const regions = [];
    for await (const r of aws.regions()) regions.push(r.name);
    expect(regions).toEqual(bundledRegions('aws').map((r) => r.name));

    const optimizer = new CostOptimizer({ loaders: [providerOffersLoader(aws, { regions: ['us-east-1'] })] });
    const [best] = await optimizer.recommendInstanceType({ cpu: 2, memory: 8 });
    expect(best).toMatchObject({ provider: 'aws', region: 'us-east-1', instanceType: 'm6g.large', onDemandHourly: 0.077, source: 'bundled-snapshot:aws' });
  });
});
