/**
 * Neutron's resources as the network companion's (`provider/network-types.ts`):
 *
 * | companion        | Neutron                                                                  |
 * |------------------|--------------------------------------------------------------------------|
 * | `network`        | a network; its ranges are the mark's `c=` (Neutron networks have none)   |
 * | `subnet`         | a subnet, attached to the network's router                               |
 * | `route`          | an extra route of the network's router (`routes`), recorded in a tag;    |
 * |                  | to a VPN gateway or connection: the connection's peer ranges, which      |
 * |                  | VPNaaS routes itself (no extra route), recorded the same way             |
 * | `vpn-gateway`    | a VPN service on the network's router; its IP is the router's gateway's  |
 * | `peer-gateway`   | an endpoint group of peer CIDRs; the far side's IPs and ASN in its mark  |
 * | `vpn-connection` | an IPsec site connection (one tunnel), with its own IKE and IPsec        |
 * |                  | policies and local endpoint group                                        |
 *
 * States: Neutron's `status` words are kept as `rawState`. A VPN service is `available` once it
 * has its gateway address (`external_v4_ip`): the reference driver leaves a service
 * `PENDING_CREATE` until it has a connection, and Neutron takes connections on a pending service,
 * so waiting for `ACTIVE` first would never end. A connection is `available` when the agent has
 * processed it (`ACTIVE` or `DOWN`); whether the tunnel is up is its tunnel's `status`.
 */
import type { Network, NetworkResourceState, PeerGateway, Route, RouteTarget, Subnet, VpnConnection, VpnGateway } from '../../provider/network-types.js';
import { labelsOfField, labelsOfTags, parseMark, splitList, type RouteTag } from './network-marks.js';
import type { NeutronEndpointGroupView, NeutronNetworkView, NeutronRouterView, NeutronSiteConnectionView, NeutronSubnetView, NeutronVpnServiceView } from './network-wire-types.js';

/** Who the resources belong to. */
export interface MappingContext {
  /** Provider name. */
  readonly provider: string;
  /** Region. */
  readonly region: string;
}

