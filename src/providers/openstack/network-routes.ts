/**
 * Routes of the OpenStack network companion: entries of the network's router `routes`
 * (extension `extraroute`; added and removed with the atomic `add_extraroutes` /
 * `remove_extraroutes` where `extraroute-atomic` is loaded, else by a read-modify-write of the
 * router, serialised per router in this process; Networking API v2.0 "Routers", read 2026-12).
 *
 * Next hops: `internet` is the gateway of the router's external subnet (the router gets a
 * gateway if it had none); `instance` is the server's address on the network; `vpn-gateway` and
 * `vpn-connection` add no extra route at all — VPNaaS routes a connection's peer ranges through
 * the tunnel by itself — so such a route records that the destination is one of those ranges (and
 * is refused when it is not); `peering` does not exist on OpenStack.
 *
 * Neutron's routes have no id, description or tags, so each route the companion made is
 * recorded as a tag on its router (`network-marks.ts` {@link RouteTag}: destination, next hop,
 * key and input digests, creation time, name); labels are not kept. A route's id is
 * `<router id>:<destination>`. Refused before anything is sent: a destination inside the
 * network's own ranges (its local route) and, as `ConflictError`, a destination the router
 * already routes (Neutron itself would take a second next hop for one destination).
 */
import { ConflictError, NotFoundError, UnsupportedError } from '../../provider/errors.js';
import { PerNameQueue } from '../../provider/keyed-creates.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { NetworkListFilter, Route, RouteInput, RouteTarget } from '../../provider/network-types.js';
import { changed, checkName, invalid, notFound, projectFilter, type NetworkCompanionContext } from './network-context.js';
import type { NeutronExtensions } from './network-extensions.js';
import { mayHaveActed } from './network-keyed-create.js';
import { parseRouteId, toRoute } from './network-mapping.js';
import { formatRouteTag, parseMark, parseRouteTag, type RouteTag } from './network-marks.js';
import type { NetworkRouters } from './network-routers.js';
import { cidrs, hasLabels, type NetworkTopology } from './network-topology.js';
import type { NeutronPortView, NeutronRoute, NeutronRouterView, NeutronSubnetView } from './network-wire-types.js';

/** The peer ranges a VPN target routes on `routerId` (VPNaaS's own routing); `NotFoundError`/`ConflictError` when it is not there. */
export type VpnRoutedRanges = (target: RouteTarget, routerId: string, signal?: AbortSignal) => Promise<readonly string[]>;

const TARGET_TYPES = new Set(['vpn-gateway', 'vpn-connection', 'peering', 'instance', 'internet']);

/** Routes. */
export class NetworkRoutes {
  private readonly perRouter = new PerNameQueue();

  /** Works through the companion's parts; `vpnRanges` answers what VPNaaS routes. */
  constructor(
    private readonly ctx: NetworkCompanionContext,
    private readonly topology: NetworkTopology,
    private readonly routers: NetworkRouters,
    private readonly extensions: NeutronExtensions,
    private readonly vpnRanges: VpnRoutedRanges,
  ) {}

