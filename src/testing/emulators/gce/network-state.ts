/**
 * What the emulated project holds of VPC networking: networks (custom mode) with their peerings,
 * subnetworks, HA VPN gateways, external VPN gateways, VPN tunnels, Cloud Routers and routes,
 * each keyed as Compute Engine keys it (global resources by name, regional ones by
 * `region/name`), plus the `requestId`s of accepted network writes and the addresses handed to
 * VPN gateway interfaces.
 *
 * A resource appears when its insert operation is DONE and disappears when its delete operation
 * is DONE (the kit's operations run their effect then): a GET in between answers 404 or the old
 * resource, as Compute Engine's does. A name whose insert is still running is held
 * (`reserve`), so a second insert of it is refused as GCE refuses a duplicate.
 *
 * Shared secrets of tunnels are kept as the cloud keeps them, but only as a digest here: the
 * emulator needs no more to say `sharedSecretHash` and whether two tunnels' secrets agree.
 */
import { createHash } from 'node:crypto';
import type { GceNetworkFabric } from './network-fabric.js';

/** A peering of a network, as stored on the network that made it. */
export interface PeeringRecord {
  /** Peering name (unique in its network). */
  readonly name: string;
  /** URL of the peer network. */
  readonly network: string;
  /** Always true (GCE requires it). */
  readonly exchangeSubnetRoutes: boolean;
  /** Export custom routes to the peer. */
  readonly exportCustomRoutes: boolean;
  /** Import custom routes from the peer. */
  readonly importCustomRoutes: boolean;
  /** When it was added (clock ms), for `stateDetails`. */
  readonly createdAt: number;
}

/** A VPC network. */
export interface NetworkRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description, as sent. */
  readonly description: string | undefined;
  /** `REGIONAL` or `GLOBAL`. */
  readonly routingMode: string;
  /** MTU. */
  readonly mtu: number;
  /** False: custom mode (auto mode networks are seeded only). */
  readonly autoCreateSubnetworks: boolean;
  /** Peerings made from this network. */
  readonly peerings: PeeringRecord[];
  /** Name of the default route to the internet GCE made with the network (deleted with it). */
  readonly defaultRoute: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** A subnetwork. */
export interface SubnetworkRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Region. */
  readonly region: string;
  /** Network name. */
  readonly network: string;
  /** Primary range, canonical. */
  readonly ipCidrRange: string;
  /** Its first and last address as integers. */
  readonly first: bigint;
  /** Last address. */
  readonly last: bigint;
  /** Gateway address (the range's first host). */
  readonly gatewayAddress: string;
  /** Description, as sent. */
  readonly description: string | undefined;
  /** Private Google access. */
  readonly privateIpGoogleAccess: boolean;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** One interface of an HA VPN gateway or an external VPN gateway. */
export interface GatewayInterfaceRecord {
  /** Interface id (0, 1, ...). */
  readonly id: number;
  /** Its address. */
  readonly ipAddress: string;
}

/** An HA VPN gateway. */
export interface VpnGatewayRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Region. */
  readonly region: string;
  /** Network name. */
  readonly network: string;
  /** Description, as sent. */
  readonly description: string | undefined;
  /** Labels. */
  labels: Record<string, string>;
  /** The two interfaces, with the addresses GCE assigned. */
  readonly interfaces: readonly GatewayInterfaceRecord[];
  /** `IPV4_ONLY`. */
  readonly stackType: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** An external (peer) VPN gateway. */
export interface ExternalVpnGatewayRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Description, as sent. */
  readonly description: string | undefined;
  /** Labels. */
  labels: Record<string, string>;
  /** `SINGLE_IP_INTERNALLY_REDUNDANT`, `TWO_IPS_REDUNDANCY` or `FOUR_IPS_REDUNDANCY`. */
  readonly redundancyType: string;
  /** Its interfaces. */
  readonly interfaces: readonly GatewayInterfaceRecord[];
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** A VPN tunnel of an HA VPN gateway. */
export interface VpnTunnelRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Region. */
  readonly region: string;
  /** Description, as sent. */
  readonly description: string | undefined;
  /** Labels. */
  labels: Record<string, string>;
  /** HA VPN gateway name. */
  readonly vpnGateway: string;
  /** Interface of that gateway. */
  readonly vpnGatewayInterface: number;
  /** External VPN gateway name. */
  readonly peerExternalGateway: string;
  /** Interface of that gateway. */
  readonly peerExternalGatewayInterface: number;
  /** Cloud Router name. */
  readonly router: string;
  /** IKE version (1 or 2). */
  readonly ikeVersion: number;
  /** `sharedSecretHash` as GCE shows it. */
  readonly sharedSecretHash: string;
  /** This side's address (the gateway interface's). */
  readonly localIp: string;
  /** The peer's address (the external gateway interface's). */
  readonly peerIp: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** An interface of a Cloud Router. */
export interface RouterInterfaceRecord {
  /** Name. */
  readonly name: string;
  /** URL of the linked VPN tunnel. */
  readonly linkedVpnTunnel: string | undefined;
  /** `169.254.x.y/30`, the router's own address with the range's length. */
  readonly ipRange: string | undefined;
}

