/**
 * The hard rules of placement: what turns a candidate down, and the reason each refusal gives
 * (the reasons are what `explain()` shows). They are checked at three levels, cheapest first, so
 * that the search never reads an offer whose provider or region is already ruled out:
 * - provider: blocks, `provider` and `capability` constraints, GPUs, `restrict` and `require`
 *   policies, spot asked for but not sold;
 * - region: blocks, `region` constraints (with `near` latency limits), region-scoped policies;
 * - offer: sold on the price basis, the cost limit, the exact instance type, the provider's
 *   instance families, an allowed zone.
 * One {@link DecisionRules} holds the rules of one decision.
 */
import { instanceFamily, offerPrice } from '../../provider/offer-selection.js';
import type { Offer, Region, VMSpec } from '../../provider/types.js';
import type { PlacementExclusions } from './exclusions.js';
import type { LatencyMatrix } from './latency-matrix.js';
import type { PlacementProvider } from './placement-provider.js';
import { hasCapability, type CostConstraint, type PlacementConstraint, type SpotPolicy } from './placement-request.js';
import type { Policy } from './policy.js';

/** A rule that turned a provider or region down, and why. */
export interface RuleRejection {
  /** The rule: `blocked`, `constraint:region`, `policy:<name>`, ... */
  readonly rule: string;
  /** Why, for a person. */
  readonly reason: string;
}

/** An offer the offer-level rules admitted, with the price and zone they settled on; not yet scored. */
export interface RawCandidate {
  /** Registered name of the provider selling the offer (`offer.provider` is its kind). */
  readonly provider: string;
  /** Position of the offer in the offer index. */
  readonly position: number;
  /** The offer. */
  readonly offer: Offer;
  /** On spot capacity. */
  readonly spot: boolean;
  /** Price per hour on its basis. */
  readonly price: number;
  /** Zone to name, when one must be named. */
  readonly zone: string | undefined;
}

/** A spec's own region and zone are hard constraints. */
export function withSpecConstraints(spec: VMSpec, constraints: readonly PlacementConstraint[]): readonly PlacementConstraint[] {
  if (spec.region === undefined && spec.zone === undefined) return constraints;
  const extra: PlacementConstraint[] = [];
  if (spec.region !== undefined) extra.push({ type: 'region', operator: 'in', values: [spec.region] });
  if (spec.zone !== undefined) extra.push({ type: 'zone', operator: 'in', values: [spec.zone] });
  return [...constraints, ...extra];
}

/** True when `price` breaks a cost constraint. */
export function overCost(price: number, costMax: CostConstraint): boolean {
  return costMax.operator === '<' ? price >= costMax.value : price > costMax.value;
}

/** What the rules of one decision are made of. */
export interface DecisionRulesInput {
  /** The VM. */
  readonly spec: VMSpec;
  /** Its constraints, the spec's own region and zone included (see {@link withSpecConstraints}). */
  readonly constraints: readonly PlacementConstraint[];
  /** The policies whose conditions hold for this VM, in priority order. */
  readonly policies: readonly Policy[];
  /** Spot use. */
  readonly spotPolicy: SpotPolicy;
  /** Failed or blocked places. */
  readonly exclusions: PlacementExclusions;
  /** Region geography and round trips, for `near` limits and country or area restrictions. */
  readonly latency: LatencyMatrix;
}

/** The hard rules of one decision, at provider, region and offer level. */
export class DecisionRules {
  /** The VM. */
  readonly spec: VMSpec;
  /** Spot use. */
  readonly spotPolicy: SpotPolicy;
  /** The cost limit, when there is one. */
  readonly costMax: CostConstraint | undefined;
  /** False when no rule concerns regions, so per-region checks can be skipped. */
  readonly regionRules: boolean;
  /** False when no rule concerns zones, so an offer's own zone needs no check. */
  private readonly zoneRules: boolean;
  private readonly constraints: readonly PlacementConstraint[];
  private readonly policies: readonly Policy[];
  private readonly exclusions: PlacementExclusions;
  private readonly latency: LatencyMatrix;
  /** The applied `prefer` policy that asks for spot, when there is one. */
  private readonly preferSpot: Policy | undefined;

