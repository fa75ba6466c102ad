/**
 * The network companion of the in-memory provider ({@link NetworkProviderV1}): networks,
 * subnets, VPN gateways, peer gateways, VPN connections, peerings and routes, with the clouds'
 * behaviours that an orchestrator must cope with:
 * - gateways are `provisioning` for a while (Azure: 30–45 minutes; set `gatewayDelayMs` and a
 *   clock you move), connections too; states move with the clock, not with timers;
 * - with `kind: 'aws'` a VPN gateway has no public IP and each connection gets its own tunnel
 *   outside IPs, and a peering is one connection both sides see, accepted by the other side;
 *   other kinds work as Azure and GCP do: gateway IPs first, and one link per side;
 * - a peering of overlapping ranges ends `failed` ("overlapping CIDR"), as AWS's does;
 * - a route to a destination already routed, or inside the network itself, is refused;
 *   deleting what is still in use is a `ConflictError` (AWS DependencyViolation);
 * - a tunnel is `up` only when the far side has the mirror tunnel (same two outside IPs) with
 *   the same pre-shared key — checked through a SHA-256 digest, the key itself is never kept.
 *
 * Providers that share a {@link MemoryNetworkFabric} see each other's networks (for peering and
 * tunnels), as accounts of one cloud, or of the Internet between clouds, do.
 *
 * CIDR arithmetic (`provider/cidr.ts`, on `ip-address`) is loaded on the first call, so that the
 * root entry never loads it.
 */
import { createHash } from 'node:crypto';
import { throwIfAborted } from '../../provider/abort.js';
import { ConflictError, InvalidSpecError, NotFoundError, UnsupportedError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { canonicalJson } from '../../provider/offer-selection.js';
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
  NetworkResourceState,
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
  VpnTunnel,
} from '../../provider/network-types.js';
import type { ProviderKind } from '../../provider/types.js';
import type * as CidrTypes from '../../provider/cidr.js';

type CidrModule = typeof CidrTypes;
let cidrModule: Promise<CidrModule> | undefined;
/** The CIDR helpers, loaded once on first use. */
function cidrs(): Promise<CidrModule> {
  return (cidrModule ??= import('../../provider/cidr.js'));
}

/** Time each slow resource takes, in ms of the provider's clock. */
export interface MemoryNetworkDelays {
  /** From create to `available` for a VPN gateway (default 100; Azure takes 30–45 minutes). */
  readonly gatewayDelayMs?: number | undefined;
  /** From create to `available` for a VPN connection (default 20). */
  readonly connectionDelayMs?: number | undefined;
  /** From delete to gone for gateways and connections (default: `connectionDelayMs`). */
  readonly deleteDelayMs?: number | undefined;
}

/** Options of the memory network companion (`createMemoryProvider({ network: { ... } })`). */
export interface MemoryNetworkOptions extends MemoryNetworkDelays {
  /** Providers sharing one fabric see each other's networks and tunnels (default: a fabric of its own). */
  readonly fabric?: MemoryNetworkFabric | undefined;
  /** The account the networks live in (default `memory-account`). */
  readonly account?: string | undefined;
  /** Overrides of the declared network capabilities. */
  readonly capabilities?: Partial<NetworkCapabilities> | undefined;
}

/** One resource as the fabric keeps it. */
interface Rec {
  resource: Mutable<NetworkResource>;
  /** Providers that see it (an AWS peering is seen by both sides). */
  readonly owners: Set<string>;
  /** Role each owner sees, for peerings. */
  readonly roles: Map<string, 'requester' | 'accepter'>;
  readyAt: number | undefined;
  goneAt: number | undefined;
  /** SHA-256 of each tunnel's pre-shared key, for the mirror check. */
  readonly pskDigests: readonly string[];
  /** Public IPs a gateway gets when its provisioning ends. */
  readonly pendingIps: readonly string[];
  readonly seq: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The world several memory providers share: their resources and the public IPs handed out. */
export class MemoryNetworkFabric {
  /** Every resource, by id. @internal */
  readonly records = new Map<string, Rec>();
  /** Idempotency records: `provider|type|key` → fingerprint and id. @internal */
  readonly keys = new Map<string, { readonly fingerprint: string; readonly id: string }>();
  /** The providers in the fabric, by name: their kind and account (peerings check them). @internal */
  readonly members = new Map<string, { readonly kind: ProviderKind; readonly account: string }>();
  private nextIp = 0;
  private nextSeq = 0;

