/**
 * Address planning: one non-overlapping range for every network and subnet across providers,
 * taken from configurable pools, around reserved ranges and ranges already in use.
 *
 * The rules, in order, are what make a plan deterministic, stable and explainable:
 * 1. A network kept from `previous` (same key, same size, still clear of reserved and in-use
 *    ranges) keeps its range; so do its subnets. A network with a fixed `cidr` gets it.
 * 2. Every other network, in the order given, takes the lowest free aligned block of its size
 *    in the first pool (of its IP version, or the one it names) that has one: "first fit".
 * 3. Subnets are placed the same way inside their network's range.
 * Each allocation says which rule placed it and which occupied ranges it had to skip. No
 * request order is reshuffled (no "largest first"), so appending a network never moves another
 * even without `previous`. When nothing fits, the planner throws
 * {@link AddressSpaceExhaustedError}; it never returns an overlap.
 *
 * Ranges are integer intervals from `cidr.ts` (on the `ip-address` library); the search walks
 * the occupied intervals of a pool in address order, so it is linear in their number.
 */
import * as v from 'valibot';
import { ADDRESS_BITS, blockSize, cidrContains, cidrsOverlap, formatCidr, parseCidr, type Cidr } from '../provider/cidr.js';
import { withDeadline } from '../federation/operations/deadline.js';
import { InvalidSpecError } from '../provider/errors.js';
import type { CallOptions } from '../provider/provider-v1.js';
import type { NetworkProviderV1 } from '../provider/network-provider-v1.js';
import { toSpecIssues } from '../provider/spec-schema.js';
import { AddressSpaceExhaustedError } from './network-errors.js';

/** A pool to allocate from. */
export interface AddressPool {
  /** The pool's range, e.g. `10.0.0.0/8` or `fd00::/40`. */
  readonly cidr: string;
  /** Name a network may ask for (default: the CIDR text). */
  readonly name?: string | undefined;
}

/** A range no allocation may touch. */
export interface ReservedRange {
  /** The range. */
  readonly cidr: string;
  /** Why it is reserved (`on-prem`, `docker bridge`), said in explanations. */
  readonly reason: string;
}

/** A range some network already uses (read from a cloud, or given). */
export interface InUseRange {
  /** The range. */
  readonly cidr: string;
  /** Who uses it (`aws-east/vpc-0abc`), said in explanations. */
  readonly owner: string;
  /** The plan key of the network this range is, when it is one of the planned networks (then it does not block itself). */
  readonly key?: string | undefined;
}

/** A subnet to place inside its network. */
export interface SubnetRequest {
  /** Key, unique within its network (`web`, `db`). */
  readonly key: string;
  /** Prefix length (e.g. 24). */
  readonly prefix: number;
}

/** A network to place. */
export interface NetworkRequest {
  /** Stable key, unique in the plan (`aws-east/main`): what makes re-plans keep allocations. */
  readonly key: string;
  /** Provider the network belongs to (said in explanations). */
  readonly provider?: string | undefined;
  /** Prefix length (default 16). */
  readonly prefix?: number | undefined;
  /** IP version (default 4). */
  readonly version?: 4 | 6 | undefined;
  /** Only this pool (by name). */
  readonly pool?: string | undefined;
  /** An existing network's range, kept as it is (it must not overlap anything else). */
  readonly cidr?: string | undefined;
  /** Subnets to place inside it. */
  readonly subnets?: readonly SubnetRequest[] | undefined;
}

/** Where one subnet landed and why. */
export interface SubnetAllocation {
  /** The subnet's key. */
  readonly key: string;
  /** Its range. */
  readonly cidr: string;
  /** Why it is there. */
  readonly reason: string;
}

