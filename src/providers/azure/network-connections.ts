/**
 * VPN connections of the companion: Azure site-to-site connections (`connectionType: IPsec`,
 * IKEv2) from a VPN gateway to local network gateways. An Azure connection joins the gateway
 * (all its instances) to one far-side IP, so a novacron connection is one Azure connection per
 * far-side IP its tunnels name: the first named from the key carries the novacron id, the others
 * are `<first>-2`, ...; they are made last to first, so that the first existing means all were
 * sent. Tunnels to one far-side IP share that connection, its pre-shared key and its BGP peer.
 *
 * Each tunnel's public facts (outside and peer IP, inside /30, BGP addresses and ASNs) are kept in
 * a tag of the first connection, and its pre-shared key's reference (the secret's name) in
 * another: the key itself is read through `options.secrets` for the PUT only, never stored,
 * logged or returned; ARM keeps it and shows it only from `.../sharedkey`, which the companion
 * never reads. A tunnel comes back with its `SecretRef`.
 *
 * BGP: the tunnel's inside /30 gives this side's address (`localInsideIp`, default the first
 * host) and the far side's; this side's must be in Azure's APIPA range (169.254.21.0 to
 * 169.254.22.255, learn.microsoft.com "How to configure BGP for VPN Gateway" / "APIPA", read
 * 2026-12), which the gateway's IP configuration must list among its custom BGP addresses
 * (added, waiting for the gateway's update, when missing), and the connection names it in
 * `gatewayCustomBgpIpAddresses`. The far side's address and ASN go into the local network
 * gateway's `bgpSettings`. Static routing puts the ranges behind the far side into the local
 * network gateway's address space.
 *
 * The create is submitted, not waited for (a connection takes a minute or two): it comes back
 * `provisioning`; a tunnel is `up` when ARM says `Connected`, `unknown` before it is provisioned.
 */
import type { LocalNetworkGateway, VirtualNetworkGatewayConnection } from '@azure/arm-network';
import { addressAt, cidrContains, parseCidr } from '../../provider/cidr.js';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { VpnConnectionCreateOptions } from '../../provider/network-provider-v1.js';
import type { NetworkResourceState, VpnConnection, VpnConnectionInput, VpnTunnel } from '../../provider/network-types.js';
import type { AzureNetworkContext, NetworkCalls } from './network-calls.js';
import { checkAsn, checkName, invalid, rangeOf } from './network-input.js';
import { headOf, stateOfProvisioning, topLevelOf, armId } from './network-mapping.js';
import { inputFingerprint, NETWORK_TAG, networkResourceName, networkTags, partName, sameInput } from './network-names.js';
import type { PeerGateways } from './network-peer-gateways.js';
import type { VpnGateways } from './network-vpn-gateways.js';

const TYPE = 'Microsoft.Network/connections';
const LNG_TYPE = 'Microsoft.Network/localNetworkGateways';
const LINK_LOCAL = parseCidr('169.254.0.0/16');
const APIPA = [parseCidr('169.254.21.0/24'), parseCidr('169.254.22.0/24')];

/** One tunnel's public facts, as a tag keeps them. */
interface TunnelRecord {
  /** Index in the input. */
  readonly i: number;
  /** Part (Azure connection) it belongs to. */
  readonly n: number;
  /** This side's public IP. */
  readonly o: string;
  /** The far side's public IP. */
  readonly p: string;
  /** Inside /30. */
  readonly c?: string | undefined;
  /** This side's inside (BGP) address. */
  readonly l?: string | undefined;
  /** The far side's inside (BGP) address. */
  readonly r?: string | undefined;
  /** This side's ASN. */
  readonly g?: number | undefined;
  /** The far side's ASN. */
  readonly a?: number | undefined;
}

/** A tunnel as planned: its record, its secret's name, and where it goes in Azure. */
interface PlannedTunnel extends TunnelRecord {
  readonly secret: string;
  readonly configId: string;
  readonly local: LocalNetworkGateway;
}

