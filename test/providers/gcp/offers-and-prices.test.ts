/**
 * Offers and prices: machine types per zone (N1 with the GPUs each zone attaches) priced from the
 * Cloud Billing Catalog; when it cannot be reached, from the bundled snapshot with its date,
 * reported once as `provider.degraded`, and a create still succeeds. estimateCost has compute
 * (with GPUs), disk and egress parts, each with its source and date.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SNAPSHOT_AS_OF } from '../../../src/catalog/bundled-snapshot.js';
import { Catalog, providerOffersLoader } from '../../../src/optimizer/index.js';
import type { ProviderDegradedEvent } from '../../../src/provider/events.js';
import { HOURS_PER_MONTH } from '../../../src/provider/types.js';
import { collect } from '../../helpers.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp();
});
afterAll(() => env?.close());

const SNAPSHOT = { source: 'bundled-snapshot:gcp', asOf: BUNDLED_SNAPSHOT_AS_OF };

describe('GCE offers and prices', () => {
  it('offers machine types per zone from the Billing Catalog, and N1 with the GPUs a zone attaches', async () => {
    const offers = await collect(env.gcp.offers('us-central1'));
    const e2 = offers.filter((o) => o.instanceType === 'e2-standard-2');
    expect(e2.map((o) => o.zone).sort()).toEqual([...env.emu.providerOptions.zones].filter((z) => z.startsWith('us-central1-')).sort());
    expect(e2[0]).toMatchObject({ provider: 'gcp', region: 'us-central1', vcpus: 2, memoryGiB: 8, arch: 'x86_64', currency: 'USD', source: 'gcp-billing-catalog' });
    expect(e2[0]!.spotHourly).toBeLessThan(e2[0]!.onDemandHourly);
    expect(e2[0]!.reserved3yHourly).toBeLessThan(e2[0]!.reserved1yHourly!);
    const t4 = offers.filter((o) => o.gpu?.model === 't4');
    expect(t4.length).toBeGreaterThan(0);
    expect(t4.every((o) => o.instanceType.startsWith('n1-'))).toBe(true);
    expect(env.emu.billingCatalog.log.count()).toBeGreaterThan(0);
  });

  it('feeds the optimizer catalog without a rejected offer', async () => {
    const catalog = new Catalog({ loaders: [providerOffersLoader(env.gcp)] });
    const report = await catalog.refresh();
    expect(report.loaders[0]).toMatchObject({ ok: true, rejected: 0 });
    catalog.close();
  });

  it('estimates compute (with the GPU), the disk and egress, each with its source and date', async () => {
    const spec = { name: 'cost', cpu: 4, memory: 15, disk: { size: 100, type: 'premium-ssd' as const }, egressGBPerMonth: 50 };
    const estimate = await env.gcp.estimateCost(spec);
    expect(estimate.breakdown.storage).toBeCloseTo(0.17 * 100, 6); // pd-ssd
    expect(estimate.breakdown.network).toBeCloseTo(0.12 * 50, 6);
    expect(estimate.breakdown.compute + estimate.breakdown.storage + estimate.breakdown.network).toBeCloseTo(estimate.monthly, 6);
    expect(estimate.components.compute.source).toBe('gcp-billing-catalog');
    expect(estimate.components.storage).toEqual({ source: 'gce-disk-pricing-page', asOf: '2025-06-01' });
    expect(estimate.components.network).toEqual(SNAPSHOT);
    expect(estimate.source).toBe('gcp-billing-catalog+gce-disk-pricing-page+bundled-snapshot:gcp');
    expect(estimate.asOf).toBe([estimate.components.compute.asOf, '2025-06-01', BUNDLED_SNAPSHOT_AS_OF].sort()[0]);
    expect(String(estimate)).toMatch(/^CostEstimate \S+ in us-central1 \(on-demand\): \$\d+\.\d{2}\/month, \$\d+\.\d{4}\/h$/);

    const gpu = await env.gcp.estimateCost({ ...spec, gpu: { count: 1, type: 't4' } });
    expect(gpu.instanceType).toMatch(/^n1-/);
    const bare = await env.gcp.estimateCost({ ...spec, instanceType: gpu.instanceType });
    expect((gpu.breakdown.compute - bare.breakdown.compute) / HOURS_PER_MONTH).toBeCloseTo(0.35, 4); // the T4's hourly rate
    const spot = await env.gcp.estimateCost({ ...spec, spot: true });
    expect(spot.breakdown.compute).toBeLessThan(estimate.breakdown.compute);
    expect(String(spot)).toMatch(/\(spot\)/);
  });

  it('falls back to the bundled snapshot with its date when the Billing Catalog cannot be reached, reports it once, and still creates', async () => {
    const degraded: ProviderDegradedEvent[] = [];
    const gcp = env.provider({ billingCatalogEndpoint: 'http://127.0.0.1:9', billingApiKey: 'AIzaSECRET-billing-key' });
    gcp.events.on('provider.degraded', (e) => degraded.push(e));
    const offers = await collect(gcp.offers('us-central1'));
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.filter((o) => o.source !== 'unpriced').every((o) => o.source === SNAPSHOT.source && o.asOf === SNAPSHOT.asOf)).toBe(true);
    const vm = await gcp.createVM({ name: 'no-prices', cpu: 2, memory: 4 }, { idempotencyKey: 'no-prices-1' });
    expect(vm.state).toBe('running');
    expect(vm.hourlyPrice).toMatchObject(SNAPSHOT);
    const estimate = await gcp.estimateCost({ name: 'no-prices', cpu: 2, memory: 4, gpu: { count: 1, type: 't4' } });
    expect(estimate.components.compute).toEqual(SNAPSHOT);
    expect(estimate.breakdown.compute).toBeGreaterThan(0);
    expect(String(estimate)).toMatch(/^CostEstimate n1-\S+ in us-central1 \(on-demand\): \$\d+\.\d{2}\/month, \$\d+\.\d{4}\/h$/);
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toMatchObject({ provider: gcp.name, capability: 'pricing', fallback: 'bundled-snapshot' });
    expect(degraded[0]!.message).not.toContain('AIzaSECRET');
    await gcp.deleteVM(vm.id);
  });
});
