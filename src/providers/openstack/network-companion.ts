/**
 * The network companion of the OpenStack adapter (`provider.networking`, a
 * {@link NetworkProviderV1}) on Neutron, over the adapter's own connection (its Keystone
 * token, catalog and HTTP transport):
 * - networks and subnets (`network-topology.ts`), one router per network for its subnets,
 *   routes and VPN services (`network-routers.ts`), routes as the router's extra routes
 *   (`network-routes.ts`);
 * - site-to-site VPN on Neutron VPNaaS when the cloud has it (`network-vpn.ts`,
 *   `network-vpn-connections.ts`): static routing, one tunnel per connection, the gateway's
 *   public IP known once the gateway is (`gatewayIpsFrom: 'gateway'`);
 * - no peering: Neutron has none (`requestPeering` and `acceptPeering` are `UnsupportedError`).
 *
 * Capabilities: `vpn` follows the provider's `vpn` option. With `'auto'` (the default) it is
 * assumed present until the companion's first call (of any kind) reads `GET /v2.0/extensions`,
 * and from then on says what the cloud has; call {@link OpenStackNetwork.discover} to know before
 * deciding (an orchestrator choosing between a VPN and the overlay should). The provider's
 * `capabilities.vpn` reads the same value. The capabilities are a getter for this reason: read
 * them when you decide, not once at start.
 *
 * Idempotency: every create carries its key's digest in the resource's description (Neutron
 * has no request id and takes no tags at creation: see `network-marks.ts`), and
 * `findByIdempotencyKey` looks for that mark — Neutron answers from its database, so a miss is a
 * confirmed absence. Pre-shared keys are read for the connection's create call only, sent to
 * Neutron, and never kept, logged or returned: a tunnel shows its `SecretRef`.
 */