/** Where one network landed and why. */
export interface AddressAllocation {
  /** The network's key. */
  readonly key: string;
  /** Its provider, when given. */
  readonly provider: string | undefined;
  /** Its range. */
  readonly cidr: string;
  /** The pool it came from (`undefined` for a fixed range outside every pool). */
  readonly pool: string | undefined;
  /** Which rule placed it: `kept` from the previous plan, `fixed` by the request, or `first-fit`. */
  readonly rule: 'kept' | 'fixed' | 'first-fit';
  /** Why it is there, in words: the rule and the occupied ranges it skipped. */
  readonly reason: string;
  /** Its subnets. */
  readonly subnets: readonly SubnetAllocation[];
}

/** A complete plan. */
export interface AddressPlan {
  /** One allocation per requested network, in request order. */
  readonly allocations: readonly AddressAllocation[];
}

/** What {@link planAddresses} is asked. */
export interface AddressPlanInput {
  /** Pools, tried in order (default {@link DEFAULT_ADDRESS_POOLS}). */
  readonly pools?: readonly AddressPool[] | undefined;
  /** Ranges never allocated (default {@link DEFAULT_RESERVED_RANGES}; pass `[]` for none, or add to the defaults). */
  readonly reserved?: readonly ReservedRange[] | undefined;
  /** Ranges already used by networks (see {@link readInUseRanges}). */
  readonly inUse?: readonly InUseRange[] | undefined;
  /** Networks to place. */
  readonly networks: readonly NetworkRequest[];
  /** The plan this one replaces: its allocations are kept where they still fit. */
  readonly previous?: AddressPlan | undefined;
}

/** The default pool: the whole of 10.0.0.0/8. */
export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = [{ cidr: '10.0.0.0/8', name: 'private-10' }];

/**
 * Ranges no cloud network should take: link-local (cloud metadata endpoints and VPN inside
 * addresses live there) and Docker's default bridge, which breaks hosts that run Docker.
 */
export const DEFAULT_RESERVED_RANGES: readonly ReservedRange[] = [
  { cidr: '169.254.0.0/16', reason: 'link-local (cloud metadata, VPN tunnel inside addresses)' },
  { cidr: '172.17.0.0/16', reason: 'Docker default bridge' },
];

const keySchema = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(200, 'must be at most 200 characters'));
const prefixSchema = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be at least 0'), v.maxValue(128, 'must be at most 128'));
const cidrTextSchema = v.string('must be a CIDR string such as 10.0.0.0/16');
const inputSchema = v.strictObject({
  pools: v.optional(v.array(v.strictObject({ cidr: cidrTextSchema, name: v.optional(keySchema) }))),
  reserved: v.optional(v.array(v.strictObject({ cidr: cidrTextSchema, reason: keySchema }))),
  inUse: v.optional(v.array(v.strictObject({ cidr: cidrTextSchema, owner: keySchema, key: v.optional(keySchema) }))),
  networks: v.array(
    v.strictObject({
      key: keySchema,
      provider: v.optional(v.string()),
      prefix: v.optional(prefixSchema),
      version: v.optional(v.picklist([4, 6] as const, 'must be 4 or 6')),
      pool: v.optional(keySchema),
      cidr: v.optional(cidrTextSchema),
      subnets: v.optional(v.array(v.strictObject({ key: keySchema, prefix: prefixSchema }))),
    }),
    'must be a list of networks',
  ),
  previous: v.optional(v.looseObject({ allocations: v.array(v.looseObject({ key: v.string(), cidr: v.string() })) })),
});

/** An occupied interval and what to say about it. */
interface Occupied {
  readonly range: Cidr;
  readonly why: string;
  /** The plan key it belongs to, for in-use ranges that are planned networks. */
  readonly key?: string | undefined;
}

interface ParsedPool {
  readonly range: Cidr;
  readonly name: string;
}

/** Skipped ranges listed in one explanation, at most. */
const MAX_SKIPS_EXPLAINED = 4;

