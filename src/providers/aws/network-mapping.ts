/**
 * EC2's network shapes as the companion's resources: VPC → network, subnet → subnet, virtual
 * private gateway → VPN gateway, customer gateway → peer gateway, VPN connection → VPN
 * connection, VPC peering connection → peering, a route of a main route table → route. States
 * are normalized with EC2's own word kept as `rawState`.
 *
 * Pre-shared keys never pass through here: EC2 returns them (in a connection's tunnel options
 * and its customer gateway configuration document), and a tunnel is mapped field by field from
 * its outside address, inside CIDR and the tag that names the secret its key came from.
 */
import type { CustomerGateway, Route as Ec2Route, RouteTable, Subnet as Ec2Subnet, Vpc, VpcPeeringConnection, VpnConnection as Ec2VpnConnection, VpnGateway as Ec2VpnGateway } from '@aws-sdk/client-ec2';
import type * as CidrTypes from '../../provider/cidr.js';
import type {
  Network,
  NetworkResourceState,
  NetworkResourceType,
  Peering,
  PeerGateway,
  Route,
  RouteTarget,
  Subnet,
  VpnConnection,
  VpnGateway,
  VpnTunnel,
} from '../../provider/network-types.js';
import { labelsOf, NETWORK_TAG, tagMap } from './network-tags.js';

/** What mapping needs besides the EC2 shape. */
export interface MappingContext {
  /** Provider name. */
  readonly provider: string;
  /** Region the resource was read in. */
  readonly region: string;
  /** The CIDR helpers (loaded lazily by the companion). */
  readonly cidr: typeof CidrTypes;
}

/** When EC2 does not say when a resource was made (one the companion did not create). */
const UNKNOWN_TIME = new Date(0).toISOString();

/** A resource's state: normalized, EC2's word, and why it failed. */
interface StateOf {
  readonly state: NetworkResourceState;
  readonly rawState: string;
  readonly stateReason?: string | undefined;
}

function head<T extends NetworkResourceType>(type: T, id: string, tags: ReadonlyMap<string, string>, ctx: MappingContext, state: StateOf) {
  return {
    type,
    id,
    name: tags.get('Name') ?? id,
    provider: ctx.provider,
    providerKind: 'aws' as const,
    region: ctx.region,
    state: state.state,
    rawState: state.rawState,
    stateReason: state.stateReason,
    labels: labelsOf(tags),
    createdAt: tags.get(NETWORK_TAG.createdAt) ?? UNKNOWN_TIME,
  };
}

/** `pending` → `provisioning`; `available`, `deleting` as they are. */
function simpleState(raw: string | undefined): NetworkResourceState {
  if (raw === 'available') return 'available';
  if (raw === 'deleting' || raw === 'deleted') return 'deleting';
  if (raw === 'failed') return 'failed';
  return 'provisioning';
}

/** A comma-separated tag value as a list. */
export function listTag(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : value.split(',');
}

/** A VPC as a network. */
export function networkOf(vpc: Vpc, ctx: MappingContext): Network {
  const tags = tagMap(vpc.Tags);
  const v4 = (vpc.CidrBlockAssociationSet ?? []).filter((a) => a.CidrBlockState?.State === 'associated' && a.CidrBlock).map((a) => a.CidrBlock!);
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? []).filter((a) => a.Ipv6CidrBlockState?.State === 'associated' && a.Ipv6CidrBlock).map((a) => a.Ipv6CidrBlock!);
  const cidrs = [...new Set([...(vpc.CidrBlock ? [vpc.CidrBlock] : []), ...v4, ...v6])];
  return { ...head('network', vpc.VpcId!, tags, ctx, { state: simpleState(vpc.State), rawState: vpc.State ?? 'unknown' }), cidrs };
}

/** A subnet. */
export function subnetOf(subnet: Ec2Subnet, ctx: MappingContext): Subnet {
  const tags = tagMap(subnet.Tags);
  return {
    ...head('subnet', subnet.SubnetId!, tags, ctx, { state: simpleState(subnet.State), rawState: subnet.State ?? 'unknown' }),
    networkId: subnet.VpcId ?? '',
    cidr: subnet.CidrBlock ?? '',
    zone: subnet.AvailabilityZone,
  };
}

/** Where a virtual private gateway stands on the way to serving its VPC, or away from it. */
export type GatewayProgress = 'pending' | 'attach' | 'attaching' | 'attached' | 'detach' | 'detaching' | 'delete' | 'deleting' | 'elsewhere';

/** The gateway's progress, read from its state, its attachments and the companion's tags. */
export function gatewayProgress(vgw: Ec2VpnGateway): GatewayProgress {
  const tags = tagMap(vgw.Tags);
  const networkId = tags.get(NETWORK_TAG.network);
  const live = (vgw.VpcAttachments ?? []).filter((a) => a.State !== 'detached');
  if (vgw.State === 'deleting' || vgw.State === 'deleted') return 'deleting';
  if (tags.has(NETWORK_TAG.deleting)) {
    if (live.some((a) => a.State === 'detaching')) return 'detaching';
    return live.length > 0 ? 'detach' : 'delete';
  }
  if (vgw.State !== 'available') return 'pending';
  const mine = live.find((a) => a.VpcId === networkId);
  if (networkId !== undefined && live.length > 0 && !mine) return 'elsewhere';
  if (!mine) return 'attach';
  return mine.State === 'attached' ? 'attached' : mine.State === 'detaching' ? 'detaching' : 'attaching';
}

