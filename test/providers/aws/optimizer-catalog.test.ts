/** The AWS provider's offers feed the CostOptimizer's catalog, valid and with provenance. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, providerOffersLoader } from '../../../src/optimizer/index.js';
import { collect } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws({ provider: { regions: ['eu-west-1'] } });
});
afterAll(() => env.close());

describe('AWS offers in the optimizer catalog', () => {
  it('loads every offer of every configured region, none rejected, with spot and reserved prices', async () => {
    const catalog = new Catalog({ loaders: [providerOffersLoader(env.aws)] });
    const report = await catalog.refresh();
    expect(report.ok).toBe(true);
    expect(report.loaders[0]).toMatchObject({ ok: true, rejected: 0 });
    const { offers } = await catalog.current();
    expect(new Set(offers.map((o) => o.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    const dublin = offers.find((o) => o.region === 'eu-west-1' && o.instanceType === 'm5.large')!;
    expect(dublin.onDemandHourly).toBeCloseTo(0.107, 3);
    expect(dublin.spotHourly).toBeGreaterThan(0);
    expect(dublin.reserved3yHourly).toBeLessThan(dublin.reserved1yHourly!);
    catalog.close();
  });

  it('serves a second load from the TTL cache without calling AWS again', async () => {
    await collectAll();
    env.emu.stats.reset();
    await collectAll();
    expect(env.emu.stats.count()).toBe(0);
  });
});

async function collectAll(): Promise<number> {
  return (await collect(env.aws.offers())).length;
}
