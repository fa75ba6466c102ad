/**
 * The Azure network companion (`provider.networking`, `NetworkProviderV1`) over
 * `@azure/arm-network`: virtual networks and subnets, VPN gateways (virtual network gateways),
 * peer gateways (local network gateways), site-to-site connections, VNet peering links and
 * routes (a route table per network). One class per resource kind does the work
 * (`network-vnets.ts`, `network-vpn-gateways.ts`, `network-peer-gateways.ts`,
 * `network-connections.ts`, `network-peerings.ts`, `network-routes.ts`); this one dispatches and
 * keeps the rules every kind shares:
 * - idempotency is Azure's: every create is named from its key (`network-names.ts`); the same key
 *   with the same input returns the same resource, with other input it is a `ConflictError`;
 *   creates of one key run one at a time in this process; `findByIdempotencyKey` looks the
 *   resource up by that name and answers `undefined` only when ARM has none of it. A create
 *   that made some parts before it was cut off (a gateway's public IPs, some local network
 *   gateways) is finished by repeating it with the same key; `delete` of the id removes them;
 * - creates never wait for what takes long (a gateway's 30–45 minutes, a connection's minutes):
 *   they return `provisioning`, and `get` maps ARM's state;
 * - deleting what is still used is a `ConflictError` (ARM's refusals, and the companion's own
 *   checks for a network with subnets, peerings or routes); deleting what is gone succeeds.
 *
 * Capabilities: site-to-site VPN with BGP, gateway IPs known once the gateway is provisioned
 * (`gatewayIpsFrom: 'gateway'`), one tunnel per connection (two with `network.activeActive`),
 * VNet peering across locations (global VNet peering) and subscriptions (by resource id). IPv4
 * only: Azure VPN gateways route IPv4, and the companion takes no IPv6 ranges.
 */
import { throwIfAborted } from '../../provider/abort.js';
import { InvalidSpecError, UnsupportedError } from '../../provider/errors.js';
import { oneOffKey, PerNameQueue } from '../../provider/keyed-creates.js';
import type { CallOptions } from '../../provider/provider-v1.js';
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
import { NetworkCalls, type AzureNetworkContext } from './network-calls.js';
import { VpnConnections } from './network-connections.js';
import { matchesFilter } from './network-mapping.js';
import { PeerGateways } from './network-peer-gateways.js';
import { Peerings } from './network-peerings.js';
import { Routes } from './network-routes.js';
import { VirtualNetworks } from './network-vnets.js';
import { VpnGateways } from './network-vpn-gateways.js';

export type { AzureNetworkContext } from './network-calls.js';

const TYPES: readonly NetworkResourceType[] = ['network', 'subnet', 'vpn-gateway', 'peer-gateway', 'vpn-connection', 'peering', 'route'];

/** The Azure {@link NetworkProviderV1}. The Azure provider makes one (`provider.networking`). */
export class AzureNetwork implements NetworkProviderV1 {
  /** The specification it implements. */
  readonly specificationVersion = 'v1' as const;
  /** Owning provider's name. */
  readonly provider: string;
  /** Always `azure`. */
  readonly kind = 'azure' as const;
  /** The subscription. */
  readonly account: string;
  /** What it supports. */
  readonly capabilities: NetworkCapabilities;

  private readonly vnets: VirtualNetworks;
  private readonly gateways: VpnGateways;
  private readonly peers: PeerGateways;
  private readonly connections: VpnConnections;
  private readonly peerings: Peerings;
  private readonly routes: Routes;
  private readonly keyed = new PerNameQueue();

  /** The companion of the provider `ctx` describes. @internal */
  constructor(private readonly ctx: AzureNetworkContext) {
    this.provider = ctx.providerName;
    this.account = ctx.scope.subscriptionId;
    const calls = new NetworkCalls(ctx);
    this.vnets = new VirtualNetworks(ctx, calls);
    this.gateways = new VpnGateways(ctx, calls, this.vnets);
    this.peers = new PeerGateways(ctx, calls);
    this.connections = new VpnConnections(ctx, calls, this.gateways, this.peers);
    this.peerings = new Peerings(ctx, calls, this.vnets);
    this.routes = new Routes(ctx, calls, this.vnets, () => ({ gateways: this.gateways, connections: this.connections, peerings: this.peerings }));
    this.capabilities = {
      vpn: true,
      bgp: true,
      peering: true,
      crossRegionPeering: true,
      crossAccountPeering: true,
      gatewayIpsFrom: 'gateway',
      maxTunnels: ctx.settings.activeActive ? 2 : 1,
      ipv6: false,
    };
  }

