/**
 * Prices an adapter's estimate is built from, each with where it came from: what the Azure and
 * GCP adapters share for the parts the bundled snapshot prices alike (egress), and the rule that
 * an estimate is dated by its stalest figure.
 */
import type { BundledStoragePrices } from '../catalog/bundled-snapshot.js';
import type { Provenance } from './types.js';

/** A price per unit with its provenance. */
export interface UnitPrice extends Provenance {
  /** Amount per unit, in `currency`. */
  readonly amount: number;
  /** ISO 4217 currency code. */
  readonly currency: string;
}

/** Internet egress per GB from the bundled snapshot's storage prices. */
export function egressPricePerGB(snapshot: BundledStoragePrices): UnitPrice {
  return { amount: snapshot.egressPerGB, currency: snapshot.currency, source: snapshot.source, asOf: snapshot.asOf };
}

/** The older of two ISO dates (estimates carry the date of their stalest figure). */
export function olderDate(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}
