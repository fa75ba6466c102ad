/**
 * VPN connections of the GCE network companion. A connection is not one GCE resource: it is
 * one HA VPN tunnel per `VpnTunnelInput` (`vpnTunnels.insert`: the gateway and its interface,
 * the external gateway and its interface, the `sharedSecret`, IKEv2 and the gateway's Cloud
 * Router), plus, on that router (`routers.patch`), one interface per tunnel (`linkedVpnTunnel`,
 * `ipRange` = this side's address in the tunnel's inside /30) and one BGP peer per interface
 * (`peerIpAddress`, `peerAsn`). Names are derived: tunnels `{name}-t{i}`, interfaces
 * `{name}-if{i}`, BGP peers `{name}-bgp{i}` (`network-ids.ts`).
 *
 * Routing is BGP only: HA VPN "does not support static routing" (Cloud VPN docs, read 2026-12),
 * so `routing: 'static'` is an `UnsupportedError` (capability `static-routing`), and every
 * tunnel needs its inside /30 and a peer ASN (the tunnel's or the peer gateway's).
 *
 * Pre-shared keys are read through `options.secrets` for the insert and go nowhere else: a
 * tunnel's description keeps the reference (`SecretRef.secret`), GCE shows `sharedSecretHash`
 * only, and what this module returns carries the reference. The tunnels must exist before the
 * router can link them, so the create waits for their inserts (bounded by `stepWaitMs`); a
 * connection whose router is not configured yet reads `provisioning`, and repeating the create
 * with its key finishes it. A delete removes the router's interfaces and peers first (GCE keeps
 * a linked tunnel), then the tunnels.
 */
import type { protos } from '@google-cloud/compute';
import { AuthError, ConflictError, InvalidSpecError, NotFoundError, NovacronError, ProviderUnavailableError, UnsupportedError } from '../../provider/errors.js';
import type { VpnConnectionCreateOptions } from '../../provider/network-provider-v1.js';
import type { NetworkResourceState, SecretRef, VpnConnection, VpnConnectionInput, VpnTunnel } from '../../provider/network-types.js';
import { NOVACRON_LABEL } from './labels.js';
import { oneOffKey, requestIdFor } from './naming.js';
import { invalid, published, type GcpNetworkContext } from './network-context.js';
import { MAX_CONNECTION_NAME, bgpPeerNameOf, interfaceNameOf, nameOf, parseNetworkId, routerNameOf, tunnelNameOf } from './network-ids.js';
import { callerLabels, inputHash, keyDigest, labelledIdentity, ownLabels, readNote, writeNote } from './network-metadata.js';
import { operationOf, type NetworkOperation } from './network-operations.js';
import { checkInsideRange, checkLabels, checkName, checkPeerAsn, cidrs } from './network-validation.js';
import type { GceRouter, GceVpnGateway, GcpVpnGateways } from './network-vpn-gateways.js';
import type { GcpPeerGateways } from './network-peer-gateways.js';
import { sameInput, type Keyed } from './network-vpcs.js';
import { RouterWrites, type GceBgpPeer, type GceRouterInterface } from './network-router-writes.js';

/** A VPN tunnel as the library returns it. */
export type GceVpnTunnel = protos.google.cloud.compute.v1.IVpnTunnel;

/** Most tunnels of one connection: one per interface of an HA VPN gateway. */
export const MAX_TUNNELS = 2;

/** One tunnel as planned from the input. */
interface PlannedTunnel {
  readonly index: number;
  readonly gatewayInterface: number;
  readonly peerInterface: number;
  readonly localIp: string;
  readonly peerIp: string;
  readonly range: string;
  readonly peerAsn: number;
  readonly preSharedKey: SecretRef;
}

/** VPN connections of one project. */
export class GcpConnections {
  private readonly routerWrites: RouterWrites;

  /** Works in `ctx`, on the gateways of `gateways` and `peers`. */
  constructor(
    private readonly ctx: GcpNetworkContext,
    private readonly gateways: GcpVpnGateways,
    private readonly peers: GcpPeerGateways,
  ) {
    this.routerWrites = new RouterWrites(ctx);
  }

