/**
 * A local Cloud Billing Catalog API for Compute Engine:
 * `GET /v1/services/6F81-5844-456A/skus?pageSize=&pageToken=&currencyCode=&key=` answering
 * `{ skus, nextPageToken }` with SKUs shaped like the real ones (description, category with
 * resourceFamily/resourceGroup/usageType, serviceRegions, pricingInfo with tieredRates of
 * `{ units, nanos }`), from the Cloud Billing Catalog reference
 * (cloud.google.com/billing/docs/reference/rest/v1/services.skus/list, read 2026-11).
 *
 * Seeded with per-family core and RAM rates per region (default: the bundled snapshot's), it
 * writes the SKUs the real catalog has for each: on-demand Core and Ram ("N2 Instance Core
 * running in Americas"), Spot Preemptible ones, 1- and 3-year commitments ("Commitment v1: N2
 * Cpu in Americas for 1 Year"), plus custom-machine SKUs and a storage SKU that a loader must
 * ignore. Regions that share a price share one SKU, as the real catalog groups them.
 */
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './kit/emulator-request.js';
import { EmulatorBase } from './kit/emulator-base.js';
import { EmulatorServer } from './kit/emulator-server.js';
import { defineFaultWireForm, genericFaultWording, type FaultWireForm } from './kit/fault-wire-form.js';
import { paginate, PaginationError } from './kit/token-pagination.js';

/** Rates of one machine family in one region. */
export interface GcpFamilyRateSeed {
  /** Family (`n2`, `e2`, `c2`, `n2d`, ...). */
  readonly family: string;
  /** Region. */
  readonly region: string;
  /** Price per vCPU-hour. */
  readonly vcpuHourly: number;
  /** Price per GiB-hour. */
  readonly gibHourly: number;
  /** Spot fraction of on-demand (no spot SKUs when absent). */
  readonly spotFraction?: number | undefined;
  /** 1-year commitment fraction of on-demand (no commitment SKU when absent). */
  readonly commit1yFraction?: number | undefined;
  /** 3-year commitment fraction of on-demand. */
  readonly commit3yFraction?: number | undefined;
}

/** Price of one GPU model in one region. */
export interface GcpGpuRateSeed {
  /** Model as GCP names it in descriptions (`Tesla T4`, `A100`, `L4`). */
  readonly model: string;
  /** Region. */
  readonly region: string;
  /** Price per GPU-hour. */
  readonly hourly: number;
  /** Spot price per GPU-hour. */
  readonly spotHourly?: number | undefined;
}

/** Options of {@link startGcpBillingCatalogEmulator}. */
export interface GcpBillingCatalogEmulatorOptions {
  /** Family rates (default: the bundled snapshot's GCP rates). */
  readonly families?: readonly GcpFamilyRateSeed[] | undefined;
  /** GPU rates. */
  readonly gpus?: readonly GcpGpuRateSeed[] | undefined;
  /** Default page size when the request gives none (the real default is 5000). */
  readonly defaultPageSize?: number | undefined;
  /** When set, requests must carry this API key (`key=`) or get 403. */
  readonly apiKey?: string | undefined;
  /** Port (default: any free port). */
  readonly port?: number | undefined;
}

/** The operation name of `GET /v1/services/{service}/skus` (the REST method), for faults and the request log. */
export const GCP_BILLING_SKUS_OPERATION = 'services.skus.list';

const SERVICE = '6F81-5844-456A';

/** The words GCP uses for a family in SKU descriptions. */
function familyWords(family: string): string {
  if (family === 'c2') return 'Compute optimized';
  if (family === 'n2d') return 'N2D AMD Instance';
  return `${family.toUpperCase()} Instance`;
}

/** Where a SKU says it runs: one geography for several regions, the place name for one. */
const PLACES: Readonly<Record<string, string>> = {
  'us-east4': 'Virginia',
  'europe-west1': 'Belgium',
  'europe-west2': 'London',
  'europe-west4': 'Netherlands',
  'asia-east1': 'Taiwan',
  'asia-northeast1': 'Tokyo',
  'asia-southeast1': 'Singapore',
};
function placeOf(regions: readonly string[]): string {
  if (regions.length === 1 && PLACES[regions[0]!]) return PLACES[regions[0]!]!;
  const r = regions[0] ?? '';
  return r.startsWith('europe') ? 'EMEA' : r.startsWith('asia') || r.startsWith('australia') ? 'APAC' : 'Americas';
}

