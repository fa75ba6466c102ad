/**
 * A placement decision that throws when nothing is feasible, explaining itself only when read,
 * and that says so when the price it chose by is older than the federation accepts.
 */
import type { PriceAgeWatch } from '../optimizer/price-age.js';
import type { VMSpec } from '../provider/types.js';
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

/** Decides; a refusal throws `PlacementRefusedError` whose explanation is worked out when first read. */
export function decideOrThrow(input: DecideInput): PlacementDecision {
  const { engine, spec, request, exclusions, onlyProviders } = input;
  const decision = engine.decide(spec, request, { explain: input.explain, exclusions, onlyProviders });
  if (!(decision instanceof RefusedDecision)) return withPriceAge(decision, input.priceAge);
  let full: RefusedDecision | undefined = input.explain ? decision : undefined;
  const explained = (): RefusedDecision => (full ??= engine.decide(spec, request, { explain: true, exclusions, onlyProviders }) as RefusedDecision);
  // A refusal is rare and final: its message says why, the commonest reasons first.
  const reasons = [...unknownNames(request, input.providers), ...topReasons(explained().rejected.map((r) => r.reason))];
  throw new PlacementRefusedError({
    message: `no feasible placement for ${spec.name} (${spec.cpu} vCPU / ${spec.memoryGiB} GiB): ${reasons.join('; ') || 'no candidate'}`,
    rejected: () => explained().rejected.map((r) => ({ provider: r.provider, region: r.region, reason: r.reason })),
    explanation: () => explained().explain(),
  });
}

/** Provider names in `provider` constraints that no registered provider has (by name or by kind). */
function unknownNames(request: PlacementRequest, providers: DecideInput['providers']): string[] {
  if (!providers) return [];
  const known = new Set(providers.flatMap((p) => [p.name, p.kind]));
  const out: string[] = [];
  for (const c of request.constraints ?? []) {
    if (c.type !== 'provider') continue;
    for (const value of (c as { values?: readonly unknown[] }).values ?? []) {
      if (typeof value === 'string' && !known.has(value)) out.push(`no provider named "${value}" is registered (providers: ${providers.map((p) => p.name).join(', ') || 'none'})`);
    }
  }
  return out;
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