/** A BGP peer of a Cloud Router. */
export interface BgpPeerRecord {
  /** Name. */
  readonly name: string;
  /** Interface it runs over. */
  readonly interfaceName: string;
  /** The router's address (the interface's). */
  readonly ipAddress: string;
  /** The peer's address. */
  readonly peerIpAddress: string;
  /** The peer's ASN. */
  readonly peerAsn: number;
  /** Advertised route priority. */
  readonly advertisedRoutePriority: number | undefined;
  /** Custom learned ranges. */
  readonly customLearnedIpRanges: readonly string[];
  /** Priority of the custom learned ranges. */
  readonly customLearnedRoutePriority: number | undefined;
}

/** A Cloud Router. */
export interface RouterRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Region. */
  readonly region: string;
  /** Network name. */
  readonly network: string;
  /** Description, as sent (a patch may change it). */
  description: string | undefined;
  /** BGP settings, when the router has any. */
  bgp: { readonly asn: number; readonly advertiseMode: string; readonly keepaliveInterval: number } | undefined;
  /** Interfaces. */
  interfaces: RouterInterfaceRecord[];
  /** BGP peers. */
  bgpPeers: BgpPeerRecord[];
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** A route. */
export interface RouteRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Network name. */
  readonly network: string;
  /** Destination range, canonical. */
  readonly destRange: string;
  /** Priority. */
  readonly priority: number;
  /** `projects/p/global/gateways/default-internet-gateway` URL, when that is the next hop. */
  readonly nextHopGateway: string | undefined;
  /** Instance URL, when that is the next hop. */
  readonly nextHopInstance: string | undefined;
  /** Next hop address, when given. */
  readonly nextHopIp: string | undefined;
  /** Description, as sent. */
  readonly description: string | undefined;
  /** Network tags it applies to. */
  readonly tags: readonly string[];
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** Kinds of network resource, as the emulator's network state keys them. */
export type NetworkResourceKind = 'networks' | 'subnetworks' | 'vpnGateways' | 'externalVpnGateways' | 'vpnTunnels' | 'routers' | 'routes';

/** An accepted write's `requestId`: the operation it started, where, and when. */
interface RequestIdRecord {
  readonly operation: string;
  readonly region: string | undefined;
  readonly at: number;
}

/** The networking of one emulated project. */
export class GceNetworkState {
  /** Networks by name. */
  readonly networks = new Map<string, NetworkRecord>();
  /** Subnetworks by `region/name`. */
  readonly subnetworks = new Map<string, SubnetworkRecord>();
  /** HA VPN gateways by `region/name`. */
  readonly vpnGateways = new Map<string, VpnGatewayRecord>();
  /** External VPN gateways by name. */
  readonly externalVpnGateways = new Map<string, ExternalVpnGatewayRecord>();
  /** VPN tunnels by `region/name`. */
  readonly vpnTunnels = new Map<string, VpnTunnelRecord>();
  /** Cloud Routers by `region/name`. */
  readonly routers = new Map<string, RouterRecord>();
  /** Routes by name. */
  readonly routes = new Map<string, RouteRecord>();
  private readonly reserved = new Set<string>();
  private readonly requestIds = new Map<string, RequestIdRecord>();

  /** The networking of `project`, registered in `fabric`. */
  constructor(
    /** Project id. */
    readonly project: string,
    /** The world of projects it belongs to. */
    readonly fabric: GceNetworkFabric,
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly requestIdRetentionMs: number,
  ) {
    fabric.register(this);
  }

  /** A fresh numeric id. */
  id(): string {
    return this.newId();
  }

  /** The clock, ms. */
  time(): number {
    return this.now();
  }

  /** Holds a name while its insert runs; false when it is taken (stored or held). */
  reserve(kind: NetworkResourceKind, key: string): boolean {
    const k = `${kind}|${key}`;
    if (this.reserved.has(k) || this.collection(kind).has(key)) return false;
    this.reserved.add(k);
    return true;
  }

  /** Lets a held name go (its insert is done or failed). */
  release(kind: NetworkResourceKind, key: string): void {
    this.reserved.delete(`${kind}|${key}`);
  }

  /** The operation a `requestId` started, when still remembered. */
  requestIdOperation(requestId: string): { readonly operation: string; readonly region: string | undefined } | undefined {
    const found = this.requestIds.get(requestId);
    if (!found) return undefined;
    if (this.now() - found.at > this.requestIdRetentionMs) {
      this.requestIds.delete(requestId);
      return undefined;
    }
    return found;
  }

  /** Remembers the operation a `requestId` started. */
  rememberRequestId(requestId: string, operation: string, region: string | undefined): void {
    this.requestIds.set(requestId, { operation, region, at: this.now() });
  }

  /** Subnetworks of a network, any region. */
  subnetworksOf(network: string): SubnetworkRecord[] {
    return [...this.subnetworks.values()].filter((s) => s.network === network);
  }

  /** Number of resources of every kind (tests check that a teardown left none). */
  counts(): Readonly<Record<NetworkResourceKind, number>> {
    return {
      networks: this.networks.size,
      subnetworks: this.subnetworks.size,
      vpnGateways: this.vpnGateways.size,
      externalVpnGateways: this.externalVpnGateways.size,
      vpnTunnels: this.vpnTunnels.size,
      routers: this.routers.size,
      routes: this.routes.size,
    };
  }

  private collection(kind: NetworkResourceKind): Map<string, unknown> {
    return this[kind];
  }
}

/** `sharedSecretHash` as GCE shows it: a hash of the secret, never the secret. */
export function sharedSecretHash(secret: string): string {
  return createHash('sha256').update(`gce-shared-secret/${secret}`).digest('base64url').slice(0, 27);
}