/**
 * Places every network and subnet; see the module comment for the rules. Malformed input is an
 * `InvalidSpecError` naming the field; no room is an {@link AddressSpaceExhaustedError}.
 *
 * @example
 * ```ts
 * const plan = planAddresses({
 *   reserved: [...DEFAULT_RESERVED_RANGES, { cidr: '10.0.0.0/16', reason: 'on-prem' }],
 *   networks: [{ key: 'aws-east/main', prefix: 16, subnets: [{ key: 'web', prefix: 24 }] }, { key: 'gcp/main', prefix: 20 }],
 * });
 * plan.allocations[0]; // { cidr: '10.1.0.0/16', rule: 'first-fit', reason: 'first free /16 in pool private-10 (10.0.0.0/8), after 10.0.0.0/16 (reserved: on-prem)', ... }
 * ```
 */
export function planAddresses(input: AddressPlanInput): AddressPlan {
  const parsed = v.safeParse(inputSchema, input);
  if (!parsed.success) throw new InvalidSpecError({ issues: toSpecIssues(parsed.issues) });
  const pools = (input.pools ?? DEFAULT_ADDRESS_POOLS).map((p, i): ParsedPool => {
    const range = parseCidr(p.cidr, { field: `pools[${i}].cidr` });
    return { range, name: p.name ?? range.text };
  });
  if (pools.length === 0) throw new InvalidSpecError({ issues: [{ field: 'pools', message: 'must name at least one pool' }] });
  const fixedOccupied: Occupied[] = [
    ...(input.reserved ?? DEFAULT_RESERVED_RANGES).map((r, i) => ({ range: parseCidr(r.cidr, { field: `reserved[${i}].cidr` }), why: `reserved: ${r.reason}` })),
    ...(input.inUse ?? []).map((r, i) => ({ range: parseCidr(r.cidr, { field: `inUse[${i}].cidr` }), why: `in use: ${r.owner}`, key: r.key })),
  ];
  const keys = new Set<string>();
  input.networks.forEach((n, i) => {
    if (keys.has(n.key)) throw new InvalidSpecError({ issues: [{ field: `networks[${i}].key`, message: `duplicate network key "${n.key}"` }] });
    keys.add(n.key);
    const subnetKeys = new Set<string>();
    (n.subnets ?? []).forEach((s, j) => {
      if (subnetKeys.has(s.key)) throw new InvalidSpecError({ issues: [{ field: `networks[${i}].subnets[${j}].key`, message: `duplicate subnet key "${s.key}"` }] });
      subnetKeys.add(s.key);
    });
  });
  const previous = new Map((input.previous?.allocations ?? []).map((a) => [a.key, a]));
  const planned: Occupied[] = [];
  const results = new Map<string, AddressAllocation>();

  // Rule 1 first, for every network, so that a kept range is never taken by an earlier new one.
  input.networks.forEach((request, i) => {
    const version = request.version ?? 4;
    const prefix = request.prefix ?? (version === 4 ? 16 : 48);
    const blockers = (range: Cidr): Occupied[] => [...fixedOccupied, ...planned].filter((o) => o.key !== request.key && cidrsOverlap(o.range, range));
    if (request.cidr !== undefined) {
      const range = parseCidr(request.cidr, { field: `networks[${i}].cidr` });
      const clash = blockers(range)[0];
      if (clash) throw new InvalidSpecError({ issues: [{ field: `networks[${i}].cidr`, message: `${range.text} overlaps ${clash.range.text} (${clash.why})` }] });
      const pool = pools.find((p) => cidrContains(p.range, range));
      planned.push({ range, why: `planned: ${request.key}`, key: request.key });
      results.set(request.key, { key: request.key, provider: request.provider, cidr: range.text, pool: pool?.name, rule: 'fixed', reason: `fixed by the request (${range.text})`, subnets: [] });
      return;
    }
    const prior = previous.get(request.key);
    if (prior === undefined) return;
    const range = parseCidr(prior.cidr, { field: `previous.allocations[${request.key}].cidr` });
    const pool = pools.find((p) => cidrContains(p.range, range) && (request.pool === undefined || p.name === request.pool));
    if (range.prefix !== prefix || range.version !== version || pool === undefined || blockers(range).length > 0) return;
    planned.push({ range, why: `planned: ${request.key}`, key: request.key });
    results.set(request.key, { key: request.key, provider: request.provider, cidr: range.text, pool: pool.name, rule: 'kept', reason: `kept from the previous plan (${range.text} in pool ${pool.name})`, subnets: [] });
  });

  input.networks.forEach((request, i) => {
    const field = `networks[${i}]`;
    const version = request.version ?? 4;
    const prefix = request.prefix ?? (version === 4 ? 16 : 48);
    let allocation = results.get(request.key);
    if (allocation === undefined) {
      const candidates = pools.filter((p) => p.range.version === version && (request.pool === undefined || p.name === request.pool));
      if (request.pool !== undefined && candidates.length === 0) {
        throw new InvalidSpecError({ issues: [{ field: `${field}.pool`, message: `no IPv${version} pool named "${request.pool}" (pools: ${pools.map((p) => p.name).join(', ')})` }] });
      }
      checkPrefix(prefix, version, `${field}.prefix`);
      const occupied = [...fixedOccupied, ...planned].filter((o) => o.key !== request.key);
      const found = firstFitInPools(candidates, prefix, occupied);
      if (found === undefined) throw exhausted(request.key, prefix, candidates.map((p) => p.range), occupied);
      planned.push({ range: found.range, why: `planned: ${request.key}`, key: request.key });
      allocation = { key: request.key, provider: request.provider, cidr: found.range.text, pool: found.pool.name, rule: 'first-fit', reason: `first free /${prefix} in pool ${found.pool.name} (${found.pool.range.text})${skipsText(found.skipped)}`, subnets: [] };
    }
    results.set(request.key, { ...allocation, subnets: planSubnets(request, allocation, previous.get(request.key), field) });
  });
  return { allocations: input.networks.map((n) => results.get(n.key)!) };
}

