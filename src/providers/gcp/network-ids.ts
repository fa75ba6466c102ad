/**
 * Ids and names of the network companion's resources. An id is the resource's path in the
 * Compute Engine API where there is one resource, and the companion's own path where a
 * companion resource is made of several or of none:
 *
 * | type             | id                                                              |
 * | ---------------- | --------------------------------------------------------------- |
 * | network          | `projects/{p}/global/networks/{name}`                           |
 * | subnet           | `projects/{p}/regions/{r}/subnetworks/{name}`                   |
 * | vpn-gateway      | `projects/{p}/regions/{r}/vpnGateways/{name}` (router `{name}-router`) |
 * | peer-gateway     | `projects/{p}/global/externalVpnGateways/{name}`                |
 * | vpn-connection   | `projects/{p}/regions/{r}/vpnConnections/{name}` (tunnels `{name}-t{i}`, router interface `{name}-if{i}`, BGP peer `{name}-bgp{i}`) |
 * | peering          | `projects/{p}/global/networks/{network}/peerings/{peering}`     |
 * | route (static)   | `projects/{p}/global/routes/{name}`                             |
 * | route (over VPN) | `projects/{p}/regions/{r}/routers/{router}/routes/{name}`: custom learned ranges of the router's BGP peers |
 *
 * The derived names keep within GCE's 63 characters, so a gateway's name has at most 56
 * characters and a connection's at most 55. A peering's GCE name carries its role and the
 * digest of its idempotency key (`{name}-r{10 hex}` / `{name}-a{10 hex}`): a peering has no
 * labels or description of its own, and this is how a lost answer is found again.
 */
import { createHash } from 'node:crypto';
import type { NetworkResourceType } from '../../provider/network-types.js';

/** Longest name of a VPN gateway (its router is `{name}-router`). */
export const MAX_GATEWAY_NAME = 56;
/** Longest name of a VPN connection (its tunnels are `{name}-t{i}`, its BGP peers `{name}-bgp{i}`). */
export const MAX_CONNECTION_NAME = 55;

/** A parsed id. */
export type ParsedNetworkId =
  | { readonly kind: 'network'; readonly project: string; readonly name: string }
  | { readonly kind: 'subnet' | 'vpn-gateway' | 'vpn-connection'; readonly project: string; readonly region: string; readonly name: string }
  | { readonly kind: 'peer-gateway' | 'static-route'; readonly project: string; readonly name: string }
  | { readonly kind: 'peering'; readonly project: string; readonly network: string; readonly name: string }
  | { readonly kind: 'learned-route'; readonly project: string; readonly region: string; readonly router: string; readonly name: string };

const SEG = '([a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)';
const PROJECT = '([a-z][-a-z0-9.:]{4,61}[a-z0-9])';
const PREFIX = '^(?:https://(?:www|compute)\\.googleapis\\.com/compute/v1/)?projects/';
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => ParsedNetworkId][] = [
  [new RegExp(`${PREFIX}${PROJECT}/global/networks/${SEG}$`), (m) => ({ kind: 'network', project: m[1]!, name: m[2]! })],
  [new RegExp(`${PREFIX}${PROJECT}/regions/${SEG}/subnetworks/${SEG}$`), (m) => ({ kind: 'subnet', project: m[1]!, region: m[2]!, name: m[3]! })],
  [new RegExp(`${PREFIX}${PROJECT}/regions/${SEG}/vpnGateways/${SEG}$`), (m) => ({ kind: 'vpn-gateway', project: m[1]!, region: m[2]!, name: m[3]! })],
  [new RegExp(`${PREFIX}${PROJECT}/regions/${SEG}/vpnConnections/${SEG}$`), (m) => ({ kind: 'vpn-connection', project: m[1]!, region: m[2]!, name: m[3]! })],
  [new RegExp(`${PREFIX}${PROJECT}/global/externalVpnGateways/${SEG}$`), (m) => ({ kind: 'peer-gateway', project: m[1]!, name: m[2]! })],
  [new RegExp(`${PREFIX}${PROJECT}/global/routes/${SEG}$`), (m) => ({ kind: 'static-route', project: m[1]!, name: m[2]! })],
  [new RegExp(`${PREFIX}${PROJECT}/global/networks/${SEG}/peerings/${SEG}$`), (m) => ({ kind: 'peering', project: m[1]!, network: m[2]!, name: m[3]! })],
  [new RegExp(`${PREFIX}${PROJECT}/regions/${SEG}/routers/${SEG}/routes/${SEG}$`), (m) => ({ kind: 'learned-route', project: m[1]!, region: m[2]!, router: m[3]!, name: m[4]! })],
];