  /** Adds a route (see the file comment). */
  async createRoute(input: RouteInput, options: NetworkCreateOptions = {}): Promise<Route> {
    const { signal } = options;
    checkName(input?.name);
    const { parseCidr, cidrsOverlap } = await cidrs();
    const destination = parseCidr(input.destination, { field: 'destination' });
    if (destination.version !== 4) throw invalid('destination', `${destination.text}: this provider routes IPv4 only (capabilities.ipv6 is false)`);
    const target = input.target;
    if (typeof target !== 'object' || target === null || !TARGET_TYPES.has(target.type)) throw invalid('target.type', 'must be vpn-gateway, vpn-connection, peering, instance or internet');
    if (target.type === 'peering') throw new UnsupportedError({ provider: this.ctx.provider, message: 'OpenStack has no network peering: a route cannot point at one', capability: 'peering' });
    if (target.type !== 'internet' && (typeof target.id !== 'string' || target.id === '')) throw invalid('target.id', `a ${target.type} route needs the id of its next hop`);
    const network = await this.topology.getNetwork(input.networkId, 'createRoute', signal, 'networkId');
    const local = network.cidrs.find((c) => cidrsOverlap(parseCidr(c), destination));
    if (local !== undefined) throw invalid('destination', `${destination.text} overlaps the network's own range ${local} (its local route)`);
    const { resource, created } = await this.ctx.keyed.run<{ router: NeutronRouterView; tag: RouteTag }>({
      kind: 'route',
      idempotencyKey: options.idempotencyKey,
      input,
      provider: this.ctx.provider,
      find: async (k) => {
        const router = await this.routers.find(network.id, 'createRoute', signal);
        const tag = router && tagsOf(router).find((t) => t.key === k.slice(0, 16));
        return router && tag ? { router, tag } : undefined;
      },
      inputOf: (found) => found.tag.input,
      create: async ({ k, i }) => {
        let router = await this.routers.ensure({ id: network.id, name: network.name }, 'createRoute', signal);
        if (target.type === 'internet') router = await this.routers.ensureGateway(router, 'createRoute', signal);
        const recorded = tagsOf(router).find((t) => t.destination === destination.text);
        if (recorded) throw new ConflictError({ provider: this.ctx.provider, message: `the route table of network ${network.id} already routes ${destination.text} (route ${router.id}:${destination.text})` });
        const nexthop = await this.nexthopOf(target, router, network.id, destination.text, signal);
        const other = (router.routes ?? []).find((r) => r.destination === destination.text && r.nexthop !== nexthop);
        if (other) throw new ConflictError({ provider: this.ctx.provider, message: `the route table of network ${network.id} already routes ${destination.text} via ${other.nexthop}` });
        const tag: RouteTag = { destination: destination.text, targetType: target.type, targetId: target.id, nexthop, key: k.slice(0, 16), input: i, createdAt: this.ctx.now(), name: input.name };
        const text = formatRouteTag(tag);
        await this.perRouter.run(router.id, async () => {
          if (nexthop !== undefined) {
            const wanted = { destination: destination.text, nexthop };
            await this.settled(router.id, () => this.addExtraRoute(router.id, wanted, signal), (r) => (r.routes ?? []).some((x) => x.destination === wanted.destination && x.nexthop === wanted.nexthop), signal);
          }
          await this.settled(router.id, () => this.ctx.calls.addTag('routers', router.id, text, { operation: 'createRoute', resourceType: 'router', resourceId: router.id }, signal), (r) => (r.tags ?? []).includes(text), signal);
        });
        return { router, tag };
      },
    });
    const route = toRoute(this.ctx, resource.router, resource.tag, network.id);
    if (created) changed(this.ctx, 'created', 'route', route.id, 'available');
    return route;
  }

  /** A route by id; `NotFoundError` when its router or its record is gone. */
  async getRoute(id: string, signal?: AbortSignal): Promise<Route> {
    const at = parseRouteId(id);
    const router = at && (await this.routerView(at.routerId, 'get', signal));
    const tag = router && tagsOf(router).find((t) => t.destination === at.destination);
    const networkId = router && parseMark(router.description)?.fields.n;
    if (!router || !tag || networkId === undefined) throw notFound(this.ctx, 'route', id);
    return toRoute(this.ctx, router, tag, networkId);
  }

