/**
 * What the network companion records on the GCE resources it makes, and where.
 *
 * GCE networks, subnetworks, routes and Cloud Routers have no labels, and a network has no
 * address range of its own, so the companion keeps its facts in the resource's `description`
 * as `novacron:` followed by one JSON object ({@link NetworkNote}): a network's ranges (what
 * `Network.cidrs` reads back, and what subnets and peerings are checked against), the caller's
 * labels, the digest of the idempotency key and a hash of the create's input. Resources that
 * have labels (HA VPN gateways, external VPN gateways, VPN tunnels) carry the key digest and
 * the input hash as labels (`novacron-key`, `novacron-spec-hash`, next to the caller's), and
 * their other facts (a peer's ASN and ranges; a tunnel's pre-shared key reference) in the
 * description. A Cloud Router's description holds the routes the companion installed on it as
 * custom learned ranges.
 *
 * Nothing secret is written: a tunnel's note names the host's secret (`SecretRef.secret`),
 * never its value. A description the companion did not write reads as no note.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../provider/offer-selection.js';
import { NOVACRON_LABEL, labelsOf } from './labels.js';
import { keyLabelValue } from './naming.js';

/** Prefix of a description the companion wrote. */
export const NOTE_PREFIX = 'novacron:';

/** A route the companion installed on a Cloud Router (custom learned ranges of its BGP peers). */
export interface LearnedRouteNote {
  /** Destination range. */
  readonly destination: string;
  /** `vpn-gateway` (every BGP peer of the router) or `vpn-connection` (the peers of one connection). */
  readonly target: 'vpn-gateway' | 'vpn-connection';
  /** The target's id. */
  readonly targetId: string;
  /** The connection whose peers carry it, for `vpn-connection`. */
  readonly connection?: string | undefined;
  /** Caller's labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Key digest. */
  readonly key?: string | undefined;
  /** Input hash. */
  readonly hash?: string | undefined;
}

/** What a description holds. */
export interface NetworkNote {
  /** Address ranges of a network. */
  readonly cidrs?: readonly string[] | undefined;
  /** Caller's labels (resources without labels). */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Digest of the idempotency key (resources without labels). */
  readonly key?: string | undefined;
  /** Hash of the create's input (resources without labels). */
  readonly hash?: string | undefined;
  /** A peer gateway's ASN. */
  readonly asn?: number | undefined;
  /** The route's target, for a static route (`internet`, `instance`). */
  readonly target?: { readonly type: string; readonly id?: string | undefined } | undefined;
  /** A tunnel's connection. */
  readonly connection?: string | undefined;
  /** A tunnel's index in its connection, and how many tunnels the connection has. */
  readonly tunnel?: { readonly index: number; readonly of: number } | undefined;
  /** A tunnel's pre-shared key reference (the host's secret name, never the value). */
  readonly psk?: string | undefined;
  /** The VPN gateway a Cloud Router serves. */
  readonly gateway?: string | undefined;
  /** Routes installed on a Cloud Router, by route name. */
  readonly routes?: Readonly<Record<string, LearnedRouteNote>> | undefined;
}

/** The description holding `note`. */
export function writeNote(note: NetworkNote): string {
  return `${NOTE_PREFIX}${JSON.stringify(note)}`;
}

/** The note of a description; `{}` when the companion did not write it. */
export function readNote(description: string | null | undefined): NetworkNote {
  if (typeof description !== 'string' || !description.startsWith(NOTE_PREFIX)) return {};
  try {
    const parsed = JSON.parse(description.slice(NOTE_PREFIX.length)) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as NetworkNote) : {};
  } catch {
    return {};
  }
}

/** The digest of an idempotency key, as recorded (`naming.ts`'s key label value). */
export function keyDigest(idempotencyKey: string): string {
  return keyLabelValue(idempotencyKey);
}

/** A hash of a create's input: tells a repeated create from another one under the same key. */
export function inputHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 32);
}

/** The labels a labelled resource gets: the caller's, the key digest and the input hash. */
export function ownLabels(labels: Readonly<Record<string, string>> | undefined, key: string | undefined, hash: string): Record<string, string> {
  return {
    ...(labels ?? {}),
    [NOVACRON_LABEL.managed]: 'true',
    [NOVACRON_LABEL.specHash]: hash,
    ...(key !== undefined ? { [NOVACRON_LABEL.idempotencyKey]: keyDigest(key) } : {}),
  };
}

/** The caller's labels among a labelled resource's. */
export function callerLabels(labels: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  return labelsOf(labels);
}

/** The key digest and input hash of a labelled resource. */
export function labelledIdentity(labels: Readonly<Record<string, string>> | null | undefined): { readonly key: string | undefined; readonly hash: string | undefined } {
  return { key: labels?.[NOVACRON_LABEL.idempotencyKey], hash: labels?.[NOVACRON_LABEL.specHash] };
}
