import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledOffers } from '../../src/catalog/bundled-snapshot.js';
import { Catalog } from '../../src/optimizer/catalog.js';
import { azureRetailPricesLoader, azureShapeFromName } from '../../src/optimizer/loaders/azure-retail-prices.js';
import { gcpBillingCatalogLoader, readGcpSku } from '../../src/optimizer/loaders/gcp-billing-catalog.js';
import { openstackRateCardLoader, rateCardLoader, type RateCard } from '../../src/optimizer/loaders/openstack-rate-card.js';
import { AZURE_RETAIL_PRICES_OPERATION, startAzureRetailPricesEmulator } from '../../src/testing/emulators/azure-retail-prices.js';
import { startGcpBillingCatalogEmulator } from '../../src/testing/emulators/gcp-billing-catalog.js';
import type { Offer } from '../../src/provider/types.js';
import { collect } from '../helpers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** Every offer a loader yields. */
const loadAll = (loader: { load(o?: { signal?: AbortSignal }): AsyncIterable<Offer> }, signal?: AbortSignal): Promise<Offer[]> => collect(loader.load({ signal }));
const key = (o: Offer) => `${o.region}/${o.instanceType}`;

describe('Azure Retail Prices loader', () => {
  it('reproduces the seeded prices through paging: Linux on-demand, Spot over Low Priority, reservations per hour', async () => {
    const seeded = bundledOffers({ provider: 'azure', regions: ['eastus', 'westeurope'] });
    const emulator = await startAzureRetailPricesEmulator({ offers: seeded, pageSize: 50 });
    closers.push(() => emulator.close());
    const offers = await loadAll(azureRetailPricesLoader({ endpoint: emulator.endpoint, regions: ['eastus', 'westeurope'], clock: () => Date.UTC(2026, 10, 27) }));
    expect(emulator.log.count()).toBeGreaterThan(10); // many pages were followed
    const byKey = new Map(offers.map((o) => [key(o), o]));
    expect(byKey.size).toBe(seeded.length);
    for (const s of seeded) {
      const o = byKey.get(key(s))!;
      expect(o.onDemandHourly).toBe(s.onDemandHourly);
      expect(o.spotHourly).toBe(s.spotHourly);
      expect(o.reserved1yHourly).toBeCloseTo(s.reserved1yHourly!, 5);
      expect(o.reserved3yHourly).toBeCloseTo(s.reserved3yHourly!, 5);
      expect([o.vcpus, o.memoryGiB, o.arch]).toEqual([s.vcpus, s.memoryGiB, s.arch]);
      expect(o.gpu).toEqual(s.gpu);
      expect(o).toMatchObject({ provider: 'azure', source: 'azure-retail-prices', asOf: '2026-11-27T00:00:00.000Z', currency: 'USD' });
    }
  });

  it('retries throttling and server errors, then fails with a typed error the catalog reports', async () => {
    const emulator = await startAzureRetailPricesEmulator({ offers: bundledOffers({ provider: 'azure', regions: ['eastus'] }) });
    closers.push(() => emulator.close());
    emulator.faults.failNext(AZURE_RETAIL_PRICES_OPERATION, { kind: 'unavailable', status: 429 }, { times: 2 });
    const offers = await loadAll(azureRetailPricesLoader({ endpoint: emulator.endpoint, regions: ['eastus'] }));
    expect(offers.length).toBeGreaterThan(0);

    const catalog = new Catalog({ loaders: [azureRetailPricesLoader({ endpoint: emulator.endpoint, regions: ['eastus'] })] });
    await catalog.refresh();
    emulator.faults.failNext(AZURE_RETAIL_PRICES_OPERATION, { kind: 'unavailable', status: 503 }, { times: 100 });
    const report = await catalog.refresh();
    expect(report.keptLastGood).toEqual(['azure-retail-prices']);
    expect(report.loaders[0]!.error).toMatch(/HTTP 503/);
    expect((await catalog.current()).offers.length).toBe(offers.length);
  });

  it('sizes VMs from their names when the snapshot does not know them', () => {
    expect(azureShapeFromName('Standard_E16as_v6')).toEqual({ vcpus: 16, memoryGiB: 128, arch: 'x86_64' });
    expect(azureShapeFromName('Standard_D8pls_v5')).toEqual({ vcpus: 8, memoryGiB: 16, arch: 'arm64' });
    expect(azureShapeFromName('Standard_M128ms')).toBeUndefined();
  });

  it('stops when aborted', async () => {
    const emulator = await startAzureRetailPricesEmulator({ offers: bundledOffers({ provider: 'azure', regions: ['eastus'] }), pageSize: 5 });
    closers.push(() => emulator.close());
    const controller = new AbortController();
    controller.abort();
    await expect(loadAll(azureRetailPricesLoader({ endpoint: emulator.endpoint }), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('GCP Cloud Billing Catalog loader', () => {
  it('composes per-core and per-GiB SKUs into the same prices as the snapshot, across pages', async () => {
    const emulator = await startGcpBillingCatalogEmulator({ apiKey: 'k' });
    closers.push(() => emulator.close());
    const machineTypes = bundledOffers({ provider: 'gcp' })
      .filter((o) => !o.gpu)
      .map((o) => ({ name: o.instanceType, vcpus: o.vcpus, memoryGiB: o.memoryGiB }));
    const offers = await loadAll(gcpBillingCatalogLoader({ endpoint: emulator.endpoint, apiKey: 'k', pageSize: 7, machineTypes }));
    expect(emulator.log.count()).toBeGreaterThan(10);
    const seeded = bundledOffers({ provider: 'gcp' }).filter((o) => !o.gpu);
    const byKey = new Map(offers.map((o) => [key(o), o]));
    expect(byKey.size).toBe(seeded.length);
    for (const s of seeded) {
      const o = byKey.get(key(s))!;
      expect(o.onDemandHourly).toBeCloseTo(s.onDemandHourly, 5);
      expect(o.spotHourly).toBeCloseTo(s.spotHourly!, 5);
      expect(o.reserved1yHourly).toBeCloseTo(s.reserved1yHourly!, 5);
      expect(o.reserved3yHourly).toBeCloseTo(s.reserved3yHourly!, 5);
    }
  });

  it('adds GPU SKUs to the machines that carry them and refuses a missing API key', async () => {
    const emulator = await startGcpBillingCatalogEmulator({
      apiKey: 'k',
      families: [{ family: 'a2', region: 'us-central1', vcpuHourly: 0.031611, gibHourly: 0.004237, spotFraction: 0.3 }],
      gpus: [{ model: 'A100', region: 'us-central1', hourly: 2.933908, spotHourly: 1.1 }],
    });
    closers.push(() => emulator.close());
    const loader = gcpBillingCatalogLoader({
      endpoint: emulator.endpoint,
      apiKey: 'k',
      machineTypes: [{ name: 'a2-highgpu-1g', vcpus: 12, memoryGiB: 85, gpu: { model: 'a100', count: 1, memoryGiB: 40 } }],
    });
    const [a2] = await loadAll(loader);
    expect(a2!.onDemandHourly).toBeCloseTo(3.673385, 6); // the list price of a2-highgpu-1g
    expect(a2!.spotHourly).toBeCloseTo(12 * 0.031611 * 0.3 + 85 * 0.004237 * 0.3 + 1.1, 6);
    expect(a2!.reserved1yHourly).toBeUndefined();
    await expect(loadAll(gcpBillingCatalogLoader({ endpoint: emulator.endpoint, machineTypes: [] }))).rejects.toMatchObject({ name: 'AuthError' });
  });

  it('reads the SKU descriptions GCP writes', () => {
    const sku = (description: string, usageType = 'OnDemand') => ({ name: '', skuId: '', description, category: { resourceFamily: 'Compute', resourceGroup: 'CPU', usageType }, serviceRegions: [], pricingInfo: [] });
    expect(readGcpSku(sku('N2 Instance Core running in Americas'))).toEqual({ kind: 'core', family: 'n2', usage: 'onDemand' });
    expect(readGcpSku(sku('Spot Preemptible N2D AMD Instance Ram running in EMEA', 'Preemptible'))).toEqual({ kind: 'ram', family: 'n2d', usage: 'spot' });
    expect(readGcpSku(sku('Compute optimized Core running in Virginia'))).toEqual({ kind: 'core', family: 'c2', usage: 'onDemand' });
    expect(readGcpSku(sku('N1 Predefined Instance Ram running in Americas'))).toEqual({ kind: 'ram', family: 'n1', usage: 'onDemand' });
    expect(readGcpSku(sku('Commitment v1: E2 Ram in Americas for 3 Year', 'Commit3Yr'))).toEqual({ kind: 'ram', family: 'e2', usage: 'commit3y' });
    expect(readGcpSku(sku('Nvidia Tesla T4 GPU running in Americas'))).toEqual({ kind: 'gpu', model: 't4', usage: 'onDemand' });
    expect(readGcpSku(sku('N2 Custom Instance Core running in Americas'))).toBeUndefined();
  });
});

describe('OpenStack rate card', () => {
  const card: RateCard = {
    regions: ['RegionOne'],
    perVcpuHour: 0.01,
    perGiBHour: 0.002,
    perDiskGiBHour: 0.0001,
    gpuPerHour: { a100: 1.5 },
    flavorPrices: { 'special.large': 0.05 },
    currency: 'EUR',
    source: 'finance-rate-card-2026q4',
    asOf: '2026-10-01',
  };

  it('prices listed flavors: composed, fixed, and GPU flavors only when the card prices the GPU', async () => {
    const offers = await loadAll(
      rateCardLoader({
        ...card,
        flavors: [
          { name: 'm1.medium', vcpus: 2, memoryGiB: 4, diskGiB: 40 },
          { name: 'special.large', vcpus: 8, memoryGiB: 32 },
          { name: 'gpu.a100', vcpus: 16, memoryGiB: 128, gpu: { model: 'a100', count: 2 } },
          { name: 'gpu.h100', vcpus: 16, memoryGiB: 128, gpu: { model: 'h100', count: 1 } },
        ],
      }),
    );
    expect(offers.map((o) => [o.instanceType, o.onDemandHourly])).toEqual([
      ['m1.medium', 0.01 * 2 + 0.002 * 4 + 0.0001 * 40],
      ['special.large', 0.05],
      ['gpu.a100', 0.01 * 16 + 0.002 * 128 + 2 * 1.5],
    ]);
    expect(offers[0]).toMatchObject({ provider: 'openstack', region: 'RegionOne', currency: 'EUR', source: 'finance-rate-card-2026q4', asOf: '2026-10-01' });
  });

  it('lists Nova flavors page by page with the token and prices them', async () => {
    const flavors = Array.from({ length: 7 }, (_, i) => ({ id: `f${i}`, name: `m1.f${i}`, vcpus: i + 1, ram: 1024 * (i + 1), disk: 10, 'os-flavor-access:is_public': i !== 3 }));
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      seen.push(`${url.pathname}?${url.searchParams}`);
      if (req.headers['x-auth-token'] !== 'tok') {
        res.writeHead(401).end('{"error":{"code":401,"title":"Unauthorized"}}');
        return;
      }
      const limit = Number(url.searchParams.get('limit'));
      const marker = url.searchParams.get('marker');
      const start = marker ? flavors.findIndex((f) => f.id === marker) + 1 : 0;
      const page = flavors.slice(start, start + limit);
      const links = start + limit < flavors.length ? [{ rel: 'next', href: `http://nova.public:8774/v2.1/flavors/detail?limit=${limit}&marker=${page.at(-1)!.id}` }] : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ flavors: page, flavors_links: links }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2.1`;
    const offers = await loadAll(openstackRateCardLoader({ computeEndpoint: endpoint, token: async () => 'tok', card, pageSize: 3 }));
    expect(seen).toEqual(['/v2.1/flavors/detail?limit=3', '/v2.1/flavors/detail?limit=3&marker=f2', '/v2.1/flavors/detail?limit=3&marker=f5']);
    expect(offers.map((o) => o.instanceType)).toEqual(['m1.f0', 'm1.f1', 'm1.f2', 'm1.f4', 'm1.f5', 'm1.f6']);
    expect(offers[1]!.onDemandHourly).toBeCloseTo(2 * 0.01 + 2 * 0.002 + 10 * 0.0001, 12);
    await expect(loadAll(openstackRateCardLoader({ computeEndpoint: endpoint, token: 'bad', card }))).rejects.toMatchObject({ name: 'AuthError' });
  });
});