  /** A fresh id of a type. @internal */
  newId(prefix: string): string {
    return `${prefix}-${(++this.nextSeq).toString(16).padStart(8, '0')}`;
  }

  /** The next sequence number. @internal */
  seq(): number {
    return ++this.nextSeq;
  }

  /** A new public IP, from the documentation ranges (TEST-NET-3, then TEST-NET-2). @internal */
  async publicIp(): Promise<string> {
    const { addressAt, parseCidr } = await cidrs();
    const n = this.nextIp++;
    const pools = ['203.0.113.0/24', '198.51.100.0/24'];
    const pool = pools[Math.floor(n / 254) % pools.length]!;
    return addressAt(parseCidr(pool), BigInt((n % 254) + 1));
  }

  /** Resources still in the fabric, any owner (tests check that a teardown left none). */
  get size(): number {
    return this.records.size;
  }

  /** Every resource in the fabric, any owner, in creation order (as stored: states move on the next read). */
  resources(): NetworkResource[] {
    return [...this.records.values()].sort((a, b) => a.seq - b.seq).map((r) => structuredClone(r.resource) as NetworkResource);
  }
}

/** Creates a fabric to share between memory providers. */
export function createMemoryNetworkFabric(): MemoryNetworkFabric {
  return new MemoryNetworkFabric();
}

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ID_PREFIX: Record<NetworkResourceType, string> = {
  network: 'net',
  subnet: 'subnet',
  'vpn-gateway': 'vgw',
  'peer-gateway': 'cgw',
  'vpn-connection': 'vpn',
  peering: 'pcx',
  route: 'rt',
};
/** AWS's rule for pre-shared keys, the strictest of the three clouds: 8–64 of [A-Za-z0-9._], not starting with 0. */
const PSK_RULE = /^[A-Za-z0-9._]{8,64}$/;

/** Construction context of a {@link MemoryNetwork}. */
export interface MemoryNetworkContext {
  /** Name of the owning provider. */
  readonly provider: string;
  /** Its kind. */
  readonly kind: ProviderKind;
  /** Its default region. */
  readonly defaultRegion: () => Promise<string>;
  /** Its clock. */
  readonly clock: () => number;
  /** Its event bus. */
  readonly events: EventBus;
  /** Refuses calls while the provider is unreachable (shared with its VM calls). */
  readonly admit: (operation: string, signal: AbortSignal | undefined) => void;
}

/** The in-memory {@link NetworkProviderV1}. */
export class MemoryNetwork implements NetworkProviderV1 {
  /** The specification it implements. */
  readonly specificationVersion = 'v1' as const;
  /** Owning provider's name. */
  readonly provider: string;
  /** Kind of cloud it stands in for. */
  readonly kind: ProviderKind;
  /** Account of its networks. */
  readonly account: string;
  /** What it supports. */
  readonly capabilities: NetworkCapabilities;
  /** The fabric it lives in. */
  readonly fabric: MemoryNetworkFabric;
  private readonly gatewayDelayMs: number;
  private readonly connectionDelayMs: number;
  private readonly deleteDelayMs: number;

  constructor(
    private readonly context: MemoryNetworkContext,
    options: MemoryNetworkOptions = {},
  ) {
    this.provider = context.provider;
    this.kind = context.kind;
    this.account = options.account ?? 'memory-account';
    this.fabric = options.fabric ?? new MemoryNetworkFabric();
    this.gatewayDelayMs = options.gatewayDelayMs ?? 100;
    this.connectionDelayMs = options.connectionDelayMs ?? 20;
    this.deleteDelayMs = options.deleteDelayMs ?? this.connectionDelayMs;
    this.fabric.members.set(this.provider, { kind: this.kind, account: this.account });
    this.capabilities = {
      vpn: true,
      bgp: true,
      peering: true,
      crossRegionPeering: true,
      crossAccountPeering: true,
      gatewayIpsFrom: this.kind === 'aws' ? 'connection' : 'gateway',
      maxTunnels: 2,
      ipv6: true,
      ...options.capabilities,
    };
  }

  async get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options: CallOptions = {}): Promise<NetworkResourceMap[T]> {
    this.context.admit('network.get', options.signal);
    return this.view(this.find(ref.type, ref.id)) as NetworkResourceMap[T];
  }

