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
import type { Offer } from '../../provider/types.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './kit/emulator-request.js';
import { EmulatorBase } from './kit/emulator-base.js';
import { EmulatorServer } from './kit/emulator-server.js';
import { defineFaultWireForm, retryAfterHeader, type FaultWireForm } from './kit/fault-wire-form.js';

/** Options of {@link startAzureRetailPricesEmulator}. */
export interface AzureRetailPricesEmulatorOptions {
  /** Offers to serve (Azure ones; others are ignored). Default: the bundled snapshot's Azure offers. */
  readonly offers?: readonly Offer[] | undefined;
  /** Items per page (default 100). */
  readonly pageSize?: number | undefined;
  /** Port (default: any free port). */
  readonly port?: number | undefined;
}

/** The operation name of `GET /api/retail/prices`, for faults and the request log. */
export const AZURE_RETAIL_PRICES_OPERATION = 'prices.list';

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

/** Azure's error body, `{ Error: { Code, Message } }`, with the plain HTTP codes; 429 and 503 carry Retry-After. */
const AZURE_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  render: (fault) => {
    const retry = fault.status === 429 || fault.status === 503 ? retryAfterHeader(fault.retryAfterMs ?? 0) : {};
    return jsonResponse(fault.status, { Error: { Code: fault.code, Message: fault.message } }, retry, fault.code);
  },
});

function listPrices(items: readonly Item[], pageSize: number, request: EmulatorRequest): EmulatorResponse {
  const filter = request.query.get('$filter') ?? '';
  const clauses = parseFilter(filter);
  if (!clauses) return jsonResponse(400, { Error: { Code: 'BadRequest', Message: `Invalid OData parameters supplied: ${filter}` } }, {}, 'BadRequest');
  const skip = Number(request.query.get('$skip') ?? '0');
  const currency = (request.query.get('currencyCode') ?? "'USD'").replace(/'/g, '');
  const matching = items.filter((it) => clauses.every(([f, v]) => it[f] === v));
  const page = matching.slice(skip, skip + pageSize).map((it) => ({ ...it, currencyCode: currency }));
  let next: string | null = null;
  if (skip + pageSize < matching.length) {
    // The real API pages with `$skip` links, not opaque tokens.
    const nextParams = new URLSearchParams(request.query);
    nextParams.set('$skip', String(skip + pageSize));
    next = `http://${request.header('host')}/api/retail/prices?${nextParams.toString()}`;
  }
  return jsonResponse(200, { BillingCurrency: currency, CustomerEntityId: 'Default', CustomerEntityType: 'Retail', Items: page, NextPageLink: next, Count: page.length });
}

/**
 * A running Azure Retail Prices emulator. Faults use the kit's vocabulary on the operation
 * {@link AZURE_RETAIL_PRICES_OPERATION}: `emu.faults.failNext('prices.list', { kind: 'unavailable', status: 429 }, { times: 2 })`.
 */
export class AzureRetailPricesEmulator extends EmulatorBase {
  /** Starts one; see {@link startAzureRetailPricesEmulator}. */
  static async start(options: AzureRetailPricesEmulatorOptions = {}): Promise<AzureRetailPricesEmulator> {
    const offers = options.offers ?? (await import('../../catalog/bundled-snapshot.js')).bundledOffers({ provider: 'azure' });
    const items = itemsFor(offers);
    const pageSize = options.pageSize ?? 100;
    const server = await EmulatorServer.start({
      name: 'azure-retail-prices-emulator',
      port: options.port,
      faultWireForm: AZURE_FAULT_WIRE_FORM,
      routes: [{ method: 'GET', path: '/api/retail/prices', operation: AZURE_RETAIL_PRICES_OPERATION, handle: (request) => listPrices(items, pageSize, request) }],
      notFound: (request) => jsonResponse(404, { Error: { Code: 'NotFound', Message: `No route for ${request.method} ${request.path}` } }, {}, 'NotFound'),
    });
    return new AzureRetailPricesEmulator(server);
  }
}

/** Starts a local Azure Retail Prices API on 127.0.0.1. */
export function startAzureRetailPricesEmulator(options: AzureRetailPricesEmulatorOptions = {}): Promise<AzureRetailPricesEmulator> {
  return AzureRetailPricesEmulator.start(options);
}
