/**
 * VPN gateways and peer gateways of the OpenStack network companion, on Neutron VPNaaS
 * (`/v2.0/vpn/vpnservices`, `/v2.0/vpn/endpoint-groups`; neutron-lib api-ref `vpnaas.inc` and
 * its samples, neutron-vpnaas `db/vpn/vpn_db.py`; read 2026-12).
 *
 * VPNaaS is an optional extension that many clouds do not load. The `vpn` option of the
 * provider says what to do: `true` assumes it, `false` refuses every VPN create, and `'auto'`
 * (the default) reads `GET /v2.0/extensions` on first use; without `vpnaas` there, every VPN
 * create is an `UnsupportedError` saying "Neutron VPNaaS is not enabled on this cloud (extension
 * vpnaas missing)", and reads and deletes of VPN resources find nothing.
 *
 * - A VPN gateway is a VPN service on the network's router, in endpoint-group mode (no legacy
 *   `subnet_id`). The router gets an external gateway if it has none (VPNaaS refuses a router
 *   without one: 400 `RouterIsNotExternal`); the gateway's public IP is that gateway's address
 *   (`external_v4_ip`: `gatewayIpsFrom: 'gateway'`). Neutron VPNaaS speaks no BGP: an ASN asked
 *   for is accepted and not used (`asn` is `undefined`).
 * - A peer gateway is an endpoint group of type `cidr`: the ranges behind the far side (so they
 *   are required: VPNaaS routes statically), with the far side's IPs and ASN in its mark.
 * Deleting a gateway that still has connections is a `ConflictError` (VPNaaS's 409
 * `VPNServiceInUse`); deleting a peer gateway a connection uses is one too (VPNaaS answers 400
 * `EndpointGroupInUse` there, mapped to a conflict).
 */
