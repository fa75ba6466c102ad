/**
 * Input checks of the GCE network companion, made before anything is sent, each an
 * `InvalidSpecError` naming the field: names (GCE's RFC 1035 names, at most 63 characters, and
 * shorter where the companion derives names from them), address ranges (canonical, no host bits,
 * IPv4 /8 to /29: GCE's bounds for a subnetwork's primary range, "Subnets", read 2026-12),
 * Cloud Router ASNs (private: 64512–65534, 4200000000–4294967294) and peer ASNs (1–4294967294),
 * and a tunnel's inside range (a /30 of 169.254.0.0/16, the link-local space of Cloud Router BGP
 * interfaces).
 */
import { invalid } from './network-context.js';
import type * as CidrTypes from '../../provider/cidr.js';

/** The CIDR helpers (`provider/cidr.ts`). */
export type CidrModule = typeof CidrTypes;

let cidrModule: Promise<CidrModule> | undefined;
/** The CIDR helpers, loaded on first use (they load `ip-address`). */
export function cidrs(): Promise<CidrModule> {
  return (cidrModule ??= import('../../provider/cidr.js'));
}

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks a resource name (and a tighter length where names are derived from it). */
export function checkName(name: unknown, max = 63, field = 'name'): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid(field, 'must be lower-case letters, digits and dashes, starting with a letter and not ending with a dash (at most 63)');
  if (name.length > max) throw invalid(field, `must have at most ${max} characters here (GCE names of the parts made from it add a suffix)`);
  return name;
}

/** A canonical IPv4 range of /8 to /29. */
export async function checkRange(text: unknown, field: string): Promise<CidrTypes.Cidr> {
  const { parseCidr } = await cidrs();
  const range = parseCidr(text as string, { field });
  if (range.version !== 4) throw invalid(field, 'GCE VPC ranges here are IPv4 (GCE assigns a network’s internal IPv6 range itself)');
  if (range.prefix < 8 || range.prefix > 29) throw invalid(field, `an IPv4 range of a GCE network must be between /8 and /29 (got /${range.prefix})`);
  return range;
}

/** True for a private ASN, the kind a Cloud Router takes. */
export function isPrivateAsn(asn: number): boolean {
  return (asn >= 64512 && asn <= 65534) || (asn >= 4_200_000_000 && asn <= 4_294_967_294);
}

/** Checks a Cloud Router ASN. */
export function checkRouterAsn(asn: unknown, field = 'asn'): number {
  if (typeof asn !== 'number' || !Number.isInteger(asn) || !isPrivateAsn(asn)) throw invalid(field, 'a Cloud Router takes a private ASN: 64512-65534 or 4200000000-4294967294');
  return asn;
}

/** Checks a peer's ASN. */
export function checkPeerAsn(asn: unknown, field: string): number {
  if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 1 || asn > 4_294_967_294) throw invalid(field, 'must be an ASN between 1 and 4294967294');
  return asn;
}

/** Checks a label map (GCE's label rules, "Labels overview", read 2026-12). */
export function checkLabels(labels: unknown, field = 'labels'): Record<string, string> {
  if (labels === undefined) return {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw invalid(field, 'must be a map of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k)) throw invalid(`${field}.${k}`, 'a GCE label key is 1-63 lower-case letters, digits, _ and -, starting with a letter');
    if (typeof v !== 'string' || !/^[a-z0-9_-]{0,63}$/.test(v)) throw invalid(`${field}.${k}`, 'a GCE label value is at most 63 lower-case letters, digits, _ and -');
    if (k.startsWith('novacron-')) throw invalid(`${field}.${k}`, 'labels starting with novacron- are the adapter’s own');
    out[k] = v;
  }
  if (Object.keys(out).length > 60) throw invalid(field, 'GCE allows 64 labels; the adapter uses up to 4 of them');
  return out;
}

/** A tunnel's inside range: a /30 of 169.254.0.0/16, and this side's and the peer's addresses in it. */
export async function checkInsideRange(text: unknown, localIp: unknown, field: string): Promise<{ readonly range: CidrTypes.Cidr; readonly local: string; readonly peer: string }> {
  const { parseCidr, cidrContains, addressAt } = await cidrs();
  const range = parseCidr(text as string, { field: `${field}.insideCidr` });
  if (range.version !== 4 || range.prefix !== 30 || !cidrContains(parseCidr('169.254.0.0/16'), range)) {
    throw invalid(`${field}.insideCidr`, 'must be a /30 of the link-local range 169.254.0.0/16 (Cloud Router BGP interfaces use it)');
  }
  const first = addressAt(range, 1n);
  const second = addressAt(range, 2n);
  const local = localIp === undefined ? first : localIp;
  if (local !== first && local !== second) throw invalid(`${field}.localInsideIp`, `must be ${first} or ${second}, a usable address of ${range.text}`);
  return { range, local, peer: local === first ? second : first };
}
