/**
 * How the optimizer's answers read to a person (see provider/display.ts for the mechanism):
 * recommendations, comparisons and forecasts name the cloud, region and instance type, and
 * show money rounded to cents and hourly prices to four places, with the prices' source.
 */
import { alignRows, Display, formatHourly, formatMoney } from '../provider/display.js';
import type { ComparedOffer, CostComparison, CostPrediction, OfferShape, ProviderCostForecast, Recommendation, SpotOption } from './cost-optimizer.js';
import type { PriceAge } from './price-age.js';

/** `aws us-east-1 t3.medium (2 vCPU / 4 GiB)`, with the zone and GPUs when there are. */
function shapeLine(o: OfferShape): string {
  const gpu = o.gpu ? `, ${o.gpu.count}× ${o.gpu.model}` : '';
  return `${o.provider} ${o.zone ? `${o.region}/${o.zone}` : o.region} ${o.instanceType} (${o.vcpus} vCPU / ${o.memoryGiB} GiB${gpu})`;
}

function spotText(spot: SpotOption | undefined, currency: string): string | undefined {
  return spot ? `spot ${formatHourly(spot.hourly, currency)}${spot.interruption ? ` (${spot.interruption})` : ''}` : undefined;
}

function ageText(age: PriceAge): string {
  return age.stale ? ` (${age.ageDays === undefined ? 'of unknown age' : `${age.ageDays} days old`})` : '';
}

function recommendationLine(r: Recommendation): string {
  const prices = [
    `${formatHourly(r.onDemandHourly, r.currency)} on-demand (${formatMoney(r.onDemandMonthly, r.currency)}/month)`,
    spotText(r.spot, r.currency),
    ...r.reserved.map((x) => `${x.term} ${formatHourly(x.hourly, r.currency)}`),
  ].filter((p): p is string => p !== undefined);
  return `Recommendation #${r.rank}: ${shapeLine(r)}, ${prices.join(', ')}; ${r.source} as of ${r.asOf}${ageText(r.priceAge)}`;
}

/** How a recommendation reads: rank, where and what, its prices, and where they came from. */
export const RECOMMENDATION_DISPLAY: Display<Recommendation> = new Display(recommendationLine);

function comparedLine(c: ComparedOffer): string {
  const currency = c.estimate.currency;
  const prices = [`on-demand ${formatHourly(c.onDemandHourly, currency)}`, spotText(c.spot, currency)].filter((p): p is string => p !== undefined);
  return `${shapeLine(c)}: ${formatMoney(c.estimate.monthly, currency)}/month with disk and egress; ${prices.join(', ')}${ageText(c.priceAge)}`;
}

/** How one entry of a comparison reads. */
export const COMPARED_OFFER_DISPLAY: Display<ComparedOffer> = new Display(comparedLine);

function comparisonSummary(c: CostComparison): string {
  const best = c.cheapest;
  const what = `CostComparison for ${c.spec.name} (${c.spec.cpu} vCPU / ${c.spec.memoryGiB} GiB)`;
  if (best === undefined) return `${what}: nothing fits`;
  return `${what}: cheapest ${best.provider} ${best.region} ${best.instanceType} at ${formatMoney(best.estimate.monthly, best.estimate.currency)}/month, ${c.entries.length === 1 ? '1 entry' : `${c.entries.length} entries`}`;
}

function comparisonDetail(c: CostComparison): string {
  const rows = c.entries.map((e) => [
    e.provider,
    e.zone ? `${e.region}/${e.zone}` : e.region,
    e.instanceType,
    `${formatMoney(e.estimate.monthly, e.estimate.currency)}/month`,
    `on-demand ${formatHourly(e.onDemandHourly, e.estimate.currency)}`,
    spotText(e.spot, e.estimate.currency) ?? 'no spot',
  ]);
  const lines = [comparisonSummary(c), ...alignRows(rows)];
  if (c.unavailable.length > 0) lines.push(`  no fitting offer: ${c.unavailable.join(', ')}`);
  for (const w of c.priceWarnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** How a comparison reads: the cheapest in a line, then one line per entry, and its warnings. */
export const COMPARISON_DISPLAY: Display<CostComparison> = new Display(comparisonSummary, comparisonDetail);

/** A comparison, and each of its entries and estimates, with their displays. */
export function displayComparison(c: CostComparison): CostComparison {
  const entries = c.entries.map((e) => COMPARED_OFFER_DISPLAY.attach(e));
  return COMPARISON_DISPLAY.attach({ ...c, entries, cheapest: entries[0] });
}

function interval(point: number, lower: number, upper: number, currency: string): string {
  return `${formatMoney(point, currency)} (${formatMoney(lower, currency)}–${formatMoney(upper, currency)})`;
}

function predictionSummary(p: CostPrediction): string {
  const where = p.cheapestProvider === undefined ? 'no fitting offer' : `on ${p.cheapestProvider}`;
  return `CostPrediction over ${p.durationHours} h: ${interval(p.point, p.lower, p.upper, p.currency)} ${where}, ${Math.round(p.level * 100)}% interval; usage ${p.model}`;
}

function predictionDetail(p: CostPrediction): string {
  const rows = p.providers.map((f: ProviderCostForecast) => [f.provider, f.region, f.instanceType, formatHourly(f.hourly, p.currency), interval(f.point, f.lower, f.upper, p.currency)]);
  const lines = [predictionSummary(p), ...alignRows(rows)];
  if (p.current) lines.push(`  at the VM's current ${formatHourly(p.current.hourly, p.currency)}: ${interval(p.current.point, p.current.lower, p.current.upper, p.currency)}`);
  for (const w of p.priceWarnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** How a cost forecast reads: the cheapest cloud's figure and interval, then one line per cloud. */
export const PREDICTION_DISPLAY: Display<CostPrediction> = new Display(predictionSummary, predictionDetail);
