/**
 * The data shapes of the network companion of the Provider specification, version 1
 * (`NetworkProviderV1`): networks (VPC, VNet, GCE network) and subnets, site-to-site VPN
 * gateways, the peer gateways that describe the far side (AWS customer gateway, Azure local
 * network gateway, GCP external VPN gateway), VPN connections with their tunnels, peerings and
 * routes.
 *
 * Every resource has the same head ({@link NetworkResourceBase}): a type, the cloud's id, a
 * normalized state with the cloud's own word beside it, and labels. Slow resources (an Azure
 * virtual network gateway takes 30–45 minutes) come back from their create in `provisioning`
 * and are polled by `get`, so a caller records the id and its deadline instead of blocking.
 *
 * Pre-shared keys are never part of a resource: a tunnel carries a {@link SecretRef} (the name
 * of a secret in the host's store), and the adapter reads the value through a
 * {@link SecretReader} only for the cloud call that needs it.
 */
import type { ProviderKind } from './types.js';

/** Kinds of network resource. */
export type NetworkResourceType = 'network' | 'subnet' | 'vpn-gateway' | 'peer-gateway' | 'vpn-connection' | 'peering' | 'route';

/** Every {@link NetworkResourceType}, in the order a teardown deletes them last to first. */
export const NETWORK_RESOURCE_TYPES: readonly NetworkResourceType[] = ['network', 'subnet', 'vpn-gateway', 'peer-gateway', 'vpn-connection', 'peering', 'route'];

/**
 * Normalized states of a network resource:
 * - `provisioning`: accepted, not usable yet (a gateway being built);
 * - `pending-acceptance`: a peering waiting for the other side;
 * - `available`: usable (a peering is active, a connection is configured);
 * - `deleting`: going away;
 * - `failed`: the cloud gave up (`stateReason` says why, e.g. overlapping CIDRs of a peering).
 */
export type NetworkResourceState = 'provisioning' | 'pending-acceptance' | 'available' | 'deleting' | 'failed';

/** A reference to a resource of one provider: what a durable operation records. */
export interface NetworkResourceRef<T extends NetworkResourceType = NetworkResourceType> {
  /** Kind of resource. */
  readonly type: T;
  /** The cloud's id. */
  readonly id: string;
}

/** A reference to a secret held by the host (a vault path, a key name), never the secret itself. */
export interface SecretRef {
  /** Name of the secret in the host's secret store. */
  readonly secret: string;
}

/** Reads a secret by reference; the value is used for one cloud call and never kept or logged. */
export interface SecretReader {
  /** The secret's value; `NotFoundError` when no secret has this name. */
  read(ref: SecretRef, options?: { signal?: AbortSignal | undefined }): Promise<string>;
}

/** What every network resource carries. */
export interface NetworkResourceBase {
  /** Kind of resource. */
  readonly type: NetworkResourceType;
  /** The cloud's id (`vpc-…`, an Azure resource id, a GCE self link). */
  readonly id: string;
  /** Name given at create time. */
  readonly name: string;
  /** Name of the provider instance that owns it. */
  readonly provider: string;
  /** Kind of cloud. */
  readonly providerKind: ProviderKind;
  /** Region (`global` for a GCE network). */
  readonly region: string;
  /** Normalized state. */
  readonly state: NetworkResourceState;
  /** The cloud's own word for the state (`pending-acceptance`, `Updating`, `READY`). */
  readonly rawState: string;
  /** Why the resource is `failed`, when the cloud said. */
  readonly stateReason: string | undefined;
  /** Labels / tags. */
  readonly labels: Readonly<Record<string, string>>;
  /** Creation time (ISO 8601). */
  readonly createdAt: string;
}

/** A VPC, VNet or GCE network. */
export interface Network extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'network';
  /** Address ranges of the network (IPv4, and IPv6 where the cloud assigned one). */
  readonly cidrs: readonly string[];
}

/** A subnet of a network. */
export interface Subnet extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'subnet';
  /** Id of its network. */
  readonly networkId: string;
  /** Its address range, inside one of the network's. */
  readonly cidr: string;
  /** Zone, where subnets are zonal (AWS). */
  readonly zone: string | undefined;
}

/** A site-to-site VPN gateway: an AWS virtual private gateway, an Azure virtual network gateway, a GCP HA VPN gateway with its Cloud Router. */
export interface VpnGateway extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'vpn-gateway';
  /** Id of the network it serves (attached VPC, the VNet of its GatewaySubnet, the router's network). */
  readonly networkId: string;
  /**
   * Public IPs of the gateway's interfaces, once provisioned (Azure: one per active instance; GCP
   * HA VPN: two). Empty where the cloud assigns the outside IPs per connection (AWS: see
   * {@link VpnTunnel.outsideIp}; {@link NetworkCapabilities.gatewayIpsFrom} says which).
   */
  readonly publicIps: readonly string[];
  /** BGP ASN of the gateway (or of its Cloud Router), when it speaks BGP. */
  readonly asn: number | undefined;
}

