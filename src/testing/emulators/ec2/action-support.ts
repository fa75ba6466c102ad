/**
 * What every EC2 action handler shares: the call context, the kit's token pagination in EC2's
 * words, EC2-style filter matching, and the current spot price.
 */
import { checkPageSize, paginate as paginateItems, PaginationError } from '../kit/token-pagination.js';
import { Ec2ApiError } from './ec2-api-error.js';
import type { Ec2FaultPlan } from './ec2-fault-plan.js';
import { INSTANCE_TYPES, type Ec2State } from './ec2-state.js';
import { intOf, matchesFilterValue, textOf, type QueryFilter, type QueryNode } from './query-request.js';
import { SPOT_FACTORS } from './seed-catalog.js';
import type { XmlValue } from './xml-writer.js';

/** What a handler sees of one call. */
export interface ActionContext {
  /** The account. */
  readonly state: Ec2State;
  /** Faults in force (capacity, quotas, failed launches). */
  readonly faults: Ec2FaultPlan;
  /** Region of the call (from the request signature's credential scope). */
  readonly region: string;
  /** Spot price overrides by `zone/instanceType`. */
  readonly spotPrices: ReadonlyMap<string, number>;
  /** Objects "stored in S3" by the emulator (export output, import input), by `s3://bucket/key`. */
  readonly objects: Map<string, { sizeBytes: number; sha256: string }>;
}

/** A handler: parameters in, the response body's members out. */
export type ActionHandler = (ctx: ActionContext, params: { readonly [key: string]: QueryNode }) => Record<string, XmlValue>;

/** Parsed request parameters. */
export type Params = { readonly [key: string]: QueryNode };

/** JSON with sorted keys: equal requests give equal text (ClientToken fingerprints, page tokens). */
export function canonical(node: QueryNode | Params): string {
  if (typeof node === 'string') return JSON.stringify(node);
  if (Array.isArray(node)) return `[${node.map(canonical).join(',')}]`;
  return `{${Object.keys(node)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((node as Params)[k]!)}`)
    .join(',')}}`;
}

/** Reads and range-checks `MaxResults`. */
export function pageSize(params: Params, min: number, max: number, paramName = 'maxResults'): number | undefined {
  const n = intOf(params.MaxResults);
  try {
    return checkPageSize(n, { min, max });
  } catch (e) {
    if (!(e instanceof PaginationError)) throw e;
    throw new Ec2ApiError('InvalidParameterValue', `Value ( ${n} ) for parameter ${paramName} is invalid. Expecting a value between ${min} and ${max}.`);
  }
}

/** Slices `items` into a page, with an opaque token bound to the query it came from (`InvalidPaginationToken` otherwise). */
export function paginate<T>(items: readonly T[], params: Params, size: number | undefined): { page: T[]; nextToken: string | undefined } {
  const token = textOf(params.NextToken);
  try {
    const page = paginateItems(items, { token, pageSize: size, query: canonical({ ...params, NextToken: '', MaxResults: '' }) });
    return { page: page.items, nextToken: page.nextToken };
  } catch (e) {
    if (!(e instanceof PaginationError)) throw e;
    throw new Ec2ApiError('InvalidPaginationToken', `The pagination token is invalid: ${token}`);
  }
}

/** True when `item` satisfies every filter (any value of a filter may match). */
export function matchesAll<T>(filters: readonly QueryFilter[], item: T, value: (name: string, item: T) => string | readonly string[] | undefined): boolean {
  return filters.every((f) => {
    const v = value(f.name, item);
    if (v === undefined) return false;
    const candidates = typeof v === 'string' ? [v] : v;
    return f.values.some((pattern) => candidates.some((c) => matchesFilterValue(pattern, c)));
  });
}

/** Current spot price of a type in a zone (the seeded zone factor, unless a test set one). */
export function spotPriceOf(ctx: Pick<ActionContext, 'state' | 'spotPrices'>, zone: string, instanceType: string): number | undefined {
  const override = ctx.spotPrices.get(`${zone}/${instanceType}`);
  if (override !== undefined) return override;
  const type = INSTANCE_TYPES.get(instanceType);
  const region = [...ctx.state.regions.values()].find((r) => zone.startsWith(r.name));
  if (!type || !region) return undefined;
  const index = region.zones.indexOf(zone.slice(region.name.length));
  const factor = SPOT_FACTORS[index % SPOT_FACTORS.length] ?? SPOT_FACTORS[0]!;
  return Number((type.onDemandUsEast1 * region.priceFactor * factor).toFixed(4));
}
