/**
 * Offers from Resource SKUs with their restrictions, priced from the Retail Prices API; when that
 * cannot be reached, from the bundled snapshot with its date (reported once), never a failed
 * create. The offers feed the CostOptimizer's catalog without a rejected row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SNAPSHOT_AS_OF } from '../../../src/catalog/bundled-snapshot.js';
import { Catalog, providerOffersLoader } from '../../../src/optimizer/index.js';
import type { ProviderDegradedEvent } from '../../../src/provider/events.js';
import { collect } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
});
afterAll(() => env.close());

describe('Azure offers and prices', () => {
  it('offers each size per zone it is offered in, without the zones or locations Resource SKUs restricts', async () => {
    const offers = await collect(env.azure.offers('westeurope'));
    const zonesOf = (size: string) => offers.filter((o) => o.instanceType === size).map((o) => o.zone).sort();
    expect(zonesOf('Standard_D2s_v5')).toEqual(['1', '2', '3']);
    expect(zonesOf('Standard_E2s_v5')).toEqual(['1', '2']); // restricted in zone 3 (the emulator's default restriction)
    expect(zonesOf('Standard_ND96asr_v4')).toEqual([]); // restricted in the whole location
    const d2 = offers.find((o) => o.instanceType === 'Standard_D2s_v5')!;
    expect(d2).toMatchObject({ provider: 'azure', vcpus: 2, memoryGiB: 8, arch: 'x86_64', currency: 'USD', source: 'azure-retail-prices' });
    expect(d2.spotHourly).toBeLessThan(d2.onDemandHourly);
    expect(d2.reserved3yHourly).toBeLessThan(d2.reserved1yHourly!);
    expect(offers.some((o) => o.instanceType.startsWith('Standard_B') && o.spotHourly !== undefined)).toBe(false); // B-series has no Spot
    const gpu = offers.find((o) => o.gpu?.model === 't4');
    expect(gpu?.gpu?.count).toBeGreaterThan(0);
  });

  it('feeds the optimizer catalog, every offer valid, from every configured location', async () => {
    const catalog = new Catalog({ loaders: [providerOffersLoader(env.azure)] });
    const report = await catalog.refresh();
    expect(report.loaders[0]).toMatchObject({ ok: true, rejected: 0 });
    const { offers } = await catalog.current();
    expect(new Set(offers.map((o) => o.region))).toEqual(new Set(['westeurope', 'eastus']));
    catalog.close();
  });

  it('falls back to the bundled snapshot with its date when Retail Prices cannot be reached, and still creates', async () => {
    const degraded: ProviderDegradedEvent[] = [];
    const azure = env.provider({ retailPricesEndpoint: 'http://127.0.0.1:9' });
    azure.events.on('provider.degraded', (e) => degraded.push(e));
    const vm = await azure.createVM({ name: 'no-prices', cpu: 2, memory: 4 }, { idempotencyKey: 'no-prices-1' });
    expect(vm.state).toBe('running');
    expect(vm.hourlyPrice).toMatchObject({ source: 'bundled-snapshot:azure', asOf: BUNDLED_SNAPSHOT_AS_OF });
    const estimate = await azure.estimateCost({ name: 'no-prices', cpu: 2, memory: 4 });
    expect(estimate.components.compute).toEqual({ source: 'bundled-snapshot:azure', asOf: BUNDLED_SNAPSHOT_AS_OF });
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toMatchObject({ capability: 'pricing', fallback: 'bundled-snapshot' });
    await azure.deleteVM(vm.id);
  });

  it('estimates compute, the disk at its billed tier and egress, each with its source and date', async () => {
    const estimate = await env.azure.estimateCost({ name: 'cost', cpu: 2, memory: 8, disk: { size: 100, type: 'premium-ssd' }, egressGBPerMonth: 50 });
    expect(estimate.breakdown.storage).toBeCloseTo(0.154 * 128, 6); // P10: 100 GiB is billed as 128
    expect(estimate.breakdown.network).toBeCloseTo(0.087 * 50, 6);
    expect(estimate.components.compute.source).toBe('azure-retail-prices');
    expect(estimate.components.storage).toEqual({ source: 'bundled-snapshot:azure', asOf: BUNDLED_SNAPSHOT_AS_OF });
    expect(estimate.source).toBe('azure-retail-prices+bundled-snapshot:azure');
    expect(String(estimate)).toMatch(/^CostEstimate Standard_\S+ in westeurope \(on-demand\): \$\d+\.\d{2}\/month, \$\d+\.\d{4}\/h$/);
    expect(env.azure.regionNames).toEqual(['westeurope', 'eastus']);
    const spot = await env.azure.estimateCost({ name: 'cost', cpu: 2, memory: 8, disk: { size: 100, type: 'premium-ssd' }, spot: true });
    expect(spot.breakdown.compute).toBeLessThan(estimate.breakdown.compute);
  });
});