/** The far side of a VPN as this cloud knows it: an AWS customer gateway, an Azure local network gateway, a GCP external VPN gateway. */
export interface PeerGateway extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'peer-gateway';
  /** Public IPs of the far side's gateway interfaces. */
  readonly ips: readonly string[];
  /** The far side's BGP ASN, when it speaks BGP. */
  readonly asn: number | undefined;
  /** Address ranges behind the far side, for static routing (Azure's `localNetworkAddressSpace`). */
  readonly cidrs: readonly string[];
}

/** BGP session of one tunnel. */
export interface TunnelBgp {
  /** ASN of this side. */
  readonly localAsn: number;
  /** ASN of the far side. */
  readonly peerAsn: number;
  /** This side's address inside the tunnel (from {@link VpnTunnel.insideCidr}). */
  readonly localIp: string;
  /** The far side's address inside the tunnel. */
  readonly peerIp: string;
}

/** One IPsec tunnel of a VPN connection. */
export interface VpnTunnel {
  /** This side's public IP of the tunnel (a gateway interface, or the IP AWS assigned the tunnel). */
  readonly outsideIp: string | undefined;
  /** The far side's public IP. */
  readonly peerIp: string;
  /** Link-local /30 inside the tunnel (169.254.x.x/30), when BGP runs over it. */
  readonly insideCidr: string | undefined;
  /** The pre-shared key, by reference only. */
  readonly preSharedKey: SecretRef;
  /** The BGP session over the tunnel (a GCP Cloud Router peer), when routing is `bgp`. */
  readonly bgp: TunnelBgp | undefined;
  /** Tunnel status as the cloud reports it; `unknown` before the connection is provisioned. */
  readonly status: 'up' | 'down' | 'unknown';
}

/** A site-to-site VPN connection: tunnels between a VPN gateway and a peer gateway. */
export interface VpnConnection extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'vpn-connection';
  /** Id of this side's VPN gateway. */
  readonly vpnGatewayId: string;
  /** Id of the peer gateway describing the far side. */
  readonly peerGatewayId: string;
  /** How routes are exchanged. */
  readonly routing: 'bgp' | 'static';
  /** Ranges behind the far side, for static routing. */
  readonly staticRoutes: readonly string[];
  /** The tunnels (AWS: always two; GCP HA VPN: one per interface; Azure: one per active instance). */
  readonly tunnels: readonly VpnTunnel[];
}

/** A network peering, seen from one side. */
export interface Peering extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'peering';
  /** This side's network. */
  readonly networkId: string;
  /** The other side's network id. */
  readonly peerNetworkId: string;
  /** The other side's region, for cross-region peering. */
  readonly peerRegion: string | undefined;
  /** The other side's account, subscription or project, for cross-account peering. */
  readonly peerAccount: string | undefined;
  /**
   * `requester`: made by `requestPeering`; `accepter`: made (or accepted) by `acceptPeering`.
   * On AWS both sides see one peering connection; on Azure and GCP each side has its own link.
   */
  readonly role: 'requester' | 'accepter';
}

/** Where a route sends traffic. */
export interface RouteTarget {
  /** Kind of next hop. */
  readonly type: 'vpn-gateway' | 'vpn-connection' | 'peering' | 'instance' | 'internet';
  /** Id of the next hop (absent for `internet`). */
  readonly id: string | undefined;
}

/** A route in a network's (main) route table. */
export interface Route extends NetworkResourceBase {
  /** Kind of resource. */
  readonly type: 'route';
  /** The network whose route table holds it. */
  readonly networkId: string;
  /** Destination range. */
  readonly destination: string;
  /** Next hop. */
  readonly target: RouteTarget;
}

/** Resource shapes by type. */
export interface NetworkResourceMap {
  /** A network. */
  network: Network;
  /** A subnet. */
  subnet: Subnet;
  /** A VPN gateway. */
  'vpn-gateway': VpnGateway;
  /** A peer gateway. */
  'peer-gateway': PeerGateway;
  /** A VPN connection. */
  'vpn-connection': VpnConnection;
  /** A peering. */
  peering: Peering;
  /** A route. */
  route: Route;
}

/** Any network resource. */
export type NetworkResource = NetworkResourceMap[NetworkResourceType];

/** What a network provider supports. Absent features throw `UnsupportedError`. */
export interface NetworkCapabilities {
  /** Managed site-to-site IPsec VPN. */
  readonly vpn: boolean;
  /** BGP over VPN tunnels (otherwise static routes only). */
  readonly bgp: boolean;
  /** Network peering within this cloud. */
  readonly peering: boolean;
  /** Peering across regions. */
  readonly crossRegionPeering: boolean;
  /** Peering across accounts, subscriptions or projects. */
  readonly crossAccountPeering: boolean;
  /**
   * Where the public IPs of this side of a VPN come from: `gateway` (Azure, GCP: known once the
   * gateway is provisioned, before any connection) or `connection` (AWS: each VPN connection gets
   * its own tunnel outside IPs). An orchestrator orders the two sides' calls by it.
   */
  readonly gatewayIpsFrom: 'gateway' | 'connection';
  /** Most tunnels one connection has (AWS 2, GCP HA VPN 2, Azure active-active 2). */
  readonly maxTunnels: number;
  /** IPv6 ranges on networks and subnets. */
  readonly ipv6: boolean;
}