/** A virtual private gateway as a VPN gateway: `available` once attached to its network. AWS gateways have no public IP (tunnels do). */
export function vpnGatewayOf(vgw: Ec2VpnGateway, ctx: MappingContext): VpnGateway {
  const tags = tagMap(vgw.Tags);
  const progress = gatewayProgress(vgw);
  const attached = (vgw.VpcAttachments ?? []).find((a) => a.State !== 'detached')?.VpcId;
  const state: NetworkResourceState =
    progress === 'attached' ? 'available' : progress === 'elsewhere' ? 'failed' : ['detach', 'detaching', 'delete', 'deleting'].includes(progress) ? 'deleting' : 'provisioning';
  const rawState = `${vgw.State ?? 'unknown'}${attached ? `/${(vgw.VpcAttachments ?? []).find((a) => a.VpcId === attached)?.State}` : ''}`;
  const reason = progress === 'elsewhere' ? `the gateway is attached to ${attached}, not to ${tags.get(NETWORK_TAG.network)}` : undefined;
  return {
    ...head('vpn-gateway', vgw.VpnGatewayId!, tags, ctx, { state, rawState, stateReason: reason }),
    networkId: tags.get(NETWORK_TAG.network) ?? attached ?? '',
    publicIps: [],
    asn: vgw.AmazonSideAsn,
  };
}

/** A customer gateway as a peer gateway. */
export function peerGatewayOf(cgw: CustomerGateway, ctx: MappingContext): PeerGateway {
  const tags = tagMap(cgw.Tags);
  const asn = cgw.BgpAsn ?? cgw.BgpAsnExtended;
  return {
    ...head('peer-gateway', cgw.CustomerGatewayId!, tags, ctx, { state: simpleState(cgw.State), rawState: cgw.State ?? 'unknown' }),
    ips: cgw.IpAddress ? [cgw.IpAddress] : [],
    asn: asn === undefined ? undefined : Number(asn),
    cidrs: listTag(tags.get(NETWORK_TAG.peerCidrs)),
  };
}

/** The static routes a connection is to have: those asked for (tag), else those it has. */
export function wantedStaticRoutes(vpn: Ec2VpnConnection): string[] {
  const tags = tagMap(vpn.Tags);
  const asked = tags.get(NETWORK_TAG.staticRoutes);
  return asked !== undefined ? listTag(asked) : (vpn.Routes ?? []).filter((r) => r.State !== 'deleted' && r.State !== 'deleting').map((r) => r.DestinationCidrBlock!);
}

/** True when every static route a static connection is to have exists and is available. */
export function staticRoutesReady(vpn: Ec2VpnConnection): boolean {
  if (!vpn.Options?.StaticRoutesOnly) return true;
  const have = new Map((vpn.Routes ?? []).map((r) => [r.DestinationCidrBlock, r.State]));
  return wantedStaticRoutes(vpn).every((d) => have.get(d) === 'available');
}

/**
 * A VPN connection, with the tunnels the companion asked for (AWS always makes two; one not
 * asked for keeps the key AWS made up and is left out). `available` once AWS says so and its
 * static routes are in.
 */
export function vpnConnectionOf(vpn: Ec2VpnConnection, ctx: MappingContext): VpnConnection {
  const tags = tagMap(vpn.Tags);
  const routing = vpn.Options?.StaticRoutesOnly ? 'static' : 'bgp';
  const available = vpn.State === 'available';
  const telemetry = new Map((vpn.VgwTelemetry ?? []).map((t) => [t.OutsideIpAddress, t.Status]));
  const localAsn = Number(tags.get(NETWORK_TAG.localAsn));
  const peerAsn = Number(tags.get(NETWORK_TAG.peerAsn));
  const tunnels: VpnTunnel[] = [];
  for (const option of vpn.Options?.TunnelOptions ?? []) {
    const inside = option.TunnelInsideCidr;
    const secret = inside === undefined ? undefined : tags.get(NETWORK_TAG.pskRef + inside);
    if (secret === undefined) continue;
    const range = ctx.cidr.parseCidr(inside!);
    const status = telemetry.get(option.OutsideIpAddress);
    tunnels.push({
      outsideIp: option.OutsideIpAddress,
      peerIp: tags.get(NETWORK_TAG.peerIp) ?? '',
      insideCidr: inside,
      preSharedKey: { secret },
      bgp:
        routing === 'bgp' && Number.isFinite(localAsn) && Number.isFinite(peerAsn)
          ? { localAsn, peerAsn, localIp: ctx.cidr.addressAt(range, 1n), peerIp: ctx.cidr.addressAt(range, 2n) }
          : undefined,
      status: !available ? 'unknown' : status === 'UP' ? 'up' : 'down',
    });
  }
  const state: NetworkResourceState = available ? (staticRoutesReady(vpn) ? 'available' : 'provisioning') : simpleState(vpn.State);
  return {
    ...head('vpn-connection', vpn.VpnConnectionId!, tags, ctx, { state, rawState: vpn.State ?? 'unknown' }),
    vpnGatewayId: vpn.VpnGatewayId ?? '',
    peerGatewayId: vpn.CustomerGatewayId ?? '',
    routing,
    staticRoutes: routing === 'static' ? wantedStaticRoutes(vpn) : [],
    tunnels,
  };
}