  async get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options: CallOptions = {}): Promise<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    const id = idOf(ref);
    const parts: { [K in NetworkResourceType]: () => Promise<NetworkResourceMap[K]> } = {
      network: () => this.vnets.get(id, signal),
      subnet: () => this.vnets.getSubnet(id, signal),
      'vpn-gateway': () => this.gateways.get(id, signal),
      'peer-gateway': () => this.peers.get(id, signal),
      'vpn-connection': () => this.connections.get(id, signal),
      peering: () => this.peerings.get(id, signal),
      route: () => this.routes.get(id, signal),
    };
    return (await parts[typeOf(ref)]()) as NetworkResourceMap[T];
  }

  async *list<T extends NetworkResourceType>(type: T, filter: NetworkListFilter = {}, options: CallOptions = {}): AsyncIterable<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    for await (const resource of this.everyOf(typeOf({ type }), signal)) {
      throwIfAborted(signal);
      const networkId = resource.type === 'network' ? resource.id : (resource as { networkId?: string }).networkId;
      if (matchesFilter(resource, filter, networkId)) yield resource as NetworkResourceMap[T];
    }
  }

  async delete(ref: NetworkResourceRef, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    const id = idOf(ref);
    const type = typeOf(ref);
    switch (type) {
      case 'network':
        await this.vnets.delete(id, signal, async (vnet) => {
          await this.routes.removeTableOf(vnet, signal);
          await this.gateways.removeLeftoversOf(vnet, signal);
        });
        break;
      case 'subnet':
        await this.vnets.deleteSubnet(id, signal);
        break;
      case 'vpn-gateway':
        await this.gateways.delete(id, signal);
        break;
      case 'peer-gateway':
        await this.peers.delete(id, signal);
        break;
      case 'vpn-connection':
        await this.connections.delete(id, signal);
        break;
      case 'peering':
        await this.peerings.delete(id, signal);
        break;
      case 'route':
        await this.routes.delete(id, signal);
        break;
    }
    this.ctx.events.publish('network.changed', { provider: this.provider, action: 'deleted', resourceType: type, resourceId: id, state: 'deleting' });
  }

  async findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options: CallOptions = {}): Promise<NetworkResourceMap[T] | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    if (typeof idempotencyKey !== 'string' || idempotencyKey === '') throw new InvalidSpecError({ provider: this.provider, issues: [{ field: 'idempotencyKey', message: 'must be a non-empty string' }] });
    const parts: { [K in NetworkResourceType]: () => Promise<NetworkResourceMap[K] | undefined> } = {
      network: () => this.vnets.find(idempotencyKey, signal),
      subnet: () => this.vnets.findSubnet(idempotencyKey, signal),
      'vpn-gateway': () => this.gateways.find(idempotencyKey, signal),
      'peer-gateway': () => this.peers.find(idempotencyKey, signal),
      'vpn-connection': () => this.connections.find(idempotencyKey, signal),
      peering: () => this.peerings.find(idempotencyKey, signal),
      route: () => this.routes.find(idempotencyKey, signal),
    };
    return (await parts[typeOf({ type })]()) as NetworkResourceMap[T] | undefined;
  }

  createNetwork(input: NetworkInput, options: NetworkCreateOptions = {}): Promise<Network> {
    return this.keyedCreate('network', options, (key) => {
      if (Array.isArray(input?.cidrs) && input.cidrs.some((c) => typeof c === 'string' && c.includes(':'))) {
        throw new UnsupportedError({ provider: this.provider, capability: 'ipv6', message: 'IPv6 ranges are not supported by the Azure network companion' });
      }
      return this.vnets.create(input, options, key);
    });
  }

  createSubnet(input: SubnetInput, options: NetworkCreateOptions = {}): Promise<Subnet> {
    return this.keyedCreate('subnet', options, (key) => this.vnets.createSubnet(input, options, key, (vnet) => this.routes.tableIdOf(vnet, options.signal)));
  }

  createVpnGateway(input: VpnGatewayInput, options: NetworkCreateOptions = {}): Promise<VpnGateway> {
    return this.keyedCreate('vpn-gateway', options, (key) => this.gateways.create(input, options, key));
  }

  createPeerGateway(input: PeerGatewayInput, options: NetworkCreateOptions = {}): Promise<PeerGateway> {
    return this.keyedCreate('peer-gateway', options, (key) => this.peers.create(input, options, key));
  }

  createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    return this.keyedCreate('vpn-connection', options ?? {}, (key) => this.connections.create(input, options, key, this.capabilities.maxTunnels));
  }

  requestPeering(input: PeeringRequestInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    return this.keyedCreate('peering', options, (key) => this.peerings.request(input, options, key));
  }

  async acceptPeering(input: PeeringAcceptanceInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    const link = await this.keyedCreate('peering', options, (key) => this.peerings.accept(input, options, key), false);
    this.ctx.events.publish('network.changed', { provider: this.provider, action: 'accepted', resourceType: 'peering', resourceId: link.id, state: link.state });
    return link;
  }

  createRoute(input: RouteInput, options: NetworkCreateOptions = {}): Promise<Route> {
    return this.keyedCreate('route', options, (key) => this.routes.create(input, options, key));
  }

  /** What `JSON.stringify` shows: the provider, account and capabilities, never a credential. @internal */
  toJSON(): { provider: string; kind: 'azure'; account: string; capabilities: NetworkCapabilities } {
    return { provider: this.provider, kind: this.kind, account: this.account, capabilities: this.capabilities };
  }

  /** A create under its key (a one-off key when none is given), one at a time per key in this process. */
  private async keyedCreate<R extends NetworkResource>(type: NetworkResourceType, options: NetworkCreateOptions, create: (key: string) => Promise<R>, announce = true): Promise<R> {
    throwIfAborted(options.signal);
    const given = options.idempotencyKey;
    if (given !== undefined && (typeof given !== 'string' || given === '')) throw new InvalidSpecError({ provider: this.provider, issues: [{ field: 'idempotencyKey', message: 'must be a non-empty string' }] });
    const key = given ?? oneOffKey();
    const resource = await this.keyed.run(`${type}|${key}`, () => create(key));
    if (announce) this.ctx.events.publish('network.changed', { provider: this.provider, action: 'created', resourceType: type, resourceId: resource.id, state: resource.state });
    return resource;
  }

  private everyOf(type: NetworkResourceType, signal: AbortSignal | undefined): AsyncIterable<NetworkResource> {
    switch (type) {
      case 'network':
        return mapped(this.vnets.list(signal), (v) => this.vnets.toNetwork(v));
      case 'subnet':
        return flatMapped(this.vnets.list(signal), (v) => (v.subnets ?? []).map((s) => this.vnets.toSubnet(v, s)));
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
    }
  }
}

function typeOf(ref: { readonly type: unknown }): NetworkResourceType {
  if (!TYPES.includes(ref?.type as NetworkResourceType)) throw new InvalidSpecError({ issues: [{ field: 'type', message: `must be one of ${TYPES.join(', ')}` }] });
  return ref.type as NetworkResourceType;
}

function idOf(ref: NetworkResourceRef): string {
  if (typeof ref?.id !== 'string' || ref.id === '') throw new InvalidSpecError({ issues: [{ field: 'id', message: 'must be the resource id' }] });
  return ref.id;
}

async function* mapped<A, B>(items: AsyncIterable<A>, fn: (a: A) => B): AsyncIterable<B> {
  for await (const item of items) yield fn(item);
}

async function* flatMapped<A, B>(items: AsyncIterable<A>, fn: (a: A) => readonly B[]): AsyncIterable<B> {
  for await (const item of items) yield* fn(item);
}
