/**
 * Routes of the GCE network companion, by their target:
 *
 * - `internet` and `instance`: a static route (`routes.insert`, `nextHopGateway` =
 *   the default internet gateway, or `nextHopInstance`), its labels, key digest and target in
 *   its description.
 * - `vpn-gateway` and `vpn-connection`: static routes cannot point at HA VPN tunnels (their
 *   next hops are Classic VPN tunnels only, "Static routes", read 2026-12); "custom learned
 *   routes are the only way to define non-BGP routes for … HA VPN tunnels" ("Learned routes",
 *   Cloud Router docs, read 2026-12). So the destination is added to the custom learned ranges
 *   (`customLearnedIpRanges`) of the BGP peers of the gateway's Cloud Router (all of them for a
 *   gateway, the connection's for a connection) with `routers.patch`, and the route's name,
 *   labels and key are kept in the router's description. Such a route needs a BGP session:
 *   before the gateway has a connection it is a `ConflictError`; GCE withdraws it while the
 *   session is down.
 * - `peering`: an `UnsupportedError` (capability `peering-routes`). GCE exchanges the subnet
 *   routes of peered networks itself ("VPC Network Peering", read 2026-12) and has no route whose
 *   next hop is a peering (`nextHopPeering` is output only): there is nothing to create, and a
 *   route that only mirrors the peering could never be deleted before it.
 *
 * A destination the network already routes (a static route or an installed route to the same
 * range) is a `ConflictError`; one overlapping the network's own ranges is an
 * `InvalidSpecError` (its local route).
 */
import type { protos } from '@google-cloud/compute';
import { ConflictError, NotFoundError, UnsupportedError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Route, RouteInput, RouteTarget } from '../../provider/network-types.js';
import { oneOffKey, parseInstanceId, requestIdFor } from './naming.js';
import { invalid, published, type GcpNetworkContext } from './network-context.js';
import { bgpPeerNameOf, nameOf, parseNetworkId, routerNameOf, type ParsedNetworkId } from './network-ids.js';
import { inputHash, keyDigest, readNote, writeNote, type LearnedRouteNote, type NetworkNote } from './network-metadata.js';
import { COMPUTE_URL, operationOf, type NetworkOperation } from './network-operations.js';
import { checkLabels, checkName, cidrs } from './network-validation.js';
import type { GcpConnections } from './network-connections.js';
import { RouterWrites, cleanPeer } from './network-router-writes.js';
import type { GceRouter, GcpVpnGateways } from './network-vpn-gateways.js';
import { sameInput, type GcpVpcs, type Keyed } from './network-vpcs.js';

/** A GCE route as the library returns it. */
export type GceRoute = protos.google.cloud.compute.v1.IRoute;

/** The parts the routes module reads. */
export interface RouteParts {
  /** Networks. */
  readonly vpcs: GcpVpcs;
  /** Gateways and their routers. */
  readonly gateways: GcpVpnGateways;
  /** Connections. */
  readonly connections: GcpConnections;
}

/** Routes of one project. */
export class GcpRoutes {
  private readonly routerWrites: RouterWrites;

  /** Works in `ctx`, with the other resources' `parts`. */
  constructor(
    private readonly ctx: GcpNetworkContext,
    private readonly parts: RouteParts,
  ) {
    this.routerWrites = new RouterWrites(ctx);
  }