function money(amount: number, currency: string): { currencyCode: string; units: string; nanos: number } {
  const units = Math.floor(amount);
  return { currencyCode: currency, units: String(units), nanos: Math.round((amount - units) * 1e9) };
}

interface SkuJson {
  name: string;
  skuId: string;
  description: string;
  category: { serviceDisplayName: string; resourceFamily: string; resourceGroup: string; usageType: string };
  serviceRegions: string[];
  pricingInfo: unknown[];
  serviceProviderName: string;
  geoTaxonomy: { type: string; regions: string[] };
}

function buildSkus(families: readonly GcpFamilyRateSeed[], gpus: readonly GcpGpuRateSeed[]) {
  const skus: Array<Omit<SkuJson, 'pricingInfo'> & { price: number; unit: 'h' | 'GiBy.h' }> = [];
  let n = 0;
  const add = (description: string, resourceFamily: string, resourceGroup: string, usageType: string, regions: string[], price: number, unit: 'h' | 'GiBy.h') => {
    n++;
    const skuId = `${n.toString(16).toUpperCase().padStart(4, '0')}-${((n * 7919) % 65536).toString(16).toUpperCase().padStart(4, '0')}-${((n * 104729) % 65536).toString(16).toUpperCase().padStart(4, '0')}`;
    skus.push({
      name: `services/${SERVICE}/skus/${skuId}`,
      skuId,
      description,
      category: { serviceDisplayName: 'Compute Engine', resourceFamily, resourceGroup, usageType },
      serviceRegions: regions,
      serviceProviderName: 'Google',
      geoTaxonomy: { type: regions.length > 1 ? 'MULTI_REGIONAL' : 'REGIONAL', regions },
      price,
      unit,
    });
  };
  // Group regions that share a price into one SKU, as the real catalog does.
  const groups = new Map<string, { seed: GcpFamilyRateSeed; regions: string[] }>();
  for (const f of families) {
    const key = `${f.family}|${f.vcpuHourly.toFixed(9)}|${f.gibHourly.toFixed(9)}|${f.spotFraction}|${f.commit1yFraction}|${f.commit3yFraction}`;
    const g = groups.get(key);
    if (g) g.regions.push(f.region);
    else groups.set(key, { seed: f, regions: [f.region] });
  }
  for (const { seed: f, regions } of groups.values()) {
    const words = familyWords(f.family);
    const where = placeOf(regions);
    const upper = f.family.toUpperCase();
    add(`${words} Core running in ${where}`, 'Compute', 'CPU', 'OnDemand', regions, f.vcpuHourly, 'h');
    add(`${words} Ram running in ${where}`, 'Compute', 'RAM', 'OnDemand', regions, f.gibHourly, 'GiBy.h');
    if (f.spotFraction !== undefined) {
      add(`Spot Preemptible ${words} Core running in ${where}`, 'Compute', 'CPU', 'Preemptible', regions, f.vcpuHourly * f.spotFraction, 'h');
      add(`Spot Preemptible ${words} Ram running in ${where}`, 'Compute', 'RAM', 'Preemptible', regions, f.gibHourly * f.spotFraction, 'GiBy.h');
    }
    if (f.commit1yFraction !== undefined) {
      add(`Commitment v1: ${upper} Cpu in ${where} for 1 Year`, 'Compute', 'CPU', 'Commit1Yr', regions, f.vcpuHourly * f.commit1yFraction, 'h');
      add(`Commitment v1: ${upper} Ram in ${where} for 1 Year`, 'Compute', 'RAM', 'Commit1Yr', regions, f.gibHourly * f.commit1yFraction, 'GiBy.h');
    }
    if (f.commit3yFraction !== undefined) {
      add(`Commitment v1: ${upper} Cpu in ${where} for 3 Year`, 'Compute', 'CPU', 'Commit3Yr', regions, f.vcpuHourly * f.commit3yFraction, 'h');
      add(`Commitment v1: ${upper} Ram in ${where} for 3 Year`, 'Compute', 'RAM', 'Commit3Yr', regions, f.gibHourly * f.commit3yFraction, 'GiBy.h');
    }
    // Custom machine types cost more per core; a loader pricing predefined types must skip them.
    add(`${upper} Custom Instance Core running in ${where}`, 'Compute', 'CPU', 'OnDemand', regions, f.vcpuHourly * 1.05, 'h');
  }
  for (const g of gpus) {
    add(`Nvidia ${g.model} GPU running in ${placeOf([g.region])}`, 'Compute', 'GPU', 'OnDemand', [g.region], g.hourly, 'h');
    if (g.spotHourly !== undefined) add(`Nvidia ${g.model} GPU attached to Spot Preemptible VMs running in ${placeOf([g.region])}`, 'Compute', 'GPU', 'Preemptible', [g.region], g.spotHourly, 'h');
  }
  add('Balanced PD Capacity in Americas', 'Storage', 'SSD', 'OnDemand', ['us-central1'], 0.1, 'GiBy.h');
  return skus;
}