/** Places a network's subnets inside its range: kept ones first, then first fit in request order. */
function planSubnets(request: NetworkRequest, network: AddressAllocation, prior: { readonly subnets?: readonly { key: string; cidr: string }[] } | undefined, field: string): SubnetAllocation[] {
  const subnets = request.subnets ?? [];
  if (subnets.length === 0) return [];
  const range = parseCidr(network.cidr);
  const priorByKey = new Map((prior?.subnets ?? []).map((s) => [s.key, s]));
  const placed: Occupied[] = [];
  const out = new Map<string, SubnetAllocation>();
  for (const s of subnets) {
    const before = priorByKey.get(s.key);
    if (before === undefined) continue;
    const r = parseCidr(before.cidr, { lenient: true });
    if (r.prefix !== s.prefix || !cidrContains(range, r) || placed.some((o) => cidrsOverlap(o.range, r))) continue;
    placed.push({ range: r, why: `subnet ${s.key}` });
    out.set(s.key, { key: s.key, cidr: r.text, reason: `kept from the previous plan` });
  }
  subnets.forEach((s, j) => {
    if (out.has(s.key)) return;
    const at = `${field}.subnets[${j}].prefix`;
    checkPrefix(s.prefix, range.version, at);
    if (s.prefix < range.prefix) throw new InvalidSpecError({ issues: [{ field: at, message: `a /${s.prefix} does not fit in its network's /${range.prefix}` }] });
    const found = firstFit(range, s.prefix, placed);
    if (found === undefined) throw exhausted(`${request.key}/${s.key}`, s.prefix, [range], placed);
    placed.push({ range: found.range, why: `subnet ${s.key}` });
    out.set(s.key, { key: s.key, cidr: found.range.text, reason: `first free /${s.prefix} in ${network.key} (${range.text})${skipsText(found.skipped)}` });
  });
  return subnets.map((s) => out.get(s.key)!);
}

function checkPrefix(prefix: number, version: 4 | 6, field: string): void {
  if (prefix > ADDRESS_BITS[version]) throw new InvalidSpecError({ issues: [{ field, message: `an IPv${version} prefix is at most /${ADDRESS_BITS[version]}` }] });
}

