/**
 * Names and tags of what the network companion creates. As for VMs (`naming.ts`), Azure's
 * idempotency is the resource name: every resource is named from its create's idempotency key
 * alone, `nc<letter>-<12 hex of SHA-256>` (a letter per kind), so a repeated create, in any
 * process, lands on the same resource, and `findByIdempotencyKey` looks it up by name. The name
 * the caller gave is kept in the `novacron:name` tag, with the input's fingerprint
 * (`novacron:spec-hash`) telling a repeat from a conflicting reuse of the key.
 *
 * Resources without tags (subnets, peerings and routes are child resources, which ARM gives no
 * tags) are reported under their Azure name, and a repeat is told from a conflict by what they
 * hold (range, remote network, destination and next hop).
 *
 * Composite resources: a peer gateway with several IPs is one local network gateway per IP, and
 * a VPN connection is one Azure connection per far-side IP; the first is named from the key and
 * carries the novacron id, the others are `<first>-2`, `<first>-3`, ... Peering links say their
 * role in the name: `ncr-` for the requester's link, `nca-` for the accepter's.
 */
import { createHash } from 'node:crypto';
import { InvalidSpecError } from '../../provider/errors.js';
import type { NetworkResourceType } from '../../provider/network-types.js';
import { canonicalJson } from '../../provider/offer-selection.js';
import { labelTagIssues, MAX_TAGS, NOVACRON_TAG } from './tags.js';

/** The subnet Azure VPN gateways live in; ARM requires exactly this name. */
export const GATEWAY_SUBNET = 'GatewaySubnet';

const LETTER: Readonly<Record<Exclude<NetworkResourceType, 'peering'>, string>> = {
  network: 'n',
  subnet: 's',
  'vpn-gateway': 'g',
  'peer-gateway': 'p',
  'vpn-connection': 'c',
  route: 't',
};

/** The Azure name of the resource a create of `type` with this key makes (`role` for peering links). */
export function networkResourceName(type: NetworkResourceType, idempotencyKey: string, role: 'requester' | 'accepter' = 'requester'): string {
  const digest = createHash('sha256').update(`novacron/azure/network/${type}/${idempotencyKey}`).digest('hex').slice(0, 12);
  const letter = type === 'peering' ? (role === 'accepter' ? 'a' : 'r') : LETTER[type];
  return `nc${letter}-${digest}`;
}

/** The role a peering link's name says (`nca-` accepter, anything else requester). */
export function peeringRoleOf(name: string): 'requester' | 'accepter' {
  return name.toLowerCase().startsWith('nca-') ? 'accepter' : 'requester';
}

/** The name of part `index` (0 is the first) of a composite resource. */
export function partName(first: string, index: number): string {
  return index === 0 ? first : `${first}-${index + 1}`;
}

/** The public IP of instance `index` of gateway `gateway`. */
export function gatewayPublicIpName(gateway: string, index: number): string {
  return `${gateway}-ip${index + 1}`;
}

/** The route table the companion keeps for the virtual network `vnet` (Azure names hold 80 characters). */
export function routeTableName(vnet: string): string {
  return `${vnet.slice(0, 77)}-rt`;
}

/** Tags the companion writes, besides those of `tags.ts`. */
export const NETWORK_TAG = {
  /** On a public IP: the gateway it was made for. */
  gateway: 'novacron:gateway',
  /** On a gateway's public IP: the VNet whose GatewaySubnet the gateway uses. */
  network: 'novacron:network',
  /** On a gateway's public IP: `true` when the companion made the GatewaySubnet too (and removes it). */
  gatewaySubnet: 'novacron:gateway-subnet',
  /** On a gateway's public IP: `true` once the gateway's delete was asked for. */
  deleting: 'novacron:deleting',
  /** On the parts of a composite: how many parts there are. */
  parts: 'novacron:parts',
  /** On a part of a composite: its index. */
  part: 'novacron:part',
  /** On a local network gateway: the far side's ASN, until a BGP connection sets it in `bgpSettings`. */
  asn: 'novacron:asn',
  /** Creation time (ISO 8601): ARM reports none for network resources. */
  createdAt: 'novacron:created-at',
  /** On a connection: routing, `bgp` or `static`. */
  routing: 'novacron:routing',
  /** Prefix of a connection's per-tunnel tags (`novacron:tunnel-0`, JSON of the tunnel's public facts). */
  tunnel: 'novacron:tunnel-',
  /** Prefix of a connection's per-tunnel secret references (`novacron:psk-0`: the secret's name, never its value). */
  psk: 'novacron:psk-',
  /** Prefix of a route table's per-route target tags (`novacron:route:<name>`). */
  route: 'novacron:route:',
} as const;

/** What identifies a create in its tags. */
export interface NetworkTagContext {
  /** Provider instance name. */
  readonly providerName: string;
  /** Federation id, when set. */
  readonly federationId: string | undefined;
  /** The caller's idempotency key, when one was given. */
  readonly idempotencyKey: string | undefined;
  /** Creation time. */
  readonly now: Date;
}

/** Fingerprint of a create's input: tells a repeat from a conflicting reuse of a key. */
export function inputFingerprint(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 32);
}

/** The tags of a resource a create makes: its labels and novacron's own (with `extra`); `InvalidSpecError` when they break Azure's rules. */
export function networkTags(name: string, labels: Readonly<Record<string, string>> | undefined, specHash: string, ctx: NetworkTagContext, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const own = labels ?? {};
  const issues = labelTagIssues(own);
  if (issues.length > 0) throw new InvalidSpecError({ issues });
  const tags: Record<string, string> = {};
  for (const key of Object.keys(own).sort()) tags[key] = own[key]!;
  tags[NOVACRON_TAG.managed] = 'true';
  tags[NOVACRON_TAG.provider] = ctx.providerName.slice(0, 256);
  tags[NOVACRON_TAG.name] = name;
  tags[NOVACRON_TAG.specHash] = specHash;
  tags[NETWORK_TAG.createdAt] = ctx.now.toISOString();
  if (ctx.federationId !== undefined) tags[NOVACRON_TAG.federation] = ctx.federationId.slice(0, 256);
  if (ctx.idempotencyKey !== undefined) tags[NOVACRON_TAG.idempotencyKey] = ctx.idempotencyKey.slice(0, 256);
  Object.assign(tags, extra);
  if (Object.keys(tags).length > MAX_TAGS) {
    const used = Object.keys(tags).length - Object.keys(own).length;
    throw new InvalidSpecError({ issues: [{ field: 'labels', message: `Azure allows ${MAX_TAGS} tags per resource; novacron uses ${used} here, so at most ${MAX_TAGS - used} labels fit` }] });
  }
  return tags;
}

/** The tags that mark a resource as made for something else of novacron's (a gateway's public IP, a route table). */
export function ownedTags(ctx: Pick<NetworkTagContext, 'providerName' | 'federationId' | 'now'>, extra: Readonly<Record<string, string>>): Record<string, string> {
  return {
    [NOVACRON_TAG.managed]: 'true',
    [NOVACRON_TAG.provider]: ctx.providerName.slice(0, 256),
    [NETWORK_TAG.createdAt]: ctx.now.toISOString(),
    ...(ctx.federationId !== undefined ? { [NOVACRON_TAG.federation]: ctx.federationId.slice(0, 256) } : {}),
    ...extra,
  };
}

/** True when tags say novacron made the resource and with this input. */
export function sameInput(tags: Readonly<Record<string, string>> | undefined, specHash: string): boolean {
  return tags?.[NOVACRON_TAG.specHash] === specHash;
}
