/**
 * A local Azure Retail Prices API: `GET /api/retail/prices?$filter=...` answering with the API's
 * JSON shape (`BillingCurrency`, `CustomerEntityId`, `CustomerEntityType`, `Items`,
 * `NextPageLink`, `Count`), paged with `$skip` links the way the real API pages, seeded from
 * offers. Each offer becomes the items the real API lists for a VM size in a region: the Linux
 * and Windows pay-as-you-go meters, the Spot and Low Priority meters, DevTest, and 1- and 3-year
 * reservations (priced for the whole term, as the real API does).
 * Shapes follow the Azure Retail Prices overview (learn.microsoft.com/rest/api/cost-management/
 * retail-prices/azure-retail-prices, read 2026-11); the filter grammar is the subset of OData
 * the loaders use: `field eq 'value'` clauses joined by `and`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Offer } from '../../provider/types.js';

/** Options of {@link startAzureRetailPricesEmulator}. */
export interface AzureRetailPricesEmulatorOptions {
  /** Offers to serve (Azure ones; others are ignored). Default: the bundled snapshot's Azure offers. */
  readonly offers?: readonly Offer[] | undefined;
  /** Items per page (default 100). */
  readonly pageSize?: number | undefined;
  /** Port (default: any free port). */
  readonly port?: number | undefined;
}

/** A running emulator. */
export interface AzureRetailPricesEmulator {
  /** Origin to pass as the loader's `endpoint`, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** Requests served so far (pages included). */
  readonly requests: number;
  /** Makes the next `count` requests fail with `status` (429 carries `Retry-After: 0`). */
  failNext(count: number, status?: number): void;
  /** Stops the server. */
  close(): Promise<void>;
}

type Item = Record<string, string | number | boolean>;

const FILTERABLE: Readonly<Record<string, string>> = {
  serviceName: 'serviceName',
  armRegionName: 'armRegionName',
  armSkuName: 'armSkuName',
  priceType: 'type',
  serviceFamily: 'serviceFamily',
  location: 'location',
  skuName: 'skuName',
  productName: 'productName',
  meterName: 'meterName',
  skuId: 'skuId',
  productId: 'productId',
};

/** `Standard_D2s_v5` → `D2s v5`, the meter name Azure uses for the size. */
function meterOf(armSkuName: string): string {
  return armSkuName.replace(/^Standard_/, '').replace(/_/g, ' ');
}

/** `Standard_D2s_v5` → `Virtual Machines Dsv5 Series`. */
function productOf(armSkuName: string): string {
  const m = /^Standard_([A-Z]+)\d+([a-z]*)(?:_([A-Za-z0-9]+))?_v(\d+)$/.exec(armSkuName);
  if (!m) return `Virtual Machines ${armSkuName.replace(/^Standard_/, '')} Series`;
  return `Virtual Machines ${m[1]}${m[2]}${m[3] ?? ''}v${m[4]} Series`;
}