  /** The routes of the companion's routers, filtered (routes keep no labels: a label filter matches none). */
  async *listRoutes(filter: NetworkListFilter, signal?: AbortSignal): AsyncIterable<Route> {
    if (filter.region !== undefined && filter.region !== this.ctx.region) return;
    if (!hasLabels({}, filter.labels)) return;
    for await (const router of this.ctx.calls.list<NeutronRouterView>('/routers', 'routers', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'router' }, signal)) {
      const mark = parseMark(router.description);
      const networkId = mark?.kind === 'router' ? mark.fields.n : undefined;
      if (networkId === undefined || (filter.networkId !== undefined && filter.networkId !== networkId)) continue;
      for (const tag of tagsOf(router)) yield toRoute(this.ctx, router, tag, networkId);
    }
  }

  /** The route a create with this key made, `undefined` when there is none. */
  async findRoute(k: string, signal?: AbortSignal): Promise<Route | undefined> {
    for await (const router of this.ctx.calls.list<NeutronRouterView>('/routers', 'routers', await projectFilter(this.ctx, signal), { operation: 'findByIdempotencyKey', resourceType: 'router' }, signal)) {
      const mark = parseMark(router.description);
      const tag = mark?.kind === 'router' && mark.fields.n !== undefined ? tagsOf(router).find((t) => t.key === k.slice(0, 16)) : undefined;
      if (tag) return toRoute(this.ctx, router, tag, mark!.fields.n!);
    }
    return undefined;
  }

  /** Removes a route: its extra route, then its record. */
  async deleteRoute(id: string, signal?: AbortSignal): Promise<void> {
    const at = parseRouteId(id);
    const router = at && (await this.routerView(at.routerId, 'delete', signal));
    const tag = router && tagsOf(router).find((t) => t.destination === at.destination);
    if (!router || !tag) return;
    await this.perRouter.run(router.id, async () => {
      if (tag.nexthop !== undefined) await this.removeExtraRoute(router.id, { destination: tag.destination, nexthop: tag.nexthop }, signal);
      await this.ctx.calls.removeTag('routers', router.id, formatRouteTag(tag), { operation: 'delete', resourceType: 'router', resourceId: router.id }, signal);
    });
    changed(this.ctx, 'deleted', 'route', id, 'deleting');
  }

  /** The route ids recorded on a router (what stands in the way of deleting its network). */
  static recordedOn(router: NeutronRouterView): string[] {
    return tagsOf(router).map((t) => `route ${router.id}:${t.destination}`);
  }

  /**
   * Runs an idempotent change of a router (adding an extra route or a tag); when its answer is
   * lost, the router is read again and `done` says whether the change took effect.
   */
  private async settled(routerId: string, change: () => Promise<unknown>, done: (router: NeutronRouterView) => boolean, signal?: AbortSignal): Promise<void> {
    try {
      await change();
    } catch (error) {
      if (!mayHaveActed(error)) throw error;
      const router = await this.routerView(routerId, 'createRoute', signal);
      if (router === undefined || !done(router)) throw error;
    }
  }

  private routerView(id: string, operation: string, signal?: AbortSignal): Promise<NeutronRouterView | undefined> {
    return this.ctx.calls.get<NeutronRouterView>(`/routers/${encodeURIComponent(id)}`, 'router', { operation, resourceType: 'router', resourceId: id }, signal);
  }

  /** The next-hop address of a target; `undefined` for a VPN target (VPNaaS routes its ranges itself). */
  private async nexthopOf(target: RouteTarget, router: NeutronRouterView, networkId: string, destination: string, signal?: AbortSignal): Promise<string | undefined> {
    if (target.type === 'internet') {
      const subnetId = router.external_gateway_info?.external_fixed_ips?.[0]?.subnet_id;
      const subnet = subnetId === undefined ? undefined : await this.topology.subnetView(subnetId, 'createRoute', signal);
      if (!subnet?.gateway_ip) throw new ConflictError({ provider: this.ctx.provider, message: `createRoute: the external subnet of router ${router.id} has no gateway address to route the Internet through` });
      return subnet.gateway_ip;
    }
    if (target.type === 'instance') {
      const subnets = new Set((await this.topology.subnetsOf(networkId, 'createRoute', signal)).map((s: NeutronSubnetView) => s.id));
      const ports = await this.ctx.calls.all<NeutronPortView>('/ports', 'ports', { device_id: target.id }, { operation: 'createRoute', resourceType: 'port' }, signal);
      const address = ports.flatMap((p) => p.fixed_ips ?? []).find((ip) => ip.subnet_id !== undefined && subnets.has(ip.subnet_id))?.ip_address;
      if (address === undefined) throw new NotFoundError({ provider: this.ctx.provider, message: `createRoute: instance ${target.id} has no address on network ${networkId}`, resourceType: 'instance', resourceId: target.id });
      return address;
    }
    const { parseCidr, cidrContains } = await cidrs();
    const ranges = await this.vpnRanges(target, router.id, signal);
    if (!ranges.some((r) => cidrContains(parseCidr(r, { lenient: true }), parseCidr(destination)))) {
      throw new ConflictError({
        provider: this.ctx.provider,
        message: `createRoute: Neutron VPNaaS routes a connection's peer ranges itself; ${destination} is not among those of ${target.type} ${target.id} (${ranges.join(', ') || 'none yet'}): give it to the connection's peer gateway`,
      });
    }
    return undefined;
  }

  private async addExtraRoute(routerId: string, route: NeutronRoute, signal?: AbortSignal): Promise<void> {
    const ctx = { operation: 'createRoute', resourceType: 'router', resourceId: routerId };
    if ((await this.extensions.features(signal)).atomicExtraRoutes) {
      await this.ctx.calls.put(`/routers/${routerId}/add_extraroutes`, { router: { routes: [route] } }, ctx, signal);
      return;
    }
    const router = await this.routerView(routerId, 'createRoute', signal);
    if (!router) throw notFound(this.ctx, 'network', routerId);
    const routes = router.routes ?? [];
    if (routes.some((r) => r.destination === route.destination && r.nexthop === route.nexthop)) return;
    await this.ctx.calls.put(`/routers/${routerId}`, { router: { routes: [...routes, route] } }, ctx, signal);
  }

  private async removeExtraRoute(routerId: string, route: NeutronRoute, signal?: AbortSignal): Promise<void> {
    const ctx = { operation: 'delete', resourceType: 'router', resourceId: routerId };
    if ((await this.extensions.features(signal)).atomicExtraRoutes) {
      await this.ctx.calls.put(`/routers/${routerId}/remove_extraroutes`, { router: { routes: [route] } }, ctx, signal);
      return;
    }
    const router = await this.routerView(routerId, 'delete', signal);
    const routes = router?.routes ?? [];
    if (!routes.some((r) => r.destination === route.destination && r.nexthop === route.nexthop)) return;
    await this.ctx.calls.put(`/routers/${routerId}`, { router: { routes: routes.filter((r) => r.destination !== route.destination || r.nexthop !== route.nexthop) } }, ctx, signal);
  }
}

/** The route records among a router's tags. */
function tagsOf(router: NeutronRouterView): RouteTag[] {
  return (router.tags ?? []).map(parseRouteTag).filter((t): t is RouteTag => t !== undefined);
}