  /** Adds a route of the network to `destination` through `target` (see the file comment for how each target is made). */
  async create(input: RouteInput, options: NetworkCreateOptions): Promise<Route> {
    const { signal } = options;
    const name = checkName(input?.name);
    const net = parseNetworkId(input.networkId);
    if (net?.kind !== 'network' || net.project !== this.ctx.project) throw invalid('networkId', `must be a network id of project ${this.ctx.project}`);
    const { parseCidr, cidrsOverlap } = await cidrs();
    const destination = parseCidr(input.destination, { field: 'destination' });
    if (destination.version !== 4) throw invalid('destination', 'GCE routes here are IPv4');
    const labels = checkLabels(input.labels);
    const target = input.target;
    if (target === undefined || !['internet', 'instance', 'vpn-gateway', 'vpn-connection', 'peering'].includes(target.type)) throw invalid('target.type', 'must be internet, instance, vpn-gateway, vpn-connection or peering');
    const network = await this.parts.vpcs.available(net.name, signal);
    const local = network.cidrs.find((c) => cidrsOverlap(parseCidr(c), destination));
    if (local !== undefined) throw invalid('destination', `${destination.text} overlaps the network's own range ${local} (its local route)`);
    const hash = inputHash({ type: 'route', name, networkId: network.id, destination: destination.text, target: { type: target.type, id: target.id }, labels });
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const found = await this.keyed(key, signal);
      if (found) return sameInput(this.ctx.providerName, found, hash, key, 'route');
    }
    if (target.type === 'peering') {
      throw new UnsupportedError({
        provider: this.ctx.providerName,
        capability: 'peering-routes',
        message: `createRoute: GCE exchanges the subnet routes of peered networks itself and has no route to a peering; ${destination.text} is reachable once the peering is available`,
      });
    }
    const same = (await this.list(signal)).find((r) => r.networkId === network.id && r.destination === destination.text);
    if (same) throw new ConflictError({ provider: this.ctx.providerName, message: `route table of ${network.id} already routes ${destination.text} (route ${same.id})` });
    const route =
      target.type === 'vpn-gateway' || target.type === 'vpn-connection'
        ? await this.learnedRoute(name, network.id, destination.text, target, labels, key, hash, signal)
        : await this.staticRoute(name, net.name, destination.text, target, labels, key, hash, signal);
    published(this.ctx, 'created', 'route', route.id, route.state);
    return route;
  }

  private async staticRoute(name: string, network: string, destination: string, target: RouteTarget, labels: Record<string, string>, key: string | undefined, hash: string, signal: AbortSignal | undefined): Promise<Route> {
    const hop: { nextHopGateway?: string; nextHopInstance?: string } = {};
    if (target.type === 'internet') hop.nextHopGateway = `projects/${this.ctx.project}/global/gateways/default-internet-gateway`;
    else {
      const vm = parseInstanceId(target.id ?? '');
      if (!vm || vm.project !== this.ctx.project) throw invalid('target.id', `must be a VM id of project ${this.ctx.project} (projects/<project>/zones/<zone>/instances/<name>)`);
      hop.nextHopInstance = target.id!;
    }
    const id = this.ctx.ids.staticRoute(name);
    const ctx = { operation: 'createRoute', resourceType: 'route', resourceId: id, mutating: true };
    const note: NetworkNote = { labels, key: key === undefined ? undefined : keyDigest(key), hash, target: { type: target.type, id: target.id } };
    let op: NetworkOperation | undefined;
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ routes }, call) =>
        routes.insert({ project: this.ctx.project, requestId: requestIdFor(key ?? oneOffKey(), 'route'), routeResource: { name, network: this.ctx.ids.network(network), destRange: destination, priority: 1000, description: writeNote(note), ...hop } }, call),
      );
      op = operationOf(answer);
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      const raw = await this.rawStatic(name, signal);
      const found = readNote(raw?.description);
      if (raw && key !== undefined && found.key === keyDigest(key) && found.hash === hash) return this.toStatic(raw);
      throw new ConflictError({ provider: this.ctx.providerName, message: `route ${id} already exists (another create made it)`, cause: error });
    }
    const done = await this.ctx.ops.settle(op, {}, ctx, this.ctx.createWaitMs, signal);
    if (done) return this.getStatic(name, signal);
    return { ...this.head(id, name, labels, 'provisioning', String(op?.status ?? 'PENDING')), networkId: this.ctx.ids.network(network), destination, target: { type: target.type, id: target.id } };
  }

  /** A destination added to the custom learned ranges of the BGP peers a gateway or connection has. */
  private async learnedRoute(name: string, networkId: string, destination: string, target: RouteTarget, labels: Record<string, string>, key: string | undefined, hash: string, signal: AbortSignal | undefined): Promise<Route> {
    const where = await this.learnedTarget(target, signal);
    if (where.gatewayNetworkId !== networkId) throw invalid('target.id', `${target.id} serves ${where.gatewayNetworkId}, not ${networkId}`);
    const raw = await this.parts.gateways.rawRouter(where.region, where.router, signal);
    if (!raw) throw new ConflictError({ provider: this.ctx.providerName, message: `the Cloud Router ${this.ctx.ids.router(where.region, where.router)} of ${target.id} does not exist` });
    const id = this.ctx.ids.learnedRoute(where.region, where.router, name);
    const note = readNote(raw.description);
    const routes = { ...(note.routes ?? {}) };
    const prior = routes[name];
    if (prior) {
      if (key !== undefined && prior.key === keyDigest(key) && prior.hash === hash) return this.toLearned(where.region, raw, name, prior);
      throw new ConflictError({ provider: this.ctx.providerName, message: `route ${id} already exists` });
    }
    const peers = (raw.bgpPeers ?? []).filter((p) => where.peers === undefined || where.peers.includes(p.name ?? ''));
    if (peers.length === 0) throw new ConflictError({ provider: this.ctx.providerName, message: `${target.type} ${target.id} has no BGP session yet: create its VPN connection first (a route over HA VPN is a custom learned route of a BGP session)` });
    const entry: LearnedRouteNote = { destination, target: target.type as 'vpn-gateway' | 'vpn-connection', targetId: target.id ?? '', connection: where.connection, labels, key: key === undefined ? undefined : keyDigest(key), hash };
    routes[name] = entry;
    const carried = new Set(peers.map((p) => p.name));
    const bgpPeers = (raw.bgpPeers ?? []).map((p) => {
      const clean = cleanPeer(p);
      if (!carried.has(p.name)) return clean;
      const ranges = new Set((p.customLearnedIpRanges ?? []).map((r) => r.range ?? ''));
      ranges.add(destination);
      return { ...clean, customLearnedIpRanges: [...ranges].filter((r) => r !== '').map((range) => ({ range })) };
    });
    const write = { operation: 'createRoute', resourceType: 'route', resourceId: id, requestId: requestIdFor(key ?? oneOffKey(), 'learned-route'), waitMs: this.ctx.createWaitMs };
    const done = await this.routerWrites.patch(where.region, raw, { description: writeNote({ ...note, routes }), bgpPeers }, write, signal);
    if (done) return this.getLearned(where.region, where.router, name, signal);
    return { ...this.head(id, name, labels, 'provisioning', 'RUNNING'), networkId, destination, target: { type: target.type, id: target.id } };
  }

  /** Where a route over VPN goes: the gateway's router, and the BGP peers that carry it (all of the router's for a gateway). */
  private async learnedTarget(target: RouteTarget, signal: AbortSignal | undefined): Promise<{ region: string; router: string; peers: string[] | undefined; connection: string | undefined; gatewayNetworkId: string }> {
    const parsed = parseNetworkId(target.id ?? '');
    if (target.type === 'vpn-gateway') {
      if (parsed?.kind !== 'vpn-gateway' || parsed.project !== this.ctx.project) throw invalid('target.id', 'must be a VPN gateway id of this project');
      const gateway = await this.parts.gateways.get(parsed.region, parsed.name, signal);
      if (gateway.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `route target vpn-gateway ${gateway.id} is ${gateway.state}` });
      return { region: parsed.region, router: routerNameOf(parsed.name), peers: undefined, connection: undefined, gatewayNetworkId: gateway.networkId };
    }
    if (parsed?.kind !== 'vpn-connection' || parsed.project !== this.ctx.project) throw invalid('target.id', 'must be a VPN connection id of this project');
    const connectionName = parsed.name;
    const connection = await this.parts.connections.get(parsed.region, connectionName, signal);
    if (connection.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `route target vpn-connection ${connection.id} is ${connection.state}` });
    const gatewayRef = parseNetworkId(connection.vpnGatewayId);
    const gateway = gatewayRef?.kind === 'vpn-gateway' ? await this.parts.gateways.get(gatewayRef.region, gatewayRef.name, signal) : undefined;
    return {
      region: parsed.region,
      router: gatewayRef?.kind === 'vpn-gateway' ? routerNameOf(gatewayRef.name) : '',
      peers: connection.tunnels.map((_, i) => bgpPeerNameOf(connectionName, i)),
      connection: connectionName,
      gatewayNetworkId: gateway?.networkId ?? '',
    };
  }

  /** A route by its parsed id; `NotFoundError` once it is gone. */
  async get(parsed: ParsedNetworkId, signal: AbortSignal | undefined): Promise<Route> {
    if (parsed.kind === 'static-route') return this.getStatic(parsed.name, signal);
    if (parsed.kind === 'learned-route') return this.getLearned(parsed.region, parsed.router, parsed.name, signal);
    throw this.notFound('(not a route id)');
  }

  private async getStatic(name: string, signal: AbortSignal | undefined): Promise<Route> {
    const raw = await this.rawStatic(name, signal);
    if (raw) return this.toStatic(raw);
    const id = this.ctx.ids.staticRoute(name);
    if (await this.ctx.ops.insertRunning({}, id, { operation: 'get', resourceType: 'route', resourceId: id }, signal)) {
      return { ...this.head(id, name, {}, 'provisioning', 'RUNNING'), networkId: '', destination: '', target: { type: 'internet', id: undefined } };
    }
    throw this.notFound(id);
  }

  private async getLearned(region: string, router: string, name: string, signal: AbortSignal | undefined): Promise<Route> {
    const raw = await this.parts.gateways.rawRouter(region, router, signal);
    const entry = readNote(raw?.description).routes?.[name];
    if (!raw || !entry) throw this.notFound(this.ctx.ids.learnedRoute(region, router, name));
    return this.toLearned(region, raw, name, entry);
  }

  /** Every static route and installed route of the project. */
  async list(signal: AbortSignal | undefined): Promise<Route[]> {
    const [statics, routers] = await Promise.all([this.rawStatics(signal), this.parts.gateways.rawRouters(signal)]);
    const learned = routers.flatMap(({ region, item }) => Object.entries(readNote(item.description).routes ?? {}).map(([name, entry]) => this.toLearned(region, item, name, entry)));
    return [...statics.map((r) => this.toStatic(r)), ...learned];
  }

  /** The route a create with this key made. */
  async find(key: string, signal: AbortSignal | undefined): Promise<Route | undefined> {
    return (await this.keyed(key, signal))?.resource;
  }

  private async keyed(key: string, signal: AbortSignal | undefined): Promise<Keyed<Route> | undefined> {
    const digest = keyDigest(key);
    const [statics, routers] = await Promise.all([this.rawStatics(signal), this.parts.gateways.rawRouters(signal)]);
    const raw = statics.find((r) => readNote(r.description).key === digest);
    if (raw) return { resource: this.toStatic(raw), hash: readNote(raw.description).hash };
    for (const { region, item } of routers) {
      const hit = Object.entries(readNote(item.description).routes ?? {}).find(([, entry]) => entry.key === digest);
      if (hit) return { resource: this.toLearned(region, item, hit[0], hit[1]), hash: hit[1].hash };
    }
    return undefined;
  }

  /** Deletes a route: the static route, or the installed ranges and their record. What is gone succeeds. */
  async delete(parsed: ParsedNetworkId, signal: AbortSignal | undefined): Promise<void> {
    if (parsed.kind === 'static-route') {
      const id = this.ctx.ids.staticRoute(parsed.name);
      try {
        await this.ctx.api.run({ operation: 'delete', resourceType: 'route', resourceId: id, mutating: true }, signal, ({ routes }, call) =>
          routes.delete({ project: this.ctx.project, route: parsed.name, requestId: requestIdFor(oneOffKey(), 'delete') }, call),
        );
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
        return;
      }
      published(this.ctx, 'deleted', 'route', id, 'deleting');
      return;
    }
    if (parsed.kind !== 'learned-route') return;
    const raw = await this.parts.gateways.rawRouter(parsed.region, parsed.router, signal);
    const note = readNote(raw?.description);
    const entry = note.routes?.[parsed.name];
    if (!raw || !entry) return;
    const routes = { ...(note.routes ?? {}) };
    delete routes[parsed.name];
    // A range stays on a peer while another installed route still puts it there.
    const kept = (peer: string): Set<string> =>
      new Set(Object.values(routes).filter((r) => r.target === 'vpn-gateway' || (r.connection !== undefined && peer.startsWith(`${r.connection}-bgp`))).map((r) => r.destination));
    const bgpPeers = (raw.bgpPeers ?? []).map((p) => {
      const clean = cleanPeer(p);
      const keep = kept(p.name ?? '');
      const ranges = (p.customLearnedIpRanges ?? []).map((r) => r.range ?? '').filter((r) => r !== entry.destination || keep.has(r));
      return { ...clean, customLearnedIpRanges: ranges.map((range) => ({ range })) };
    });
    const id = this.ctx.ids.learnedRoute(parsed.region, parsed.router, parsed.name);
    // The router is written again right after (a connection's delete): this write lands first. Ranges may empty: a whole write.
    await this.routerWrites.replace(parsed.region, raw, { description: writeNote({ ...note, routes }), bgpPeers }, { operation: 'delete', resourceType: 'route', resourceId: id, requestId: requestIdFor(oneOffKey(), 'delete'), waitMs: this.ctx.createWaitMs }, signal);
    published(this.ctx, 'deleted', 'route', id, 'deleting');
  }

  private rawStatic(name: string, signal: AbortSignal | undefined): Promise<GceRoute | undefined> {
    return this.ctx.reads.one({ operation: 'get', resourceType: 'route', resourceId: name }, signal, ({ routes }, call) => routes.get({ project: this.ctx.project, route: name }, call));
  }

  private rawStatics(signal: AbortSignal | undefined): Promise<GceRoute[]> {
    return this.ctx.reads.all<GceRoute>({ operation: 'list', resourceType: 'route' }, signal, ({ routes }, call) => routes.listAsync({ project: this.ctx.project, maxResults: 500 }, call));
  }

  /** A static route as the companion shows it. */
  toStatic(raw: GceRoute): Route {
    const note = readNote(raw.description);
    const name = raw.name ?? '';
    const target: RouteTarget = note.target
      ? { type: note.target.type as RouteTarget['type'], id: note.target.id }
      : raw.nextHopInstance
        ? { type: 'instance', id: raw.nextHopInstance.replace(`${COMPUTE_URL}/`, '') }
        : raw.nextHopIp
          ? { type: 'instance', id: raw.nextHopIp }
          : { type: 'internet', id: undefined };
    return {
      ...this.head(this.ctx.ids.staticRoute(name), name, note.labels ?? {}, 'available', String(raw.routeStatus ?? 'ACTIVE')),
      createdAt: raw.creationTimestamp ?? new Date(0).toISOString(),
      networkId: this.ctx.ids.network(nameOf(raw.network)),
      destination: raw.destRange ?? '',
      target,
    };
  }

  /** An installed route as the companion shows it: `available` while every BGP peer it targets carries its range. */
  toLearned(region: string, router: GceRouter, name: string, entry: LearnedRouteNote): Route {
    const peers = (router.bgpPeers ?? []).filter((p) => entry.connection === undefined || (p.name ?? '').startsWith(`${entry.connection}-bgp`));
    const carried = peers.length > 0 && peers.every((p) => (p.customLearnedIpRanges ?? []).some((r) => r.range === entry.destination));
    return {
      ...this.head(this.ctx.ids.learnedRoute(region, router.name ?? '', name), name, entry.labels ?? {}, carried ? 'available' : 'failed', carried ? 'CUSTOM_LEARNED' : 'NO_BGP_SESSION'),
      region,
      stateReason: carried ? undefined : 'no BGP session of its target carries the range any more',
      createdAt: router.creationTimestamp ?? new Date(0).toISOString(),
      networkId: this.ctx.ids.network(nameOf(router.network)),
      destination: entry.destination,
      target: { type: entry.target, id: entry.targetId },
    };
  }

  private head(id: string, name: string, labels: Readonly<Record<string, string>>, state: Route['state'], rawState: string) {
    return { type: 'route' as const, id, name, provider: this.ctx.providerName, providerKind: 'gcp' as const, region: 'global', state, rawState, stateReason: undefined as string | undefined, labels: { ...labels }, createdAt: new Date().toISOString() };
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError({ provider: this.ctx.providerName, message: `route ${id} not found`, resourceType: 'route', resourceId: id });
  }
}