  /** Gathers the rules of one decision. */
  constructor(input: DecisionRulesInput) {
    const { spec, constraints, policies, exclusions } = input;
    this.spec = spec;
    this.spotPolicy = input.spotPolicy;
    this.constraints = constraints;
    this.policies = policies;
    this.exclusions = exclusions;
    this.latency = input.latency;
    this.costMax = constraints.find((c): c is CostConstraint => c.type === 'cost');
    const mayExclude = exclusions.mayExcludeRegions?.() !== false;
    this.zoneRules = mayExclude || constraints.some((c) => c.type === 'zone');
    // Region-level rules exist only with region constraints, region-scoped policies or exclusions.
    this.regionRules =
      mayExclude ||
      constraints.some((c) => c.type === 'region') ||
      policies.some((p) => (p.action.type === 'restrict' && (p.action.regions || p.action.countries || p.action.areas)) || (p.action.type === 'require' && p.action.regions));
    this.preferSpot = policies.find((p) => p.action.type === 'prefer' && (p.action.providers ?? []).some((t) => t === 'spot-instances' || t === 'spot'));
  }

  /** Why the provider is turned down, if it is: a block, then constraints, GPUs, policies and spot, in that order. */
  providerRejection(entry: PlacementProvider): RuleRejection | undefined {
    const { name, kind, capabilities } = entry.provider;
    const blocked = this.exclusions.provider(name);
    if (blocked) return { rule: 'blocked', reason: blocked };
    const names = (t: string): boolean => t === name || t === kind;
    for (const c of this.constraints) {
      if (c.type === 'provider') {
        const listed = c.values.some(names);
        if (c.operator === 'in' && !listed) return { rule: 'constraint:provider', reason: `provider ${name} (${kind}) is not in [${c.values.join(', ')}]` };
        if (c.operator === 'notIn' && listed) return { rule: 'constraint:provider', reason: `provider ${name} (${kind}) is excluded` };
      }
      if (c.type === 'capability') {
        const missing = c.values.filter((v) => !hasCapability(capabilities, v));
        if (missing.length > 0) return { rule: 'constraint:capability', reason: `provider ${name} lacks ${missing.join(', ')}` };
      }
    }
    if (this.spec.gpu && !capabilities.gpu) return { rule: 'capability:gpu', reason: `provider ${name} offers no GPUs` };
    for (const policy of this.policies) {
      const a = policy.action;
      if (a.type === 'restrict' && a.providers) {
        // Capacity types (spot-instances, on-demand) in a restrict list constrain offers, not providers.
        const providerTargets = a.providers.filter((t) => t !== 'spot-instances' && t !== 'spot' && t !== 'on-demand');
        if (providerTargets.length > 0 && !providerTargets.some(names)) {
          return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts providers to [${a.providers.join(', ')}]` };
        }
      }
      if (a.type === 'require') {
        const missing = (a.capabilities ?? []).filter((v) => !hasCapability(capabilities, v));
        if (missing.length > 0) return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} requires ${missing.join(', ')}` };
        const providerTargets = (a.providers ?? []).filter((t) => t !== 'spot-instances' && t !== 'on-demand');
        if (providerTargets.length > 0 && !providerTargets.some(names)) {
          return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} requires one of [${providerTargets.join(', ')}]` };
        }
      }
    }
    if (this.spotPolicy === 'require' && !capabilities.spot) return { rule: 'capability:spot', reason: 'the VM asks for spot and this provider sells none' };
    return undefined;
  }

  /** Why spot capacity is allowed on this provider, or `undefined` when it is not. */
  spotReason(entry: PlacementProvider): string | undefined {
    const { name, capabilities } = entry.provider;
    if (this.spotPolicy === 'forbid' || !capabilities.spot) return undefined;
    if (this.spotPolicy === 'require') return 'the VM asks for spot';
    if (entry.defaults.spotEnabled) return `provider default spotEnabled on ${name}`;
    if (this.preferSpot) return `policy ${this.preferSpot.name} prefers spot-instances`;
    return undefined;
  }

  /** Why the region of `provider` is turned down, if it is. */
  regionRejection(provider: string, region: Region): RuleRejection | undefined {
    const blocked = this.exclusions.region(provider, region.name);
    if (blocked) return { rule: 'blocked', reason: blocked };
    const geo = region.geo ?? this.latency.geoOf(region.name);
    for (const c of this.constraints) {
      if (c.type !== 'region') continue;
      if (c.operator === 'in' && !c.values.includes(region.name)) return { rule: 'constraint:region', reason: `region ${region.name} is not in [${c.values.join(', ')}]` };
      if (c.operator === 'notIn' && c.values.includes(region.name)) return { rule: 'constraint:region', reason: `region ${region.name} is excluded` };
      if (c.operator === 'near' && c.maxLatencyMs !== undefined) {
        const rtt = this.latency.rtt(c.value, region.name);
        if (!rtt) return { rule: 'constraint:region-near', reason: `round trip from ${c.value} to ${region.name} is unknown` };
        if (rtt.rttMs > c.maxLatencyMs) {
          return { rule: 'constraint:region-near', reason: `${region.name} is ${rtt.rttMs} ms from ${c.value} (${rtt.source}), above ${c.maxLatencyMs} ms` };
        }
      }
    }
    for (const policy of this.policies) {
      const a = policy.action;
      if (a.type === 'restrict') {
        if (a.regions && !a.regions.includes(region.name)) return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts regions to [${a.regions.join(', ')}]` };
        if (a.countries && !(geo && a.countries.some((c) => c.toUpperCase() === geo.country.toUpperCase()))) {
          return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts countries to [${a.countries.join(', ')}]; ${region.name} is in ${geo?.country ?? 'an unknown country'}` };
        }
        if (a.areas && !(geo?.area && a.areas.includes(geo.area))) {
          return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts areas to [${a.areas.join(', ')}]; ${region.name} is in ${geo?.area ?? 'an unknown area'}` };
        }
      }
      if (a.type === 'require' && a.regions && !a.regions.includes(region.name)) {
        return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} requires one of [${a.regions.join(', ')}]` };
      }
    }
    return undefined;
  }

  /**
   * Offer-level rules for an offer of an allowed provider × region: sold on the basis, cost,
   * exact type, family, zone. Returns the candidate, or the reason on refusal.
   */
  admitOffer(entry: PlacementProvider, position: number, offer: Offer, spot: boolean): RawCandidate | string {
    const { spec, costMax } = this;
    const price = offerPrice(offer, spot);
    if (price === undefined) return 'price';
    if (costMax && overCost(price, costMax)) return `$${price}/h is not ${costMax.operator} $${costMax.value}/h`;
    if (spec.instanceType !== undefined && offer.instanceType !== spec.instanceType) return `instance type is not ${spec.instanceType}`;
    const families = entry.defaults.instanceFamilies;
    if (families && families.length > 0 && !families.includes(instanceFamily(offer.instanceType))) return `family ${instanceFamily(offer.instanceType)} is outside [${families.join(', ')}]`;
    const zone = this.zoneFor(offer, entry);
    if (zone === null) return 'every zone is blocked or excluded';
    return { provider: entry.provider.name, position, offer, spot, price, zone };
  }

  /** The zone to name: the offer's own, or the first allowed one when some zones are ruled out; `null` when none is allowed. */
  private zoneFor(offer: Offer, entry: PlacementProvider): string | undefined | null {
    const { constraints, exclusions, spec } = this;
    if (offer.zone !== undefined && !this.zoneRules) return offer.zone;
    const allowed = (zone: string): boolean =>
      exclusions.zone(entry.provider.name, offer.region, zone) === undefined &&
      constraints.every((c) => c.type !== 'zone' || (c.operator === 'in' ? c.values.includes(zone) : !c.values.includes(zone)));
    if (offer.zone !== undefined) return allowed(offer.zone) ? offer.zone : null;
    if (spec.zone !== undefined) return allowed(spec.zone) ? spec.zone : null;
    if (!this.zoneRules) return undefined;
    const zones = entry.regions.get(offer.region)?.zones ?? [];
    if (zones.length === 0) return undefined;
    const free = zones.filter(allowed);
    if (free.length === zones.length) return undefined; // the provider may choose
    return free[0] ?? null;
  }
}
