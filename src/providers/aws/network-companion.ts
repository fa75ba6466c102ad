/**
 * The AWS network companion (`provider.networking` of an AWS provider): {@link NetworkProviderV1}
 * over EC2 through the adapter's lazily loaded `@aws-sdk/client-ec2` client. Networks are VPCs,
 * subnets subnets, a VPN gateway a virtual private gateway attached to its VPC, a peer gateway a
 * customer gateway, a VPN connection an EC2 VPN connection (two tunnels, outside IPs assigned by
 * AWS per connection: `gatewayIpsFrom: 'connection'`), a peering a VPC peering connection both
 * sides see, a route a route of the VPC's main route table.
 *
 * Idempotency: EC2's network creates take no ClientToken, so each create is tagged with a digest
 * of its key (and of its input), a repeat finds it by that tag first, and
 * {@link AwsNetwork.findByIdempotencyKey} settles a lost answer the same way, looking across
 * EC2's eventual consistency before it reports absence. Those creates are sent without the
 * SDK's blind retries after an attempt that may have acted (`network-single-attempt.ts`).
 *
 * Resources live in the provider's regions (`region` and `regions`); ids do not name their
 * region, so reads look in the region a resource was last seen in, then in the others.
 */
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { ConflictError, InvalidSpecError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { PerNameQueue } from '../../provider/keyed-creates.js';
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
import type { AwsApi } from './aws-api.js';
import { NetworkCalls } from './network-calls.js';
import { AccountBook, loadCidr, type AwsNetworkContext, type CreateStamp } from './network-context.js';
import { networkOf, peerGatewayOf, subnetOf, vpnConnectionOf, vpnGatewayOf } from './network-mapping.js';
import { AwsPeering } from './network-peering.js';
import { NetworkReader } from './network-reader.js';
import { AwsRoutes } from './network-routes.js';
import { fingerprintOf, keyDigest, literalFilterValue, NETWORK_TAG, tagMap } from './network-tags.js';
import { AwsVpcs } from './network-vpcs.js';
import { AwsVpn } from './network-vpn.js';

/** Options of the AWS network companion (`createAwsProvider({ network: { ... } })`). */
export interface AwsNetworkOptions {
  /** The AWS account id (12 digits); learned from the first VPC EC2 returns when absent. */
  readonly accountId?: string | undefined;
}

/** What the companion is built from. @internal */
export interface AwsNetworkConstruction extends AwsNetworkOptions {
  /** The adapter's EC2 access. */
  readonly api: AwsApi;
  /** Provider name. */
  readonly provider: string;
  /** Default region. */
  readonly region: string;
  /** Every region of the provider, the default first. */
  readonly regions: readonly string[];
  /** The provider's event bus. */
  readonly events: EventBus;
  /** How long a lookup by idempotency key looks before it reports absence, in ms (default 5,000). */
  readonly consistencyWindowMs?: number | undefined;
}

/** What AWS offers (Site-to-Site VPN User Guide, VPC Peering Guide, read 2026-12). */
const CAPABILITIES: NetworkCapabilities = {
  vpn: true,
  bgp: true,
  peering: true,
  crossRegionPeering: true,
  crossAccountPeering: true,
  gatewayIpsFrom: 'connection',
  maxTunnels: 2,
  ipv6: false,
};
/** Looks of a lookup by idempotency key across its window. */
const KEY_LOOKS = 6;

/** A resource found by its key, with the fingerprint of the input that made it. */
interface Found<R> {
  readonly resource: R;
  readonly fingerprint: string | undefined;
}

/** The AWS {@link NetworkProviderV1}. */
export class AwsNetwork implements NetworkProviderV1 {
  /** The specification it implements. */
  readonly specificationVersion = 'v1' as const;
  /** Owning provider's name. */
  readonly provider: string;
  /** Kind of cloud. */
  readonly kind = 'aws' as const;
  /** What it supports. */
  readonly capabilities: NetworkCapabilities = CAPABILITIES;

  private readonly ctx: AwsNetworkContext;
  private readonly reader: NetworkReader;
  private readonly vpcs: AwsVpcs;
  private readonly vpn: AwsVpn;
  private readonly peerings: AwsPeering;
  private readonly routes: AwsRoutes;
  private readonly queue = new PerNameQueue();

  /** Use `provider.networking` of an AWS provider. @internal */
  constructor(construction: AwsNetworkConstruction) {
    this.provider = construction.provider;
    const calls = new NetworkCalls(construction.api, construction.provider, construction.regions);
    this.ctx = {
      provider: construction.provider,
      calls,
      defaultRegion: construction.region,
      regions: construction.regions,
      events: construction.events,
      account: new AccountBook(calls, construction.region, construction.accountId),
      consistencyWindowMs: Math.max(0, construction.consistencyWindowMs ?? 5_000),
      mapping: async (region) => ({ provider: construction.provider, region, cidr: await loadCidr() }),
    };
    this.reader = new NetworkReader(this.ctx);
    this.vpcs = new AwsVpcs(this.ctx, this.reader);
    this.vpn = new AwsVpn(this.ctx, this.reader, this.vpcs);
    this.peerings = new AwsPeering(this.ctx, this.reader, this.vpcs);
    this.routes = new AwsRoutes(this.ctx, this.reader, this.vpcs, this.vpn);
  }

  /** The account the networks live in: configured, else learned from the first VPC read (`unknown` before that). */
  get account(): string {
    return this.ctx.account.known ?? 'unknown';
  }

  /** What a person (or a log line) sees of the companion: its provider and regions, never the credentials behind its client. */
  toString(): string {
    return `AwsNetwork ${this.provider} (${this.ctx.regions.join(', ')})`;
  }

  /** A credential-free summary for `JSON.stringify`. @internal */
  toJSON(): { provider: string; kind: 'aws'; regions: readonly string[] } {
    return { provider: this.provider, kind: this.kind, regions: this.ctx.regions };
  }

  /** `util.inspect` shows {@link AwsNetwork.toString}: the client's options (credentials among them) stay out. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  async get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options: CallOptions = {}): Promise<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    const id = ref.id;
    switch (ref.type as NetworkResourceType) {
      case 'network': {
        const { value, region } = await this.vpcs.locate(id, signal);
        return networkOf(value, await this.ctx.mapping(region)) as NetworkResourceMap[T];
      }
      case 'subnet': {
        const { value, region } = await this.ctx.calls.locate('subnet', id, (r) => this.reader.subnet(r, id, signal));
        return subnetOf(value, await this.ctx.mapping(region)) as NetworkResourceMap[T];
      }
      case 'vpn-gateway': {
        const { value, region } = await this.vpn.locateGateway(id, signal);
        return (await this.vpn.readGateway(region, value, signal)) as NetworkResourceMap[T];
      }
      case 'peer-gateway': {
        const { value, region } = await this.vpn.locatePeerGateway(id, signal);
        return peerGatewayOf(value, await this.ctx.mapping(region)) as NetworkResourceMap[T];
      }
      case 'vpn-connection': {
        const { value, region } = await this.vpn.locateConnection(id, signal);
        return (await this.vpn.readConnection(region, value, signal)) as NetworkResourceMap[T];
      }
      case 'peering': {
        const { value, region } = await this.peerings.locate(id, signal);
        return (await this.peerings.view(value, region, signal)) as NetworkResourceMap[T];
      }
      case 'route':
        return (await this.routes.get(id, signal)) as NetworkResourceMap[T];
      default:
        throw unknownType(ref.type);
    }
  }

  async *list<T extends NetworkResourceType>(type: T, filter: NetworkListFilter = {}, options: CallOptions = {}): AsyncIterable<NetworkResourceMap[T]> {
    const { signal } = options;
    throwIfAborted(signal);
    const regions = filter.region !== undefined ? this.ctx.regions.filter((r) => r === filter.region) : this.ctx.regions;
    const byLabels = Object.entries(filter.labels ?? {}).map(([k, v]) => ({ Name: `tag:${k}`, Values: [literalFilterValue(v)] }));
    const seen = new Set<string>();
    for (const region of regions) {
      for (const resource of await this.listIn(type, region, filter, byLabels, signal)) {
        if (seen.has(resource.id) || !matches(resource, filter)) continue;
        seen.add(resource.id);
        throwIfAborted(signal);
        yield resource as NetworkResourceMap[T];
      }
    }
  }

  private async listIn(type: NetworkResourceType, region: string, filter: NetworkListFilter, byLabels: { Name: string; Values: string[] }[], signal: AbortSignal | undefined): Promise<NetworkResource[]> {
    const mapping = await this.ctx.mapping(region);
    const inNetwork = filter.networkId !== undefined ? [{ Name: 'vpc-id', Values: [filter.networkId] }] : [];
    switch (type) {
      case 'network':
        return (await this.reader.vpcs(region, [...byLabels, ...(filter.networkId !== undefined ? [{ Name: 'vpc-id', Values: [filter.networkId] }] : [])], signal)).map((v) => networkOf(v, mapping));
      case 'subnet':
        return (await this.reader.subnets(region, [...byLabels, ...inNetwork], signal)).map((s) => subnetOf(s, mapping));
      case 'vpn-gateway':
        return (await this.reader.vpnGateways(region, byLabels, signal)).map((g) => vpnGatewayOf(g, mapping));
      case 'peer-gateway':
        return (await this.reader.customerGateways(region, byLabels, signal)).map((g) => peerGatewayOf(g, mapping));
      case 'vpn-connection':
        return (await this.reader.vpnConnections(region, byLabels, signal)).map((v) => vpnConnectionOf(v, mapping));
      case 'peering': {
        const out: Peering[] = [];
        for (const p of await this.reader.peerings(region, byLabels, signal)) out.push(await this.peerings.view(p, region, signal));
        return out;
      }
      case 'route':
        return this.routes.list(region, filter, signal);
      default:
        throw unknownType(type);
    }
  }

  async delete(ref: NetworkResourceRef, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    let deleted: boolean;
    switch (ref.type) {
      case 'network':
        deleted = await this.vpcs.deleteNetwork(ref.id, signal);
        break;
      case 'subnet':
        deleted = await this.vpcs.deleteSubnet(ref.id, signal);
        break;
      case 'vpn-gateway':
        deleted = await this.vpn.deleteGateway(ref.id, signal);
        break;
      case 'peer-gateway':
        deleted = await this.vpn.deletePeerGateway(ref.id, signal);
        break;
      case 'vpn-connection':
        deleted = await this.vpn.deleteConnection(ref.id, signal);
        break;
      case 'peering':
        deleted = await this.peerings.delete(ref.id, signal);
        break;
      case 'route':
        deleted = await this.routes.delete(ref.id, signal);
        break;
      default:
        throw unknownType(ref.type);
    }
    if (deleted) this.ctx.events.publish('network.changed', { provider: this.provider, action: 'deleted', resourceType: ref.type, resourceId: ref.id, state: 'deleting' });
  }

  /**
   * The resource a create with this key made (found by its key tag in every configured region),
   * deleted ones excepted; `undefined` only after the lookup has missed repeatedly across
   * `consistencyWindowMs`, since EC2's describe calls are eventually consistent.
   */
  async findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options: CallOptions = {}): Promise<NetworkResourceMap[T] | undefined> {
    const { signal } = options;
    throwIfAborted(signal);
    const windowMs = this.ctx.consistencyWindowMs;
    const looks = windowMs > 0 ? KEY_LOOKS : 1;
    // Delays window·1/31, 2/31, 4/31, ...: early looks come soon, and the last one ends the window.
    const unit = windowMs / (2 ** (looks - 1) - 1 || 1);
    for (let look = 0; look < looks; look++) {
      if (look > 0) await sleep(unit * 2 ** (look - 1), signal);
      const found = (await this.findOnce(type, idempotencyKey, signal, true)) as Found<NetworkResourceMap[T]> | undefined;
      if (found) return found.resource;
    }
    return undefined;
  }

  /** One look for what a create with this key made, in every configured region. */
  private async findOnce(type: NetworkResourceType, key: string, signal: AbortSignal | undefined, withAccepts: boolean): Promise<Found<NetworkResource> | undefined> {
    if (type === 'route') return this.routes.findByKey(key, signal);
    const byKey = [{ Name: `tag:${NETWORK_TAG.key}`, Values: [keyDigest(key)] }];
    for (const region of this.ctx.regions) {
      const mapping = await this.ctx.mapping(region);
      const fingerprintOfTags = (tags: { Key?: string; Value?: string }[] | undefined): string | undefined => tagMap(tags).get(NETWORK_TAG.fingerprint);
      let found: Found<NetworkResource> | undefined;
      switch (type) {
        case 'network': {
          const v = (await this.reader.vpcs(region, byKey, signal))[0];
          found = v && { resource: networkOf(v, mapping), fingerprint: fingerprintOfTags(v.Tags) };
          break;
        }
        case 'subnet': {
          const s = (await this.reader.subnets(region, byKey, signal))[0];
          found = s && { resource: subnetOf(s, mapping), fingerprint: fingerprintOfTags(s.Tags) };
          break;
        }
        case 'vpn-gateway': {
          const g = (await this.reader.vpnGateways(region, byKey, signal))[0];
          found = g && { resource: vpnGatewayOf(g, mapping), fingerprint: fingerprintOfTags(g.Tags) };
          break;
        }
        case 'peer-gateway': {
          const g = (await this.reader.customerGateways(region, byKey, signal))[0];
          found = g && { resource: peerGatewayOf(g, mapping), fingerprint: fingerprintOfTags(g.Tags) };
          break;
        }
        case 'vpn-connection': {
          const v = (await this.reader.vpnConnections(region, byKey, signal))[0];
          found = v && { resource: vpnConnectionOf(v, mapping), fingerprint: fingerprintOfTags(v.Tags) };
          break;
        }
        case 'peering': {
          const requested = (await this.reader.peerings(region, byKey, signal))[0];
          if (requested) {
            found = { resource: await this.peerings.view(requested, region, signal, 'requester'), fingerprint: fingerprintOfTags(requested.Tags) };
          } else if (withAccepts) {
            const accepted = (await this.reader.peerings(region, [{ Name: `tag:${NETWORK_TAG.acceptKey}`, Values: [keyDigest(key)] }], signal))[0];
            found = accepted && { resource: await this.peerings.view(accepted, region, signal, 'accepter'), fingerprint: undefined };
          }
          break;
        }
        default:
          throw unknownType(type);
      }
      if (found) {
        this.ctx.calls.remember(found.resource.id, region);
        return found;
      }
    }
    return undefined;
  }

  /**
   * The shared create path: a repeat of a key returns what the first create made (found by its
   * key tag; other input is a `ConflictError`), creates of one key run one at a time in this
   * process, and every create is announced as a `network.changed` event.
   */
  private async keyed<R extends NetworkResource>(
    type: R['type'],
    input: unknown,
    options: NetworkCreateOptions,
    create: (stamp: CreateStamp) => Promise<R>,
    how: { readonly find?: (key: string) => Promise<Found<NetworkResource> | undefined>; readonly action?: 'created' | 'accepted' } = {},
  ): Promise<R> {
    const find = how.find ?? ((key: string) => this.findOnce(type, key, options.signal, false));
    throwIfAborted(options.signal);
    const key = options.idempotencyKey;
    const stamp: CreateStamp = { fingerprint: fingerprintOf({ type, input }), createdAt: new Date().toISOString(), idempotencyKey: key };
    const run = async (): Promise<R> => {
      if (key !== undefined) {
        const prior = await find(key);
        if (prior) {
          if (prior.fingerprint !== undefined && prior.fingerprint !== stamp.fingerprint) {
            throw new ConflictError({ provider: this.provider, message: `idempotency key "${key}" was already used for a different ${type}` });
          }
          return prior.resource as R;
        }
      }
      const created = await create(stamp);
      this.ctx.events.publish('network.changed', { provider: this.provider, action: how.action ?? 'created', resourceType: type, resourceId: created.id, state: created.state });
      return created;
    };
    return key === undefined ? run() : this.queue.run(`${type}|${key}`, run);
  }

  async createNetwork(input: NetworkInput, options: NetworkCreateOptions = {}): Promise<Network> {
    return this.keyed('network', input, options, (stamp) => this.vpcs.createNetwork(input, stamp, options.signal));
  }

  async createSubnet(input: SubnetInput, options: NetworkCreateOptions = {}): Promise<Subnet> {
    return this.keyed('subnet', input, options, (stamp) => this.vpcs.createSubnet(input, stamp, options.signal));
  }

  async createVpnGateway(input: VpnGatewayInput, options: NetworkCreateOptions = {}): Promise<VpnGateway> {
    return this.keyed('vpn-gateway', input, options, (stamp) => this.vpn.createVpnGateway(input, stamp, options.signal));
  }

  async createPeerGateway(input: PeerGatewayInput, options: NetworkCreateOptions = {}): Promise<PeerGateway> {
    return this.keyed('peer-gateway', input, options, (stamp) => this.vpn.createPeerGateway(input, stamp, options.signal));
  }

  async createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    if (options?.secrets === undefined) throw new InvalidSpecError({ provider: this.provider, issues: [{ field: 'secrets', message: 'is required: the pre-shared keys are read through it' }] });
    return this.keyed('vpn-connection', input, options, (stamp) => this.vpn.createVpnConnection(input, options, stamp));
  }

  async requestPeering(input: PeeringRequestInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    return this.keyed('peering', input, options, (stamp) => this.peerings.request(input, stamp, options.signal));
  }

  async acceptPeering(input: PeeringAcceptanceInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    return this.keyed(
      'peering',
      input,
      options,
      (stamp) => this.peerings.accept(input, stamp, options.signal),
      {
        action: 'accepted',
        find: async (key) => {
          for (const region of this.ctx.regions) {
            const accepted = (await this.reader.peerings(region, [{ Name: `tag:${NETWORK_TAG.acceptKey}`, Values: [keyDigest(key)] }], options.signal))[0];
            if (accepted) return { resource: await this.peerings.view(accepted, region, options.signal, 'accepter'), fingerprint: undefined };
          }
          return undefined;
        },
      },
    );
  }

  async createRoute(input: RouteInput, options: NetworkCreateOptions = {}): Promise<Route> {
    return this.keyed('route', input, options, (stamp) => this.routes.create(input, stamp, options.signal));
  }
}

function unknownType(type: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field: 'type', message: `unknown network resource type "${type}"` }] });
}

/** True when a resource passes a list filter (region, network, labels). */
function matches(resource: NetworkResource, filter: NetworkListFilter): boolean {
  if (filter.region !== undefined && resource.region !== filter.region) return false;
  if (filter.networkId !== undefined) {
    const own = resource.type === 'network' ? resource.id : (resource as { networkId?: string }).networkId;
    if (own !== filter.networkId) return false;
  }
  for (const [k, v] of Object.entries(filter.labels ?? {})) if (resource.labels[k] !== v) return false;
  return true;
}
