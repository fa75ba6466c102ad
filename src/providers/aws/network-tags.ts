/**
 * The tags the AWS network companion puts on what it creates, and reads back. EC2's network
 * creates (CreateVpc, CreateSubnet, CreateVpnGateway, CreateCustomerGateway, CreateVpnConnection,
 * CreateVpcPeeringConnection, CreateRoute) take no ClientToken (EC2 API Reference, read
 * 2026-12), so idempotency is a tag and a find: each create carries a digest of its key and a
 * fingerprint of its input, and a repeat finds the resource by the first and compares the
 * second. Names are the `Name` tag; labels are tags of their own; everything else the companion
 * needs to read a resource back without another call (a VPN gateway's network, which secret
 * each tunnel's key came from, the static routes still to add) is a `novacron:` tag.
 *
 * Tag rules (EC2 User Guide, "Tag restrictions", read 2026-12): at most 50 per resource, keys
 * 1–128 characters, values at most 256, `aws:` keys reserved.
 */
import type { Tag } from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { InvalidSpecError } from '../../provider/errors.js';
import { canonicalJson } from '../../provider/offer-selection.js';

/** Tag keys of the network companion. */
export const NETWORK_TAG = {
  /** Digest of the idempotency key of the create that made the resource. */
  key: 'novacron:idempotency-key',
  /** Digest of the create's input: a reused key with other input is a conflict. */
  fingerprint: 'novacron:fingerprint',
  /** Name of the provider instance that created it. */
  provider: 'novacron:provider',
  /** When it was created (ISO 8601): EC2 does not say for network resources. */
  createdAt: 'novacron:created-at',
  /** VPN gateway: the VPC it is for (attached once the gateway is available). */
  network: 'novacron:network',
  /** VPN gateway: a delete was asked for (the gateway is detached first, then deleted). */
  deleting: 'novacron:deleting',
  /** VPN connection: prefix of one tag per tunnel, `novacron:psk-ref/<inside CIDR>` → the secret's name. */
  pskRef: 'novacron:psk-ref/',
  /** VPN connection: this side's BGP ASN (the gateway's). */
  localAsn: 'novacron:local-asn',
  /** VPN connection: the far side's BGP ASN (the customer gateway's). */
  peerAsn: 'novacron:peer-asn',
  /** VPN connection: the far side's public IP (the customer gateway's). */
  peerIp: 'novacron:peer-ip',
  /** VPN connection (static routing): the far side's ranges, added as static routes once it is available. */
  staticRoutes: 'novacron:static-routes',
  /** Peer gateway: the ranges behind the far side (a customer gateway has no field for them). */
  peerCidrs: 'novacron:cidrs',
  /** Peering: digest of the idempotency key of the accept. */
  acceptKey: 'novacron:accept-key',
  /** Peering: the provider that requested it. */
  requestedBy: 'novacron:requested-by',
  /** Peering: the provider that accepted it. */
  acceptedBy: 'novacron:accepted-by',
  /** Route table: prefix of one tag per route the companion made, `novacron:route/<destination>` → its name and keys. */
  route: 'novacron:route/',
  /** Internet gateway: the VPC the companion made it for (an `internet` route needs one). */
  managedFor: 'novacron:managed-for',
} as const;

/** Tags the companion owns: labels must not use them. */
const RESERVED_PREFIX = 'novacron:';

/** What the tag value of an idempotency key is: a digest, so any key fits a tag and matches exactly. */
export function keyDigest(key: string): string {
  return `k1-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** A digest of a create's input (secret references included, secrets never). */
export function fingerprintOf(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 32);
}

/** The tags of a resource as a map. */
export function tagMap(tags: readonly Tag[] | undefined): Map<string, string> {
  return new Map((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
}

/** Labels of a resource: its tags but `Name` and the companion's own. */
export function labelsOf(tags: ReadonlyMap<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of tags) if (k !== 'Name' && !k.startsWith(RESERVED_PREFIX)) labels[k] = v;
  return labels;
}

/** Refuses labels EC2 or the companion would refuse or misread, naming the field. */
export function checkLabels(labels: Readonly<Record<string, string>> | undefined, field = 'labels'): void {
  const entries = Object.entries(labels ?? {});
  if (entries.length > 40) throw invalid(field, `at most 40 labels (EC2 allows 50 tags, and the companion uses some)`);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw invalid(`${field}.${k}`, 'must be a string');
    if (k.length === 0 || k.length > 128) throw invalid(`${field}.${k}`, 'a label key is 1 to 128 characters');
    if (v.length > 256) throw invalid(`${field}.${k}`, 'a label value is at most 256 characters');
    if (k === 'Name' || k.toLowerCase().startsWith('aws:') || k.startsWith(RESERVED_PREFIX)) throw invalid(`${field}.${k}`, `"Name", "aws:" and "${RESERVED_PREFIX}" keys are reserved`);
  }
}

/** What every created resource carries. */
export interface CreateTagInput {
  /** The resource's name. */
  readonly name: string;
  /** Its labels. */
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** The provider instance creating it. */
  readonly provider: string;
  /** The create's idempotency key, if any. */
  readonly idempotencyKey: string | undefined;
  /** Digest of the create's input. */
  readonly fingerprint: string;
  /** Creation time. */
  readonly createdAt: string;
  /** Tags of the companion's own for this type. */
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

/** The tags of a create. */
export function createTags(input: CreateTagInput): Tag[] {
  const tags: Record<string, string> = {
    Name: input.name,
    ...(input.labels ?? {}),
    [NETWORK_TAG.provider]: input.provider,
    [NETWORK_TAG.fingerprint]: input.fingerprint,
    [NETWORK_TAG.createdAt]: input.createdAt,
    ...(input.idempotencyKey === undefined ? {} : { [NETWORK_TAG.key]: keyDigest(input.idempotencyKey) }),
    ...(input.extra ?? {}),
  };
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** A tag filter value that means itself (`*` and `?` are wildcards in EC2 filters). */
export function literalFilterValue(value: string): string {
  return value.replace(/[\\*?]/g, '\\$&');
}

function invalid(field: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field, message }] });
}