function itemsFor(offers: readonly Offer[]): Item[] {
  const items: Item[] = [];
  let n = 0;
  const base = (o: Offer, meterName: string, productName: string, type: string, price: number): Item => {
    n++;
    const id = n.toString(16).padStart(8, '0');
    return {
      currencyCode: o.currency,
      tierMinimumUnits: 0,
      retailPrice: price,
      unitPrice: price,
      armRegionName: o.region,
      location: o.region,
      effectiveStartDate: '2025-05-01T00:00:00Z',
      meterId: `${id}-0000-4000-8000-${id}0000`,
      meterName,
      productId: `DZH318Z0${id.slice(-4).toUpperCase()}`,
      skuId: `DZH318Z0${id.slice(-4).toUpperCase()}/00${(n % 100).toString().padStart(2, '0')}`,
      productName,
      skuName: meterName,
      serviceName: 'Virtual Machines',
      serviceId: 'DZH313Z7MMC8',
      serviceFamily: 'Compute',
      unitOfMeasure: '1 Hour',
      type,
      isPrimaryMeterRegion: true,
      armSkuName: o.instanceType,
    };
  };
  for (const o of offers) {
    if (o.provider !== 'azure') continue;
    const meter = meterOf(o.instanceType);
    const product = productOf(o.instanceType);
    items.push(base(o, meter, product, 'Consumption', o.onDemandHourly));
    // Windows carries a licence surcharge; the loader must not mistake it for the Linux price.
    items.push(base(o, meter, `${product} Windows`, 'Consumption', Math.round((o.onDemandHourly + 0.046 * o.vcpus) * 1e4) / 1e4));
    items.push(base(o, meter, product, 'DevTestConsumption', o.onDemandHourly));
    if (o.spotHourly !== undefined) {
      items.push(base(o, `${meter} Spot`, product, 'Consumption', o.spotHourly));
      items.push(base(o, `${meter} Low Priority`, product, 'Consumption', Math.round(o.spotHourly * 1.2 * 1e6) / 1e6));
    }
    if (o.reserved1yHourly !== undefined) items.push({ ...base(o, meter, product, 'Reservation', Math.round(o.reserved1yHourly * 8760 * 100) / 100), reservationTerm: '1 Year' });
    if (o.reserved3yHourly !== undefined) items.push({ ...base(o, meter, product, 'Reservation', Math.round(o.reserved3yHourly * 26280 * 100) / 100), reservationTerm: '3 Years' });
  }
  return items;
}

/** Parses `a eq 'x' and b eq 'y'`; returns `undefined` for anything else. */
function parseFilter(filter: string): Array<[field: string, value: string]> | undefined {
  const clauses: Array<[string, string]> = [];
  const re = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*(?:and\b|$)/i;
  let rest = filter;
  while (rest.trim() !== '') {
    const m = re.exec(rest);
    if (!m) return undefined;
    const field = FILTERABLE[m[1]!];
    if (!field) return undefined;
    clauses.push([field, m[2]!.replace(/''/g, "'")]);
    rest = rest.slice(m[0].length);
  }
  return clauses;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts a local Azure Retail Prices API on 127.0.0.1. */
export async function startAzureRetailPricesEmulator(options: AzureRetailPricesEmulatorOptions = {}): Promise<AzureRetailPricesEmulator> {
  const offers = options.offers ?? (await import('../../catalog/bundled-snapshot.js')).bundledOffers({ provider: 'azure' });
  const items = itemsFor(offers);
  const pageSize = options.pageSize ?? 100;
  let requests = 0;
  let failures = 0;
  let failStatus = 503;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/api/retail/prices') {
      send(res, 404, { Error: { Code: 'NotFound', Message: `No route for ${req.method} ${url.pathname}` } });
      return;
    }
    if (failures > 0) {
      failures--;
      send(res, failStatus, { Error: { Code: String(failStatus), Message: 'Injected failure' } }, failStatus === 429 ? { 'retry-after': '0' } : {});
      return;
    }
    const filter = url.searchParams.get('$filter') ?? '';
    const clauses = parseFilter(filter);
    if (!clauses) {
      send(res, 400, { Error: { Code: 'BadRequest', Message: `Invalid OData parameters supplied: ${filter}` } });
      return;
    }
    const skip = Number(url.searchParams.get('$skip') ?? '0');
    const currency = (url.searchParams.get('currencyCode') ?? "'USD'").replace(/'/g, '');
    const matching = items.filter((it) => clauses.every(([f, v]) => it[f] === v));
    const page = matching.slice(skip, skip + pageSize).map((it) => ({ ...it, currencyCode: currency }));
    let next: string | null = null;
    if (skip + pageSize < matching.length) {
      const nextParams = new URLSearchParams(url.searchParams);
      nextParams.set('$skip', String(skip + pageSize));
      next = `http://${req.headers.host}/api/retail/prices?${nextParams.toString()}`;
    }
    send(res, 200, { BillingCurrency: currency, CustomerEntityId: 'Default', CustomerEntityType: 'Retail', Items: page, NextPageLink: next, Count: page.length });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    failNext(count: number, status = 503) {
      failures = count;
      failStatus = status;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
