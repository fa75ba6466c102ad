/**
 * Neutron's routers (neutron-lib api-ref `routers.inc`, `extraroute.inc`; neutron
 * `db/l3_db.py`, `db/extraroute_db.py`; neutron-vpnaas `vpn_db.check_router_in_use`; read
 * 2026-12): list, get, create (an optional external gateway), update (name, description,
 * gateway, `routes`), delete; `add_router_interface` / `remove_router_interface` by subnet; and
 * the atomic extra-route calls `add_extraroutes` / `remove_extraroutes` (extension
 * `extraroute-atomic`), whose answer is the router.
 *
 * What Neutron refuses, as it refuses it:
 * - a gateway on a network that is not external (400 "Bad router request: Network … is not an
 *   external network");
 * - an interface on a subnet without a gateway address, on a subnet the router already has a
 *   port on, or whose range overlaps one of the router's other subnets (400 "Bad router
 *   request: …"); on a subnet whose gateway address another router holds (409);
 * - removing an interface the router does not have (404 `RouterInterfaceNotFoundForSubnet`),
 *   one that a route's next hop needs (409 `RouterInterfaceInUseByRoute`), or one a VPN
 *   connection's local endpoint group lists (409 `SubnetInUseByIPsecSiteConnection`);
 * - a route whose next hop is not on one of the router's subnets, or is the router's own
 *   address (400 `InvalidRoutes`), or more than 30 routes (400 `RoutesExhausted`);
 * - deleting a router a VPN service uses (409 `RouterInUse` "… is currently used by VPN
 *   service …", checked first) or that still has interfaces (409 `RouterInUse` "… still has
 *   ports");
 * - the `router` quota (409 `OverQuota`).
 */
import { parseCidr } from '../../../provider/cidr.js';
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';
import { checkCreateAttributes, checkQuota, findNetwork, findSubnet, stringAttribute } from './network-handlers.js';
import { addressValue, type NetworkRecord, type RouterRecord, type RouterRoute } from './network-state.js';
import { neutronBody, neutronList } from './neutron-list.js';

/** Most extra routes of one router (neutron's `max_routes` default). */
export const MAX_ROUTES = 30;
const ROUTER_KEYS = new Set(['name', 'description', 'admin_state_up', 'external_gateway_info', 'distributed', 'ha', 'availability_zone_hints', 'flavor_id', 'project_id', 'tenant_id']);
const UPDATE_KEYS = new Set(['name', 'description', 'admin_state_up', 'external_gateway_info', 'routes']);

function findRouter(call: OpenStackCall): RouterRecord {
  const router = call.state.network.routers.get(call.param('id'));
  if (!router) throw neutronError(404, 'RouterNotFound', `Router ${call.param('id')} could not be found`);
  return router;
}

/** The external network of an `external_gateway_info`, `undefined` to clear the gateway. */
function gatewayNetwork(call: OpenStackCall, info: unknown): NetworkRecord | undefined {
  if (info === null || info === undefined) return undefined;
  if (typeof info !== 'object' || Array.isArray(info)) throw neutronError(400, 'HTTPBadRequest', `Invalid input for external_gateway_info. Reason: '${JSON.stringify(info)}' is not a dictionary.`);
  const networkId = (info as JsonObject).network_id;
  if (networkId === undefined) return undefined;
  if (typeof networkId !== 'string') throw neutronError(400, 'HTTPBadRequest', `Invalid input for external_gateway_info. Reason: '${String(networkId)}' is not a valid UUID.`);
  const network = findNetwork(call, networkId);
  if (!network.external) throw neutronError(400, 'BadRequest', `Bad router request: Network ${network.id} is not an external network.`);
  return network;
}

/** `GET /v2.0/routers`. */
export function listRouters(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  return neutronList(call, 'routers', '/v2.0/routers', [...net.routers.values()].map((r) => net.renderRouter(r)), 'RouterNotFound');
}

/** `GET /v2.0/routers/{id}`. */
export function getRouter(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { router: call.state.network.renderRouter(findRouter(call)) });
}

/** `POST /v2.0/routers`. */
export function createRouter(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const spec = neutronBody(call, 'router');
  checkCreateAttributes(spec, ROUTER_KEYS);
  const name = stringAttribute(spec, 'name');
  const description = stringAttribute(spec, 'description');
  const external = gatewayNetwork(call, spec.external_gateway_info);
  checkQuota(call, 'router', net.routers.size);
  const router = net.createRouter({ name, description, external });
  return jsonResponse(201, { router: net.renderRouter(router) });
}