  async *list<T extends NetworkResourceType>(type: T, filter: NetworkListFilter = {}, options: CallOptions = {}): AsyncIterable<NetworkResourceMap[T]> {
    this.context.admit('network.list', options.signal);
    const matching = [...this.fabric.records.values()]
      .filter((rec) => rec.owners.has(this.provider) && rec.resource.type === type)
      .sort((a, b) => a.seq - b.seq)
      .map((rec) => this.refresh(rec))
      .filter((rec): rec is Rec => rec !== undefined)
      .map((rec) => this.view(rec))
      .filter((r) => matches(r, filter));
    for (const resource of matching) {
      throwIfAborted(options.signal);
      yield resource as NetworkResourceMap[T];
    }
  }

  async delete(ref: NetworkResourceRef, options: CallOptions = {}): Promise<void> {
    this.context.admit('network.delete', options.signal);
    const rec = this.lookup(ref.type, ref.id);
    if (rec === undefined || rec.resource.state === 'deleting') return;
    this.checkUnused(rec);
    const slow = rec.resource.type === 'vpn-gateway' || rec.resource.type === 'vpn-connection';
    if (slow && this.deleteDelayMs > 0) {
      rec.resource.state = 'deleting';
      rec.resource.rawState = 'deleting';
      rec.goneAt = this.context.clock() + this.deleteDelayMs;
    } else {
      this.fabric.records.delete(rec.resource.id);
    }
    if (rec.resource.type === 'peering') this.breakPeerLink(rec);
    this.context.events.publish('network.changed', { provider: this.provider, action: 'deleted', resourceType: ref.type, resourceId: ref.id, state: rec.resource.state });
  }

