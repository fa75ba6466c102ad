/**
 * The network companion of the GCE adapter (`provider.networking`, {@link NetworkProviderV1})
 * over Compute Engine's VPC networking, through `@google-cloud/compute` (loaded on first use):
 *
 * - network: a custom-mode VPC network whose ranges are recorded in its description
 *   (`network-vpcs.ts`); subnet: a regional subnetwork inside them;
 * - vpn-gateway: an HA VPN gateway and its Cloud Router (`network-vpn-gateways.ts`); its two
 *   interface addresses are known as soon as it exists (`gatewayIpsFrom: 'gateway'`);
 * - peer-gateway: an external VPN gateway (`network-peer-gateways.ts`);
 * - vpn-connection: HA VPN tunnels with their BGP sessions on the router
 *   (`network-connections.ts`); BGP only (HA VPN has no static routing), at most two tunnels,
 *   one per gateway interface;
 * - peering: `networks.addPeering` on each side (`network-peerings.ts`);
 * - route: a static route, or custom learned ranges of the router's BGP peers for VPN targets
 *   (`network-routes.ts`); GCE exchanges peered networks' routes itself, so a route to a
 *   peering is an `UnsupportedError`.
 *
 * Idempotency: every create's insert carries a `requestId` derived from the idempotency key, and
 * the key's digest is recorded on what it made (a label, or the description), so a repeated create
 * meets its own resource and `findByIdempotencyKey` lists it. Creates wait for their operation only
 * briefly and answer `provisioning` while it runs; `get` maps a resource whose insert still runs
 * to `provisioning` too. An absence is confirmed only when no create of that kind is still running.
 * Ids are described in `network-ids.ts`.
 */
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { NotFoundError, ProviderUnavailableError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { NetworkCreateOptions, NetworkProviderV1, VpnConnectionCreateOptions } from '../../provider/network-provider-v1.js';
import type {
  Network,
  NetworkCapabilities,
  NetworkInput,
  NetworkListFilter,
  NetworkResource,
  NetworkResourceMap,
  NetworkResourceRef,
  NetworkResourceType,
  Peering,
  PeeringAcceptanceInput,
  PeeringRequestInput,
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
import type { CallOptions } from '../../provider/provider-v1.js';
import type { GcpApi } from './gcp-api.js';
import { GcpNetworkApi, type GcpNetworkTransport } from './network-clients.js';
import { GcpConnections, MAX_TUNNELS } from './network-connections.js';
import type { GcpNetworkContext } from './network-context.js';
import { NetworkIds, parseNetworkId, typeOfId, type ParsedNetworkId } from './network-ids.js';
import { NetworkOperations, type NetworkOperation } from './network-operations.js';
import { GcpPeerGateways } from './network-peer-gateways.js';
import { GcpPeerings } from './network-peerings.js';
import { NetworkReads } from './network-reads.js';
import { GcpRoutes } from './network-routes.js';
import { GcpVpcs } from './network-vpcs.js';
import { GcpVpnGateways } from './network-vpn-gateways.js';

/** What the GCE adapter gives its network companion. */
export interface GcpNetworkOptions {
  /** Provider name. */
  readonly providerName: string;
  /** Project id. */
  readonly project: string;
  /** Default region. */
  readonly region: string;
  /** Configured regions. */
  readonly regions: readonly string[];
  /** The provider's API (timeouts, retries, error mapping). */
  readonly api: GcpApi;
  /** The provider's endpoint and credentials. */
  readonly transport: Omit<GcpNetworkTransport, 'providerName' | 'project'>;
  /** Where `network.changed` goes. */
  readonly events: EventBus;
  /** Pause between operation polls, ms (default 1,000). */
  readonly pollIntervalMs?: number | undefined;
  /** Longest wait of a create for its operation before it answers `provisioning`, ms (default 5,000). */
  readonly createWaitMs?: number | undefined;
  /** Longest wait for a step that must finish first (a connection's tunnels before its BGP sessions), ms (default 60,000). */
  readonly stepWaitMs?: number | undefined;
  /** How long `findByIdempotencyKey` waits for creates still running before it cannot tell, ms (default 10,000). */
  readonly consistencyWindowMs?: number | undefined;
}

/** The GCE network companion. */
export class GcpNetwork implements NetworkProviderV1 {
  /** The specification it implements. */
  readonly specificationVersion = 'v1' as const;
  /** The provider's name. */
  readonly provider: string;
  /** `gcp`. */
  readonly kind = 'gcp' as const;
  /** The project (peerings across projects name it). */
  readonly account: string;
  /** HA VPN with BGP (two tunnels per connection, gateway IPs first), peering across regions and projects; no IPv6 ranges. */
  readonly capabilities: NetworkCapabilities = {
    vpn: true,
    bgp: true,
    peering: true,
    crossRegionPeering: true,
    crossAccountPeering: true,
    gatewayIpsFrom: 'gateway',
    maxTunnels: MAX_TUNNELS,
    ipv6: false,
  };

  private readonly ctx: GcpNetworkContext;
  private readonly vpcs: GcpVpcs;
  private readonly gateways: GcpVpnGateways;
  private readonly peers: GcpPeerGateways;
  private readonly connections: GcpConnections;
  private readonly peerings: GcpPeerings;
  private readonly routes: GcpRoutes;
  private readonly consistencyWindowMs: number;

  /** Builds the companion; nothing is loaded or called yet. @internal */
  constructor(options: GcpNetworkOptions) {
    this.provider = options.providerName;
    this.account = options.project;
    const api = new GcpNetworkApi(options.api, { ...options.transport, providerName: options.providerName, project: options.project });
    const pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.ctx = {
      providerName: options.providerName,
      project: options.project,
      region: options.region,
      regions: options.regions,
      api,
      ops: new NetworkOperations(api, options.project, pollIntervalMs),
      reads: new NetworkReads(api),
      ids: new NetworkIds(options.project),
      createWaitMs: options.createWaitMs ?? 5_000,
      stepWaitMs: options.stepWaitMs ?? 60_000,
      events: options.events,
    };
    this.consistencyWindowMs = options.consistencyWindowMs ?? 10_000;
    this.vpcs = new GcpVpcs(this.ctx);
    this.gateways = new GcpVpnGateways(this.ctx, this.vpcs);
    this.peers = new GcpPeerGateways(this.ctx);
    this.connections = new GcpConnections(this.ctx, this.gateways, this.peers);
    this.peerings = new GcpPeerings(this.ctx, this.vpcs);
    this.routes = new GcpRoutes(this.ctx, { vpcs: this.vpcs, gateways: this.gateways, connections: this.connections });
  }

  /** Reads one resource by its id; `NotFoundError` when it is gone (or not an id of this project). */
  async get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options: CallOptions = {}): Promise<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    const parsed = this.parse(ref);
    if (!parsed) throw new NotFoundError({ provider: this.provider, message: `${ref.type} ${ref.id} not found`, resourceType: ref.type, resourceId: ref.id });
    return (await this.read(parsed, signal)) as NetworkResourceMap[T];
  }

  /** Streams the project's resources of one type (filtered by region, network and labels). */
  async *list<T extends NetworkResourceType>(type: T, filter: NetworkListFilter = {}, options: CallOptions = {}): AsyncIterable<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    const all = await this.listAll(type, signal);
    for (const resource of all) {
      throwIfAborted(signal);
      if (matches(resource, filter)) yield resource as NetworkResourceMap[T];
    }
  }

  /** Starts deleting a resource; what is gone succeeds; what is in use is a `ConflictError`. */
  async delete(ref: NetworkResourceRef, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    const parsed = this.parse(ref);
    if (!parsed) return;
    switch (parsed.kind) {
      case 'network':
        return this.vpcs.deleteNetwork(parsed.name, signal);
      case 'subnet':
        return this.vpcs.deleteSubnet(parsed.region, parsed.name, signal);
      case 'vpn-gateway':
        return this.gateways.delete(parsed.region, parsed.name, signal);
      case 'peer-gateway':
        return this.peers.delete(parsed.name, signal);
      case 'vpn-connection':
        return this.connections.delete(parsed.region, parsed.name, signal);
      case 'peering':
        return this.peerings.delete(parsed.network, parsed.name, signal);
      default:
        return this.routes.delete(parsed, signal);
    }
  }

  /**
   * The resource a create with this key made; `undefined` only when none carries the key and no
   * create of that type is still running in the project; rejects (`ProviderUnavailableError`)
   * while creates are still running after the consistency window.
   */
  async findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options: CallOptions = {}): Promise<NetworkResourceMap[T] | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const deadline = Date.now() + this.consistencyWindowMs;
    for (;;) {
      // Running creates first: one that ends after this look has made its resource visible to the listing below.
      const running = await this.runningCreates(type, signal);
      const found = await this.findOnce(type, idempotencyKey, signal);
      if (found) return found as NetworkResourceMap[T];
      if (running.length === 0) return undefined;
      if (Date.now() >= deadline) {
        throw new ProviderUnavailableError({ provider: this.provider, message: `findByIdempotencyKey: ${running.length} create(s) of ${type} still running (${running.map((o) => o.targetLink ?? o.name).join(', ')}); cannot tell yet`, retryable: true });
      }
      await sleep(this.ctx.ops.pollIntervalMs, signal);
    }
  }

  /** Creates a custom-mode VPC network recording its ranges. */
  async createNetwork(input: NetworkInput, options: NetworkCreateOptions = {}): Promise<Network> {
    throwIfAborted(options.signal);
    return this.vpcs.createNetwork(input, options);
  }

  /** Creates a regional subnetwork inside its network's ranges. */
  async createSubnet(input: SubnetInput, options: NetworkCreateOptions = {}): Promise<Subnet> {
    throwIfAborted(options.signal);
    return this.vpcs.createSubnet(input, options);
  }

  /** Creates an HA VPN gateway and its Cloud Router; usually `provisioning` for a short while. */
  async createVpnGateway(input: VpnGatewayInput, options: NetworkCreateOptions = {}): Promise<VpnGateway> {
    throwIfAborted(options.signal);
    return this.gateways.create(input, options);
  }

  /** Records the far side as an external VPN gateway (1, 2 or 4 addresses). */
  async createPeerGateway(input: PeerGatewayInput, options: NetworkCreateOptions = {}): Promise<PeerGateway> {
    throwIfAborted(options.signal);
    return this.peers.create(input, options);
  }

  /** Creates HA VPN tunnels and their BGP sessions; static routing is an `UnsupportedError`. */
  async createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    throwIfAborted(options?.signal);
    return this.connections.create(input, options);
  }

  /** Adds this side's peering link; `pending-acceptance` until the other side accepts. */
  async requestPeering(input: PeeringRequestInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    throwIfAborted(options.signal);
    return this.peerings.request(input, options);
  }

  /** Adds the reverse link; both become `available`. */
  async acceptPeering(input: PeeringAcceptanceInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    throwIfAborted(options.signal);
    return this.peerings.accept(input, options);
  }

  /** Adds a route (see `network-routes.ts` for each target). */
  async createRoute(input: RouteInput, options: NetworkCreateOptions = {}): Promise<Route> {
    throwIfAborted(options.signal);
    return this.routes.create(input, options);
  }

  /** What `JSON.stringify` shows: name, kind and project, never credentials. @internal */
  toJSON(): { readonly provider: string; readonly kind: 'gcp'; readonly account: string } {
    return { provider: this.provider, kind: this.kind, account: this.account };
  }

  private parse(ref: NetworkResourceRef): ParsedNetworkId | undefined {
    const parsed = typeof ref?.id === 'string' ? parseNetworkId(ref.id) : undefined;
    return parsed && parsed.project === this.ctx.project && typeOfId(parsed) === ref.type ? parsed : undefined;
  }

  private read(parsed: ParsedNetworkId, signal: AbortSignal | undefined): Promise<NetworkResource> {
    switch (parsed.kind) {
      case 'network':
        return this.vpcs.getNetwork(parsed.name, signal);
      case 'subnet':
        return this.vpcs.getSubnet(parsed.region, parsed.name, signal);
      case 'vpn-gateway':
        return this.gateways.get(parsed.region, parsed.name, signal);
      case 'peer-gateway':
        return this.peers.get(parsed.name, signal);
      case 'vpn-connection':
        return this.connections.get(parsed.region, parsed.name, signal);
      case 'peering':
        return this.peerings.get(parsed.network, parsed.name, signal);
      default:
        return this.routes.get(parsed, signal);
    }
  }

  private listAll(type: NetworkResourceType, signal: AbortSignal | undefined): Promise<readonly NetworkResource[]> {
    switch (type) {
      case 'network':
        return this.vpcs.listNetworks(signal);
      case 'subnet':
        return this.vpcs.listSubnets(signal);
      case 'vpn-gateway':
        return this.gateways.list(signal);
      case 'peer-gateway':
        return this.peers.list(signal);
      case 'vpn-connection':
        return this.connections.list(signal);
      case 'peering':
        return this.peerings.list(signal);
      case 'route':
        return this.routes.list(signal);
      default:
        return Promise.resolve([]);
    }
  }

  private findOnce(type: NetworkResourceType, key: string, signal: AbortSignal | undefined): Promise<NetworkResource | undefined> {
    switch (type) {
      case 'network':
        return this.vpcs.findNetwork(key, signal);
      case 'subnet':
        return this.vpcs.findSubnet(key, signal);
      case 'vpn-gateway':
        return this.gateways.find(key, signal);
      case 'peer-gateway':
        return this.peers.find(key, signal);
      case 'vpn-connection':
        return this.connections.find(key, signal);
      case 'peering':
        return this.peerings.find(key, signal);
      case 'route':
        return this.routes.find(key, signal);
      default:
        return Promise.resolve(undefined);
    }
  }

  /** Operations still running that could be a create of `type` (its resource not visible yet). */
  private async runningCreates(type: NetworkResourceType, signal: AbortSignal | undefined): Promise<NetworkOperation[]> {
    const wanted = RUNNING_CREATES[type];
    const ctx = { operation: 'findByIdempotencyKey', resourceType: type };
    const scopes = [...(wanted.global ? [{}] : []), ...(wanted.regional ? this.ctx.regions.map((region) => ({ region })) : [])];
    const found = await Promise.all(scopes.map((scope) => this.ctx.ops.find(scope, '(status != "DONE")', ctx, signal)));
    return found.flat().filter((op) => op.status !== 'DONE' && wanted.matches(String(op.operationType ?? ''), String(op.targetLink ?? '')));
  }
}

