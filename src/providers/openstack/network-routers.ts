/**
 * The one router each companion network has: it joins the network's subnets (every subnet the
 * companion makes gets an interface on it), holds the network's routes (its `routes`, extension
 * `extraroute`), and carries the network's VPN services. It is made on first need and found by
 * its description (`novacron:v1 router n=<network id>`, Neutron's `description` filter is exact),
 * so a retried create — in any process — meets it instead of making a second; two concurrent
 * needs in one process wait for each other. It gets an external gateway only when something
 * needs one (a VPN service, a route to the Internet), on the `floatingNetwork` option's network
 * or the cloud's only external one, as an AWS VPC gets an Internet gateway only when asked.
 * Deleting the network deletes its router.
 */
import { ConflictError, InvalidSpecError } from '../../provider/errors.js';
import { PerNameQueue } from '../../provider/keyed-creates.js';
import { projectFilter, type NetworkCompanionContext } from './network-context.js';
import { mayHaveActed } from './network-keyed-create.js';
import { formatMark } from './network-marks.js';
import type { NeutronNetworkView, NeutronPortView, NeutronRouterView } from './network-wire-types.js';

/** Device owner of a router's interface ports. */
const ROUTER_INTERFACE = 'network:router_interface';

/** The companion's routers. */
export class NetworkRouters {
  private readonly queue = new PerNameQueue();

  /** Works through the companion's context. */
  constructor(private readonly ctx: NetworkCompanionContext) {}

  /** The description that marks the router of `networkId`. */
  static markOf(networkId: string): string {
    return formatMark('router', { n: networkId });
  }

  /** The router of a network, if it has one (the oldest, should a race have made two). */
  async find(networkId: string, operation: string, signal?: AbortSignal): Promise<NeutronRouterView | undefined> {
    const found = await this.ctx.calls.all<NeutronRouterView>('/routers', 'routers', { description: NetworkRouters.markOf(networkId), ...(await projectFilter(this.ctx, signal)) }, { operation, resourceType: 'router' }, signal);
    return found.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id))[0];
  }

  /** The router of a network: the one there, else a new one (a lost answer is resolved by its description). */
  ensure(network: Pick<NeutronNetworkView, 'id' | 'name'>, operation: string, signal?: AbortSignal): Promise<NeutronRouterView> {
    return this.queue.run(network.id, async () => {
      const existing = await this.find(network.id, operation, signal);
      if (existing) return existing;
      const body = { name: `${network.name ?? network.id}-router`.slice(0, 255), description: NetworkRouters.markOf(network.id), admin_state_up: true };
      try {
        return await this.ctx.calls.create<NeutronRouterView>('/routers', 'router', body, { operation, resourceType: 'router' }, signal);
      } catch (error) {
        if (!mayHaveActed(error)) throw error;
        const found = await this.find(network.id, operation, signal);
        if (found === undefined) throw error;
        return found;
      }
    });
  }

  /** The router with an external gateway: its own, or one set now. */
  async ensureGateway(router: NeutronRouterView, operation: string, signal?: AbortSignal): Promise<NeutronRouterView> {
    if (router.external_gateway_info?.network_id) return router;
    const external = await this.externalNetwork(operation, signal);
    const ctx = { operation, resourceType: 'router', resourceId: router.id };
    try {
      return (await this.ctx.calls.put<{ router: NeutronRouterView }>(`/routers/${router.id}`, { router: { external_gateway_info: { network_id: external } } }, ctx, signal)).router;
    } catch (error) {
      // A lost answer: the gateway may be set; read the router back.
      if (!mayHaveActed(error)) throw error;
      const now = await this.ctx.calls.get<NeutronRouterView>(`/routers/${router.id}`, 'router', ctx, signal);
      if (now?.external_gateway_info?.network_id === external) return now;
      throw error;
    }
  }

  /** The external network gateways go on: the option's, else the only one; an `InvalidSpecError` naming the option otherwise. */
  private async externalNetwork(operation: string, signal?: AbortSignal): Promise<string> {
    const wanted = this.ctx.externalNetwork;
    const external = await this.ctx.calls.all<NeutronNetworkView>('/networks', 'networks', { 'router:external': 'true' }, { operation, resourceType: 'network' }, signal);
    if (wanted !== undefined) {
      const found = external.find((n) => n.id === wanted || n.name === wanted);
      if (!found) throw new InvalidSpecError({ provider: this.ctx.provider, issues: [{ field: '(openstack) floatingNetwork', message: `no external network "${wanted}"; external networks: ${external.map((n) => n.name ?? n.id).join(', ') || '(none)'}` }] });
      return found.id;
    }
    if (external.length !== 1) {
      throw new ConflictError({
        provider: this.ctx.provider,
        message: `${operation}: the network's router needs an external gateway, and ${external.length === 0 ? 'the cloud has no external network' : `the cloud has ${external.length} external networks (${external.map((n) => n.name ?? n.id).join(', ')}); set the floatingNetwork option`}`,
      });
    }
    return external[0]!.id;
  }

  /** The subnets the router has interfaces on. */
  async interfaceSubnets(router: NeutronRouterView, operation: string, signal?: AbortSignal): Promise<Set<string>> {
    const ports = await this.ctx.calls.all<NeutronPortView>('/ports', 'ports', { device_id: router.id, device_owner: ROUTER_INTERFACE }, { operation, resourceType: 'port' }, signal);
    return new Set(ports.flatMap((p) => (p.fixed_ips ?? []).map((ip) => ip.subnet_id)).filter((s): s is string => s !== undefined));
  }

  /** Gives the router an interface on `subnetId`, unless it has one. */
  async ensureInterface(router: NeutronRouterView, subnetId: string, operation: string, signal?: AbortSignal): Promise<void> {
    if ((await this.interfaceSubnets(router, operation, signal)).has(subnetId)) return;
    try {
      await this.ctx.calls.put(`/routers/${router.id}/add_router_interface`, { subnet_id: subnetId }, { operation, resourceType: 'router', resourceId: router.id }, signal);
    } catch (error) {
      // A lost answer of an earlier attempt: the interface is there.
      if (mayHaveActed(error) && (await this.interfaceSubnets(router, operation, signal)).has(subnetId)) return;
      throw error;
    }
  }

  /** Removes the router's interface on `subnetId`, when it has one; a route or VPN connection that needs it is a `ConflictError`. */
  async removeInterface(router: NeutronRouterView, subnetId: string, operation: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.interfaceSubnets(router, operation, signal)).has(subnetId)) return;
    try {
      await this.ctx.calls.put(`/routers/${router.id}/remove_router_interface`, { subnet_id: subnetId }, { operation, resourceType: 'router', resourceId: router.id }, signal);
    } catch (error) {
      if (!(await this.interfaceSubnets(router, operation, signal)).has(subnetId)) return;
      throw error;
    }
  }

  /** Deletes a router (its gateway goes with it). */
  async remove(router: NeutronRouterView, operation: string, signal?: AbortSignal): Promise<void> {
    await this.ctx.calls.remove(`/routers/${router.id}`, { operation, resourceType: 'router', resourceId: router.id }, signal);
  }
}