  async findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options: CallOptions = {}): Promise<NetworkResourceMap[T] | undefined> {
    this.context.admit('network.findByIdempotencyKey', options.signal);
    const entry = this.fabric.keys.get(`${this.provider}|${type}|${idempotencyKey}`);
    if (entry === undefined) return undefined;
    const rec = this.lookup(type, entry.id);
    return rec === undefined ? undefined : (this.view(rec) as NetworkResourceMap[T]);
  }

  async createNetwork(input: NetworkInput, options: NetworkCreateOptions = {}): Promise<Network> {
    const { parseCidr } = await cidrs();
    return this.create('network', input, options, async (region) => {
      if (!Array.isArray(input.cidrs) || input.cidrs.length === 0) throw invalid('cidrs', 'must list at least one CIDR range');
      const ranges = input.cidrs.map((c, i) => parseCidr(c, { field: `cidrs[${i}]` }));
      if (!ranges.some((r) => r.version === 4)) throw invalid('cidrs', 'must include an IPv4 range');
      for (const [i, r] of ranges.entries()) {
        if (r.version === 4 && (r.prefix < 16 || r.prefix > 28)) throw invalid(`cidrs[${i}]`, `an IPv4 network range must be between /16 and /28 (got /${r.prefix})`);
      }
      return { ...this.head('network', input.name, region, input.labels), cidrs: ranges.map((r) => r.text) } satisfies Network;
    });
  }

  async createSubnet(input: SubnetInput, options: NetworkCreateOptions = {}): Promise<Subnet> {
    const { parseCidr, cidrContains, cidrsOverlap } = await cidrs();
    return this.create('subnet', input, options, async () => {
      const network = this.available('network', input.networkId, 'networkId') as Network;
      const range = parseCidr(input.cidr, { field: 'cidr' });
      if (!network.cidrs.some((c) => cidrContains(parseCidr(c), range))) throw invalid('cidr', `${range.text} is not inside the network's ranges (${network.cidrs.join(', ')})`);
      const clash = this.owned('subnet').find((s) => (s as Subnet).networkId === network.id && cidrsOverlap(parseCidr((s as Subnet).cidr), range)) as Subnet | undefined;
      if (clash) throw new ConflictError({ provider: this.provider, message: `subnet range ${range.text} overlaps subnet ${clash.id} (${clash.cidr})` });
      return { ...this.head('subnet', input.name, network.region, input.labels), networkId: network.id, cidr: range.text, zone: input.zone } satisfies Subnet;
    });
  }

  async createVpnGateway(input: VpnGatewayInput, options: NetworkCreateOptions = {}): Promise<VpnGateway> {
    this.requireVpn();
    return this.create(
      'vpn-gateway',
      input,
      options,
      async () => {
        const network = this.available('network', input.networkId, 'networkId') as Network;
        if (input.asn !== undefined) checkAsn(input.asn, 'asn');
        const existing = this.owned('vpn-gateway').find((g) => (g as VpnGateway).networkId === network.id);
        if (existing) throw new ConflictError({ provider: this.provider, message: `network ${network.id} already has VPN gateway ${existing.id}` });
        const asn = input.asn ?? (this.kind === 'azure' ? 65515 : 64512);
        return { ...this.head('vpn-gateway', input.name, network.region, input.labels, 'provisioning'), networkId: network.id, publicIps: [], asn } satisfies VpnGateway;
      },
      this.gatewayDelayMs,
      [],
      // Azure and GCP gateways have their public IPs (two, active-active) once provisioned; AWS's have none.
      this.capabilities.gatewayIpsFrom === 'gateway' ? 2 : 0,
    );
  }

  async createPeerGateway(input: PeerGatewayInput, options: NetworkCreateOptions = {}): Promise<PeerGateway> {
    this.requireVpn();
    const { isIpAddress, parseCidr } = await cidrs();
    return this.create('peer-gateway', input, options, async (region) => {
      if (!Array.isArray(input.ips) || input.ips.length === 0) throw invalid('ips', 'must list the far side’s public IPs');
      input.ips.forEach((ip, i) => {
        if (!isIpAddress(ip)) throw invalid(`ips[${i}]`, `"${ip}" is not an IP address`);
      });
      if (this.kind === 'aws' && input.ips.length > 1) throw invalid('ips', 'an AWS customer gateway has one IP: create one per far-side interface');
      if (input.asn !== undefined) checkAsn(input.asn, 'asn');
      const ranges = (input.cidrs ?? []).map((c, i) => parseCidr(c, { field: `cidrs[${i}]` }).text);
      return { ...this.head('peer-gateway', input.name, region, input.labels), ips: [...input.ips], asn: input.asn, cidrs: ranges } satisfies PeerGateway;
    });
  }

  async createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    this.requireVpn();
    const { parseCidr, cidrContains, addressAt } = await cidrs();
    const digests: string[] = [];
    const connection = await this.create(
      'vpn-connection',
      input,
      options,
      async () => {
        const gateway = this.available('vpn-gateway', input.vpnGatewayId, 'vpnGatewayId') as VpnGateway;
        const peer = this.available('peer-gateway', input.peerGatewayId, 'peerGatewayId') as PeerGateway;
        if (!Array.isArray(input.tunnels) || input.tunnels.length === 0) throw invalid('tunnels', 'must list at least one tunnel');
        if (input.tunnels.length > this.capabilities.maxTunnels) throw invalid('tunnels', `at most ${this.capabilities.maxTunnels} tunnels per connection`);
        const routing = input.routing ?? (this.capabilities.bgp ? 'bgp' : 'static');
        if (routing === 'bgp' && !this.capabilities.bgp) throw new UnsupportedError({ provider: this.provider, message: 'BGP over VPN is not supported', capability: 'bgp' });
        const linkLocal = parseCidr('169.254.0.0/16');
        const tunnels: VpnTunnel[] = [];
        for (const [i, t] of input.tunnels.entries()) {
          const field = `tunnels[${i}]`;
          if (!peer.ips.includes(t.peerIp)) throw invalid(`${field}.peerIp`, `${t.peerIp} is not an IP of peer gateway ${peer.id}`);
          if (t.preSharedKey === undefined || typeof t.preSharedKey.secret !== 'string') throw invalid(`${field}.preSharedKey`, 'must be a secret reference { secret: name }');
          const psk = await options.secrets.read(t.preSharedKey, { signal: options.signal });
          // The value is checked and digested here; it is never stored, logged or quoted.
          if (!PSK_RULE.test(psk) || psk.startsWith('0')) throw invalid(`${field}.preSharedKey`, 'the pre-shared key must be 8–64 letters, digits, "." or "_", not starting with 0');
          digests.push(createHash('sha256').update(psk).digest('hex'));
          let bgp: VpnTunnel['bgp'];
          let insideCidr: string | undefined;
          if (t.insideCidr !== undefined) {
            const inside = parseCidr(t.insideCidr, { field: `${field}.insideCidr` });
            if (inside.version !== 4 || inside.prefix !== 30 || !cidrContains(linkLocal, inside)) throw invalid(`${field}.insideCidr`, 'must be a /30 inside 169.254.0.0/16');
            insideCidr = inside.text;
          }
          if (routing === 'bgp') {
            if (insideCidr === undefined) throw invalid(`${field}.insideCidr`, 'is required for BGP routing');
            const peerAsn = t.peerAsn ?? peer.asn;
            if (peerAsn === undefined) throw invalid(`${field}.peerAsn`, 'BGP needs the far side’s ASN (on the tunnel or the peer gateway)');
            const inside = parseCidr(insideCidr);
            const first = addressAt(inside, 1n);
            const second = addressAt(inside, 2n);
            const localIp = t.localInsideIp ?? first;
            if (localIp !== first && localIp !== second) throw invalid(`${field}.localInsideIp`, `must be ${first} or ${second}`);
            bgp = { localAsn: gateway.asn ?? 64512, peerAsn, localIp, peerIp: localIp === first ? second : first };
          }
          if (t.outsideIp !== undefined && this.capabilities.gatewayIpsFrom === 'gateway' && !gateway.publicIps.includes(t.outsideIp)) throw invalid(`${field}.outsideIp`, `${t.outsideIp} is not an IP of VPN gateway ${gateway.id}`);
          const outsideIp = this.capabilities.gatewayIpsFrom === 'connection' ? await this.fabric.publicIp() : (t.outsideIp ?? gateway.publicIps[i % Math.max(1, gateway.publicIps.length)]);
          tunnels.push({ outsideIp, peerIp: t.peerIp, insideCidr, preSharedKey: { secret: t.preSharedKey.secret }, bgp, status: 'unknown' });
        }
        const staticRoutes = (input.staticRoutes ?? []).map((c, i) => parseCidr(c, { field: `staticRoutes[${i}]` }).text);
        if (routing === 'static' && staticRoutes.length === 0 && peer.cidrs.length === 0) throw invalid('staticRoutes', 'static routing needs the far side’s ranges (here or on the peer gateway)');
        return {
          ...this.head('vpn-connection', input.name, gateway.region, input.labels, 'provisioning'),
          vpnGatewayId: gateway.id,
          peerGatewayId: peer.id,
          routing,
          staticRoutes: staticRoutes.length > 0 ? staticRoutes : [...peer.cidrs],
          tunnels,
        } satisfies VpnConnection;
      },
      this.connectionDelayMs,
      digests,
    );
    return connection;
  }

  async requestPeering(input: PeeringRequestInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    this.requirePeering();
    const { parseCidr, cidrsOverlap } = await cidrs();
    return this.create('peering', input, options, async () => {
      const network = this.available('network', input.networkId, 'networkId') as Network;
      const peerRec = this.fabric.records.get(input.peerNetworkId);
      const peerNetwork = peerRec?.resource.type === 'network' ? (peerRec.resource as Network) : undefined;
      if (peerNetwork === undefined) throw new NotFoundError({ provider: this.provider, message: `peer network ${input.peerNetworkId} not found`, resourceType: 'network', resourceId: input.peerNetworkId });
      if (peerNetwork.id === network.id) throw invalid('peerNetworkId', 'a network cannot peer with itself');
      const peerNet = this.networkProviderOf(peerRec!);
      if (peerNet !== undefined && peerNet.kind !== this.kind) throw new UnsupportedError({ provider: this.provider, message: `cannot peer a ${this.kind} network with a ${peerNet.kind} network: peering is within one cloud`, capability: 'peering' });
      const peerRegion = input.peerRegion ?? peerNetwork.region;
      if (peerRegion !== peerNetwork.region) throw new NotFoundError({ provider: this.provider, message: `peer network ${peerNetwork.id} is not in region ${peerRegion}`, resourceType: 'network', resourceId: peerNetwork.id });
      if (peerRegion !== network.region && !this.capabilities.crossRegionPeering) throw new UnsupportedError({ provider: this.provider, message: 'cross-region peering is not supported', capability: 'crossRegionPeering' });
      const peerAccount = input.peerAccount ?? this.account;
      if (peerNet !== undefined && peerNet.account !== peerAccount) throw new NotFoundError({ provider: this.provider, message: `peer network ${peerNetwork.id} is not in account ${peerAccount}`, resourceType: 'network', resourceId: peerNetwork.id });
      if (peerAccount !== this.account && !this.capabilities.crossAccountPeering) throw new UnsupportedError({ provider: this.provider, message: 'cross-account peering is not supported', capability: 'crossAccountPeering' });
      const overlap = network.cidrs.flatMap((a) => peerNetwork.cidrs.filter((b) => cidrsOverlap(parseCidr(a), parseCidr(b))).map((b) => `${a} and ${b}`))[0];
      const head = this.head('peering', input.name, network.region, input.labels, overlap ? 'failed' : 'pending-acceptance');
      return {
        ...head,
        // As on AWS: the request is accepted, then fails on its own.
        rawState: overlap ? 'failed' : 'pending-acceptance',
        stateReason: overlap ? `overlapping CIDR ranges: ${overlap}` : undefined,
        networkId: network.id,
        peerNetworkId: peerNetwork.id,
        peerRegion: peerRegion === network.region ? undefined : peerRegion,
        peerAccount: peerAccount === this.account ? undefined : peerAccount,
        role: 'requester',
      } satisfies Peering;
    });
  }

  async acceptPeering(input: PeeringAcceptanceInput, options: NetworkCreateOptions = {}): Promise<Peering> {
    this.requirePeering();
    this.context.admit('network.acceptPeering', options.signal);
    const request = this.fabric.records.get(input.requestId);
    const requested = request?.resource.type === 'peering' ? (request.resource as Mutable<Peering>) : undefined;
    if (request === undefined || requested === undefined) throw new NotFoundError({ provider: this.provider, message: `peering request ${input.requestId} not found`, resourceType: 'peering', resourceId: input.requestId });
    this.refresh(request);
    if (requested.peerNetworkId !== input.networkId || requested.networkId !== input.peerNetworkId) {
      throw new ConflictError({ provider: this.provider, message: `peering ${input.requestId} does not join ${input.networkId} to ${input.peerNetworkId}` });
    }
    const mine = this.lookup('network', input.networkId);
    if (mine === undefined) throw new NotFoundError({ provider: this.provider, message: `network ${input.networkId} not found`, resourceType: 'network', resourceId: input.networkId });
    if (this.kind === 'aws') {
      // One peering connection, seen by both sides; accepting it twice is idempotent.
      if (requested.state === 'failed') throw new ConflictError({ provider: this.provider, message: `peering ${requested.id} has failed: ${requested.stateReason ?? 'refused'}` });
      request.owners.add(this.provider);
      request.roles.set(this.provider, 'accepter');
      if (requested.state === 'pending-acceptance') {
        requested.state = 'available';
        requested.rawState = 'active';
        this.context.events.publish('network.changed', { provider: this.provider, action: 'accepted', resourceType: 'peering', resourceId: requested.id, state: 'available' });
      }
      return this.view(request) as Peering;
    }
    // Azure and GCP: the accepting side creates its own link; both become connected.
    const link = await this.create('peering', input, options, async () => {
      if (requested.state === 'failed') throw new ConflictError({ provider: this.provider, message: `peering ${requested.id} has failed: ${requested.stateReason ?? 'refused'}` });
      const network = mine.resource as Network;
      return {
        ...this.head('peering', input.name, network.region, input.labels, 'available'),
        rawState: 'Connected',
        networkId: network.id,
        peerNetworkId: requested.networkId,
        peerRegion: input.peerRegion,
        peerAccount: input.peerAccount,
        role: 'accepter',
      } satisfies Peering;
    });
    requested.state = 'available';
    requested.rawState = 'Connected';
    return link;
  }

  async createRoute(input: RouteInput, options: NetworkCreateOptions = {}): Promise<Route> {
    const { parseCidr, cidrsOverlap } = await cidrs();
    return this.create('route', input, options, async () => {
      const network = this.available('network', input.networkId, 'networkId') as Network;
      const destination = parseCidr(input.destination, { field: 'destination' });
      const local = network.cidrs.find((c) => cidrsOverlap(parseCidr(c), destination));
      if (local !== undefined) throw invalid('destination', `${destination.text} overlaps the network's own range ${local} (its local route)`);
      const same = this.owned('route').find((r) => (r as Route).networkId === network.id && (r as Route).destination === destination.text);
      if (same) throw new ConflictError({ provider: this.provider, message: `route table of ${network.id} already routes ${destination.text} (route ${same.id})` });
      const target = input.target;
      if (target.type !== 'internet') {
        const type = target.type === 'instance' ? undefined : target.type;
        if (type !== undefined) {
          const hop = this.lookup(type, target.id ?? '');
          if (hop === undefined) throw new NotFoundError({ provider: this.provider, message: `route target ${target.type} ${target.id} not found`, resourceType: target.type, resourceId: target.id });
          if (hop.resource.state !== 'available') throw new ConflictError({ provider: this.provider, message: `route target ${target.type} ${target.id} is ${hop.resource.state}` });
        }
      }
      return { ...this.head('route', input.name, network.region, input.labels), networkId: network.id, destination: destination.text, target: { type: target.type, id: target.id } } satisfies Route;
    });
  }

  /** The shared create path: idempotency, validation (`build`), record, event. */
  private async create<R extends NetworkResource>(
    type: R['type'],
    input: { readonly name: string },
    options: NetworkCreateOptions,
    build: (region: string) => Promise<R>,
    delayMs = 0,
    pskDigests: readonly string[] = [],
    publicIps = 0,
  ): Promise<R> {
    this.context.admit(`network.create:${type}`, options.signal);
    if (typeof input?.name !== 'string' || !NAME.test(input.name)) throw invalid('name', 'must be lower-case letters, digits and dashes, starting with a letter (at most 63)');
    const fingerprint = canonicalJson(input as never);
    const keyName = options.idempotencyKey === undefined ? undefined : `${this.provider}|${type}|${options.idempotencyKey}`;
    if (keyName !== undefined) {
      const prior = this.fabric.keys.get(keyName);
      if (prior && prior.fingerprint !== fingerprint) throw new ConflictError({ provider: this.provider, message: `idempotency key "${options.idempotencyKey}" was already used for a different ${type}` });
      const rec = prior && this.lookup(type, prior.id);
      if (rec) return this.view(rec) as R;
    }
    const region = (input as { region?: string }).region ?? (await this.context.defaultRegion());
    const resource = await build(region);
    const rec: Rec = {
      resource: resource as Mutable<NetworkResource>,
      owners: new Set([this.provider]),
      roles: new Map([[this.provider, (resource as { role?: 'requester' | 'accepter' }).role ?? 'requester']]),
      readyAt: resource.state === 'provisioning' ? this.context.clock() + delayMs : undefined,
      goneAt: undefined,
      pskDigests,
      pendingIps: await Promise.all(Array.from({ length: publicIps }, () => this.fabric.publicIp())),
      seq: this.fabric.seq(),
    };
    this.fabric.records.set(resource.id, rec);
    if (keyName !== undefined) this.fabric.keys.set(keyName, { fingerprint, id: resource.id });
    this.context.events.publish('network.changed', { provider: this.provider, action: 'created', resourceType: type, resourceId: resource.id, state: resource.state });
    return this.view(rec) as R;
  }

  private head<T extends NetworkResourceType>(type: T, name: string, region: string, labels: Readonly<Record<string, string>> | undefined, state: NetworkResourceState = 'available') {
    return {
      type,
      id: this.fabric.newId(ID_PREFIX[type]),
      name,
      provider: this.provider,
      providerKind: this.kind,
      region,
      state,
      rawState: state,
      stateReason: undefined as string | undefined,
      labels: { ...(labels ?? {}) },
      createdAt: new Date(this.context.clock()).toISOString(),
    };
  }

  /** Moves a record along the clock; `undefined` once it is gone. */
  private refresh(rec: Rec): Rec | undefined {
    const now = this.context.clock();
    if (rec.goneAt !== undefined && now >= rec.goneAt) {
      this.fabric.records.delete(rec.resource.id);
      return undefined;
    }
    if (rec.resource.state === 'provisioning' && rec.readyAt !== undefined && now >= rec.readyAt) {
      rec.resource.state = 'available';
      rec.resource.rawState = 'available';
      if (rec.resource.type === 'vpn-gateway') (rec.resource as Mutable<VpnGateway>).publicIps = [...rec.pendingIps];
    }
    return rec;
  }

  /** A copy of a record's resource as this provider sees it. */
  private view(rec: Rec): NetworkResource {
    const r = structuredClone(rec.resource) as Mutable<NetworkResource>;
    if (r.type === 'peering') (r as Mutable<Peering>).role = rec.roles.get(this.provider) ?? 'requester';
    if (r.type === 'vpn-connection') {
      (r as Mutable<VpnConnection>).tunnels = r.tunnels.map((t, i) => ({ ...t, status: this.tunnelStatus(rec, i) }));
    }
    return r as NetworkResource;
  }

  /** `up` when the far side has the mirror tunnel with the same key and both are available. */
  private tunnelStatus(rec: Rec, index: number): VpnTunnel['status'] {
    const conn = rec.resource as VpnConnection;
    if (conn.state !== 'available') return 'unknown';
    const tunnel = conn.tunnels[index]!;
    for (const other of this.fabric.records.values()) {
      if (other === rec || other.resource.type !== 'vpn-connection' || other.resource.state !== 'available') continue;
      const mirror = other.resource.tunnels.findIndex((t) => t.outsideIp === tunnel.peerIp && t.peerIp === tunnel.outsideIp);
      if (mirror !== -1 && other.pskDigests[mirror] === rec.pskDigests[index]) {
        const a = tunnel.bgp;
        const b = other.resource.tunnels[mirror]!.bgp;
        const bgpAgrees = a === undefined || b === undefined || (a.localIp === b.peerIp && a.peerIp === b.localIp && a.localAsn === b.peerAsn && a.peerAsn === b.localAsn);
        return bgpAgrees ? 'up' : 'down';
      }
    }
    return 'down';
  }

  private lookup(type: NetworkResourceType, id: string): Rec | undefined {
    const rec = this.fabric.records.get(id);
    if (rec === undefined || rec.resource.type !== type || !rec.owners.has(this.provider)) return undefined;
    return this.refresh(rec);
  }

  private find(type: NetworkResourceType, id: string): Rec {
    const rec = this.lookup(type, id);
    if (rec === undefined) throw new NotFoundError({ provider: this.provider, message: `${type} ${id} not found`, resourceType: type, resourceId: id });
    return rec;
  }

  /** A resource that must exist and be available for a create that uses it. */
  private available(type: NetworkResourceType, id: string, field: string): NetworkResource {
    const rec = this.lookup(type, id);
    if (rec === undefined) throw new NotFoundError({ provider: this.provider, message: `${field}: ${type} ${id} not found`, resourceType: type, resourceId: id });
    if (rec.resource.state !== 'available') throw new ConflictError({ provider: this.provider, message: `${field}: ${type} ${id} is ${rec.resource.state}, not available yet` });
    return rec.resource;
  }

  private owned(type: NetworkResourceType): NetworkResource[] {
    return [...this.fabric.records.values()].filter((r) => r.resource.type === type && r.owners.has(this.provider) && this.refresh(r) !== undefined && r.resource.state !== 'deleting').map((r) => r.resource);
  }

  private checkUnused(rec: Rec): void {
    const r = rec.resource;
    const users: NetworkResource[] = [];
    if (r.type === 'network') {
      for (const type of ['subnet', 'vpn-gateway', 'route', 'peering'] as const) users.push(...this.owned(type).filter((u) => (u as { networkId: string }).networkId === r.id));
    } else if (r.type === 'vpn-gateway' || r.type === 'peer-gateway') {
      users.push(...this.owned('vpn-connection').filter((c) => (c as VpnConnection).vpnGatewayId === r.id || (c as VpnConnection).peerGatewayId === r.id));
      if (r.type === 'vpn-gateway') users.push(...this.owned('route').filter((u) => (u as Route).target.id === r.id));
    } else if (r.type === 'peering') {
      users.push(...this.owned('route').filter((u) => (u as Route).target.id === r.id));
    }
    if (users.length > 0) throw new ConflictError({ provider: this.provider, message: `${r.type} ${r.id} is still used by ${users.map((u) => `${u.type} ${u.id}`).join(', ')}` });
  }

  /** An Azure/GCP link whose other half went away is disconnected. */
  private breakPeerLink(rec: Rec): void {
    const p = rec.resource as Peering;
    for (const other of this.fabric.records.values()) {
      if (other.resource.type === 'peering' && other.resource.networkId === p.peerNetworkId && other.resource.peerNetworkId === p.networkId && other.resource.state === 'available') {
        other.resource.state = 'failed';
        other.resource.rawState = 'Disconnected';
        other.resource.stateReason = 'the other side of the peering was deleted';
      }
    }
  }

  private networkProviderOf(rec: Rec): { readonly kind: ProviderKind; readonly account: string } | undefined {
    const owner = [...rec.owners][0];
    return owner === undefined ? undefined : this.fabric.members.get(owner);
  }

  private requireVpn(): void {
    if (!this.capabilities.vpn) throw new UnsupportedError({ provider: this.provider, message: 'site-to-site VPN is not supported', capability: 'vpn' });
  }

  private requirePeering(): void {
    if (!this.capabilities.peering) throw new UnsupportedError({ provider: this.provider, message: 'network peering is not supported', capability: 'peering' });
  }
}

function invalid(field: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field, message }] });
}

function checkAsn(asn: number, field: string): void {
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294) throw invalid(field, 'must be an ASN between 1 and 4294967294');
}

function matches(resource: NetworkResource, filter: NetworkListFilter): boolean {
  if (filter.region !== undefined && resource.region !== filter.region) return false;
  if (filter.networkId !== undefined) {
    const own = resource.type === 'network' ? resource.id : (resource as { networkId?: string }).networkId;
    if (own !== filter.networkId) return false;
  }
  for (const [k, v] of Object.entries(filter.labels ?? {})) if (resource.labels[k] !== v) return false;
  return true;
}