/** What a network is asked to be. */
export interface NetworkInput {
  /** Name: lower-case letters, digits and dashes, starting with a letter, at most 63 characters. */
  readonly name: string;
  /** Region; the provider's default when absent. */
  readonly region?: string | undefined;
  /** Address ranges (at least one IPv4 CIDR). */
  readonly cidrs: readonly string[];
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** What a subnet is asked to be. */
export interface SubnetInput {
  /** Name. */
  readonly name: string;
  /** Its network. */
  readonly networkId: string;
  /** Its range, inside one of the network's. */
  readonly cidr: string;
  /** Zone, where subnets are zonal. */
  readonly zone?: string | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** What a VPN gateway is asked to be. */
export interface VpnGatewayInput {
  /** Name. */
  readonly name: string;
  /** The network it serves. */
  readonly networkId: string;
  /** BGP ASN (a private one, 64512–65534, by default the cloud's). */
  readonly asn?: number | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** What a peer gateway is asked to describe. */
export interface PeerGatewayInput {
  /** Name. */
  readonly name: string;
  /** Region (the region of the VPN gateway that will use it). */
  readonly region?: string | undefined;
  /** The far side's public IPs (AWS customer gateways take one: one peer gateway per IP there). */
  readonly ips: readonly string[];
  /** The far side's ASN, for BGP. */
  readonly asn?: number | undefined;
  /** Ranges behind the far side, for static routing. */
  readonly cidrs?: readonly string[] | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** One tunnel asked of a VPN connection. */
export interface VpnTunnelInput {
  /** The far side's public IP for this tunnel. */
  readonly peerIp: string;
  /** The pre-shared key, by reference (read through the call's `secrets`). */
  readonly preSharedKey: SecretRef;
  /** This side's gateway IP for the tunnel, where the gateway has several (default: by tunnel index); ignored where the cloud assigns tunnel IPs (AWS). */
  readonly outsideIp?: string | undefined;
  /** Link-local /30 for the tunnel's inside addresses (BGP). */
  readonly insideCidr?: string | undefined;
  /** The far side's ASN, for BGP (default: the peer gateway's). */
  readonly peerAsn?: number | undefined;
  /**
   * This side's address inside the tunnel: the first or second host of `insideCidr` (default the
   * first). The two sides take opposite ones; AWS always takes the first for its own side.
   */
  readonly localInsideIp?: string | undefined;
}

/** What a VPN connection is asked to be. */
export interface VpnConnectionInput {
  /** Name. */
  readonly name: string;
  /** This side's VPN gateway. */
  readonly vpnGatewayId: string;
  /** The peer gateway describing the far side. */
  readonly peerGatewayId: string;
  /** How routes are exchanged (default `bgp` where supported, else `static`). */
  readonly routing?: 'bgp' | 'static' | undefined;
  /** Ranges behind the far side, for static routing. */
  readonly staticRoutes?: readonly string[] | undefined;
  /** The tunnels, at most `capabilities.maxTunnels`. */
  readonly tunnels: readonly VpnTunnelInput[];
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** A peering request from one of this provider's networks to another network. */
export interface PeeringRequestInput {
  /** Name. */
  readonly name: string;
  /** This side's network. */
  readonly networkId: string;
  /** The other side's network id. */
  readonly peerNetworkId: string;
  /** The other side's region, when it differs. */
  readonly peerRegion?: string | undefined;
  /** The other side's account, subscription or project, when it differs. */
  readonly peerAccount?: string | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** Acceptance of a peering on the other side. */
export interface PeeringAcceptanceInput {
  /** Name of the accepter's link (Azure, GCP: the reverse peering this creates). */
  readonly name: string;
  /** Id of the requester's peering (AWS: the peering connection to accept). */
  readonly requestId: string;
  /** The accepter's network. */
  readonly networkId: string;
  /** The requester's network. */
  readonly peerNetworkId: string;
  /** The requester's region, when it differs. */
  readonly peerRegion?: string | undefined;
  /** The requester's account, when it differs. */
  readonly peerAccount?: string | undefined;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** What a route is asked to be. */
export interface RouteInput {
  /** Name (Azure and GCP name routes; AWS keys them by destination). */
  readonly name: string;
  /** The network whose route table gets it. */
  readonly networkId: string;
  /** Destination range. */
  readonly destination: string;
  /** Next hop. */
  readonly target: RouteTarget;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** Filters of `list`. */
export interface NetworkListFilter {
  /** Only resources in this region. */
  readonly region?: string | undefined;
  /** Only resources of (or in) this network. */
  readonly networkId?: string | undefined;
  /** Only resources carrying all these labels. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}
