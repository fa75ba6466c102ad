/**
 * `explain()`: a decision as plain-text tables a person can read — a header with the strategy,
 * weights, spot policy and policies, the ranked candidates with their score components, and the
 * rejections. Rendering is kept apart from the decision types so that the layout can change
 * without touching what callers read programmatically.
 */
import { alignRows, formatCapacity, formatHourly, formatPlace, formatRegion, formatScore, plural } from '../../provider/display.js';
import { renderTable } from '../federation-errors.js';
import type { DecisionParts, PlacementCandidate } from './decision.js';

/**
 * What the renderer reads of a decision: the parts every decision has (its ranking among them),
 * and notes shown under the header (e.g. that the chosen price is older than the federation accepts).
 */
type RenderedDecision = DecisionParts & { readonly notes?: readonly string[] | undefined };

/** Candidates and rejections `util.inspect` lists before it says how many more there are. */
const INSPECTED_ROWS = 3;

function fmt(n: number | undefined, digits = 3): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

/** The bonus cell: the score `prefer` policies added, and which policies. */
function bonusCell(c: PlacementCandidate): string {
  if (c.bonuses.length === 0) return '';
  const total = c.bonuses.reduce((s, b) => s + b.weight, 0);
  return `+${fmt(total)} (${c.bonuses.map((b) => b.policy).join(', ')})`;
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
  // The bonus column shows what `prefer` policies added; without any among the rows shown, it is left out.
  const withBonus = shown.some((c) => c.bonuses.length > 0);
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
    ...(withBonus ? [bonusCell(c)] : []),
    fmt(c.score, 4),
  ]);
  const header = ['rank', 'provider', 'region/zone', 'instance type', '$/h', 'rtt ms', 'cost', 'perf', 'compl', 'loc', 'carbon', ...(withBonus ? ['bonus'] : []), 'score'];
  const table = shown.length ? renderTable(header, rows) : 'no feasible candidate';
  const more = parts.ranked.length > limit ? `\n(${parts.ranked.length - limit} more feasible candidates not shown)` : '';
  const rejectedRows = parts.rejected.map((r) => [r.provider, r.region ?? '*', r.rule, r.reason]);
  const rejectedTable = parts.rejected.length
    ? `\nrejected:\n${renderTable(['provider', 'region', 'rule', 'reason'], rejectedRows)}`
    : parts.explained
      ? '\nrejected: none'
      : '\n(rejections not explained on the fast path; decide with explain: true)';
  return `${head.join('\n')}\n${table}${more}${rejectedTable}`;
}

/** The chosen candidate in words: `aws-east us-east-1/us-east-1a t3.large (spot), $0.0301/h, score 0.9123`. */
function candidateLine(c: PlacementCandidate): string {
  return `${formatPlace(c)} ${formatCapacity(c)}, ${formatHourly(c.hourlyPrice, c.offer.currency)}, score ${formatScore(c.score)}`;
}

/** A decision in one line (its `toString()`). */
export function summarizeDecision(parts: RenderedDecision): string {
  const best = parts.ranked[0];
  if (best === undefined) return `RefusedDecision: no feasible placement (${parts.strategy}); ${rejectedCount(parts)}`;
  return `PlacementDecision: ${candidateLine(best)} (${parts.strategy})`;
}

function rejectedCount(parts: RenderedDecision): string {
  return parts.explained ? `${parts.rejected.length} rejected` : 'rejections not explained';
}

/** A decision in a few lines (what `util.inspect` shows): the summary, the first candidates or rejections, and what `explain()` adds. */
export function describeDecision(parts: RenderedDecision): string {
  const lines = [summarizeDecision(parts)];
  for (const note of parts.notes ?? []) lines.push(`  warning: ${note}`);
  if (parts.ranked.length > 0) {
    const rows = parts.ranked
      .slice(0, INSPECTED_ROWS)
      .map((c, i) => [i === 0 ? '*1' : ` ${i + 1}`, c.provider, formatRegion(c), formatCapacity(c), formatHourly(c.hourlyPrice, c.offer.currency), `score ${formatScore(c.score)}`]);
    lines.push(...alignRows(rows));
    lines.push(`  ${plural(parts.ranked.length, 'feasible candidate')}, ${rejectedCount(parts)}; explain() shows every score and rejection`);
  } else {
    const rows = parts.rejected.slice(0, INSPECTED_ROWS).map((r) => [r.provider, r.region ?? '*', r.rule, r.reason]);
    lines.push(...alignRows(rows));
    const more = parts.rejected.length - rows.length;
    lines.push(`  ${more > 0 ? `${more} more; ` : ''}explain() shows the table`);
  }
  return lines.join('\n');
}
