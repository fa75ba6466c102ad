/**
 * Checks of the companion's input, before anything is sent: names (the companion's rule:
 * lower-case letters, digits and dashes, starting with a letter, at most 63), canonical CIDR
 * ranges (a malformed range, or one with host bits set, is an `InvalidSpecError` naming the
 * field, as ARM would refuse it with `InvalidCIDRNotation`), locations the provider serves, and
 * ASNs (Azure's and IANA's reserved ones refused; see the emulator's `virtual-network-gateway-common.ts`
 * for the list and its source).
 */
import { parseCidr, type Cidr } from '../../provider/cidr.js';
import { InvalidSpecError } from '../../provider/errors.js';

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** An `InvalidSpecError` about one field. */
export function invalid(field: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field, message }] });
}

/** Refuses a name the companion does not take. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid('name', 'must be lower-case letters, digits and dashes, starting with a letter (at most 63)');
  return name;
}

/** A canonical range; `InvalidSpecError` on `field` otherwise. */
export function rangeOf(text: unknown, field: string): Cidr {
  return parseCidr(text as string, { field });
}

/** The location to create in: the given one (which the provider must serve) or the default. */
export function locationOf(region: string | undefined, locations: readonly string[], fallback: string): string {
  if (region === undefined) return fallback;
  const found = locations.find((l) => l.toLowerCase() === region.toLowerCase());
  if (found === undefined) throw invalid('region', `${JSON.stringify(region)} is not a location of this provider (${locations.join(', ')})`);
  return found;
}

const RESERVED = new Set([8074, 8075, 12076, 23456, 65515, 65517, 65518, 65519, 65520]);

/** Refuses an ASN Azure will not take; `gateway` allows 65515, Azure's default for its own gateways. */
export function checkAsn(asn: number | undefined, field: string, gateway: boolean): number | undefined {
  if (asn === undefined) return undefined;
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294) throw invalid(field, 'must be an ASN between 1 and 4294967294');
  if (gateway && asn === 65515) return asn;
  if (RESERVED.has(asn) || (asn >= 64496 && asn <= 64511) || (asn >= 65535 && asn <= 65551)) throw invalid(field, `${asn} is reserved by Azure or IANA (8074, 8075, 12076, 23456, 64496–64511, 65515, 65517–65520, 65535–65551)`);
  return asn;
}
