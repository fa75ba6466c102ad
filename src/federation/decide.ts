/**
 * A placement decision that throws when nothing is feasible, explaining itself only when read,
 * and that says so when the price it chose by is older than the federation accepts.
 */
import type { PriceAgeWatch } from '../optimizer/price-age.js';
import type { VMSpec } from '../provider/types.js';
import { closestMatch } from '../provider/closest-match.js';
import { PlacementRefusedError } from './federation-errors.js';
import { DecisionParts, RefusedDecision, type PlacementCandidate, type PlacementDecision, type PlacementEngine, type PlacementExclusions } from './placement/index.js';
import type { PlacementRequest } from './placement/index.js';
import { renderDecision } from './placement/explanation.js';

/** Inputs of {@link decideOrThrow}. */
export interface DecideInput {
  readonly engine: PlacementEngine;
  readonly spec: VMSpec;
  readonly request: PlacementRequest;
  readonly explain: boolean;
  readonly exclusions: PlacementExclusions;
  readonly onlyProviders?: readonly string[] | undefined;
  /** Ages the chosen price; a stale one is named in the explanation and published once. */
  readonly priceAge?: PriceAgeWatch | undefined;
  /** The registered providers, so that a refusal can say when a constraint names none of them. */
  readonly providers?: readonly { readonly name: string; readonly kind: string }[] | undefined;
}

/** Reasons a refusal message names before it points at `rejected` and the explanation. */
const REASONS_IN_MESSAGE = 3;

/** Decides; a refusal throws `PlacementRefusedError` whose message and explanation are worked out when first read. */
export function decideOrThrow(input: DecideInput): PlacementDecision {
  const { engine, spec, request, exclusions, onlyProviders } = input;
  const decision = engine.decide(spec, request, { explain: input.explain, exclusions, onlyProviders });
  if (!(decision instanceof RefusedDecision)) return withPriceAge(decision, input.priceAge);
  let full: RefusedDecision | undefined = input.explain ? decision : undefined;
  const explained = (): RefusedDecision => (full ??= engine.decide(spec, request, { explain: true, exclusions, onlyProviders }) as RefusedDecision);
  // A refusal is rare and final: its message says why — a name that matches nothing first (alone when it
  // rules out every candidate by itself), then the commonest reasons.
  const unknown = unknownNames(spec, request, engine, input.providers);
  const reasons = (): readonly string[] => (unknown.decisive ? unknown.reasons : [...unknown.reasons, ...topReasons(explained().rejected.map((r) => r.reason))]);
  throw new PlacementRefusedError({
    message: () => `no feasible placement for ${spec.name} (${spec.cpu} vCPU / ${spec.memoryGiB} GiB): ${reasons().join('; ') || 'no candidate'}`,
    rejected: () => explained().rejected.map((r) => ({ provider: r.provider, region: r.region, reason: r.reason })),
    explanation: () => explained().explain(),
  });
}

/** Names in a request that nothing registered answers to, and whether one of them rules out every candidate by itself. */
interface UnknownNames {
  readonly reasons: readonly string[];
  readonly decisive: boolean;
}

/** Region names a refusal lists when it cannot suggest one. */
const REGIONS_LISTED = 8;

/**
 * Provider names in `provider` constraints that no registered provider has (by name or by
 * kind), and regions — the spec's, or in `region in` constraints — that no provider offers.
 */
function unknownNames(spec: VMSpec, request: PlacementRequest, engine: PlacementEngine, providers: DecideInput['providers']): UnknownNames {
  const reasons: string[] = [];
  let decisive = false;
  const unknownOf = (values: readonly unknown[], known: (v: string) => boolean): string[] => values.filter((v): v is string => typeof v === 'string' && !known(v));
  if (providers) {
    const known = new Set(providers.flatMap((p) => [p.name, p.kind]));
    for (const c of request.constraints ?? []) {
      if (c.type !== 'provider') continue;
      const unknown = unknownOf(c.values, (v) => known.has(v));
      for (const value of unknown) reasons.push(`no provider named "${value}" is registered (providers: ${providers.map((p) => p.name).join(', ') || 'none'})`);
      if (c.operator === 'in' && unknown.length === c.values.length && unknown.length > 0) decisive = true;
    }
  }
  const offered = engine.regionNames;
  const known = new Set(offered);
  const asked: (readonly unknown[])[] = spec.region === undefined ? [] : [[spec.region]];
  for (const c of request.constraints ?? []) if (c.type === 'region' && c.operator === 'in') asked.push(c.values);
  const named = new Set<string>();
  for (const values of asked) {
    const unknown = unknownOf(values, (v) => known.has(v));
    for (const region of unknown) {
      if (!named.has(region)) reasons.push(unknownRegion(region, offered, engine.unavailableProviders));
      named.add(region);
    }
    if (unknown.length === values.length && unknown.length > 0) decisive = true;
  }
  return { reasons, decisive };
}

/** `region mars-1 is not offered by any provider (regions: …)`, with a suggestion when one is close. */
function unknownRegion(region: string, offered: readonly string[], unavailable: readonly string[]): string {
  const suggestion = closestMatch(region, offered);
  const listed = offered.length > REGIONS_LISTED ? `${offered.slice(0, REGIONS_LISTED).join(', ')} and ${offered.length - REGIONS_LISTED} more` : offered.join(', ') || 'none';
  const hint = suggestion !== undefined ? `did you mean ${suggestion}?` : `regions: ${listed}`;
  const unread = unavailable.length > 0 ? ` whose catalog loaded (${unavailable.join(', ')} could not be read)` : '';
  return `region ${region} is not offered by any provider${unread} (${hint})`;
}

/** The most frequent reasons, at most {@link REASONS_IN_MESSAGE}, and how many others there are. */
function topReasons(reasons: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = ranked.slice(0, REASONS_IN_MESSAGE).map(([r, n]) => (n > 1 ? `${r} (×${n})` : r));
  if (ranked.length > REASONS_IN_MESSAGE) shown.push(`${ranked.length - REASONS_IN_MESSAGE} more reason${ranked.length - REASONS_IN_MESSAGE === 1 ? '' : 's'}`);
  return shown;
}

/** The decision, or when its chosen price is stale, the same decision whose explanation says so. */
function withPriceAge(decision: PlacementDecision, watch: PriceAgeWatch | undefined): PlacementDecision {
  if (watch === undefined) return decision;
  const c = decision.chosen;
  const age = watch.check({ provider: c.provider, region: c.region, instanceType: c.instanceType, source: c.offer.source, asOf: c.offer.asOf });
  return age.warning === undefined ? decision : new NotedDecision(decision, [`${c.provider} ${c.region} ${c.instanceType}: ${age.warning}`]);
}

/** A feasible decision with notes its explanation shows under the header. */
class NotedDecision extends DecisionParts implements PlacementDecision {
  readonly chosen: PlacementCandidate;
  readonly ranked: readonly PlacementCandidate[];
  /** Lines shown in the explanation (stale prices). */
  readonly notes: readonly string[];

  constructor(decision: PlacementDecision, notes: readonly string[]) {
    super(decision);
    this.chosen = decision.chosen;
    this.ranked = decision.ranked;
    this.notes = notes;
  }

  explain(limit = 20): string {
    return renderDecision(this, limit);
  }
}