/** Normalized state of a peering connection's status code; `deleted` is gone (the caller says so). */
function peeringState(code: string | undefined): NetworkResourceState {
  switch (code) {
    case 'pending-acceptance':
      return 'pending-acceptance';
    case 'active':
      return 'available';
    case 'deleting':
    case 'deleted':
      return 'deleting';
    case 'failed':
    case 'rejected':
    case 'expired':
      return 'failed';
    default:
      return 'provisioning'; // initiating-request, provisioning
  }
}

/** A peering connection seen from one side: `requester` or `accepter`. */
export function peeringOf(pcx: VpcPeeringConnection, role: 'requester' | 'accepter', ctx: MappingContext): Peering {
  const tags = tagMap(pcx.Tags);
  const mine = role === 'requester' ? pcx.RequesterVpcInfo : pcx.AccepterVpcInfo;
  const other = role === 'requester' ? pcx.AccepterVpcInfo : pcx.RequesterVpcInfo;
  const code = pcx.Status?.Code;
  const state = peeringState(code);
  return {
    ...head('peering', pcx.VpcPeeringConnectionId!, tags, { ...ctx, region: mine?.Region ?? ctx.region }, { state, rawState: code ?? 'unknown', stateReason: state === 'failed' ? (pcx.Status?.Message ?? code) : undefined }),
    networkId: mine?.VpcId ?? '',
    peerNetworkId: other?.VpcId ?? '',
    peerRegion: other?.Region !== undefined && other.Region !== mine?.Region ? other.Region : undefined,
    peerAccount: other?.OwnerId !== undefined && other.OwnerId !== mine?.OwnerId ? other.OwnerId : undefined,
    role,
  };
}

/** What the companion keeps of a route it made, in a tag of its route table (routes have no tags). */
export interface RouteMeta {
  /** Name. */
  readonly n: string;
  /** Digest of the idempotency key. */
  readonly k?: string | undefined;
  /** Fingerprint of the input. */
  readonly f: string;
  /** Labels. */
  readonly l?: Readonly<Record<string, string>> | undefined;
  /** Creation time. */
  readonly c?: string | undefined;
}

/** The route meta tags of a table, by destination. */
export function routeMetas(table: RouteTable): Map<string, RouteMeta> {
  const metas = new Map<string, RouteMeta>();
  for (const [key, value] of tagMap(table.Tags)) {
    if (!key.startsWith(NETWORK_TAG.route)) continue;
    try {
      metas.set(key.slice(NETWORK_TAG.route.length), JSON.parse(value) as RouteMeta);
    } catch {
      // A tag someone else edited: the route reads as one the companion did not make.
    }
  }
  return metas;
}

/** The id of a route: its table and destination (EC2 routes have no id of their own). */
export function routeId(routeTableId: string, destination: string): string {
  return `${routeTableId}:${destination}`;
}

/** The target of an EC2 route, or `undefined` for one the companion does not model (the local route, NAT, ...). */
export function routeTargetOf(route: Ec2Route): RouteTarget | undefined {
  const gateway = route.GatewayId;
  if (gateway?.startsWith('vgw-')) return { type: 'vpn-gateway', id: gateway };
  if (gateway?.startsWith('igw-')) return { type: 'internet', id: undefined };
  if (route.VpcPeeringConnectionId) return { type: 'peering', id: route.VpcPeeringConnectionId };
  if (route.InstanceId) return { type: 'instance', id: route.InstanceId };
  return undefined;
}

/** A route of a main route table, or `undefined` for one the companion does not model. */
export function routeOf(table: RouteTable, route: Ec2Route, meta: RouteMeta | undefined, ctx: MappingContext): Route | undefined {
  const target = routeTargetOf(route);
  if (target === undefined || route.DestinationCidrBlock === undefined) return undefined;
  const tags = new Map<string, string>([['Name', meta?.n ?? route.DestinationCidrBlock], ...Object.entries(meta?.l ?? {}), ...(meta?.c ? [[NETWORK_TAG.createdAt, meta.c] as [string, string]] : [])]);
  const blackhole = route.State === 'blackhole';
  return {
    ...head('route', routeId(table.RouteTableId!, route.DestinationCidrBlock), tags, ctx, {
      state: blackhole ? 'failed' : 'available',
      rawState: route.State ?? 'active',
      stateReason: blackhole ? 'blackhole: the route’s target no longer carries traffic' : undefined,
    }),
    networkId: table.VpcId ?? '',
    destination: route.DestinationCidrBlock,
    target,
  };
}