/** Which running operations may be a create of each type. */
const RUNNING_CREATES: Readonly<Record<NetworkResourceType, { readonly global: boolean; readonly regional: boolean; readonly matches: (type: string, target: string) => boolean }>> = {
  network: { global: true, regional: false, matches: (t, target) => t === 'insert' && target.includes('/global/networks/') },
  subnet: { global: false, regional: true, matches: (t, target) => t === 'insert' && target.includes('/subnetworks/') },
  'vpn-gateway': { global: false, regional: true, matches: (t, target) => t === 'insert' && (target.includes('/vpnGateways/') || target.includes('/routers/')) },
  'peer-gateway': { global: true, regional: false, matches: (t, target) => t === 'insert' && target.includes('/externalVpnGateways/') },
  'vpn-connection': { global: false, regional: true, matches: (t, target) => (t === 'insert' && target.includes('/vpnTunnels/')) || (t === 'patch' && target.includes('/routers/')) },
  peering: { global: true, regional: false, matches: (t) => t === 'addPeering' },
  route: { global: true, regional: true, matches: (t, target) => (t === 'insert' && target.includes('/global/routes/')) || (t === 'patch' && target.includes('/routers/')) },
};

/** True when a resource passes a list filter. */
function matches(resource: NetworkResource, filter: NetworkListFilter): boolean {
  if (filter.region !== undefined && resource.region !== filter.region) return false;
  if (filter.networkId !== undefined) {
    const own = resource.type === 'network' ? resource.id : (resource as { networkId?: string }).networkId;
    if (own !== filter.networkId) return false;
  }
  for (const [k, v] of Object.entries(filter.labels ?? {})) if (resource.labels[k] !== v) return false;
  return true;
}