/** VPN connections. */
export class VpnConnections {
  /** Works through `calls`, `gateways` and `peers` on behalf of `ctx`. */
  constructor(
    private readonly ctx: AzureNetworkContext,
    private readonly calls: NetworkCalls,
    private readonly gateways: VpnGateways,
    private readonly peers: PeerGateways,
  ) {}

  /** Creates (or finds again, by key) a connection; never waits for its provisioning. */
  async create(input: VpnConnectionInput, options: VpnConnectionCreateOptions, key: string, maxTunnels: number): Promise<VpnConnection> {
    checkName(input?.name);
    if (!Array.isArray(input.tunnels) || input.tunnels.length === 0) throw invalid('tunnels', 'must list at least one tunnel');
    if (input.tunnels.length > maxTunnels) throw invalid('tunnels', `at most ${maxTunnels} tunnel${maxTunnels > 1 ? 's' : ''} per connection (${maxTunnels === 1 ? 'an active-standby gateway has one instance; configure network.activeActive for two' : 'one per gateway instance'})`);
    if (options?.secrets === undefined || typeof options.secrets.read !== 'function') throw invalid('secrets', 'is required: the tunnels’ pre-shared keys are read through it');
    const routing = input.routing ?? 'bgp';
    if (routing !== 'bgp' && routing !== 'static') throw invalid('routing', 'must be bgp or static');
    const staticRoutes = (input.staticRoutes ?? []).map((c, i) => rangeOf(c, `staticRoutes[${i}]`).text);
    const first = networkResourceName('vpn-connection', key);
    const specHash = inputFingerprint(input);
    const signal = options.signal;
    const existing = await this.read(first, 'createVpnConnection', signal);
    if (existing) {
      if (!sameInput(existing.tags, specHash)) throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${options.idempotencyKey ?? ''}" was already used for a different vpn-connection (${existing.id})` });
      return this.view(await this.parts(existing, 'createVpnConnection', signal), signal);
    }
    let gateway = await this.gateways.readById(input.vpnGatewayId, 'createVpnConnection', signal);
    if (!gateway) throw new NotFoundError({ provider: this.ctx.providerName, message: `vpnGatewayId: vpn-gateway ${input.vpnGatewayId} not found`, resourceType: 'vpn-gateway', resourceId: input.vpnGatewayId });
    if (gateway.provisioningState !== 'Succeeded') throw new ConflictError({ provider: this.ctx.providerName, message: `vpnGatewayId: vpn-gateway ${gateway.id} is ${stateOfProvisioning(gateway.provisioningState)} (${gateway.provisioningState}), not available yet` });
    const peer = await this.peers.readParts(input.peerGatewayId, 'createVpnConnection', signal).catch((error: unknown) => {
      throw NotFoundError.isInstance(error) ? new NotFoundError({ provider: this.ctx.providerName, message: `peerGatewayId: peer-gateway ${input.peerGatewayId} not found`, resourceType: 'peer-gateway', resourceId: input.peerGatewayId }) : error;
    });
    const tunnels = this.plan(input, routing, gateway, peer.parts);
    const groups = groupByPart(tunnels);
    if (routing === 'bgp') {
      const wanted = new Map<string, string[]>();
      for (const t of tunnels) wanted.set(t.configId, [...(wanted.get(t.configId) ?? []), t.l!]);
      gateway = await this.gateways.ensureCustomBgpAddresses(gateway, wanted, signal);
    }
    for (const group of groups) {
      const lead = group[0]!;
      const change = routing === 'bgp' ? { bgpSettings: { asn: lead.a, bgpPeeringAddress: lead.r, peerWeight: 0 } } : { localNetworkAddressSpace: { addressPrefixes: staticRoutes.length > 0 ? staticRoutes : (lead.local.localNetworkAddressSpace?.addressPrefixes ?? []) } };
      if (routing === 'static' && change.localNetworkAddressSpace!.addressPrefixes.length === 0) throw invalid('staticRoutes', 'static routing needs the far side’s ranges (here or on the peer gateway)');
      const current = lead.local;
      const same = routing === 'bgp' ? current.bgpSettings?.asn === lead.a && current.bgpSettings?.bgpPeeringAddress === lead.r : sameList(current.localNetworkAddressSpace?.addressPrefixes, change.localNetworkAddressSpace!.addressPrefixes);
      if (!same) await this.peers.update(current, change, signal);
    }
    const now = this.ctx.now();
    const records = Object.fromEntries(tunnels.flatMap((t) => [[`${NETWORK_TAG.tunnel}${t.i}`, JSON.stringify(recordOf(t))], [`${NETWORK_TAG.psk}${t.i}`, t.secret]]));
    for (let n = groups.length - 1; n >= 0; n--) {
      const group = groups[n]!;
      const name = partName(first, n);
      // Read for this PUT only; never kept, logged or returned.
      const sharedKey = await options.secrets.read({ secret: group[0]!.secret }, { signal });
      const tags = networkTags(input.name, input.labels, specHash, { ...this.ctx, idempotencyKey: options.idempotencyKey, now }, {
        [NETWORK_TAG.parts]: String(groups.length),
        [NETWORK_TAG.part]: String(n),
        [NETWORK_TAG.routing]: routing,
        ...(n === 0 ? records : {}),
      });
      const body: VirtualNetworkGatewayConnection = {
        location: gateway.location,
        tags,
        virtualNetworkGateway1: { id: gateway.id },
        localNetworkGateway2: { id: group[0]!.local.id },
        connectionType: 'IPsec',
        connectionProtocol: 'IKEv2',
        sharedKey,
        enableBgp: routing === 'bgp',
        ...(routing === 'bgp' ? { gatewayCustomBgpIpAddresses: group.map((t) => ({ ipConfigurationId: t.configId, customBgpIpAddress: t.l! })) } : {}),
      };
      const id = armId(this.ctx.scope, TYPE, name);
      try {
        await this.calls.submit({ operation: 'createVpnConnection', resourceType: 'vpn-connection', resourceId: id, region: gateway.location }, signal, (network, o) => network.virtualNetworkGatewayConnections.createOrUpdate(this.ctx.scope.resourceGroup, name, body, o));
      } catch (error) {
        const again = ConflictError.isInstance(error) ? await this.read(name, 'createVpnConnection', signal) : undefined;
        if (!again || !sameInput(again.tags, specHash)) throw error;
      }
    }
    const created = await this.read(first, 'createVpnConnection', signal);
    if (!created) throw new ConflictError({ provider: this.ctx.providerName, message: `createVpnConnection: ARM accepted ${first} but does not show it; look it up with findByIdempotencyKey` });
    return this.view(await this.parts(created, 'createVpnConnection', signal), signal);
  }

