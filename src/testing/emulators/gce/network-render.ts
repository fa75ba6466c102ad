/**
 * Network resources as Compute Engine's REST API returns them (Network, Subnetwork, VpnGateway,
 * ExternalVpnGateway, VpnTunnel, Router and Route resources, Compute Engine REST reference v1,
 * read 2026-12): camelCase JSON, references as full URLs, labels with a `labelFingerprint`.
 *
 * A tunnel shows `sharedSecretHash`, never `sharedSecret` (the field is input only). A peering's
 * `state` is `ACTIVE` once the peer network has the reverse peering and `INACTIVE` before, with
 * `stateDetails` in GCE's form (`[<time>]: Connected.`, `[<time>]: Waiting for peer network to
 * connect.`); a tunnel's `status` comes from its far end in the fabric (`network-fabric.ts`).
 * `detailedStatus` wordings are approximate.
 */
import type { GceJsonObject } from './gce-shapes.js';
import { fingerprint } from './gce-state.js';
import { COMPUTE_BASE } from './machine-catalog.js';
import type {
  ExternalVpnGatewayRecord,
  GceNetworkState,
  NetworkRecord,
  PeeringRecord,
  RouteRecord,
  RouterRecord,
  SubnetworkRecord,
  VpnGatewayRecord,
  VpnTunnelRecord,
} from './network-state.js';

/** URLs of one project's network resources. */
export class NetworkUrls {
  /** URLs in `project`. */
  constructor(readonly project: string) {}

  /** `.../projects/p`. */
  get base(): string {
    return `${COMPUTE_BASE}/projects/${this.project}`;
  }

  /** A network's URL. */
  network(name: string): string {
    return `${this.base}/global/networks/${name}`;
  }

  /** A region's URL. */
  region(region: string): string {
    return `${this.base}/regions/${region}`;
  }

  /** A subnetwork's URL. */
  subnetwork(region: string, name: string): string {
    return `${this.region(region)}/subnetworks/${name}`;
  }

  /** An HA VPN gateway's URL. */
  vpnGateway(region: string, name: string): string {
    return `${this.region(region)}/vpnGateways/${name}`;
  }

  /** An external VPN gateway's URL. */
  externalVpnGateway(name: string): string {
    return `${this.base}/global/externalVpnGateways/${name}`;
  }

  /** A VPN tunnel's URL. */
  vpnTunnel(region: string, name: string): string {
    return `${this.region(region)}/vpnTunnels/${name}`;
  }

  /** A Cloud Router's URL. */
  router(region: string, name: string): string {
    return `${this.region(region)}/routers/${name}`;
  }

  /** A route's URL. */
  route(name: string): string {
    return `${this.base}/global/routes/${name}`;
  }

  /** The default internet gateway's URL. */
  get defaultInternetGateway(): string {
    return `${this.base}/global/gateways/default-internet-gateway`;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const described = (description: string | undefined): GceJsonObject => (description === undefined ? {} : { description });
const labelled = (labels: Readonly<Record<string, string>>): GceJsonObject => ({ ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}), labelFingerprint: fingerprint(labels) });

/** The name of a resource URL's last segment and its project. */
function projectOf(url: string): string | undefined {
  return /\/projects\/([^/]+)\//.exec(url)?.[1];
}

/** Renders the network resources of one project. */
export class NetworkRenderer {
  private readonly urls: NetworkUrls;

  /** Renders `state`'s resources. */
  constructor(private readonly state: GceNetworkState) {
    this.urls = new NetworkUrls(state.project);
  }

  /** True when the peering's peer network has the reverse peering (both sides exist). */
  peeringActive(network: NetworkRecord, peering: PeeringRecord): boolean {
    const peerProject = projectOf(peering.network);
    const peerState = peerProject === undefined ? undefined : this.state.fabric.project(peerProject);
    const peer = peerState?.networks.get(peering.network.slice(peering.network.lastIndexOf('/') + 1));
    const self = this.urls.network(network.name);
    return peer !== undefined && peer.peerings.some((p) => p.network === self);
  }

