/**
 * How the network companion marks what it makes in Neutron, so that a retried create (in any
 * process) finds its own resource and `findByIdempotencyKey` can answer.
 *
 * Neutron has no request id, and its create calls take no tags (only ports do: `tags` is not
 * allowed in POST for networks, subnets and routers, and VPNaaS resources have no tags at all —
 * neutron `extensions/tagging.py`, neutron-lib `api/definitions/vpn.py`, read 2026-12). What a
 * create does take, atomically, is a `description` of up to 255 characters. So every resource
 * the companion makes carries a **mark** there:
 *
 *   `novacron:v1 <kind> k=<key digest> i=<input digest> [field=value …]`
 *
 * - `k`: 32 hex digits of the SHA-256 of the kind and the idempotency key (a key may be long or
 *   hold anything); `i`: 16 hex digits of the canonical JSON of the input, which tells a repeat
 *   (same input: the same resource comes back) from a conflict (other input: `ConflictError`);
 * - fields: a network's address ranges (`c=10.1.0.0/16,…`: Neutron networks have no CIDR of
 *   their own); a VPN gateway's and a router's network (`n=`); a peer gateway's far-side IPs and
 *   ASN; a VPN connection's pre-shared key **reference** (`psk=` the secret's name, never its
 *   value); labels of VPNaaS resources (`l=`), which have no tags. Values are percent-encoded.
 *
 * Labels of networks and subnets are tags (`key=value`, set right after the create and set again
 * by a retry). Routes are entries of a router's `routes`, which have neither description nor
 * tags: the companion records each route it made as a router tag ({@link RouteTag}).
 */
import { createHash } from 'node:crypto';
import { InvalidSpecError } from '../../provider/errors.js';
import { canonicalJson } from '../../provider/offer-selection.js';

/** The prefix of every mark. */
export const MARK_PREFIX = 'novacron:v1';
/** Longest description Neutron takes. */
export const MAX_DESCRIPTION = 255;
/** Longest tag Neutron takes (neutron `tagging.MAX_TAG_LEN`). */
export const MAX_TAG = 255;

/** Kinds of marked resources (`vpn-part`: an IKE/IPsec policy, local endpoint group or local subnet of one connection). */
export type MarkKind = 'network' | 'subnet' | 'router' | 'vpn-gateway' | 'peer-gateway' | 'vpn-connection' | 'vpn-part' | 'route';

/** A parsed mark. */
export interface Mark {
  /** Kind of resource. */
  readonly kind: MarkKind;
  /** Fields, decoded (`k` and `i` among them). */
  readonly fields: Readonly<Record<string, string>>;
}

const KINDS = new Set<string>(['network', 'subnet', 'router', 'vpn-gateway', 'peer-gateway', 'vpn-connection', 'vpn-part']);

/** The key digest of a create: 32 hex digits, identical in every process. */
export function keyDigest(kind: MarkKind, idempotencyKey: string): string {
  return createHash('sha256').update(`novacron/openstack/network/${kind}/${idempotencyKey}`).digest('hex').slice(0, 32);
}

/** The input digest of a create: 16 hex digits of its canonical JSON. */
export function inputDigest(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 16);
}

/**
 * The description carrying a mark; `InvalidSpecError` naming `field` when it does not fit in
 * Neutron's 255 characters (too many ranges, long labels).
 */
export function formatMark(kind: MarkKind, fields: Readonly<Record<string, string | undefined>>, field = 'labels'): string {
  const parts = Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  const text = [MARK_PREFIX, kind, ...parts].join(' ');
  if (text.length > MAX_DESCRIPTION) {
    throw new InvalidSpecError({ issues: [{ field, message: `too long for Neutron: the companion keeps it in the resource's ${MAX_DESCRIPTION}-character description (it needs ${text.length})` }] });
  }
  return text;
}

/** The mark in a description, or `undefined` when the resource is not the companion's. */
export function parseMark(description: string | null | undefined): Mark | undefined {
  if (typeof description !== 'string' || !description.startsWith(`${MARK_PREFIX} `)) return undefined;
  const [, kind, ...parts] = description.split(' ');
  if (kind === undefined || !KINDS.has(kind)) return undefined;
  const fields: Record<string, string> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      fields[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return undefined;
    }
  }
  return { kind: kind as MarkKind, fields };
}