import { throwIfAborted } from '../../provider/abort.js';
import { NotFoundError, UnsupportedError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { NetworkCreateOptions, NetworkProviderV1, VpnConnectionCreateOptions } from '../../provider/network-provider-v1.js';
import type {
  Network,
  NetworkCapabilities,
  NetworkInput,
  NetworkListFilter,
  NetworkResourceMap,
  NetworkResourceRef,
  NetworkResourceType,
  Peering,
  PeerGateway,
  PeerGatewayInput,
  Route,
  RouteInput,
  Subnet,
  SubnetInput,
  VpnConnection,
  VpnConnectionInput,
  VpnGateway,
  VpnGatewayInput,
} from '../../provider/network-types.js';
import type { NetworkCompanionContext } from './network-context.js';
import { NeutronExtensions } from './network-extensions.js';
import { KeyedCreates } from './network-keyed-create.js';
import { keyDigest } from './network-marks.js';
import { NeutronCalls } from './network-neutron.js';
import { NetworkRouters } from './network-routers.js';
import { NetworkRoutes } from './network-routes.js';
import { NetworkTopology } from './network-topology.js';
import { NetworkVpnConnections } from './network-vpn-connections.js';
import { NetworkVpn, type OpenStackVpnMode } from './network-vpn.js';
import type { OpenStackApi } from './openstack-api.js';

/** What {@link OpenStackNetwork} is built from (the provider passes its own parts). */
export interface OpenStackNetworkOptions {
  /** Name of the owning provider. */
  readonly provider: string;
  /** Its region. */
  readonly region: string;
  /** Its API layer (token, catalog, transport, retries, error mapping). */
  readonly api: OpenStackApi;
  /** Where `network.changed` and `operation.failed` go. */
  readonly events: EventBus;
  /** The token's project. */
  readonly projectId: (signal?: AbortSignal) => Promise<string | undefined>;
  /** The project as configured (what `account` says before the first call). */
  readonly configuredProject?: string | undefined;
  /** External network (name or id) for router gateways; the only one when absent. */
  readonly externalNetwork?: string | undefined;
  /** `vpn` option: `'auto'` (default) discovers Neutron VPNaaS at first use. */
  readonly vpn?: OpenStackVpnMode | undefined;
  /** Items per list page (default 100). */
  readonly pageSize?: number | undefined;
  /** How long the extension list is kept, ms (default one hour). */
  readonly ttlMs?: number | undefined;
  /** Clock, epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
}

/** The OpenStack {@link NetworkProviderV1}. The provider makes one: `provider.networking`. */
export class OpenStackNetwork implements NetworkProviderV1 {
  /** The specification it implements. */
  readonly specificationVersion = 'v1' as const;
  /** Owning provider's name. */
  readonly provider: string;
  /** Kind of cloud. */
  readonly kind = 'openstack' as const;
  private readonly extensions: NeutronExtensions;
  private readonly topology: NetworkTopology;
  private readonly routes: NetworkRoutes;
  private readonly vpn: NetworkVpn;
  private readonly connections: NetworkVpnConnections;
  private project: string | undefined;

  /** Use the provider's `networking`. @internal */
  constructor(private readonly options: OpenStackNetworkOptions) {
    this.provider = options.provider;
    const calls = new NeutronCalls(options.api, options.pageSize ?? 100);
    const ctx: NetworkCompanionContext = {
      provider: options.provider,
      region: options.region,
      calls,
      keyed: new KeyedCreates(),
      events: options.events,
      projectId: async (signal) => (this.project ??= await options.projectId(signal)),
      externalNetwork: options.externalNetwork,
      now: options.clock ?? Date.now,
    };
    this.extensions = new NeutronExtensions(calls, options.ttlMs ?? 3_600_000);
    const routers = new NetworkRouters(ctx);
    this.topology = new NetworkTopology(ctx, routers, async (_network, router, signal) => [...(router ? NetworkRoutes.recordedOn(router) : []), ...(await this.vpn.usersOf(router, signal))]);
    this.vpn = new NetworkVpn(ctx, this.topology, routers, this.extensions, options.vpn ?? 'auto');
    this.routes = new NetworkRoutes(ctx, this.topology, routers, this.extensions, (target, routerId, signal) => this.vpn.routedRanges(target, routerId, signal));
    this.connections = new NetworkVpnConnections(ctx, this.topology, routers, this.vpn);
  }

  /** The project the networks live in: the token's once known, else the configured one. */
  get account(): string {
    return this.project ?? this.options.configuredProject ?? '';
  }

  /** What it supports (see the file comment for `vpn`). */
  get capabilities(): NetworkCapabilities {
    return { vpn: this.vpn.declared, bgp: false, peering: false, crossRegionPeering: false, crossAccountPeering: false, gatewayIpsFrom: 'gateway', maxTunnels: 1, ipv6: false };
  }

  /** Reads what the cloud offers (`GET /v2.0/extensions`) and the token's project, and answers the capabilities from then on. */
  async discover(options: CallOptions = {}): Promise<NetworkCapabilities> {
    throwIfAborted(options.signal);
    await this.extensions.features(options.signal);
    this.project ??= await this.options.projectId(options.signal);
    return this.capabilities;
  }

  /** Reads one resource from Neutron; `NotFoundError` once it is gone (a peering never exists here). */
  async get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options: CallOptions = {}): Promise<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    await this.learn(signal);
    switch (ref.type) {
      case 'network':
        return (await this.topology.getNetwork(ref.id, 'get', signal)) as NetworkResourceMap[T];
      case 'subnet':
        return (await this.topology.getSubnet(ref.id, signal)) as NetworkResourceMap[T];
      case 'route':
        return (await this.routes.getRoute(ref.id, signal)) as NetworkResourceMap[T];
      case 'vpn-gateway':
        return (await this.vpn.getGateway(ref.id, signal)) as NetworkResourceMap[T];
      case 'peer-gateway':
        return (await this.vpn.getPeerGateway(ref.id, signal)) as NetworkResourceMap[T];
      case 'vpn-connection':
        return (await this.connections.get(ref.id, signal)) as NetworkResourceMap[T];
      default:
        // No peering is ever made here.
        throw new NotFoundError({ provider: this.provider, message: `peering ${ref.id} not found: OpenStack has no network peering`, resourceType: 'peering', resourceId: ref.id });
    }
  }

  /** Streams the companion's resources of one type (those carrying its mark), paging through Neutron. */
  async *list<T extends NetworkResourceType>(type: T, filter: NetworkListFilter = {}, options: CallOptions = {}): AsyncIterable<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    await this.learn(signal);
    const source: AsyncIterable<unknown> | undefined =
      type === 'network'
        ? this.topology.listNetworks(filter, signal)
        : type === 'subnet'
          ? this.topology.listSubnets(filter, signal)
          : type === 'route'
            ? this.routes.listRoutes(filter, signal)
            : type === 'vpn-gateway'
              ? this.vpn.listGateways(filter, signal)
              : type === 'peer-gateway'
                ? this.vpn.listPeerGateways(filter, signal)
                : type === 'vpn-connection'
                  ? this.connections.list(filter, signal)
                  : undefined;
    if (source === undefined) return;
    for await (const resource of source) yield resource as NetworkResourceMap[T];
  }

  /** Deletes a resource (what is gone already is fine); one still in use is a `ConflictError`. */
  async delete(ref: NetworkResourceRef, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    await this.learn(signal);
    switch (ref.type) {
      case 'network':
        return this.topology.deleteNetwork(ref.id, signal);
      case 'subnet':
        return this.topology.deleteSubnet(ref.id, signal);
      case 'route':
        return this.routes.deleteRoute(ref.id, signal);
      case 'vpn-gateway':
        return this.vpn.deleteGateway(ref.id, signal);
      case 'peer-gateway':
        return this.vpn.deletePeerGateway(ref.id, signal);
      case 'vpn-connection':
        return this.connections.delete(ref.id, signal);
      default:
        // No peering was ever made here: there is nothing to delete.
        return;
    }
  }

  /** The resource a create with this key made (found by its mark), or `undefined`: Neutron answers from its database, so a miss is an absence. */
  async findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options: CallOptions = {}): Promise<NetworkResourceMap[T] | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    await this.learn(signal);
    const found: unknown =
      type === 'network'
        ? await this.topology.findNetwork(keyDigest('network', idempotencyKey), signal)
        : type === 'subnet'
          ? await this.topology.findSubnet(keyDigest('subnet', idempotencyKey), signal)
          : type === 'route'
            ? await this.routes.findRoute(keyDigest('route', idempotencyKey), signal)
            : type === 'vpn-gateway'
              ? await this.vpn.findGateway(keyDigest('vpn-gateway', idempotencyKey), signal)
              : type === 'peer-gateway'
                ? await this.vpn.findPeerGateway(keyDigest('peer-gateway', idempotencyKey), signal)
                : type === 'vpn-connection'
                  ? await this.connections.find(keyDigest('vpn-connection', idempotencyKey), signal)
                  : undefined; // a peering is never created here: its absence is certain
    return found as NetworkResourceMap[T] | undefined;
  }

  /** Creates a Neutron network; its ranges are recorded in its description (Neutron networks have none). */
  async createNetwork(input: NetworkInput, options: NetworkCreateOptions = {}): Promise<Network> {
    throwIfAborted(options.signal);
    await this.learn(options.signal);
    return this.topology.createNetwork(input, options);
  }

  /** Creates a subnet inside the network's ranges, on the network's router. */
  async createSubnet(input: SubnetInput, options: NetworkCreateOptions = {}): Promise<Subnet> {
    throwIfAborted(options.signal);
    await this.learn(options.signal);
    return this.topology.createSubnet(input, options);
  }

  /** Creates a VPN service on the network's router (Neutron VPNaaS). */
  async createVpnGateway(input: VpnGatewayInput, options: NetworkCreateOptions = {}): Promise<VpnGateway> {
    throwIfAborted(options.signal);
    await this.learn(options.signal);
    return this.vpn.createGateway(input, options);
  }

  /** Records the far side as an endpoint group of its ranges (Neutron VPNaaS). */
  async createPeerGateway(input: PeerGatewayInput, options: NetworkCreateOptions = {}): Promise<PeerGateway> {
    throwIfAborted(options.signal);
    await this.learn(options.signal);
    return this.vpn.createPeerGateway(input, options);
  }

  /** Creates an IPsec site connection of one tunnel (Neutron VPNaaS). */
  async createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    throwIfAborted(options?.signal);
    await this.learn(options?.signal);
    return this.connections.create(input, options);
  }

  /** OpenStack has no network peering: an `UnsupportedError`. */
  requestPeering(): Promise<Peering> {
    return Promise.reject(this.noPeering());
  }

  /** OpenStack has no network peering: an `UnsupportedError`. */
  acceptPeering(): Promise<Peering> {
    return Promise.reject(this.noPeering());
  }

  /** Adds a route to the network's router. */
  async createRoute(input: RouteInput, options: NetworkCreateOptions = {}): Promise<Route> {
    throwIfAborted(options.signal);
    await this.learn(options.signal);
    return this.routes.createRoute(input, options);
  }

  /**
   * With `vpn: 'auto'`, reads the extension list on the first call of any kind (kept for an
   * hour), so that `capabilities` says what the cloud has from then on. A failed read does not
   * fail the call (VPN calls read it again, and refuse when they must).
   */
  private async learn(signal: AbortSignal | undefined): Promise<void> {
    if ((this.options.vpn ?? 'auto') !== 'auto' || this.extensions.known !== undefined) return;
    await this.extensions.features(signal).catch(() => undefined);
  }

  private noPeering(): UnsupportedError {
    return new UnsupportedError({ provider: this.provider, message: 'OpenStack has no network peering (Neutron offers none): join two OpenStack networks with a router, a VPN or the WireGuard overlay', capability: 'peering' });
  }
}
