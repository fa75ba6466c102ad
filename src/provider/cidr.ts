/**
 * CIDR ranges as intervals of integers, on the `ip-address` library: it parses and validates
 * IPv4 and IPv6 text and gives each range's first and last address as a bigint; everything here
 * compares those intervals. Planners, the memory provider and emulators share it, so that "do
 * these overlap" is decided in one place.
 *
 * This module loads `ip-address` (about 100 kB): code on the root entry's path imports it
 * lazily (`await import('./cidr.js')`).
 */
import { Address4, Address6 } from 'ip-address';
import { InvalidSpecError } from './errors.js';

/** A parsed CIDR range. */
export interface Cidr {
  /** Canonical text (`10.1.0.0/16`, `fd00:1::/48`). */
  readonly text: string;
  /** IP version. */
  readonly version: 4 | 6;
  /** Prefix length. */
  readonly prefix: number;
  /** First address, as an integer. */
  readonly first: bigint;
  /** Last address, as an integer. */
  readonly last: bigint;
}

/** Bits of an address of each version. */
export const ADDRESS_BITS: Readonly<Record<4 | 6, number>> = { 4: 32, 6: 128 };

/** What {@link parseCidr} accepts besides a canonical range. */
export interface ParseCidrOptions {
  /** Field named in the error (default `cidr`). */
  readonly field?: string | undefined;
  /** Accept host bits set (`10.1.2.3/16` reads as `10.1.0.0/16`); default `false`: clouds refuse them. */
  readonly lenient?: boolean | undefined;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 range; a bare address is a /32 (/128). Malformed text, and host
 * bits set unless `lenient`, are an `InvalidSpecError` naming `options.field`.
 */
export function parseCidr(text: string, options: ParseCidrOptions = {}): Cidr {
  const field = options.field ?? 'cidr';
  const invalid = (message: string): InvalidSpecError => new InvalidSpecError({ issues: [{ field, message }] });
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) throw invalid(`expected a CIDR range such as 10.0.0.0/16, got ${JSON.stringify(text)}`);
  const version: 4 | 6 = text.includes(':') ? 6 : 4;
  // ip-address accepts `/08` and spaces; a cloud does not, so the suffix is checked here first.
  const slash = text.indexOf('/');
  if (slash !== -1 && !/^\/(0|[1-9][0-9]{0,2})$/.test(text.slice(slash))) throw invalid(`"${text}" has a malformed prefix length`);
  let address: Address4 | Address6;
  try {
    address = version === 4 ? new Address4(text) : new Address6(text);
  } catch {
    throw invalid(`"${text}" is not an IPv${version} CIDR range`);
  }
  const prefix = address.subnetMask;
  if (prefix > ADDRESS_BITS[version]) throw invalid(`"${text}" has a prefix longer than /${ADDRESS_BITS[version]}`);
  const first = address.startAddress().bigInt();
  const last = address.endAddress().bigInt();
  if (!options.lenient && address.bigInt() !== first) {
    throw invalid(`"${text}" has host bits set; the range is ${formatCidr(version, first, prefix)}`);
  }
  return { text: formatCidr(version, first, prefix), version, prefix, first, last };
}

/** Canonical text of the range of `prefix` bits that starts at `first`. */
export function formatCidr(version: 4 | 6, first: bigint, prefix: number): string {
  const address = version === 4 ? Address4.fromBigInt(first).correctForm() : Address6.fromBigInt(first).correctForm();
  return `${address}/${prefix}`;
}

/** The address `value` as text. */
export function formatAddress(version: 4 | 6, value: bigint): string {
  return version === 4 ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
}

/** True when the two ranges share an address (ranges of different versions never do). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.first <= inner.first && inner.last <= outer.last;
}

/** Number of addresses in a range of `prefix` bits. */
export function blockSize(version: 4 | 6, prefix: number): bigint {
  return 1n << BigInt(ADDRESS_BITS[version] - prefix);
}

/** The `index`-th address of a range (0 is its network address); `InvalidSpecError` past its end. */
export function addressAt(range: Cidr, index: bigint): string {
  const value = range.first + index;
  if (index < 0n || value > range.last) throw new InvalidSpecError({ issues: [{ field: 'cidr', message: `${range.text} has no address number ${index}` }] });
  return formatAddress(range.version, value);
}

/** True when `text` is a valid IPv4 or IPv6 address (no prefix). */
export function isIpAddress(text: string): boolean {
  return !text.includes('/') && (Address4.isValid(text) || Address6.isValid(text));
}
