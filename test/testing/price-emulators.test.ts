/**
 * The Azure Retail Prices and GCP Billing Catalog emulators on the kit: faults of the shared
 * vocabulary in each API's error shape, and GCP's opaque page tokens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bundledOffers } from '../../src/catalog/bundled-snapshot.js';
import { AZURE_RETAIL_PRICES_OPERATION, startAzureRetailPricesEmulator } from '../../src/testing/emulators/azure-retail-prices.js';
import { GCP_BILLING_SKUS_OPERATION, startGcpBillingCatalogEmulator } from '../../src/testing/emulators/gcp-billing-catalog.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('Azure Retail Prices emulator', () => {
  it('answers injected throttling with Azure’s error body and Retry-After, then serves again', async () => {
    const emu = await startAzureRetailPricesEmulator({ offers: bundledOffers({ provider: 'azure', regions: ['eastus'] }) });
    closers.push(() => emu.close());
    emu.faults.failNext(AZURE_RETAIL_PRICES_OPERATION, { kind: 'throttled', retryAfterMs: 2000 });
    const url = `${emu.endpoint}/api/retail/prices?$filter=${encodeURIComponent("armRegionName eq 'eastus'")}`;
    const refused = await fetch(url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await refused.json()).toEqual({ Error: { Code: 'TooManyRequests', Message: expect.any(String) } });
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(((await served.json()) as { Items: unknown[] }).Items.length).toBeGreaterThan(0);
    expect(emu.log.counts()).toEqual({ [AZURE_RETAIL_PRICES_OPERATION]: 2 });
    expect(emu.log.refused('throttled')).toBe(1);
  });
});

describe('GCP Billing Catalog emulator', () => {
  it('answers injected failures with a google.rpc status body', async () => {
    const emu = await startGcpBillingCatalogEmulator();
    closers.push(() => emu.close());
    emu.faults.failNext(GCP_BILLING_SKUS_OPERATION, { kind: 'unavailable' });
    emu.faults.failNext(GCP_BILLING_SKUS_OPERATION, { kind: 'unavailable', status: 500 });
    const url = `${emu.endpoint}/v1/services/6F81-5844-456A/skus?pageSize=3`;
    const first = await fetch(url);
    expect([first.status, ((await first.json()) as { error: { status: string } }).error.status]).toEqual([503, 'UNAVAILABLE']);
    expect((await fetch(url)).status).toBe(500);
    expect((await fetch(url)).status).toBe(200);
  });

  it('pages with opaque tokens bound to the query and refuses forged ones', async () => {
    const emu = await startGcpBillingCatalogEmulator();
    closers.push(() => emu.close());
    const page = (query: string) => fetch(`${emu.endpoint}/v1/services/6F81-5844-456A/skus?pageSize=3${query}`);
    const first = (await (await page('')).json()) as { skus: { skuId: string }[]; nextPageToken: string };
    expect(first.skus).toHaveLength(3);
    const second = (await (await page(`&pageToken=${first.nextPageToken}`)).json()) as { skus: { skuId: string }[] };
    expect(second.skus[0]!.skuId).not.toBe(first.skus[0]!.skuId);
    const forged = await page(`&pageToken=${Buffer.from('offset:3').toString('base64url')}`);
    expect([forged.status, ((await forged.json()) as { error: { status: string } }).error.status]).toEqual([400, 'INVALID_ARGUMENT']);
    const otherQuery = await page(`&currencyCode=EUR&pageToken=${first.nextPageToken}`);
    expect(otherQuery.status).toBe(400);
  });
});