interface Fit {
  readonly range: Cidr;
  readonly skipped: readonly Occupied[];
}

function firstFitInPools(pools: readonly ParsedPool[], prefix: number, occupied: readonly Occupied[]): (Fit & { pool: ParsedPool }) | undefined {
  for (const pool of pools) {
    if (prefix < pool.range.prefix) continue;
    const fit = firstFit(pool.range, prefix, occupied);
    if (fit) return { ...fit, pool };
  }
  return undefined;
}

/**
 * The lowest block of `prefix` bits inside `pool`, aligned to its size, that overlaps nothing
 * occupied. Walks the occupied intervals in address order: after each clash the search jumps
 * past the interval, so each interval is passed once.
 */
function firstFit(pool: Cidr, prefix: number, occupied: readonly Occupied[]): Fit | undefined {
  const size = blockSize(pool.version, prefix);
  const inPool = occupied.filter((o) => cidrsOverlap(o.range, pool)).sort((a, b) => (a.range.first < b.range.first ? -1 : a.range.first > b.range.first ? 1 : 0));
  const skipped: Occupied[] = [];
  let cursor = pool.first;
  for (;;) {
    const start = ((cursor - pool.first + size - 1n) / size) * size + pool.first;
    const end = start + size - 1n;
    if (end > pool.last) return undefined;
    const clash = inPool.find((o) => o.range.first <= end && start <= o.range.last);
    if (clash === undefined) return { range: parseCidr(formatCidr(pool.version, start, prefix)), skipped };
    if (!skipped.includes(clash)) skipped.push(clash);
    cursor = clash.range.last + 1n;
  }
}

function skipsText(skipped: readonly Occupied[]): string {
  if (skipped.length === 0) return '';
  const shown = skipped.slice(0, MAX_SKIPS_EXPLAINED).map((o) => `${o.range.text} (${o.why})`);
  const more = skipped.length > MAX_SKIPS_EXPLAINED ? ` and ${skipped.length - MAX_SKIPS_EXPLAINED} more` : '';
  return `, after ${shown.join(', ')}${more}`;
}

function exhausted(key: string, prefix: number, pools: readonly Cidr[], occupied: readonly Occupied[]): AddressSpaceExhaustedError {
  const taken = occupied.filter((o) => pools.some((p) => cidrsOverlap(o.range, p)));
  const where = pools.length === 0 ? 'no pool of its IP version' : pools.map((p) => p.text).join(', ');
  const why = taken.length === 0 ? 'the pools are smaller than the block' : `taken: ${taken.slice(0, MAX_SKIPS_EXPLAINED).map((o) => `${o.range.text} (${o.why})`).join(', ')}${taken.length > MAX_SKIPS_EXPLAINED ? ` and ${taken.length - MAX_SKIPS_EXPLAINED} more` : ''}`;
  return new AddressSpaceExhaustedError({
    message: `no free /${prefix} left for "${key}" in ${where} (${why}); add a pool or use a smaller prefix`,
    allocationKey: key,
    prefix,
    pools: pools.map((p) => p.text),
  });
}

/** Options of {@link readInUseRanges}. */
export interface ReadInUseOptions extends CallOptions {
  /** Longest time for all listings together, in ms (default 60,000); then a `TimeoutError`. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Every range the providers' networks and subnets use, read through their network companions,
 * as {@link InUseRange}s (owner `provider/networkId`). Pass it as `inUse` to {@link planAddresses}.
 */
export async function readInUseRanges(networks: readonly NetworkProviderV1[], options: ReadInUseOptions = {}): Promise<InUseRange[]> {
  return withDeadline({ operation: 'readInUseRanges' }, options.timeoutMs ?? 60_000, options.signal, async (signal) => {
    const out: InUseRange[] = [];
    for (const network of networks) {
      for await (const n of network.list('network', {}, { signal })) {
        for (const cidr of n.cidrs) out.push({ cidr, owner: `${network.provider}/${n.id}` });
      }
    }
    return out;
  });
}
