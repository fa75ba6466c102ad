/**
 * What a person sees of a result: `console.log(x)`, `util.inspect(x)` and `${x}` show it in a
 * line or a few, by names a person recognizes (provider name, region, instance type), with money
 * rounded to cents and hourly prices to four places — in the text only: no number is rounded.
 *
 * Classes (decisions, errors) define `toString` and the inspect hook as methods. Plain-object
 * results (VMs, cost estimates, recommendations, comparisons, create results) get both from a
 * {@link Display}, as non-enumerable properties, so that `JSON.stringify`, structured clone and
 * structural equality see exactly the fields they saw before. `util.inspect` finds its hook by
 * `Symbol.for('nodejs.util.inspect.custom')`, so nothing here loads `node:util`.
 */
import type { CostEstimate, VM } from './types.js';

/** The key `util.inspect` looks for: the same symbol `util.inspect.custom` is. */
export const INSPECT: symbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * How one kind of plain-object result reads: `summary` is its `toString()` (one line),
 * `detail` what `util.inspect` shows (a few lines; the summary when not given). Built once per
 * kind; {@link Display.attach} then gives a value both methods without copying it.
 */
export class Display<T extends object> {
  /** The one-line form (what `toString()` returns). */
  readonly summary: (value: T) => string;
  /** The few-line form (what `util.inspect` shows). */
  readonly detail: (value: T) => string;
  private readonly toStringMethod: (this: T) => string;
  private readonly inspectMethod: (this: T) => string;

  /** A display from the two renderings. */
  constructor(summary: (value: T) => string, detail: (value: T) => string = summary) {
    this.summary = summary;
    this.detail = detail;
    this.toStringMethod = function toString(this: T): string {
      return summary(this);
    };
    this.inspectMethod = function inspect(this: T): string {
      return detail(this);
    };
  }

  /**
   * Gives `value` non-enumerable `toString` and inspect methods and returns it; a frozen value
   * is copied first (shallowly), since it cannot take them.
   */
  attach<U extends T>(value: U): U {
    const target = Object.isExtensible(value) ? value : { ...value };
    Object.defineProperty(target, 'toString', { value: this.toStringMethod, writable: true, configurable: true });
    Object.defineProperty(target, INSPECT, { value: this.inspectMethod, writable: true, configurable: true });
    return target;
  }
}

/** `n` with `digits` decimals and thousands grouped; `-0.00` reads `0.00`. */
function fixed(n: number, digits: number): string {
  if (!Number.isFinite(n)) return String(n);
  const text = (Math.abs(n) < 0.5 * 10 ** -digits ? 0 : n).toFixed(digits);
  const [whole, fraction] = text.split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function withCurrency(amount: string, currency: string): string {
  return currency === 'USD' ? `$${amount}` : `${amount} ${currency}`;
}

/** An amount of money rounded to cents for display: `$431.99`, `12.50 EUR`. */
export function formatMoney(amount: number, currency = 'USD'): string {
  return withCurrency(fixed(amount, 2), currency);
}

/** A price per hour rounded to four places for display: `$0.0832/h`. */
export function formatHourly(amount: number, currency = 'USD'): string {
  return `${withCurrency(fixed(amount, 4), currency)}/h`;
}

/** A score, to four places. */
export function formatScore(score: number): string {
  return score.toFixed(4);
}

/** The region, and the zone when one is named: `us-east-1/us-east-1a`. */
export function formatRegion(place: { readonly region: string; readonly zone?: string | undefined }): string {
  return place.zone ? `${place.region}/${place.zone}` : place.region;
}

/** Where something runs, in the words a person uses: `aws-east us-east-1/us-east-1a`. */
export function formatPlace(place: { readonly provider: string; readonly region: string; readonly zone?: string | undefined }): string {
  return `${place.provider} ${formatRegion(place)}`;
}

/** What runs: the instance type, marked `(spot)` when it is spot capacity (as `explain()` tables mark it). */
export function formatCapacity(what: { readonly instanceType: string; readonly spot: boolean }): string {
  return what.spot ? `${what.instanceType} (spot)` : what.instanceType;
}

/** Rows as aligned columns (no header), each line starting with `indent`. */
export function alignRows(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** `count` and the noun, plural when it is not 1: `1 attempt`, `3 attempts`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function vmLine(vm: VM): string {
  const state = vm.stateReason ? `${vm.state} (${vm.stateReason})` : vm.state;
  const price = vm.hourlyPrice ? `, ${formatHourly(vm.hourlyPrice.amount, vm.hourlyPrice.currency)}` : '';
  return `VM ${vm.name} (${vm.id}) ${state} on ${formatPlace(vm)}, ${formatCapacity(vm)}${price}`;
}

/** How a VM reads: `VM web (i-0abc) running on aws-east us-east-1/us-east-1a, t3.large (spot), $0.0301/h`. */
export const VM_DISPLAY: Display<VM> = new Display(vmLine);

function estimateLine(e: CostEstimate): string {
  return `CostEstimate ${e.instanceType} in ${e.region} (${e.spot ? 'spot' : 'on-demand'}): ${formatMoney(e.monthly, e.currency)}/month, ${formatHourly(e.hourly, e.currency)}`;
}

function estimateDetail(e: CostEstimate): string {
  const b = e.breakdown;
  const parts = `compute ${formatMoney(b.compute, e.currency)}, storage ${formatMoney(b.storage, e.currency)}, network ${formatMoney(b.network, e.currency)} per month`;
  return `${estimateLine(e)}\n  ${parts}; prices from ${e.source} as of ${e.asOf}`;
}

/** How a cost estimate reads: its total per month and per hour, then its parts and sources. */
export const COST_ESTIMATE_DISPLAY: Display<CostEstimate> = new Display(estimateLine, estimateDetail);