import { ConflictError, InvalidSpecError, UnsupportedError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { NetworkListFilter, PeerGateway, PeerGatewayInput, RouteTarget, VpnGateway, VpnGatewayInput } from '../../provider/network-types.js';
import { changed, checkName, checkRegion, invalid, notFound, projectFilter, type NetworkCompanionContext } from './network-context.js';
import type { NeutronExtensions } from './network-extensions.js';
import { toPeerGateway, toVpnGateway } from './network-mapping.js';
import { formatMark, joinList, labelsField, labelsOfField, parseMark } from './network-marks.js';
import type { NetworkRouters } from './network-routers.js';
import { cidrs, hasLabels, type NetworkTopology } from './network-topology.js';
import type { NeutronEndpointGroupView, NeutronRouterView, NeutronSiteConnectionView, NeutronVpnServiceView } from './network-wire-types.js';

/** The `vpn` option: `'auto'` discovers VPNaaS at first use. */
export type OpenStackVpnMode = 'auto' | boolean;

/** The message of a VPN create on a cloud without VPNaaS. */
export const VPNAAS_MISSING = 'Neutron VPNaaS is not enabled on this cloud (extension vpnaas missing)';

/** VPN services and peer endpoint groups. */
export class NetworkVpn {
  /** Works through the companion's parts, with the provider's `vpn` option. */
  constructor(
    private readonly ctx: NetworkCompanionContext,
    private readonly topology: NetworkTopology,
    private readonly routers: NetworkRouters,
    private readonly extensions: NeutronExtensions,
    private readonly mode: OpenStackVpnMode,
  ) {}

  /** `capabilities.vpn`: the option's word, or what discovery found (assumed present until then). */
  get declared(): boolean {
    if (this.mode !== 'auto') return this.mode;
    return this.extensions.known?.vpnaas ?? true;
  }

  /** True when VPN resources can exist here (discovering VPNaaS when the option says `'auto'`). */
  async available(signal?: AbortSignal): Promise<boolean> {
    if (this.mode !== 'auto') return this.mode;
    return (await this.extensions.features(signal)).vpnaas;
  }

  /** Refuses a VPN create where there is no VPNaaS. */
  async require(signal?: AbortSignal): Promise<void> {
    if (this.mode === false) throw new UnsupportedError({ provider: this.ctx.provider, message: 'site-to-site VPN is turned off by the provider\'s vpn: false option', capability: 'vpn' });
    if (!(await this.available(signal))) throw new UnsupportedError({ provider: this.ctx.provider, message: VPNAAS_MISSING, capability: 'vpn' });
  }

  // VPN gateways ------------------------------------------------------------------------------

  /** Creates a VPN gateway (a VPN service on the network's router); it comes back `provisioning` until its address is recorded. */
  async createGateway(input: VpnGatewayInput, options: NetworkCreateOptions = {}): Promise<VpnGateway> {
    const { signal } = options;
    await this.require(signal);
    checkName(input?.name);
    if (input.asn !== undefined && (!Number.isInteger(input.asn) || input.asn < 1 || input.asn > 4294967294)) throw invalid('asn', 'must be an ASN between 1 and 4294967294');
    const labels = labelsField(input.labels);
    const network = await this.topology.getNetwork(input.networkId, 'createVpnGateway', signal, 'networkId');
    const { resource, created } = await this.ctx.keyed.run<NeutronVpnServiceView>({
      kind: 'vpn-gateway',
      idempotencyKey: options.idempotencyKey,
      input,
      provider: this.ctx.provider,
      find: (k) => this.findMarked<NeutronVpnServiceView>('/vpn/vpnservices', 'vpnservices', 'vpn-gateway', k, signal),
      inputOf: (s) => parseMark(s.description)?.fields.i,
      create: async ({ k, i }) => {
        const description = formatMark('vpn-gateway', { k, i, n: network.id, t: this.ctx.now().toString(36), l: labels });
        const router = await this.routers.ensureGateway(await this.routers.ensure({ id: network.id, name: network.name }, 'createVpnGateway', signal), 'createVpnGateway', signal);
        return this.ctx.calls.create<NeutronVpnServiceView>('/vpn/vpnservices', 'vpnservice', { name: input.name, description, router_id: router.id, admin_state_up: true }, { operation: 'createVpnGateway', resourceType: 'vpnservice' }, signal);
      },
    });
    const gateway = toVpnGateway(this.ctx, resource, network.id);
    if (created) changed(this.ctx, 'created', 'vpn-gateway', gateway.id, gateway.state);
    return gateway;
  }

  /** A VPN gateway by id; `NotFoundError` when there is none. */
  async getGateway(id: string, signal?: AbortSignal, field?: string): Promise<VpnGateway> {
    const service = (await this.available(signal)) ? await this.serviceView(id, 'get', signal) : undefined;
    if (!service) throw notFound(this.ctx, 'vpn-gateway', id, field);
    return toVpnGateway(this.ctx, service, await this.networkOfService(service, signal));
  }

  /** The Neutron VPN service of an id, `undefined` when there is none. */
  serviceView(id: string, operation: string, signal?: AbortSignal): Promise<NeutronVpnServiceView | undefined> {
    return this.ctx.calls.get<NeutronVpnServiceView>(`/vpn/vpnservices/${encodeURIComponent(id)}`, 'vpnservice', { operation, resourceType: 'vpnservice', resourceId: id }, signal);
  }

  /** The companion's VPN gateways, filtered. */
  async *listGateways(filter: NetworkListFilter, signal?: AbortSignal): AsyncIterable<VpnGateway> {
    if (!(await this.available(signal)) || (filter.region !== undefined && filter.region !== this.ctx.region)) return;
    for await (const s of this.ctx.calls.list<NeutronVpnServiceView>('/vpn/vpnservices', 'vpnservices', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'vpnservice' }, signal)) {
      const mark = parseMark(s.description);
      if (mark?.kind !== 'vpn-gateway') continue;
      const gateway = toVpnGateway(this.ctx, s, mark.fields.n ?? '');
      if ((filter.networkId === undefined || gateway.networkId === filter.networkId) && hasLabels(gateway.labels, filter.labels)) yield gateway;
    }
  }

  /** The VPN gateway a create with this key made, `undefined` when there is none. */
  async findGateway(k: string, signal?: AbortSignal): Promise<VpnGateway | undefined> {
    if (!(await this.available(signal))) return undefined;
    const found = await this.findMarked<NeutronVpnServiceView>('/vpn/vpnservices', 'vpnservices', 'vpn-gateway', k, signal);
    return found && toVpnGateway(this.ctx, found, parseMark(found.description)?.fields.n ?? '');
  }

  /** Deletes a VPN gateway; one with connections is a `ConflictError`. */
  async deleteGateway(id: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.available(signal))) return;
    if (await this.ctx.calls.remove(`/vpn/vpnservices/${encodeURIComponent(id)}`, { operation: 'delete', resourceType: 'vpnservice', resourceId: id }, signal)) changed(this.ctx, 'deleted', 'vpn-gateway', id, 'deleting');
  }

  /** The network a VPN service serves: its mark's, else its router's. */
  async networkOfService(service: NeutronVpnServiceView, signal?: AbortSignal): Promise<string> {
    const marked = parseMark(service.description)?.fields.n;
    if (marked !== undefined) return marked;
    if (service.router_id === undefined) return '';
    const router = await this.ctx.calls.get<NeutronRouterView>(`/routers/${encodeURIComponent(service.router_id)}`, 'router', { operation: 'get', resourceType: 'router', resourceId: service.router_id }, signal);
    return parseMark(router?.description)?.fields.n ?? '';
  }

  /** What VPNaaS holds on a network's router (stands in the way of deleting the network). */
  async usersOf(router: NeutronRouterView | undefined, signal?: AbortSignal): Promise<string[]> {
    if (router === undefined || !(await this.available(signal))) return [];
    const services = await this.ctx.calls.all<NeutronVpnServiceView>('/vpn/vpnservices', 'vpnservices', { router_id: router.id }, { operation: 'delete', resourceType: 'vpnservice' }, signal);
    return services.map((s) => `vpn-gateway ${s.id}`);
  }

  // Peer gateways -----------------------------------------------------------------------------

  /** Records the far side: an endpoint group of the ranges behind it. */
  async createPeerGateway(input: PeerGatewayInput, options: NetworkCreateOptions = {}): Promise<PeerGateway> {
    const { signal } = options;
    await this.require(signal);
    checkName(input?.name);
    checkRegion(this.ctx, input.region);
    const { isIpAddress, parseCidr } = await cidrs();
    if (!Array.isArray(input.ips) || input.ips.length === 0) throw invalid('ips', 'must list the far side’s public IPs');
    input.ips.forEach((ip, i) => {
      if (typeof ip !== 'string' || !isIpAddress(ip) || ip.includes(':')) throw invalid(`ips[${i}]`, `"${String(ip)}" is not an IPv4 address (the router's gateway, VPNaaS's side, is IPv4)`);
    });
    if (input.asn !== undefined && (!Number.isInteger(input.asn) || input.asn < 1 || input.asn > 4294967294)) throw invalid('asn', 'must be an ASN between 1 and 4294967294');
    if (!Array.isArray(input.cidrs) || input.cidrs.length === 0) throw invalid('cidrs', 'Neutron VPNaaS routes statically: give the ranges behind the far side');
    const ranges = input.cidrs.map((c, i) => parseCidr(c, { field: `cidrs[${i}]` }));
    ranges.forEach((r, i) => {
      if (r.version !== 4) throw invalid(`cidrs[${i}]`, `${r.text}: the ranges must be IPv4, as this side's subnets are`);
    });
    const labels = labelsField(input.labels);
    const { resource, created } = await this.ctx.keyed.run<NeutronEndpointGroupView>({
      kind: 'peer-gateway',
      idempotencyKey: options.idempotencyKey,
      input,
      provider: this.ctx.provider,
      find: (k) => this.findMarked<NeutronEndpointGroupView>('/vpn/endpoint-groups', 'endpoint_groups', 'peer-gateway', k, signal),
      inputOf: (g) => parseMark(g.description)?.fields.i,
      create: ({ k, i }) => {
        const description = formatMark('peer-gateway', { k, i, ips: joinList(input.ips), asn: input.asn?.toString(), t: this.ctx.now().toString(36), l: labels });
        return this.ctx.calls.create<NeutronEndpointGroupView>('/vpn/endpoint-groups', 'endpoint_group', { name: input.name, description, type: 'cidr', endpoints: ranges.map((r) => r.text) }, { operation: 'createPeerGateway', resourceType: 'endpoint_group' }, signal);
      },
    });
    const peer = toPeerGateway(this.ctx, resource);
    if (created) changed(this.ctx, 'created', 'peer-gateway', peer.id, peer.state);
    return peer;
  }

  /** A peer gateway by id; `NotFoundError` when there is none (or the endpoint group is not of peer ranges). */
  async getPeerGateway(id: string, signal?: AbortSignal, field?: string): Promise<PeerGateway> {
    const group = (await this.available(signal)) ? await this.endpointGroupView(id, 'get', signal) : undefined;
    if (!group || group.type !== 'cidr') throw notFound(this.ctx, 'peer-gateway', id, field);
    return toPeerGateway(this.ctx, group);
  }

  /** The Neutron endpoint group of an id, `undefined` when there is none. */
  endpointGroupView(id: string, operation: string, signal?: AbortSignal): Promise<NeutronEndpointGroupView | undefined> {
    return this.ctx.calls.get<NeutronEndpointGroupView>(`/vpn/endpoint-groups/${encodeURIComponent(id)}`, 'endpoint_group', { operation, resourceType: 'endpoint_group', resourceId: id }, signal);
  }

  /** The companion's peer gateways, filtered. */
  async *listPeerGateways(filter: NetworkListFilter, signal?: AbortSignal): AsyncIterable<PeerGateway> {
    if (!(await this.available(signal)) || (filter.region !== undefined && filter.region !== this.ctx.region) || filter.networkId !== undefined) return;
    for await (const g of this.ctx.calls.list<NeutronEndpointGroupView>('/vpn/endpoint-groups', 'endpoint_groups', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'endpoint_group' }, signal)) {
      const mark = parseMark(g.description);
      if (mark?.kind === 'peer-gateway' && hasLabels(labelsOfField(mark.fields.l), filter.labels)) yield toPeerGateway(this.ctx, g);
    }
  }

  /** The peer gateway a create with this key made, `undefined` when there is none. */
  async findPeerGateway(k: string, signal?: AbortSignal): Promise<PeerGateway | undefined> {
    if (!(await this.available(signal))) return undefined;
    const found = await this.findMarked<NeutronEndpointGroupView>('/vpn/endpoint-groups', 'endpoint_groups', 'peer-gateway', k, signal);
    return found && toPeerGateway(this.ctx, found);
  }

  /** Deletes a peer gateway; one a connection uses is a `ConflictError`. */
  async deletePeerGateway(id: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.available(signal))) return;
    let removed: boolean;
    try {
      removed = await this.ctx.calls.remove(`/vpn/endpoint-groups/${encodeURIComponent(id)}`, { operation: 'delete', resourceType: 'endpoint_group', resourceId: id }, signal);
    } catch (error) {
      // VPNaaS says "in use" with a 400 here (EndpointGroupInUse), not a 409.
      if (InvalidSpecError.isInstance(error) && /in use/i.test(error.message)) throw new ConflictError({ provider: this.ctx.provider, message: `peer-gateway ${id} is still used by a VPN connection`, cause: error });
      throw error;
    }
    if (removed) changed(this.ctx, 'deleted', 'peer-gateway', id, 'deleting');
  }

  // Routing -----------------------------------------------------------------------------------

  /** The peer ranges VPNaaS routes for a VPN gateway or connection on `routerId` (see `network-routes.ts`). */
  async routedRanges(target: RouteTarget, routerId: string, signal?: AbortSignal): Promise<string[]> {
    const id = target.id ?? '';
    let connections: NeutronSiteConnectionView[];
    if (target.type === 'vpn-gateway') {
      const service = (await this.available(signal)) ? await this.serviceView(id, 'createRoute', signal) : undefined;
      if (!service) throw notFound(this.ctx, 'vpn-gateway', id, 'target.id');
      if (service.router_id !== routerId) throw new ConflictError({ provider: this.ctx.provider, message: `createRoute: VPN gateway ${id} serves another network` });
      connections = await this.ctx.calls.all<NeutronSiteConnectionView>('/vpn/ipsec-site-connections', 'ipsec_site_connections', { vpnservice_id: service.id }, { operation: 'createRoute', resourceType: 'ipsec_site_connection' }, signal);
    } else {
      const connection = (await this.available(signal)) ? await this.ctx.calls.get<NeutronSiteConnectionView>(`/vpn/ipsec-site-connections/${encodeURIComponent(id)}`, 'ipsec_site_connection', { operation: 'createRoute', resourceType: 'ipsec_site_connection', resourceId: id }, signal) : undefined;
      if (!connection) throw notFound(this.ctx, 'vpn-connection', id, 'target.id');
      const service = connection.vpnservice_id === undefined ? undefined : await this.serviceView(connection.vpnservice_id, 'createRoute', signal);
      if (service?.router_id !== routerId) throw new ConflictError({ provider: this.ctx.provider, message: `createRoute: VPN connection ${id} serves another network` });
      connections = [connection];
    }
    const ranges: string[] = [];
    for (const c of connections) {
      ranges.push(...(c.peer_cidrs ?? []));
      if (c.peer_ep_group_id) ranges.push(...((await this.endpointGroupView(c.peer_ep_group_id, 'createRoute', signal))?.endpoints ?? []));
    }
    return ranges;
  }

  /** The resource of `collection` whose mark is `kind` with key digest `k`. */
  private async findMarked<T extends { readonly description?: string }>(path: string, collection: string, kind: 'vpn-gateway' | 'peer-gateway', k: string, signal?: AbortSignal): Promise<T | undefined> {
    for await (const item of this.ctx.calls.list<T>(path, collection, await projectFilter(this.ctx, signal), { operation: 'findByIdempotencyKey', resourceType: kind }, signal)) {
      const mark = parseMark(item.description);
      if (mark?.kind === kind && mark.fields.k === k) return item;
    }
    return undefined;
  }
}
