/**
 * What the AWS network companion refuses before it calls EC2, with the field named: the rules
 * EC2 applies (VPC and subnet blocks of /16 to /28, Amazon-side ASNs in the private ranges,
 * customer gateway ASNs, pre-shared keys, tunnel inside CIDRs) and the ones of the companion
 * (names, one IPv4 block per network, the regions it is configured for). Sources: EC2 API
 * Reference (CreateVpc, CreateSubnet, CreateVpnGateway, CreateCustomerGateway,
 * VpnTunnelOptionsSpecification), read 2026-12.
 *
 * A refused pre-shared key is never quoted.
 */
import type * as CidrTypes from '../../provider/cidr.js';
import { InvalidSpecError } from '../../provider/errors.js';

type CidrModule = typeof CidrTypes;

/** Names: lower-case letters, digits and dashes, starting with a letter, at most 63 (the specification's rule). */
const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** AWS's rule for pre-shared keys: 8–64 of [A-Za-z0-9._], not starting with 0. */
const PSK_RULE = /^[A-Za-z0-9._]{8,64}$/;
/** Inside CIDRs AWS reserves (VpnTunnelOptionsSpecification). */
export const RESERVED_INSIDE_CIDRS: readonly string[] = ['169.254.0.0/30', '169.254.1.0/30', '169.254.2.0/30', '169.254.3.0/30', '169.254.4.0/30', '169.254.5.0/30', '169.254.169.252/30'];
/** The range tunnel inside CIDRs come from. */
export const LINK_LOCAL = '169.254.0.0/16';

/** An `InvalidSpecError` naming `field`. */
export function invalid(field: string, message: string, provider?: string): InvalidSpecError {
  return new InvalidSpecError({ provider, issues: [{ field, message }] });
}

/** Checks a resource name. */
export function checkName(name: unknown, provider: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid('name', 'must be lower-case letters, digits and dashes, starting with a letter (at most 63)', provider);
}

/** Checks that `region` is one this provider works in. */
export function checkRegion(region: string, regions: readonly string[], provider: string, field = 'region'): void {
  if (!regions.includes(region)) throw invalid(field, `"${region}" is not one of this provider's regions (${regions.join(', ')}); add it to \`regions\``, provider);
}

/** The one IPv4 block of a new VPC, canonical, /16 to /28. */
export function vpcBlockOf(cidrs: unknown, cidr: CidrModule, provider: string): string {
  if (!Array.isArray(cidrs) || cidrs.length === 0) throw invalid('cidrs', 'must list at least one CIDR range', provider);
  const ranges = cidrs.map((c: unknown, i) => cidr.parseCidr(c as string, { field: `cidrs[${i}]` }));
  if (ranges.length > 1) throw invalid('cidrs', 'an AWS network takes one IPv4 block here (EC2 adds further blocks with AssociateVpcCidrBlock, which this adapter does not call)', provider);
  const [range] = ranges;
  if (range!.version !== 4) throw invalid('cidrs[0]', 'must be an IPv4 block (AWS assigns IPv6 blocks itself)', provider);
  if (range!.prefix < 16 || range!.prefix > 28) throw invalid('cidrs[0]', `an AWS VPC block is /16 to /28 (got /${range!.prefix})`, provider);
  return range!.text;
}

/** A subnet's block, canonical, /16 to /28. */
export function subnetBlockOf(text: unknown, cidr: CidrModule, provider: string): string {
  const range = cidr.parseCidr(text as string, { field: 'cidr' });
  if (range.version !== 4 || range.prefix < 16 || range.prefix > 28) throw invalid('cidr', `an AWS subnet block is IPv4, /16 to /28 (got ${range.text})`, provider);
  return range.text;
}

/** Checks an Amazon-side ASN: a private one, 64512–65534 or 4200000000–4294967294. */
export function checkAmazonAsn(asn: unknown, provider: string): void {
  const ok = typeof asn === 'number' && Number.isInteger(asn) && ((asn >= 64512 && asn <= 65534) || (asn >= 4_200_000_000 && asn <= 4_294_967_294));
  if (!ok) throw invalid('asn', 'an AWS virtual private gateway takes a private ASN: 64512–65534 or 4200000000–4294967294', provider);
}

/** Checks a far side's ASN: 1–4294967294. */
export function checkPeerAsn(asn: unknown, field: string, provider: string): void {
  if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 1 || asn > 4_294_967_294) throw invalid(field, 'must be an ASN between 1 and 4294967294', provider);
}

/** Checks a pre-shared key against AWS's rule, without ever quoting it. */
export function checkPresharedKey(value: string, field: string, provider: string): void {
  if (typeof value !== 'string' || !PSK_RULE.test(value) || value.startsWith('0')) {
    throw invalid(field, 'the pre-shared key must be 8–64 letters, digits, "." or "_", not starting with 0', provider);
  }
}

/** A tunnel inside CIDR, canonical: a /30 of 169.254.0.0/16 that AWS does not reserve. */
export function insideCidrOf(text: string, field: string, cidr: CidrModule, provider: string): CidrTypes.Cidr {
  const range = cidr.parseCidr(text, { field });
  if (range.version !== 4 || range.prefix !== 30 || !cidr.cidrContains(cidr.parseCidr(LINK_LOCAL), range)) throw invalid(field, 'must be a /30 inside 169.254.0.0/16', provider);
  if (RESERVED_INSIDE_CIDRS.includes(range.text)) throw invalid(field, `${range.text} is reserved by AWS (169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30 are)`, provider);
  return range;
}