  /** A network. */
  network(n: NetworkRecord): GceJsonObject {
    const self = this.urls.network(n.name);
    return {
      kind: 'compute#network',
      id: n.id,
      creationTimestamp: iso(n.createdAt),
      name: n.name,
      ...described(n.description),
      selfLink: self,
      selfLinkWithId: `${this.urls.base}/global/networks/${n.id}`,
      autoCreateSubnetworks: n.autoCreateSubnetworks,
      subnetworks: this.state.subnetworksOf(n.name).map((s) => this.urls.subnetwork(s.region, s.name)),
      peerings: n.peerings.map((p) => this.peering(n, p)),
      routingConfig: { routingMode: n.routingMode },
      mtu: n.mtu,
      networkFirewallPolicyEnforcementOrder: 'AFTER_CLASSIC_FIREWALL',
    };
  }

  private peering(n: NetworkRecord, p: PeeringRecord): GceJsonObject {
    const active = this.peeringActive(n, p);
    const when = `[${iso(this.state.time()).replace('Z', '-00:00')}]`;
    return {
      name: p.name,
      network: p.network,
      state: active ? 'ACTIVE' : 'INACTIVE',
      stateDetails: active ? `${when}: Connected.` : `${when}: Waiting for peer network to connect.`,
      autoCreateRoutes: true,
      exchangeSubnetRoutes: p.exchangeSubnetRoutes,
      exportCustomRoutes: p.exportCustomRoutes,
      importCustomRoutes: p.importCustomRoutes,
      exportSubnetRoutesWithPublicIp: true,
      importSubnetRoutesWithPublicIp: false,
      stackType: 'IPV4_ONLY',
      peerMtu: n.mtu,
    };
  }

  /** A subnetwork. */
  subnetwork(s: SubnetworkRecord): GceJsonObject {
    return {
      kind: 'compute#subnetwork',
      id: s.id,
      creationTimestamp: iso(s.createdAt),
      name: s.name,
      ...described(s.description),
      network: this.urls.network(s.network),
      ipCidrRange: s.ipCidrRange,
      gatewayAddress: s.gatewayAddress,
      region: this.urls.region(s.region),
      selfLink: this.urls.subnetwork(s.region, s.name),
      privateIpGoogleAccess: s.privateIpGoogleAccess,
      fingerprint: fingerprint([s.id, s.ipCidrRange]),
      purpose: 'PRIVATE',
      stackType: 'IPV4_ONLY',
      state: 'READY',
    };
  }

  /** An HA VPN gateway. */
  vpnGateway(g: VpnGatewayRecord): GceJsonObject {
    return {
      kind: 'compute#vpnGateway',
      id: g.id,
      creationTimestamp: iso(g.createdAt),
      name: g.name,
      ...described(g.description),
      region: this.urls.region(g.region),
      network: this.urls.network(g.network),
      selfLink: this.urls.vpnGateway(g.region, g.name),
      ...labelled(g.labels),
      vpnInterfaces: g.interfaces.map((i) => ({ id: i.id, ipAddress: i.ipAddress })),
      stackType: g.stackType,
      gatewayIpVersion: 'IPV4',
    };
  }

  /** An external VPN gateway. */
  externalVpnGateway(g: ExternalVpnGatewayRecord): GceJsonObject {
    return {
      kind: 'compute#externalVpnGateway',
      id: g.id,
      creationTimestamp: iso(g.createdAt),
      name: g.name,
      ...described(g.description),
      redundancyType: g.redundancyType,
      interfaces: g.interfaces.map((i) => ({ id: i.id, ipAddress: i.ipAddress })),
      ...labelled(g.labels),
      selfLink: this.urls.externalVpnGateway(g.name),
    };
  }

