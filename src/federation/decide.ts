/** A placement decision that throws when nothing is feasible, explaining itself only when read. */
import type { VMSpec } from '../provider/types.js';
import { PlacementRefusedError } from './federation-errors.js';
import { RefusedDecision, type PlacementDecision, type PlacementEngine, type PlacementExclusions } from './placement/index.js';
import type { PlacementRequest } from './placement/index.js';

/** Inputs of {@link decideOrThrow}. */
export interface DecideInput {
  readonly engine: PlacementEngine;
  readonly spec: VMSpec;
  readonly request: PlacementRequest;
  readonly explain: boolean;
  readonly exclusions: PlacementExclusions;
  readonly onlyProviders?: readonly string[] | undefined;
}

/** Decides; a refusal throws `PlacementRefusedError` whose explanation is worked out when first read. */
export function decideOrThrow(input: DecideInput): PlacementDecision {
  const { engine, spec, request, exclusions, onlyProviders } = input;
  const decision = engine.decide(spec, request, { explain: input.explain, exclusions, onlyProviders });
  if (!(decision instanceof RefusedDecision)) return decision;
  let full: RefusedDecision | undefined = input.explain ? decision : undefined;
  const explained = (): RefusedDecision => (full ??= engine.decide(spec, request, { explain: true, exclusions, onlyProviders }) as RefusedDecision);
  throw new PlacementRefusedError({
    message: `no feasible placement for ${spec.name} (${spec.cpu} vCPU / ${spec.memoryGiB} GiB)`,
    rejected: () => explained().rejected.map((r) => ({ provider: r.provider, region: r.region, reason: r.reason })),
    explanation: () => explained().explain(),
  });
}