/** Neutron's timestamps, or the epoch when a resource has none. */
function isoOf(value: string | undefined): string {
  const t = value === undefined ? Number.NaN : Date.parse(value.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return new Date(Number.isFinite(t) ? t : 0).toISOString();
}

/** A creation time recorded in a mark (`t=`, base 36 ms), for VPNaaS resources that have no timestamps. */
function markedTime(value: string | undefined): string {
  const t = value === undefined ? Number.NaN : parseInt(value, 36);
  return new Date(Number.isFinite(t) ? t : 0).toISOString();
}

function head<T extends string>(ctx: MappingContext, type: T, id: string, name: string | undefined, state: NetworkResourceState, rawState: string) {
  return { type, id, name: name ?? '', provider: ctx.provider, providerKind: 'openstack' as const, region: ctx.region, state, rawState, stateReason: undefined as string | undefined };
}

/** A network; `cidrs` overrides the mark's (a network the companion did not make: its subnets' ranges). */
export function toNetwork(ctx: MappingContext, n: NeutronNetworkView, cidrs?: readonly string[]): Network {
  const mark = parseMark(n.description);
  const status = n.status ?? 'ACTIVE';
  const state: NetworkResourceState = status === 'BUILD' ? 'provisioning' : status === 'ERROR' ? 'failed' : 'available';
  return { ...head(ctx, 'network', n.id, n.name, state, status), labels: labelsOfTags(n.tags), createdAt: isoOf(n.created_at), cidrs: cidrs ?? splitList(mark?.fields.c) };
}

/** A subnet (Neutron subnets have no status: they are usable once they exist). */
export function toSubnet(ctx: MappingContext, s: NeutronSubnetView): Subnet {
  return { ...head(ctx, 'subnet', s.id, s.name, 'available', 'ACTIVE'), labels: labelsOfTags(s.tags), createdAt: isoOf(s.created_at), networkId: s.network_id ?? '', cidr: s.cidr ?? '', zone: undefined };
}

/** A VPN service as a VPN gateway of `networkId` (see the file comment for its states). */
export function toVpnGateway(ctx: MappingContext, s: NeutronVpnServiceView, networkId: string): VpnGateway {
  const mark = parseMark(s.description);
  const status = s.status ?? 'PENDING_CREATE';
  const ip = s.external_v4_ip ?? undefined;
  const state: NetworkResourceState = status === 'ERROR' ? 'failed' : status === 'PENDING_DELETE' ? 'deleting' : ip === undefined ? 'provisioning' : 'available';
  return { ...head(ctx, 'vpn-gateway', s.id, s.name, state, status), labels: labelsOfField(mark?.fields.l), createdAt: markedTime(mark?.fields.t), networkId, publicIps: ip === undefined ? [] : [ip], asn: undefined };
}

/** An endpoint group of peer CIDRs as a peer gateway. */
export function toPeerGateway(ctx: MappingContext, g: NeutronEndpointGroupView): PeerGateway {
  const mark = parseMark(g.description);
  const asn = mark?.fields.asn === undefined ? undefined : Number(mark.fields.asn);
  return {
    ...head(ctx, 'peer-gateway', g.id, g.name, 'available', 'ACTIVE'),
    labels: labelsOfField(mark?.fields.l),
    createdAt: markedTime(mark?.fields.t),
    ips: splitList(mark?.fields.ips),
    asn: asn !== undefined && Number.isInteger(asn) ? asn : undefined,
    cidrs: [...(g.endpoints ?? [])],
  };
}

/** What a connection's view needs besides the connection. */
export interface ConnectionParts {
  /** Its VPN service (for this side's tunnel address). */
  readonly service: NeutronVpnServiceView | undefined;
  /** Its peer endpoint group (the ranges behind the far side). */
  readonly peerGroup: NeutronEndpointGroupView | undefined;
}

/** An IPsec site connection as a VPN connection of one tunnel; its key is the mark's reference, never Neutron's `psk`. */
export function toVpnConnection(ctx: MappingContext, c: NeutronSiteConnectionView, parts: ConnectionParts): VpnConnection {
  const mark = parseMark(c.description);
  const status = c.status ?? 'PENDING_CREATE';
  const state: NetworkResourceState = status === 'ACTIVE' || status === 'DOWN' ? 'available' : status === 'ERROR' ? 'failed' : status === 'PENDING_DELETE' ? 'deleting' : 'provisioning';
  const tunnelStatus = status === 'ACTIVE' ? 'up' : status === 'DOWN' ? 'down' : 'unknown';
  return {
    ...head(ctx, 'vpn-connection', c.id, c.name, state, status),
    labels: labelsOfField(mark?.fields.l),
    createdAt: markedTime(mark?.fields.t),
    vpnGatewayId: c.vpnservice_id ?? '',
    peerGatewayId: c.peer_ep_group_id ?? '',
    routing: 'static',
    staticRoutes: [...(parts.peerGroup?.endpoints ?? c.peer_cidrs ?? [])],
    tunnels: [
      {
        outsideIp: parts.service?.external_v4_ip ?? undefined,
        peerIp: c.peer_address ?? '',
        insideCidr: undefined,
        preSharedKey: { secret: mark?.fields.psk ?? '' },
        bgp: undefined,
        status: tunnelStatus,
      },
    ],
  };
}

/** The id of a route: its router and destination (`<router id>:<destination>`). */
export function routeId(routerId: string, destination: string): string {
  return `${routerId}:${destination}`;
}

/** The router and destination of a route id, `undefined` for an id that is not one. */
export function parseRouteId(id: string): { readonly routerId: string; readonly destination: string } | undefined {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { routerId: id.slice(0, at), destination: id.slice(at + 1) };
}

/** A recorded route of a router of `networkId`. */
export function toRoute(ctx: MappingContext, router: NeutronRouterView, tag: RouteTag, networkId: string): Route {
  const target: RouteTarget = { type: tag.targetType, id: tag.targetId };
  return {
    ...head(ctx, 'route', routeId(router.id, tag.destination), tag.name, 'available', tag.nexthop === undefined ? 'vpnaas' : `via ${tag.nexthop}`),
    labels: {},
    createdAt: new Date(Number.isFinite(tag.createdAt) ? tag.createdAt : 0).toISOString(),
    networkId,
    destination: tag.destination,
    target,
  };
}