/** `PUT /v2.0/routers/{id}`. */
export function updateRouter(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const spec = neutronBody(call, 'router');
  const extra = Object.keys(spec).find((k) => !UPDATE_KEYS.has(k));
  if (extra !== undefined) throw neutronError(400, 'HTTPBadRequest', extra === 'tags' ? "Attribute 'tags' not allowed in PUT" : `Unrecognized attribute(s) '${extra}'`);
  const router = findRouter(call);
  const name = spec.name === undefined ? router.name : stringAttribute(spec, 'name');
  const description = spec.description === undefined ? router.description : stringAttribute(spec, 'description');
  let routes = router.routes;
  if (spec.routes !== undefined) {
    routes = parseRoutes(spec.routes);
    checkRoutes(call, router, routes);
  }
  if ('external_gateway_info' in spec) {
    const external = gatewayNetwork(call, spec.external_gateway_info);
    if (external?.id !== (router.externalNetworkId ?? undefined)) {
      if (external === undefined) {
        const services = call.state.vpn.servicesOn(router.id);
        if (services.length > 0) throw neutronError(409, 'RouterInUse', `Router ${router.id} is currently used by VPN service${services.length > 1 ? 's' : ''} (${services.map((s) => s.id).join(',')})`);
      }
      net.setGateway(router, external);
    }
  }
  router.name = name;
  router.description = description;
  router.routes = routes;
  net.touch(router);
  return jsonResponse(200, { router: net.renderRouter(router) });
}

/** `DELETE /v2.0/routers/{id}`. */
export function deleteRouter(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const router = findRouter(call);
  const services = call.state.vpn.servicesOn(router.id);
  if (services.length > 0) throw neutronError(409, 'RouterInUse', `Router ${router.id} is currently used by VPN service${services.length > 1 ? 's' : ''} (${services.map((s) => s.id).join(',')})`);
  if (net.interfacesOf(router).length > 0) throw neutronError(409, 'RouterInUse', `Router ${router.id} still has ports`);
  net.setGateway(router, undefined);
  net.routers.delete(router.id);
  return { status: 204 };
}

/** The subnet of an interface body (`{"subnet_id": …}`); a `port_id` is not emulated. */
function interfaceSubnet(call: OpenStackCall): string {
  const body = call.body((why) => neutronError(400, 'HTTPBadRequest', why));
  if (body.subnet_id !== undefined && body.port_id !== undefined) throw neutronError(400, 'BadRequest', 'Bad router request: Cannot specify both subnet-id and port-id.');
  if (body.port_id !== undefined) throw neutronError(400, 'BadRequest', 'Bad router request: this emulator attaches interfaces by subnet_id only.');
  if (typeof body.subnet_id !== 'string') throw neutronError(400, 'BadRequest', 'Bad router request: Either subnet_id or port_id must be specified.');
  return body.subnet_id;
}

function interfaceAnswer(router: RouterRecord, subnetId: string, portId: string, networkId: string): EmulatorResponse {
  return jsonResponse(200, { id: router.id, network_id: networkId, port_id: portId, project_id: router.projectId, subnet_id: subnetId, subnet_ids: [subnetId], tenant_id: router.projectId });
}

/** `PUT /v2.0/routers/{id}/add_router_interface`. */
export function addRouterInterface(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const router = findRouter(call);
  const subnet = findSubnet(call, interfaceSubnet(call));
  if (subnet.gatewayIp === null) throw neutronError(400, 'BadRequest', `Bad router request: Subnet ${subnet.id} does not have a gateway IP.`);
  const mine = net.routerSubnets(router);
  if (mine.some((s) => s.id === subnet.id)) throw neutronError(400, 'BadRequest', `Bad router request: Router already has a port on subnet ${subnet.id}.`);
  const overlap = mine.find((s) => s.range.version === subnet.range.version && s.range.first <= subnet.range.last && subnet.range.first <= s.range.last);
  if (overlap) throw neutronError(400, 'BadRequest', `Bad router request: Cidr ${subnet.range.text} of subnet ${subnet.id} overlaps with cidr ${overlap.range.text} of subnet ${overlap.id}.`);
  const holder = net.portsOnSubnet(subnet.id).find((p) => p.fixedIps.some((ip) => ip.subnetId === subnet.id && ip.ipAddress === subnet.gatewayIp));
  if (holder) throw neutronError(409, 'IpAddressAlreadyAllocated', `IP address ${subnet.gatewayIp} already allocated in subnet ${subnet.id}`);
  const port = net.addInterface(router, subnet);
  return interfaceAnswer(router, subnet.id, port.id, subnet.networkId);
}