/** A google.rpc.Status error body. */
function googleError(status: number, code: string, message: string): EmulatorResponse {
  return jsonResponse(status, { error: { code: status, message, status: code } }, {}, code);
}

/** google.rpc canonical status names by the HTTP status Google answers them with. */
const GOOGLE_STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google's refusals: `{ error: { code, message, status } }`, the status name following the HTTP status. */
const GOOGLE_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: (kind) => GOOGLE_STATUS_NAMES[genericFaultWording(kind).status],
  render: (fault) => googleError(fault.status, fault.code, fault.message),
});

type Sku = ReturnType<typeof buildSkus>[number];

function priced({ price, unit, ...sku }: Sku, currency: string) {
  return {
    ...sku,
    pricingInfo: [
      {
        summary: '',
        pricingExpression: {
          usageUnit: unit,
          displayQuantity: 1,
          tieredRates: [{ startUsageAmount: 0, unitPrice: money(price, currency) }],
          usageUnitDescription: unit === 'h' ? 'hour' : 'gibibyte hour',
          baseUnit: unit === 'h' ? 's' : 'By.s',
          baseUnitDescription: unit === 'h' ? 'second' : 'byte second',
          baseUnitConversionFactor: unit === 'h' ? 3600 : 3865470566400,
        },
        currencyConversionRate: 1,
        effectiveTime: '2025-05-01T00:00:00Z',
      },
    ],
  };
}

function listSkus(skus: readonly Sku[], options: GcpBillingCatalogEmulatorOptions, request: EmulatorRequest): EmulatorResponse {
  const bearer = /^Bearer \S+/.test(request.header('authorization') ?? '');
  if (options.apiKey !== undefined && request.query.get('key') !== options.apiKey && !bearer) {
    return googleError(403, 'PERMISSION_DENIED', 'The request is missing a valid API key.');
  }
  // The real API caps the page size at 5000 rather than refusing more.
  const pageSize = Math.min(5000, Number(request.query.get('pageSize') ?? options.defaultPageSize ?? 5000));
  if (!(pageSize >= 1)) return googleError(400, 'INVALID_ARGUMENT', 'Invalid page size.');
  const currency = request.query.get('currencyCode') ?? 'USD';
  try {
    const page = paginate(skus, { token: request.query.get('pageToken') ?? undefined, pageSize, query: currency });
    return jsonResponse(200, { skus: page.items.map((sku) => priced(sku, currency)), nextPageToken: page.nextToken ?? '' });
  } catch (e) {
    if (e instanceof PaginationError) return googleError(400, 'INVALID_ARGUMENT', 'Invalid page token.');
    throw e;
  }
}

/**
 * A running Cloud Billing Catalog emulator. Faults use the kit's vocabulary on the operation
 * {@link GCP_BILLING_SKUS_OPERATION}: `emu.faults.failNext('services.skus.list', { kind: 'unavailable' })`.
 */
export class GcpBillingCatalogEmulator extends EmulatorBase {
  /** Starts one; see {@link startGcpBillingCatalogEmulator}. */
  static async start(options: GcpBillingCatalogEmulatorOptions = {}): Promise<GcpBillingCatalogEmulator> {
    const families = options.families ?? (await import('../../catalog/bundled-snapshot.js')).bundledGcpRates();
    const skus = buildSkus(families, options.gpus ?? []);
    const server = await EmulatorServer.start({
      name: 'gcp-billing-catalog-emulator',
      port: options.port,
      faultWireForm: GOOGLE_FAULT_WIRE_FORM,
      routes: [{ method: 'GET', path: `/v1/services/${SERVICE}/skus`, operation: GCP_BILLING_SKUS_OPERATION, handle: (request) => listSkus(skus, options, request) }],
      notFound: () => googleError(404, 'NOT_FOUND', 'Requested entity was not found.'),
    });
    return new GcpBillingCatalogEmulator(server);
  }
}

/** Starts a local Cloud Billing Catalog API (Compute Engine SKUs) on 127.0.0.1. */
export function startGcpBillingCatalogEmulator(options: GcpBillingCatalogEmulatorOptions = {}): Promise<GcpBillingCatalogEmulator> {
  return GcpBillingCatalogEmulator.start(options);
}