  /** Creates the tunnels and their BGP sessions. */
  async create(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    const { signal } = options;
    const name = checkName(input?.name, MAX_CONNECTION_NAME);
    const routing = input.routing ?? 'bgp';
    if (routing === 'static') {
      throw new UnsupportedError({
        provider: this.ctx.providerName,
        capability: 'static-routing',
        message: 'createVpnConnection: HA VPN does not support static routing (its tunnels route by BGP on a Cloud Router); ask for routing bgp with an insideCidr (a /30 of 169.254.0.0/16) per tunnel',
      });
    }
    if (routing !== 'bgp') throw invalid('routing', 'must be bgp or static');
    if ((input.staticRoutes ?? []).length > 0) throw invalid('staticRoutes', 'are for static routing; HA VPN learns the far side’s ranges over BGP');
    if (!Array.isArray(input.tunnels) || input.tunnels.length === 0 || input.tunnels.length > MAX_TUNNELS) throw invalid('tunnels', `must list 1 to ${MAX_TUNNELS} tunnels (one per HA VPN gateway interface)`);
    if (options?.secrets === undefined || typeof options.secrets.read !== 'function') throw invalid('secrets', 'is required: the tunnels’ pre-shared keys are read through it');
    const labels = checkLabels(input.labels);
    const gatewayRef = parseNetworkId(input.vpnGatewayId);
    if (gatewayRef?.kind !== 'vpn-gateway' || gatewayRef.project !== this.ctx.project) throw invalid('vpnGatewayId', `must be a VPN gateway id of project ${this.ctx.project}`);
    const peerRef = parseNetworkId(input.peerGatewayId);
    if (peerRef?.kind !== 'peer-gateway' || peerRef.project !== this.ctx.project) throw invalid('peerGatewayId', `must be a peer gateway id of project ${this.ctx.project}`);
    const region = gatewayRef.region;
    const gateway = await this.gateways.get(region, gatewayRef.name, signal);
    if (gateway.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `vpnGatewayId: vpn-gateway ${gateway.id} is ${gateway.state}, not available yet` });
    const peer = await this.peers.get(peerRef.name, signal);
    if (peer.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `peerGatewayId: peer-gateway ${peer.id} is ${peer.state}, not available yet` });
    const planned = await this.plan(input, gateway.publicIps, peer.ips, peer.asn);
    const hash = inputHash({ type: 'vpn-connection', name, vpnGatewayId: gateway.id, peerGatewayId: peer.id, tunnels: planned, labels });
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const found = await this.keyed(key, signal);
      // A repeat finishes what an interrupted create left (the steps below adopt what exists).
      if (found) sameInput(this.ctx.providerName, found, hash, key, 'vpn-connection');
    }
    const base = key ?? oneOffKey();
    const ctx = { operation: 'createVpnConnection', region, resourceType: 'vpn-connection', resourceId: this.ctx.ids.connection(region, name), mutating: true };
    const router = routerNameOf(gatewayRef.name);
    const ops: (NetworkOperation | undefined)[] = [];
    for (const t of planned) {
      // Read for this one call and dropped: the key is in no variable that outlives it.
      const secret = await options.secrets.read(t.preSharedKey, { signal });
      try {
        ops.push(await this.insertTunnel(region, name, t, planned.length, gatewayRef.name, peerRef.name, router, secret, ownLabels(labels, key, hash), requestIdFor(base, `tunnel-${t.index}`), { key, hash }, ctx, signal));
      } catch (error) {
        throw withoutSecret(error, secret, this.ctx.providerName, `tunnels[${t.index}]`);
      }
    }
    const settled = await Promise.all(ops.map((op) => this.ctx.ops.settle(op, { region }, ctx, this.ctx.stepWaitMs, signal)));
    if (settled.every(Boolean)) await this.connectRouter(region, router, name, planned, base, ctx, signal);
    const connection = await this.get(region, name, signal);
    published(this.ctx, 'created', 'vpn-connection', connection.id, connection.state);
    return connection;
  }

  /** The tunnels the input asks for, checked against the two gateways. */
  private async plan(input: VpnConnectionInput, gatewayIps: readonly string[], peerIps: readonly string[], peerGatewayAsn: number | undefined): Promise<PlannedTunnel[]> {
    const { cidrsOverlap, parseCidr } = await cidrs();
    const planned: PlannedTunnel[] = [];
    for (const [i, t] of input.tunnels.entries()) {
      const field = `tunnels[${i}]`;
      if (typeof t?.preSharedKey?.secret !== 'string' || t.preSharedKey.secret === '') throw invalid(`${field}.preSharedKey`, 'must reference a secret ({ secret: "<name>" })');
      const peerInterface = peerIps.indexOf(t.peerIp);
      if (peerInterface === -1) throw invalid(`${field}.peerIp`, `${String(t.peerIp)} is not an address of the peer gateway (${peerIps.join(', ')})`);
      const gatewayInterface = t.outsideIp === undefined ? i % Math.max(1, gatewayIps.length) : gatewayIps.indexOf(t.outsideIp);
      if (gatewayInterface === -1) throw invalid(`${field}.outsideIp`, `${t.outsideIp} is not an interface address of the VPN gateway (${gatewayIps.join(', ')})`);
      if (t.insideCidr === undefined) throw invalid(`${field}.insideCidr`, 'is required: every HA VPN tunnel has a BGP session over a /30 of 169.254.0.0/16');
      const inside = await checkInsideRange(t.insideCidr, t.localInsideIp, field);
      const peerAsn = checkPeerAsn(t.peerAsn ?? peerGatewayAsn, `${field}.peerAsn`);
      for (const other of planned) {
        if (cidrsOverlap(parseCidr(other.range), inside.range)) throw invalid(`${field}.insideCidr`, `${inside.range.text} overlaps tunnels[${other.index}]'s ${other.range}`);
        if (other.gatewayInterface === gatewayInterface && other.peerInterface === peerInterface) throw invalid(field, `tunnels[${other.index}] already joins these two interfaces`);
      }
      planned.push({ index: i, gatewayInterface, peerInterface, localIp: inside.local, peerIp: inside.peer, range: inside.range.text, peerAsn, preSharedKey: { secret: t.preSharedKey.secret } });
    }
    return planned;
  }

  private async insertTunnel(
    region: string,
    connection: string,
    t: PlannedTunnel,
    of: number,
    gateway: string,
    peer: string,
    router: string,
    sharedSecret: string,
    labels: Record<string, string>,
    requestId: string,
    identity: { readonly key: string | undefined; readonly hash: string },
    ctx: CallCtx,
    signal: AbortSignal | undefined,
  ): Promise<NetworkOperation | undefined> {
    const ids = this.ctx.ids;
    const name = tunnelNameOf(connection, t.index);
    const body = {
      name,
      description: writeNote({ connection, tunnel: { index: t.index, of }, psk: t.preSharedKey.secret }),
      labels,
      vpnGateway: ids.vpnGateway(region, gateway),
      vpnGatewayInterface: t.gatewayInterface,
      peerExternalGateway: ids.peerGateway(peer),
      peerExternalGatewayInterface: t.peerInterface,
      router: ids.router(region, router),
      ikeVersion: 2,
      sharedSecret,
    };
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ vpnTunnels }, call) => vpnTunnels.insert({ project: this.ctx.project, region, requestId, vpnTunnelResource: body }, call));
      return operationOf(answer);
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      const raw = await this.rawTunnel(region, name, signal);
      const found = labelledIdentity(raw?.labels);
      if (raw && identity.key !== undefined && found.key === keyDigest(identity.key) && found.hash === identity.hash) return undefined;
      throw new ConflictError({ provider: this.ctx.providerName, message: `VPN tunnel ${ids.tunnel(region, name)} already exists (another create made it)`, cause: error });
    }
  }

  /** Adds the connection's interfaces and BGP peers to the router (in one patch), unless it has them already. */
  private async connectRouter(region: string, router: string, connection: string, planned: readonly PlannedTunnel[], base: string, ctx: CallCtx, signal: AbortSignal | undefined): Promise<void> {
    const raw = await this.gateways.rawRouter(region, router, signal);
    if (!raw) throw new ConflictError({ provider: this.ctx.providerName, message: `the Cloud Router ${this.ctx.ids.router(region, router)} of the gateway does not exist` });
    const ours = new Set(planned.flatMap((t) => [interfaceNameOf(connection, t.index), bgpPeerNameOf(connection, t.index)]));
    // Routes the companion installed for the whole gateway are carried by every new BGP peer too.
    const gatewayRoutes = Object.values(readNote(raw.description).routes ?? {}).filter((r) => r.target === 'vpn-gateway').map((r) => r.destination);
    const interfaces: GceRouterInterface[] = [
      ...(raw.interfaces ?? []).filter((i) => !ours.has(i.name ?? '')),
      ...planned.map((t) => ({ name: interfaceNameOf(connection, t.index), linkedVpnTunnel: this.ctx.ids.tunnel(region, tunnelNameOf(connection, t.index)), ipRange: `${t.localIp}/30` })),
    ];
    const bgpPeers: GceBgpPeer[] = [
      ...(raw.bgpPeers ?? []).filter((p) => !ours.has(p.name ?? '')),
      ...planned.map((t) => ({
        name: bgpPeerNameOf(connection, t.index),
        interfaceName: interfaceNameOf(connection, t.index),
        ipAddress: t.localIp,
        peerIpAddress: t.peerIp,
        peerAsn: t.peerAsn,
        ...(gatewayRoutes.length > 0 ? { customLearnedIpRanges: gatewayRoutes.map((range) => ({ range })) } : {}),
      })),
    ];
    const configured = planned.every((t) => {
      const p = (raw.bgpPeers ?? []).find((x) => x.name === bgpPeerNameOf(connection, t.index));
      const f = (raw.interfaces ?? []).find((x) => x.name === interfaceNameOf(connection, t.index));
      return p?.peerIpAddress === t.peerIp && Number(p.peerAsn) === t.peerAsn && f?.ipRange === `${t.localIp}/30`;
    });
    if (configured) return;
    const requestId = requestIdFor(base, `router-connect-${inputHash({ interfaces, bgpPeers })}`);
    await this.routerWrites.patch(region, raw, { interfaces, bgpPeers }, { ...ctx, requestId, waitMs: this.ctx.createWaitMs }, signal);
  }

  /** A connection; `NotFoundError` once it is gone (a running insert of its first tunnel reads `provisioning`). */
  async get(region: string, name: string, signal: AbortSignal | undefined): Promise<VpnConnection> {
    const id = this.ctx.ids.connection(region, name);
    const first = await this.rawTunnel(region, tunnelNameOf(name, 0), signal);
    if (!first) {
      const path = this.ctx.ids.tunnel(region, tunnelNameOf(name, 0));
      if (await this.ctx.ops.insertRunning({ region }, path, { operation: 'get', region, resourceType: 'vpn-connection', resourceId: id }, signal)) return this.pending(region, name);
      // Its first tunnel is gone, another not yet: the connection is still going away.
      const others = await Promise.all(Array.from({ length: MAX_TUNNELS - 1 }, (_, i) => this.rawTunnel(region, tunnelNameOf(name, i + 1), signal)));
      if (others.some((t) => t !== undefined)) return { ...this.pending(region, name), state: 'deleting', rawState: 'DELETING' };
      throw new NotFoundError({ provider: this.ctx.providerName, message: `vpn-connection ${id} not found`, resourceType: 'vpn-connection', resourceId: id });
    }
    const of = readNote(first.description).tunnel?.of ?? 1;
    const rest = await Promise.all(Array.from({ length: Math.max(0, of - 1) }, (_, i) => this.rawTunnel(region, tunnelNameOf(name, i + 1), signal)));
    const gatewayName = nameOf(first.vpnGateway);
    const [gateway, router] = await Promise.all([this.gateways.rawGateway(region, gatewayName, signal), this.gateways.rawRouter(region, nameOf(first.router), signal)]);
    return this.assemble(region, name, [first, ...rest], gateway, router);
  }

  /** Every connection of the project (tunnels the companion made, grouped). */
  async list(signal: AbortSignal | undefined): Promise<VpnConnection[]> {
    const [tunnels, gateways, routers] = await Promise.all([this.rawTunnels(signal), this.gateways.rawGateways(signal), this.gateways.rawRouters(signal)]);
    const groups = new Map<string, { region: string; name: string; tunnels: GceVpnTunnel[] }>();
    for (const { region, item } of tunnels) {
      const note = readNote(item.description);
      if (note.connection === undefined) continue;
      const k = `${region}/${note.connection}`;
      const group = groups.get(k) ?? { region, name: note.connection, tunnels: [] };
      group.tunnels[note.tunnel?.index ?? 0] = item;
      groups.set(k, group);
    }
    return [...groups.values()].map((g) => {
      const first = g.tunnels.find((t) => t !== undefined)!;
      const gateway = gateways.find((x) => x.region === g.region && x.item.name === nameOf(first.vpnGateway))?.item;
      const router = routers.find((x) => x.region === g.region && x.item.name === nameOf(first.router))?.item;
      const of = readNote(first.description).tunnel?.of ?? g.tunnels.length;
      return this.assemble(g.region, g.name, Array.from({ length: of }, (_, i) => g.tunnels[i]), gateway, router);
    });
  }

  /** The connection a create with this key made. */
  async find(key: string, signal: AbortSignal | undefined): Promise<VpnConnection | undefined> {
    return (await this.keyed(key, signal))?.resource;
  }

  private async keyed(key: string, signal: AbortSignal | undefined): Promise<Keyed<VpnConnection> | undefined> {
    const digest = keyDigest(key);
    const tunnel = (await this.rawTunnels(signal, `labels.${NOVACRON_LABEL.idempotencyKey} = "${digest}"`)).find((t) => labelledIdentity(t.item.labels).key === digest && readNote(t.item.description).connection !== undefined);
    if (!tunnel) return undefined;
    return { resource: await this.get(tunnel.region, readNote(tunnel.item.description).connection!, signal), hash: labelledIdentity(tunnel.item.labels).hash };
  }

  /**
   * Starts deleting a connection: its BGP peers and interfaces come off the router, then its
   * tunnels go. One that a route still targets is in use (`ConflictError`). What is gone succeeds.
   */
  async delete(region: string, name: string, signal: AbortSignal | undefined): Promise<void> {
    const id = this.ctx.ids.connection(region, name);
    const first = await this.rawTunnel(region, tunnelNameOf(name, 0), signal);
    const of = first ? (readNote(first.description).tunnel?.of ?? 1) : MAX_TUNNELS;
    const router = first ? nameOf(first.router) : undefined;
    const ctx = { operation: 'delete', region, resourceType: 'vpn-connection', resourceId: id, mutating: true };
    if (router !== undefined) {
      const raw = await this.gateways.rawRouter(region, router, signal);
      const users = Object.entries(readNote(raw?.description).routes ?? {}).filter(([, r]) => r.target === 'vpn-connection' && r.connection === name);
      if (users.length > 0) throw new ConflictError({ provider: this.ctx.providerName, message: `vpn-connection ${id} is still used by route ${users.map(([n]) => this.ctx.ids.learnedRoute(region, router, n)).join(', route ')}` });
      if (raw) await this.disconnectRouter(region, raw, name, of, ctx, signal);
    }
    let deleted = false;
    for (let i = 0; i < of; i++) {
      try {
        await this.ctx.api.run(ctx, signal, ({ vpnTunnels }, call) => vpnTunnels.delete({ project: this.ctx.project, region, vpnTunnel: tunnelNameOf(name, i), requestId: requestIdFor(oneOffKey(), 'delete') }, call));
        deleted = true;
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
      }
    }
    if (deleted) published(this.ctx, 'deleted', 'vpn-connection', id, 'deleting');
  }

  private async disconnectRouter(region: string, raw: GceRouter, connection: string, of: number, ctx: CallCtx, signal: AbortSignal | undefined): Promise<void> {
    const ours = new Set(Array.from({ length: of }, (_, i) => [interfaceNameOf(connection, i), bgpPeerNameOf(connection, i)]).flat());
    const interfaces = (raw.interfaces ?? []).filter((i) => !ours.has(i.name ?? ''));
    const bgpPeers = (raw.bgpPeers ?? []).filter((p) => !ours.has(p.name ?? ''));
    if (interfaces.length === (raw.interfaces ?? []).length && bgpPeers.length === (raw.bgpPeers ?? []).length) return;
    // The tunnels can go only once no interface links them.
    const done = await this.routerWrites.replace(region, raw, { interfaces, bgpPeers }, { ...ctx, requestId: requestIdFor(oneOffKey(), 'router-disconnect'), waitMs: this.ctx.stepWaitMs }, signal);
    if (!done) throw new ConflictError({ provider: this.ctx.providerName, message: `the router's BGP sessions of vpn-connection ${this.ctx.ids.connection(region, connection)} are still being removed; delete it again shortly` });
  }

  /** The raw tunnel, `undefined` when GCE has none. */
  rawTunnel(region: string, name: string, signal: AbortSignal | undefined): Promise<GceVpnTunnel | undefined> {
    return this.ctx.reads.one({ operation: 'get', region, resourceType: 'vpn-tunnel', resourceId: name }, signal, ({ vpnTunnels }, call) => vpnTunnels.get({ project: this.ctx.project, region, vpnTunnel: name }, call));
  }

  private rawTunnels(signal: AbortSignal | undefined, filter?: string): Promise<{ readonly region: string; readonly item: GceVpnTunnel }[]> {
    return this.ctx.reads.aggregated<GceVpnTunnel>({ operation: 'list', resourceType: 'vpn-tunnel' }, signal, 'vpnTunnels', ({ vpnTunnels }, call) =>
      vpnTunnels.aggregatedListAsync({ project: this.ctx.project, maxResults: 500, ...(filter === undefined ? {} : { filter }) }, call),
    );
  }

  /** A connection from its tunnels (some may be missing), its gateway and its router. */
  private assemble(region: string, name: string, tunnels: readonly (GceVpnTunnel | undefined)[], gateway: GceVpnGateway | undefined, router: GceRouter | undefined): VpnConnection {
    const first = tunnels.find((t) => t !== undefined)!;
    const peers = router?.bgpPeers ?? [];
    const interfaces = router?.interfaces ?? [];
    const localAsn = router?.bgp?.asn === undefined || router.bgp.asn === null ? undefined : Number(router.bgp.asn);
    const shown: VpnTunnel[] = tunnels.map((t, i) => {
      const peer = peers.find((p) => p.name === bgpPeerNameOf(name, i));
      const iface = interfaces.find((f) => f.name === interfaceNameOf(name, i));
      const outside = gateway?.vpnInterfaces?.find((v) => Number(v.id ?? 0) === Number(t?.vpnGatewayInterface ?? i))?.ipAddress ?? undefined;
      return {
        outsideIp: outside,
        peerIp: t?.peerIp ?? '',
        insideCidr: iface?.ipRange ? insideRangeOf(iface.ipRange) : undefined,
        preSharedKey: { secret: readNote((t ?? first).description).psk ?? '' },
        bgp:
          peer && localAsn !== undefined
            ? { localAsn, peerAsn: Number(peer.peerAsn ?? 0), localIp: peer.ipAddress ?? '', peerIp: peer.peerIpAddress ?? '' }
            : undefined,
        status: t === undefined ? 'unknown' : tunnelStatus(t.status),
      };
    });
    const present = tunnels.every((t) => t !== undefined);
    const configured = tunnels.every((_, i) => peers.some((p) => p.name === bgpPeerNameOf(name, i)) && interfaces.some((f) => f.name === interfaceNameOf(name, i)));
    const state: NetworkResourceState = present ? (configured ? 'available' : 'provisioning') : configured ? 'failed' : 'deleting';
    return {
      type: 'vpn-connection',
      id: this.ctx.ids.connection(region, name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region,
      state,
      rawState: tunnels.map((t) => String(t?.status ?? 'MISSING')).join(','),
      stateReason: state === 'failed' ? 'a tunnel of the connection is missing while its BGP session is configured' : undefined,
      labels: callerLabels(first.labels),
      createdAt: first.creationTimestamp ?? new Date(0).toISOString(),
      vpnGatewayId: this.ctx.ids.vpnGateway(region, nameOf(first.vpnGateway)),
      peerGatewayId: this.ctx.ids.peerGateway(nameOf(first.peerExternalGateway)),
      routing: 'bgp',
      staticRoutes: [],
      tunnels: shown,
    };
  }

  private pending(region: string, name: string): VpnConnection {
    return {
      type: 'vpn-connection',
      id: this.ctx.ids.connection(region, name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region,
      state: 'provisioning',
      rawState: 'RUNNING',
      stateReason: undefined,
      labels: {},
      createdAt: new Date().toISOString(),
      vpnGatewayId: '',
      peerGatewayId: '',
      routing: 'bgp',
      staticRoutes: [],
      tunnels: [],
    };
  }
}

type CallCtx = { operation: string; region: string; resourceType: string; resourceId: string; mutating: boolean };

/**
 * `error`, or — when any of its text quotes `secret` (a cloud's refusal may quote the value of a
 * field it rejects) — an error of the same kind that says so without it and keeps no cause.
 */
export function withoutSecret(error: unknown, secret: string, provider: string, field: string): unknown {
  const texts = (e: unknown): string[] => {
    if (typeof e !== 'object' || e === null) return [String(e)];
    const x = e as { message?: unknown; stack?: unknown; issues?: unknown; cause?: unknown };
    return [String(x.message ?? ''), String(x.stack ?? ''), JSON.stringify(x.issues ?? null), ...(x.cause !== undefined && x.cause !== e ? texts(x.cause) : [])];
  };
  if (secret === '' || !texts(error).some((t) => t.includes(secret))) return error;
  const message = `createVpnConnection: GCE refused ${field} with an answer that quoted its pre-shared key (not repeated here)`;
  if (InvalidSpecError.isInstance(error)) return new InvalidSpecError({ provider, issues: [{ field: `${field}.preSharedKey`, message }] });
  if (ConflictError.isInstance(error)) return new ConflictError({ provider, message });
  if (NotFoundError.isInstance(error)) return new NotFoundError({ provider, message });
  if (AuthError.isInstance(error)) return new AuthError({ provider, message });
  return new ProviderUnavailableError({ provider, message, retryable: NovacronError.isInstance(error) ? error.retryable : false });
}

/** GCE's tunnel status as the companion's (VpnTunnel `status`, REST reference, read 2026-12). */
export function tunnelStatus(status: string | null | undefined): VpnTunnel['status'] {
  if (status === 'ESTABLISHED') return 'up';
  if (status === undefined || status === null || ['PROVISIONING', 'ALLOCATING_RESOURCES', 'WAITING_FOR_FULL_CONFIG', 'FIRST_HANDSHAKE'].includes(status)) return 'unknown';
  return 'down';
}

/** The /30 of an interface's `169.254.1.1/30`. */
function insideRangeOf(ipRange: string): string {
  const [ip, length] = ipRange.split('/');
  const octets = (ip ?? '').split('.').map(Number);
  if (octets.length !== 4 || length !== '30') return ipRange;
  octets[3] = octets[3]! & ~3;
  return `${octets.join('.')}/30`;
}