/** `PUT /v2.0/routers/{id}/remove_router_interface`. */
export function removeRouterInterface(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const router = findRouter(call);
  const subnetId = interfaceSubnet(call);
  const port = net.interfacesOf(router).find((p) => p.fixedIps.some((ip) => ip.subnetId === subnetId));
  const subnet = net.subnets.get(subnetId);
  if (!port || !subnet) throw neutronError(404, 'RouterInterfaceNotFoundForSubnet', `Router ${router.id} has no interface on subnet ${subnetId}`);
  if (router.routes.some((r) => inRange(r.nexthop, subnet.range))) {
    throw neutronError(409, 'RouterInterfaceInUseByRoute', `Router interface for subnet ${subnetId} on router ${router.id} cannot be deleted, as it is required by one or more routes.`);
  }
  const service = call.state.vpn.servicesOn(router.id).find((s) => s.subnetId === subnetId);
  if (service) throw neutronError(409, 'SubnetInUseByVPNService', `Subnet ${subnetId} is used by VPNService ${service.id}`);
  const connection = call.state.vpn.connectionUsingSubnet(router.id, subnetId);
  if (connection) throw neutronError(409, 'SubnetInUseByIPsecSiteConnection', `Subnet ${subnetId} is used by ipsec site connection ${connection.id}`);
  const floating = [...net.floatingIps.values()].find((f) => f.routerId === router.id && f.portId !== null && net.ports.get(f.portId)?.fixedIps.some((ip) => ip.subnetId === subnetId));
  if (floating) throw neutronError(409, 'RouterInterfaceInUseByFloatingIP', `Router interface for subnet ${subnetId} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`);
  net.removeInterface(router, port);
  return interfaceAnswer(router, subnetId, port.id, subnet.networkId);
}

/** `PUT /v2.0/routers/{id}/add_extraroutes`: adds routes (ones already there are ignored). */
export function addExtraRoutes(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const router = findRouter(call);
  const asked = parseRoutes(neutronBody(call, 'router').routes);
  const merged = [...router.routes];
  for (const r of asked) if (!merged.some((m) => m.destination === r.destination && m.nexthop === r.nexthop)) merged.push(r);
  checkRoutes(call, router, merged);
  router.routes = merged;
  net.touch(router);
  return jsonResponse(200, { router: net.renderRouter(router) });
}

/** `PUT /v2.0/routers/{id}/remove_extraroutes`: removes routes (ones not there are ignored). */
export function removeExtraRoutes(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const router = findRouter(call);
  const asked = parseRoutes(neutronBody(call, 'router').routes);
  router.routes = router.routes.filter((r) => !asked.some((a) => a.destination === r.destination && a.nexthop === r.nexthop));
  net.touch(router);
  return jsonResponse(200, { router: net.renderRouter(router) });
}

/** A `routes` attribute: a list of `{destination, nexthop}` with a valid range and address. */
function parseRoutes(value: unknown): RouterRoute[] {
  if (!Array.isArray(value)) throw neutronError(400, 'HTTPBadRequest', `Invalid input for routes. Reason: '${JSON.stringify(value)}' is not a list.`);
  return value.map((item: unknown) => {
    const r = item as JsonObject;
    if (typeof r !== 'object' || r === null || typeof r.destination !== 'string' || typeof r.nexthop !== 'string') {
      throw neutronError(400, 'HTTPBadRequest', `Invalid input for routes. Reason: Validation of dictionary's keys failed. Expected keys: {'destination', 'nexthop'} Provided keys: ${JSON.stringify(Object.keys(r ?? {}))}.`);
    }
    let destination: string;
    try {
      destination = parseCidr(r.destination, { lenient: true }).text;
    } catch {
      throw neutronError(400, 'HTTPBadRequest', `Invalid input for routes. Reason: '${r.destination}' is not a valid IP subnet.`);
    }
    if (!r.destination.includes('/') || addressValue(r.nexthop) === undefined || r.nexthop.includes('/')) {
      throw neutronError(400, 'HTTPBadRequest', `Invalid input for routes. Reason: '${!r.destination.includes('/') ? r.destination : r.nexthop}' is not a valid ${!r.destination.includes('/') ? 'IP subnet' : 'IP address'}.`);
    }
    return { destination, nexthop: r.nexthop };
  });
}

function inRange(address: string, range: { readonly first: bigint; readonly last: bigint }): boolean {
  const value = addressValue(address);
  return value !== undefined && value >= range.first && value <= range.last;
}

/** Neutron's checks of a router's routes (`extraroute_db._validate_routes`). */
function checkRoutes(call: OpenStackCall, router: RouterRecord, routes: readonly RouterRoute[]): void {
  const net = call.state.network;
  if (routes.length > MAX_ROUTES) throw neutronError(400, 'RoutesExhausted', `Unable to complete operation for ${router.id}. The number of routes exceeds the maximum ${MAX_ROUTES}.`);
  const interfaces = net.interfacesOf(router).flatMap((p) => p.fixedIps);
  const own = [...interfaces, ...router.gatewayIps];
  const ranges = own.map((ip) => net.subnets.get(ip.subnetId)?.range).filter((r) => r !== undefined);
  const shown = JSON.stringify(routes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })));
  for (const route of routes) {
    if (!ranges.some((range) => inRange(route.nexthop, range))) throw neutronError(400, 'InvalidRoutes', `Invalid format for routes: ${shown}, the nexthop is not connected with router`);
    if (own.some((ip) => ip.ipAddress === route.nexthop)) throw neutronError(400, 'InvalidRoutes', `Invalid format for routes: ${shown}, the nexthop is used by router`);
  }
}