  /** Reads a connection (all its parts); `NotFoundError` once no part is left. */
  async get(id: string, signal: AbortSignal | undefined): Promise<VpnConnection> {
    const name = this.nameOf(id);
    const first = name !== undefined ? await this.read(name, 'get', signal) : undefined;
    if (first) return this.view(await this.parts(first, 'get', signal), signal);
    for (let n = 1; name !== undefined && n < 4; n++) {
      const part = await this.read(partName(name, n), 'get', signal);
      if (part) return this.view([{ ...part, id, name, provisioningState: 'Deleting' }], signal);
    }
    throw new NotFoundError({ provider: this.ctx.providerName, message: `vpn-connection ${id} not found`, resourceType: 'vpn-connection', resourceId: id });
  }

  /** The resource group's connections (those novacron made, first parts only). */
  async *list(signal: AbortSignal | undefined): AsyncIterable<VpnConnection> {
    const all = await this.calls.all({ operation: 'list', resourceType: 'vpn-connection' }, signal, (network) => network.virtualNetworkGatewayConnections.list(this.ctx.scope.resourceGroup, { abortSignal: signal }).byPage());
    for (const c of all) {
      if (c.tags?.[NETWORK_TAG.part] !== '0') continue;
      const count = Number(c.tags[NETWORK_TAG.parts] ?? '1');
      const parts = [c, ...Array.from({ length: count - 1 }, (_, i) => all.find((o) => o.name?.toLowerCase() === partName(c.name ?? '', i + 1).toLowerCase())).filter((p): p is VirtualNetworkGatewayConnection => p !== undefined)];
      yield await this.view(parts, signal);
    }
  }