/** The parts of an id (or a resource URL); `undefined` when it is none of the companion's. */
export function parseNetworkId(id: string): ParsedNetworkId | undefined {
  if (typeof id !== 'string') return undefined;
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(id);
    if (m) return build(m);
  }
  return undefined;
}

/** The companion type an id is of (`static-route` and `learned-route` are both `route`). */
export function typeOfId(parsed: ParsedNetworkId): NetworkResourceType {
  return parsed.kind === 'static-route' || parsed.kind === 'learned-route' ? 'route' : parsed.kind;
}

/** Ids of one project. */
export class NetworkIds {
  /** Ids in `project`. */
  constructor(readonly project: string) {}

  /** A network's id. */
  network(name: string): string {
    return `projects/${this.project}/global/networks/${name}`;
  }

  /** A subnet's id. */
  subnet(region: string, name: string): string {
    return `projects/${this.project}/regions/${region}/subnetworks/${name}`;
  }

  /** A VPN gateway's id. */
  vpnGateway(region: string, name: string): string {
    return `projects/${this.project}/regions/${region}/vpnGateways/${name}`;
  }

  /** A Cloud Router's path. */
  router(region: string, name: string): string {
    return `projects/${this.project}/regions/${region}/routers/${name}`;
  }

  /** A VPN tunnel's path. */
  tunnel(region: string, name: string): string {
    return `projects/${this.project}/regions/${region}/vpnTunnels/${name}`;
  }

  /** A peer gateway's id. */
  peerGateway(name: string): string {
    return `projects/${this.project}/global/externalVpnGateways/${name}`;
  }

  /** A connection's id. */
  connection(region: string, name: string): string {
    return `projects/${this.project}/regions/${region}/vpnConnections/${name}`;
  }

  /** A peering's id. */
  peering(network: string, name: string, project = this.project): string {
    return `projects/${project}/global/networks/${network}/peerings/${name}`;
  }

  /** A static route's id. */
  staticRoute(name: string): string {
    return `projects/${this.project}/global/routes/${name}`;
  }

  /** The id of a route made of custom learned ranges of a router. */
  learnedRoute(region: string, router: string, name: string): string {
    return `projects/${this.project}/regions/${region}/routers/${router}/routes/${name}`;
  }
}

/** A GCE resource URL's last segment. */
export function nameOf(url: string | null | undefined): string {
  if (!url) return '';
  return url.slice(url.lastIndexOf('/') + 1);
}

/** The project a resource URL or path names. */
export function projectOf(url: string | null | undefined): string | undefined {
  return /(?:^|\/)projects\/([^/]+)\//.exec(url ?? '')?.[1];
}

/** The Cloud Router of a VPN gateway. */
export function routerNameOf(gateway: string): string {
  return `${gateway}-router`;
}

/** Tunnel `i` of a connection. */
export function tunnelNameOf(connection: string, i: number): string {
  return `${connection}-t${i}`;
}

/** Router interface of tunnel `i` of a connection. */
export function interfaceNameOf(connection: string, i: number): string {
  return `${connection}-if${i}`;
}

/** BGP peer of tunnel `i` of a connection. */
export function bgpPeerNameOf(connection: string, i: number): string {
  return `${connection}-bgp${i}`;
}

/** The connection and index of a tunnel name made by {@link tunnelNameOf}. */
export function connectionOfTunnel(tunnel: string): { readonly connection: string; readonly index: number } | undefined {
  const m = /^(.+)-t(\d)$/.exec(tunnel);
  return m ? { connection: m[1]!, index: Number(m[2]) } : undefined;
}

/** Digits of the key's digest a peering's name carries. */
const PEERING_DIGEST = 10;

/** The GCE name of a peering link: its base name, role letter and key digest. */
export function peeringNameFor(base: string, role: 'requester' | 'accepter', idempotencyKey: string): string {
  const digest = createHash('sha256').update(`novacron/gcp/peering/${idempotencyKey}`).digest('hex').slice(0, PEERING_DIGEST);
  const suffix = `-${role === 'requester' ? 'r' : 'a'}${digest}`;
  return `${base.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** The key digest suffix a peering made with this key has. */
export function peeringSuffixOf(idempotencyKey: string): string {
  return createHash('sha256').update(`novacron/gcp/peering/${idempotencyKey}`).digest('hex').slice(0, PEERING_DIGEST);
}

/** The role a peering's GCE name says; `undefined` for a peering the companion did not make. */
export function peeringRoleOf(name: string): 'requester' | 'accepter' | undefined {
  const m = new RegExp(`-([ra])[0-9a-f]{${PEERING_DIGEST}}$`).exec(name);
  return m ? (m[1] === 'r' ? 'requester' : 'accepter') : undefined;
}
