/**
 * `explain()`: a decision as plain-text tables a person can read — a header with the strategy,
 * weights, spot policy and policies, the ranked candidates with their score components, and the
 * rejections. Rendering is kept apart from the decision types so that the layout can change
 * without touching what callers read programmatically.
 */
import { renderTable } from '../federation-errors.js';
import type { DecisionParts, PlacementCandidate } from './decision.js';

/**
 * What the renderer reads of a decision: the parts every decision has, its ranking, and notes
 * shown under the header (e.g. that the chosen price is older than the federation accepts).
 */
type RenderedDecision = DecisionParts & { readonly ranked: readonly PlacementCandidate[]; readonly notes?: readonly string[] | undefined };

function fmt(n: number | undefined, digits = 3): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

/** Renders a decision, showing at most `limit` ranked candidates. */
export function renderDecision(parts: RenderedDecision, limit: number): string {
  const w = parts.weights;
  const head = [
    `strategy ${parts.strategy} (cost ${w.cost}, performance ${w.performance}, compliance ${w.compliance}, location ${w.location}, carbon ${w.carbon}); spot: ${parts.spot}`,
    `policies: ${parts.policies.length === 0 ? 'none' : parts.policies.map((p) => `${p.name} (${p.action}${p.applied ? ', applied' : ', not applicable'})`).join('; ')}`,
  ];
  for (const note of parts.notes ?? []) head.push(`warning: ${note}`);
  const shown = parts.ranked.slice(0, limit);
  const rows = shown.map((c, i) => [
    i === 0 ? '*1' : String(i + 1),
    c.provider,
    c.zone ? `${c.region}/${c.zone}` : c.region,
    `${c.instanceType}${c.spot ? ' (spot)' : ''}`,
    fmt(c.hourlyPrice, 4),
    c.latencyMs === undefined ? '-' : `${c.latencyMs}`,
    fmt(c.components.cost),
    fmt(c.components.performance),
    fmt(c.components.compliance),
    fmt(c.components.location),
    c.carbonGramsPerHour === undefined ? '-' : fmt(c.components.carbon),
    c.bonuses.length ? `+${c.bonuses.reduce((s, b) => s + b.weight, 0)}` : '',
    fmt(c.score, 4),
  ]);
  const table = shown.length
    ? renderTable(['rank', 'provider', 'region/zone', 'instance type', '$/h', 'rtt ms', 'cost', 'perf', 'compl', 'loc', 'carbon', 'bonus', 'score'], rows)
    : 'no feasible candidate';
  const more = parts.ranked.length > limit ? `\n(${parts.ranked.length - limit} more feasible candidates not shown)` : '';
  const rejectedRows = parts.rejected.map((r) => [r.provider, r.region ?? '*', r.rule, r.reason]);
  const rejectedTable = parts.rejected.length
    ? `\nrejected:\n${renderTable(['provider', 'region', 'rule', 'reason'], rejectedRows)}`
    : parts.explained
      ? '\nrejected: none'
      : '\n(rejections not explained on the fast path; decide with explain: true)';
  return `${head.join('\n')}\n${table}${more}${rejectedTable}`;
}