  /** The connection a create with this key made, `undefined` when ARM has no first part of its name. */
  async find(key: string, signal: AbortSignal | undefined): Promise<VpnConnection | undefined> {
    const first = await this.read(networkResourceName('vpn-connection', key), 'findByIdempotencyKey', signal);
    return first ? this.view(await this.parts(first, 'findByIdempotencyKey', signal), signal) : undefined;
  }

  /** Starts deleting every part of a connection. */
  async delete(id: string, signal: AbortSignal | undefined): Promise<void> {
    const name = this.nameOf(id);
    if (name === undefined) return;
    for (let n = 0; n < 4; n++) {
      const part = partName(name, n);
      const found = await this.read(part, 'delete', signal);
      if (!found || found.provisioningState === 'Deleting') continue;
      await this.calls.remove({ operation: 'delete', resourceType: 'vpn-connection', resourceId: found.id }, signal, (network, o) => network.virtualNetworkGatewayConnections.delete(this.ctx.scope.resourceGroup, part, o));
    }
  }

  /** The tunnels of the input, checked against the gateway and the peer gateway's local network gateways. */
  private plan(input: VpnConnectionInput, routing: 'bgp' | 'static', gateway: NonNullable<Awaited<ReturnType<VpnGateways['read']>>>, locals: readonly LocalNetworkGateway[]): PlannedTunnel[] {
    const configs = (gateway.bgpSettings?.bgpPeeringAddresses ?? []).map((p) => ({ id: p.ipconfigurationId ?? '', ip: p.tunnelIpAddresses?.[0] }));
    const gatewayIps = configs.flatMap((c) => (c.ip ? [c.ip] : []));
    if (gatewayIps.length === 0) throw new ConflictError({ provider: this.ctx.providerName, message: `vpnGatewayId: vpn-gateway ${gateway.id} reports no public IP although it is provisioned` });
    const localAsn = gateway.bgpSettings?.asn;
    const planned = input.tunnels.map((t, i): PlannedTunnel => {
      const field = `tunnels[${i}]`;
      const local = locals.find((l) => l.gatewayIpAddress === t?.peerIp);
      if (local === undefined) throw invalid(`${field}.peerIp`, `${String(t?.peerIp)} is not an IP of peer gateway ${input.peerGatewayId}`);
      const secret = t.preSharedKey?.secret;
      if (typeof secret !== 'string' || secret === '') throw invalid(`${field}.preSharedKey`, 'must be a secret reference { secret: name }');
      if (secret.length > 256) throw invalid(`${field}.preSharedKey`, 'the secret’s name is longer than the 256 characters an Azure tag holds');
      const outsideIp = t.outsideIp ?? gatewayIps[i % gatewayIps.length]!;
      const config = configs.find((c) => c.ip === outsideIp);
      if (config === undefined) throw invalid(`${field}.outsideIp`, `${outsideIp} is not an IP of VPN gateway ${gateway.id} (${gatewayIps.join(', ')})`);
      let insideCidr: string | undefined;
      if (t.insideCidr !== undefined) {
        const inside = rangeOf(t.insideCidr, `${field}.insideCidr`);
        if (inside.version !== 4 || inside.prefix !== 30 || !cidrContains(LINK_LOCAL, inside)) throw invalid(`${field}.insideCidr`, 'must be a /30 inside 169.254.0.0/16');
        insideCidr = inside.text;
      }
      const base = { i, o: outsideIp, p: t.peerIp, c: insideCidr, secret, configId: config.id, local };
      if (routing === 'static') return { ...base, n: 0 };
      if (insideCidr === undefined) throw invalid(`${field}.insideCidr`, 'is required for BGP routing');
      const inside = parseCidr(insideCidr);
      const hosts = [addressAt(inside, 1n), addressAt(inside, 2n)];
      const localIp = t.localInsideIp ?? hosts[0]!;
      if (!hosts.includes(localIp)) throw invalid(`${field}.localInsideIp`, `must be ${hosts[0]} or ${hosts[1]}`);
      if (!APIPA.some((range) => cidrContains(range, parseCidr(localIp)))) throw invalid(`${field}.insideCidr`, `Azure takes BGP inside addresses only from 169.254.21.0–169.254.22.255 (APIPA); ${localIp} is outside`);
      const peerAsn = checkAsn(t.peerAsn ?? peerAsnOf(locals), `${field}.peerAsn`, false);
      if (peerAsn === undefined) throw invalid(`${field}.peerAsn`, 'BGP needs the far side’s ASN (on the tunnel or the peer gateway)');
      return { ...base, n: 0, l: localIp, r: hosts.find((h) => h !== localIp)!, g: localAsn, a: peerAsn };
    });
    // One Azure connection per far-side IP (local network gateway), in the order the tunnels name them.
    const farSides = [...new Set(planned.map((t) => t.local.name))];
    const parted = planned.map((t) => ({ ...t, n: farSides.indexOf(t.local.name) }));
    parted.forEach((t) => checkSharing(t, parted));
    return parted;
  }