  /** A VPN tunnel: `sharedSecretHash`, never the secret. */
  vpnTunnel(t: VpnTunnelRecord): GceJsonObject {
    const far = this.state.fabric.farEnd(this.state, t);
    const [status, detailedStatus] =
      far === 'agrees' ? ['ESTABLISHED', 'Tunnel is up and running.'] : far === 'other-secret' ? ['AUTHORIZATION_ERROR', 'Peer rejected the shared secret.'] : ['NO_INCOMING_PACKETS', 'No incoming packets from peer.'];
    return {
      kind: 'compute#vpnTunnel',
      id: t.id,
      creationTimestamp: iso(t.createdAt),
      name: t.name,
      ...described(t.description),
      region: this.urls.region(t.region),
      peerIp: t.peerIp,
      sharedSecretHash: t.sharedSecretHash,
      status,
      detailedStatus,
      selfLink: this.urls.vpnTunnel(t.region, t.name),
      ikeVersion: t.ikeVersion,
      localTrafficSelector: ['0.0.0.0/0'],
      remoteTrafficSelector: ['0.0.0.0/0'],
      vpnGateway: this.urls.vpnGateway(t.region, t.vpnGateway),
      vpnGatewayInterface: t.vpnGatewayInterface,
      peerExternalGateway: this.urls.externalVpnGateway(t.peerExternalGateway),
      peerExternalGatewayInterface: t.peerExternalGatewayInterface,
      router: this.urls.router(t.region, t.router),
      ...labelled(t.labels),
    };
  }

  /** A Cloud Router. */
  router(r: RouterRecord): GceJsonObject {
    return {
      kind: 'compute#router',
      id: r.id,
      creationTimestamp: iso(r.createdAt),
      name: r.name,
      ...described(r.description),
      region: this.urls.region(r.region),
      network: this.urls.network(r.network),
      interfaces: r.interfaces.map((i) => ({
        name: i.name,
        ...(i.linkedVpnTunnel === undefined ? {} : { linkedVpnTunnel: i.linkedVpnTunnel }),
        ...(i.ipRange === undefined ? {} : { ipRange: i.ipRange }),
        managementType: 'MANAGED_BY_USER',
      })),
      bgpPeers: r.bgpPeers.map((p) => ({
        name: p.name,
        interfaceName: p.interfaceName,
        ipAddress: p.ipAddress,
        peerIpAddress: p.peerIpAddress,
        peerAsn: p.peerAsn,
        ...(p.advertisedRoutePriority === undefined ? {} : { advertisedRoutePriority: p.advertisedRoutePriority }),
        advertiseMode: 'DEFAULT',
        managementType: 'MANAGED_BY_USER',
        enable: 'TRUE',
        enableIpv4: true,
        ...(p.customLearnedIpRanges.length > 0 ? { customLearnedIpRanges: p.customLearnedIpRanges.map((range) => ({ range })) } : {}),
        ...(p.customLearnedRoutePriority === undefined ? {} : { customLearnedRoutePriority: p.customLearnedRoutePriority }),
      })),
      ...(r.bgp === undefined ? {} : { bgp: { asn: r.bgp.asn, advertiseMode: r.bgp.advertiseMode, keepaliveInterval: r.bgp.keepaliveInterval } }),
      selfLink: this.urls.router(r.region, r.name),
      encryptedInterconnectRouter: false,
    };
  }

  /** A route. */
  route(r: RouteRecord): GceJsonObject {
    return {
      kind: 'compute#route',
      id: r.id,
      creationTimestamp: iso(r.createdAt),
      name: r.name,
      ...described(r.description),
      network: this.urls.network(r.network),
      destRange: r.destRange,
      priority: r.priority,
      ...(r.nextHopGateway === undefined ? {} : { nextHopGateway: r.nextHopGateway }),
      ...(r.nextHopInstance === undefined ? {} : { nextHopInstance: r.nextHopInstance }),
      ...(r.nextHopIp === undefined ? {} : { nextHopIp: r.nextHopIp }),
      ...(r.tags.length > 0 ? { tags: [...r.tags] } : {}),
      selfLink: this.urls.route(r.name),
      routeType: 'STATIC',
      routeStatus: 'ACTIVE',
    };
  }
}