/** A list as one mark field (`a,b`: the elements are percent-encoded by {@link formatMark}). */
export function joinList(values: readonly string[]): string {
  return values.join(',');
}

/** The list of a mark field. */
export function splitList(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(',');
}

/** Labels as one mark field (JSON: keys and values may hold anything). */
export function labelsField(labels: Readonly<Record<string, string>> | undefined): string | undefined {
  return labels === undefined || Object.keys(labels).length === 0 ? undefined : JSON.stringify(labels);
}

/** The labels of a mark field. */
export function labelsOfField(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** Labels as tags (`key=value`); `InvalidSpecError` for a key with `=` or a tag over 255 characters. */
export function labelTags(labels: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(labels ?? {}).map(([k, v]) => {
    const tag = `${k}=${v}`;
    if (k === '' || k.includes('=')) throw new InvalidSpecError({ issues: [{ field: `labels.${k}`, message: 'a label key must be non-empty and hold no "=" (labels are Neutron tags key=value)' }] });
    if (tag.length > MAX_TAG) throw new InvalidSpecError({ issues: [{ field: `labels.${k}`, message: `key=value must fit in a ${MAX_TAG}-character Neutron tag` }] });
    return tag;
  });
}

/** The labels among a resource's tags (those of the form `key=value` that are not route records). */
export function labelsOfTags(tags: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.startsWith(ROUTE_TAG_PREFIX)) continue;
    const eq = tag.indexOf('=');
    if (eq > 0) labels[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  return labels;
}

/** Prefix of the router tags that record routes. */
export const ROUTE_TAG_PREFIX = 'novacron-route|';

/** Next-hop kinds of a recorded route, one letter each in its tag. */
const TARGET_CODES = { 'vpn-gateway': 'g', 'vpn-connection': 'c', peering: 'p', instance: 'i', internet: 'n' } as const;

/** A route the companion made, as recorded in a router tag. */
export interface RouteTag {
  /** Destination range (canonical). */
  readonly destination: string;
  /** Next-hop kind. */
  readonly targetType: keyof typeof TARGET_CODES;
  /** Next-hop id (absent for `internet`). */
  readonly targetId: string | undefined;
  /** The next-hop address of its extra route; `undefined` when VPNaaS routes the range itself (no extra route). */
  readonly nexthop: string | undefined;
  /** 16 hex digits of its key digest. */
  readonly key: string;
  /** Its input digest. */
  readonly input: string;
  /** Creation time, epoch ms. */
  readonly createdAt: number;
  /** Name. */
  readonly name: string;
}

/**
 * A route record as a tag: `novacron-route|<destination>|<kind>|<id>|<nexthop>|<key>|<input>|<created>|<name>`.
 * A `/` may not travel in a tag's URL (`PUT /routers/{id}/tags/{tag}`: WSGI servers refuse or
 * decode an encoded slash), so the destination's is written `_`.
 */
export function formatRouteTag(route: RouteTag): string {
  const tag = [
    ROUTE_TAG_PREFIX.slice(0, -1),
    route.destination.replace('/', '_'),
    TARGET_CODES[route.targetType],
    route.targetId ?? '',
    route.nexthop ?? '',
    route.key,
    route.input,
    route.createdAt.toString(36),
    route.name,
  ].join('|');
  if (tag.length > MAX_TAG) throw new InvalidSpecError({ issues: [{ field: 'name', message: `the route's record must fit in a ${MAX_TAG}-character router tag; use a shorter name` }] });
  return tag;
}

/** The route record of a tag, or `undefined` when the tag is not one. */
export function parseRouteTag(tag: string): RouteTag | undefined {
  if (!tag.startsWith(ROUTE_TAG_PREFIX)) return undefined;
  const parts = tag.split('|');
  if (parts.length < 9) return undefined;
  const [, destination, code, targetId, nexthop, key, input, created, ...name] = parts as [string, string, string, string, string, string, string, string, ...string[]];
  const targetType = (Object.keys(TARGET_CODES) as (keyof typeof TARGET_CODES)[]).find((t) => TARGET_CODES[t] === code);
  if (targetType === undefined) return undefined;
  return { destination: destination.replace('_', '/'), targetType, targetId: targetId === '' ? undefined : targetId, nexthop: nexthop === '' ? undefined : nexthop, key, input, createdAt: parseInt(created, 36), name: name.join('|') };
}