  /** The companion's view of a connection from its parts (first part first). */
  private async view(parts: readonly VirtualNetworkGatewayConnection[], signal: AbortSignal | undefined): Promise<VpnConnection> {
    const first = parts[0]!;
    const tags = first.tags ?? {};
    const routing = tags[NETWORK_TAG.routing] === 'static' ? 'static' : 'bgp';
    const expected = Number(tags[NETWORK_TAG.parts] ?? '1');
    const head = headOf('vpn-connection', { id: first.id ?? '', name: first.name ?? '', location: first.location ?? '', tags, provisioningState: first.provisioningState }, this.ctx.providerName, combinedState(parts, expected));
    const records = Object.keys(tags).filter((k) => k.startsWith(NETWORK_TAG.tunnel)).map((k) => JSON.parse(tags[k]!) as TunnelRecord).sort((a, b) => a.i - b.i);
    const tunnels: VpnTunnel[] = records.map((r) => {
      const part = parts.find((p) => (p.tags?.[NETWORK_TAG.part] ?? '0') === String(r.n));
      return {
        outsideIp: r.o,
        peerIp: r.p,
        insideCidr: r.c,
        preSharedKey: { secret: tags[`${NETWORK_TAG.psk}${r.i}`] ?? '' },
        bgp: r.l !== undefined && r.r !== undefined && r.a !== undefined ? { localAsn: r.g ?? 65515, peerAsn: r.a, localIp: r.l, peerIp: r.r } : undefined,
        status: tunnelStatus(part, r),
      };
    });
    let staticRoutes: string[] = [];
    if (routing === 'static') {
      const lngName = first.localNetworkGateway2?.id ? topLevelOf(first.localNetworkGateway2.id, this.ctx.scope.subscriptionId, LNG_TYPE)?.name : undefined;
      const lng = lngName ? await this.peers.get(armId(this.ctx.scope, LNG_TYPE, lngName), signal).catch(() => undefined) : undefined;
      staticRoutes = [...(lng?.cidrs ?? [])];
    }
    return { ...head, vpnGatewayId: first.virtualNetworkGateway1?.id ?? '', peerGatewayId: peerGatewayIdOf(first.localNetworkGateway2?.id ?? ''), routing, staticRoutes, tunnels };
  }

  private async parts(first: VirtualNetworkGatewayConnection, operation: string, signal: AbortSignal | undefined): Promise<VirtualNetworkGatewayConnection[]> {
    const count = Math.min(4, Number(first.tags?.[NETWORK_TAG.parts] ?? '1') || 1);
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, n) => this.read(partName(first.name ?? '', n + 1), operation, signal)));
    return [first, ...rest.filter((p): p is VirtualNetworkGatewayConnection => p !== undefined)];
  }

  private read(name: string, operation: string, signal: AbortSignal | undefined): Promise<VirtualNetworkGatewayConnection | undefined> {
    return this.calls.read({ operation, resourceType: 'vpn-connection', resourceId: armId(this.ctx.scope, TYPE, name) }, signal, (network, s) => network.virtualNetworkGatewayConnections.get(this.ctx.scope.resourceGroup, name, { abortSignal: s }));
  }

  private nameOf(id: string): string | undefined {
    const parsed = topLevelOf(id, this.ctx.scope.subscriptionId, TYPE);
    return parsed && parsed.resourceGroup.toLowerCase() === this.ctx.scope.resourceGroup.toLowerCase() ? parsed.name : undefined;
  }
}

/** The far side's ASN the peer gateway recorded (its first part's BGP settings or tag). */
function peerAsnOf(locals: readonly LocalNetworkGateway[]): number | undefined {
  const first = locals[0];
  const tagged = first?.tags?.[NETWORK_TAG.asn];
  return first?.bgpSettings?.asn ?? (tagged !== undefined ? Number(tagged) : undefined);
}

/** Tunnels that share an Azure connection must share its key and BGP peer, and use different gateway instances. */
function checkSharing(t: PlannedTunnel, all: readonly PlannedTunnel[]): void {
  const before = all.filter((o) => o.n === t.n && o.i < t.i);
  for (const o of before) {
    const field = `tunnels[${t.i}]`;
    if (o.secret !== t.secret) throw invalid(`${field}.preSharedKey`, `tunnels to ${t.p} share one Azure connection, hence one pre-shared key (tunnel ${o.i} names another)`);
    if (o.r !== t.r || o.a !== t.a) throw invalid(`${field}.insideCidr`, `tunnels to ${t.p} share one local network gateway, hence one BGP peer (tunnel ${o.i} names another)`);
    if (o.o === t.o) throw invalid(`${field}.outsideIp`, `tunnel ${o.i} already joins ${t.o} to ${t.p}`);
  }
}

function groupByPart(tunnels: readonly PlannedTunnel[]): PlannedTunnel[][] {
  const groups: PlannedTunnel[][] = [];
  for (const t of tunnels) (groups[t.n] ??= []).push(t);
  return groups;
}

function recordOf(t: PlannedTunnel): TunnelRecord {
  return { i: t.i, n: t.n, o: t.o, p: t.p, ...(t.c !== undefined ? { c: t.c } : {}), ...(t.l !== undefined ? { l: t.l, r: t.r, g: t.g, a: t.a } : {}) };
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  const x = [...(a ?? [])].map((c) => parseCidr(c, { lenient: true }).text).sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** One state for the parts: deleting, failed or provisioning when any part is, and while a part is missing. */
function combinedState(parts: readonly VirtualNetworkGatewayConnection[], expected: number): NetworkResourceState {
  const states = parts.map((p) => stateOfProvisioning(p.provisioningState));
  for (const s of ['deleting', 'failed', 'provisioning'] as const) if (states.includes(s)) return s;
  return parts.length < expected ? 'provisioning' : 'available';
}

/** A tunnel's status: ARM's per-tunnel health when it names the tunnel, else its connection's status. */
function tunnelStatus(part: VirtualNetworkGatewayConnection | undefined, r: TunnelRecord): VpnTunnel['status'] {
  if (part === undefined || stateOfProvisioning(part.provisioningState) !== 'available') return 'unknown';
  const health = part.tunnelConnectionStatus?.find((h) => h.tunnel === `${r.p}_${r.o}`);
  const status = (health?.connectionStatus ?? part.connectionStatus ?? 'Unknown').toLowerCase();
  if (status === 'connected') return 'up';
  return status === 'unknown' ? 'unknown' : 'down';
}

/** The peer gateway a local network gateway belongs to: its first part (`ncp-<hex>` of `ncp-<hex>-2`). */
function peerGatewayIdOf(localId: string): string {
  return localId.replace(/(\/localNetworkGateways\/ncp-[0-9a-f]{12})-\d+$/i, '$1');
}
