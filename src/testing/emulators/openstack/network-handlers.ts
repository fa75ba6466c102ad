/**
 * Neutron's networks, subnets and security groups, in the neutron-lib api-ref's shapes (read
 * 2026-12): networks list (filters, `fields`, paging), get, create and delete; subnets list,
 * get, create and delete; security groups list and create (a new group gets Neutron's two egress
 * rules).
 *
 * What Neutron refuses, as it refuses it:
 * - an attribute the resource does not have (400 "Unrecognized attribute(s) 'x'"), and `tags`
 *   in a create body (400 "Attribute 'tags' not allowed in POST": only ports take tags at
 *   creation, everything else is tagged afterwards through `/tags`);
 * - `router:external` from a project member (403, an admin-only policy);
 * - a description over 255 characters (400);
 * - a subnet without `network_id`, `ip_version` or `cidr`, or with a malformed one (400), and a
 *   subnet whose range overlaps another subnet of the same network (400 `InvalidInput`
 *   "Requested subnet with cidr: … for network: … overlaps with another subnet", from
 *   `db_base_plugin_v2._validate_subnet_cidr`);
 * - deleting a subnet that a port still has an address on — a router interface included — (409
 *   `SubnetInUse`), or that a VPN endpoint group lists (409 `SubnetInUseByEndpointGroup`);
 * - deleting a network with ports in use (409 `NetworkInUse`); its subnets go with it otherwise;
 * - the `network`, `subnet` quotas (409 `OverQuota`).
 */
import { parseCidr, type Cidr } from '../../../provider/cidr.js';
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { neutronError, type OpenStackApiError } from './openstack-errors.js';
import type { NetworkRecord, SubnetRecord } from './network-state.js';
import { neutronBody, neutronList } from './neutron-list.js';

/** Device owners Neutron removes itself when a network goes (its DHCP ports). */
const AUTO_DELETED_OWNERS = new Set(['network:dhcp']);
const NETWORK_KEYS = new Set(['name', 'description', 'admin_state_up', 'mtu', 'shared', 'router:external', 'port_security_enabled', 'dns_domain', 'qos_policy_id', 'availability_zone_hints', 'project_id', 'tenant_id', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id', 'is_default', 'segments', 'vlan_transparent']);
const SUBNET_KEYS = new Set(['name', 'description', 'network_id', 'ip_version', 'cidr', 'gateway_ip', 'enable_dhcp', 'dns_nameservers', 'allocation_pools', 'host_routes', 'ipv6_address_mode', 'ipv6_ra_mode', 'subnetpool_id', 'prefixlen', 'use_default_subnetpool', 'service_types', 'segment_id', 'dns_publish_fixed_ip', 'project_id', 'tenant_id']);

/** Refuses attributes a create body may not carry (see the file comment). */
export function checkCreateAttributes(spec: JsonObject, allowed: ReadonlySet<string>): void {
  if ('tags' in spec) throw neutronError(400, 'HTTPBadRequest', "Attribute 'tags' not allowed in POST");
  const extra = Object.keys(spec).find((k) => !allowed.has(k));
  if (extra !== undefined) throw neutronError(400, 'HTTPBadRequest', `Unrecognized attribute(s) '${extra}'`);
}

/** A `name` or `description` attribute: a string of at most 255 characters (`''` when absent). */
export function stringAttribute(spec: JsonObject, key: 'name' | 'description'): string {
  const value = spec[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw neutronError(400, 'HTTPBadRequest', `Invalid input for ${key}. Reason: '${String(value)}' is not a valid string.`);
  if (value.length > 255) throw neutronError(400, 'HTTPBadRequest', `Invalid input for ${key}. Reason: '${value.slice(0, 40)}…' exceeds maximum length of 255.`);
  return value;
}

/** Refuses a create beyond the project's quota of `resource` (409 `OverQuota`). */
export function checkQuota(call: OpenStackCall, resource: string, used: number): void {
  const limit = call.quota(resource);
  if (limit !== undefined && used >= limit) throw neutronError(409, 'OverQuota', `Quota exceeded for resources: ['${resource}'].`);
}

/** The network of a path or body id, or Neutron's 404. */
export function findNetwork(call: OpenStackCall, id: string): NetworkRecord {
  const found = call.state.network.networks.get(id);
  if (!found) throw neutronError(404, 'NetworkNotFound', `Network ${id} could not be found.`);
  return found;
}

/** The subnet of a path or body id, or Neutron's 404. */
export function findSubnet(call: OpenStackCall, id: string): SubnetRecord {
  const found = call.state.network.subnets.get(id);
  if (!found) throw neutronError(404, 'SubnetNotFound', `Subnet ${id} could not be found.`);
  return found;
}

/** `GET /v2.0/networks`. */
export function listNetworks(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  return neutronList(call, 'networks', '/v2.0/networks', [...net.networks.values()].map((n) => net.renderNetwork(n)), 'NetworkNotFound');
}

/** `GET /v2.0/networks/{id}`. */
export function getNetwork(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { network: call.state.network.renderNetwork(findNetwork(call, call.param('id'))) });
}

/** `POST /v2.0/networks`. */
export function createNetwork(call: OpenStackCall): EmulatorResponse {
  const spec = neutronBody(call, 'network');
  checkCreateAttributes(spec, NETWORK_KEYS);
  if (spec['router:external'] === true) throw neutronError(403, 'HTTPForbidden', '(rule:create_network and field:networks:router:external=True) is disallowed by policy');
  const name = stringAttribute(spec, 'name');
  const description = stringAttribute(spec, 'description');
  const mtu = spec.mtu;
  if (mtu !== undefined && (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68)) throw neutronError(400, 'HTTPBadRequest', `Invalid input for mtu. Reason: '${String(mtu)}' is too small - must be at least '68'.`);
  checkQuota(call, 'network', [...call.state.network.networks.values()].filter((n) => !n.external).length);
  const network = call.state.network.createNetwork({ name, description, mtu: typeof mtu === 'number' ? mtu : undefined });
  return jsonResponse(201, { network: call.state.network.renderNetwork(network) });
}

/** `DELETE /v2.0/networks/{id}`: its subnets go with it, unless a port still uses the network. */
export function deleteNetwork(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const network = findNetwork(call, call.param('id'));
  const inUse = [...net.ports.values()].some((p) => p.networkId === network.id && !AUTO_DELETED_OWNERS.has(p.deviceOwner));
  if (inUse) throw neutronError(409, 'NetworkInUse', `Unable to complete operation on network ${network.id}. There are one or more ports still in use on the network.`);
  for (const subnetId of network.subnetIds) refuseIfListedByVpn(call, subnetId);
  net.deleteNetwork(network.id);
  return { status: 204 };
}

/** `GET /v2.0/subnets`. */
export function listSubnets(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  return neutronList(call, 'subnets', '/v2.0/subnets', [...net.subnets.values()].map((s) => net.renderSubnet(s)), 'SubnetNotFound');
}

/** `GET /v2.0/subnets/{id}`. */
export function getSubnet(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { subnet: call.state.network.renderSubnet(findSubnet(call, call.param('id'))) });
}

/** The `cidr` of a subnet body, parsed as neutron-lib's `validate_subnet` reads it. */
function subnetRange(value: unknown, ipVersion: number): Cidr {
  const bad = (why: string): OpenStackApiError => neutronError(400, 'HTTPBadRequest', `Invalid input for cidr. Reason: ${why}.`);
  if (typeof value !== 'string' || value.trim() !== value || value === '') throw bad(`'${String(value)}' is not a valid IP subnet`);
  let range: Cidr;
  try {
    // Host bits are accepted and dropped (`10.0.0.5/24` is `10.0.0.0/24`), as netaddr's `cidr` does.
    range = parseCidr(value, { lenient: true });
  } catch {
    throw bad(`'${value}' is not a valid IP subnet`);
  }
  if (!value.includes('/')) throw bad(`'${value}' isn't a recommended CIDR, did you mean '${range.text}'?`);
  if (range.version !== ipVersion) throw neutronError(400, 'InvalidInput', 'Invalid input for operation: cidr and ip_version must match.');
  return range;
}

/** True when `address` is a host address inside `range` (not its network address). */
function gatewayInside(address: string, range: Cidr): boolean {
  try {
    const gw = parseCidr(address);
    return gw.prefix === (range.version === 4 ? 32 : 128) && gw.first > range.first && gw.first <= range.last;
  } catch {
    return false;
  }
}

/** `POST /v2.0/subnets`. */
export function createSubnet(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const spec = neutronBody(call, 'subnet');
  checkCreateAttributes(spec, SUBNET_KEYS);
  for (const required of ['network_id', 'ip_version'] as const) {
    if (spec[required] === undefined) throw neutronError(400, 'HTTPBadRequest', `Failed to parse request. Required attribute '${required}' not specified`);
  }
  if (spec.ip_version !== 4 && spec.ip_version !== 6) throw neutronError(400, 'HTTPBadRequest', `Invalid input for ip_version. Reason: ${JSON.stringify(spec.ip_version)} is not in [4, 6].`);
  if (spec.cidr === undefined) throw neutronError(400, 'BadRequest', 'Bad subnets request: a subnetpool must be specified in the absence of a cidr.');
  const name = stringAttribute(spec, 'name');
  const description = stringAttribute(spec, 'description');
  const network = findNetwork(call, String(spec.network_id));
  const range = subnetRange(spec.cidr, spec.ip_version);
  const clash = network.subnetIds.map((id) => net.subnets.get(id)!).find((s) => s.range.version === range.version && s.range.first <= range.last && range.first <= s.range.last);
  if (clash) throw neutronError(400, 'InvalidInput', `Invalid input for operation: Requested subnet with cidr: ${range.text} for network: ${network.id} overlaps with another subnet.`);
  let gatewayIp: string | null | undefined;
  if (spec.gateway_ip === null) gatewayIp = null;
  else if (typeof spec.gateway_ip === 'string') {
    if (!gatewayInside(spec.gateway_ip, range)) throw neutronError(400, 'InvalidInput', `Invalid input for operation: Gateway is not valid on subnet.`);
    gatewayIp = spec.gateway_ip;
  }
  checkQuota(call, 'subnet', [...net.subnets.values()].filter((s) => net.networks.get(s.networkId)?.external !== true).length);
  const subnet = net.createSubnet(network, { name, description, range, gatewayIp });
  net.touch(network);
  return jsonResponse(201, { subnet: net.renderSubnet(subnet) });
}

/** `DELETE /v2.0/subnets/{id}`. */
export function deleteSubnet(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const subnet = findSubnet(call, call.param('id'));
  const users = net.portsOnSubnet(subnet.id).filter((p) => !AUTO_DELETED_OWNERS.has(p.deviceOwner));
  if (users.length > 0) throw neutronError(409, 'SubnetInUse', `Unable to complete operation on subnet ${subnet.id}: One or more ports have an IP allocation from this subnet.`);
  refuseIfListedByVpn(call, subnet.id);
  const network = net.networks.get(subnet.networkId);
  net.deleteSubnet(subnet.id);
  if (network) net.touch(network);
  return { status: 204 };
}

/** neutron-vpnaas refuses to delete a subnet a VPN endpoint group lists (its subnet BEFORE_DELETE callback). */
function refuseIfListedByVpn(call: OpenStackCall, subnetId: string): void {
  const group = call.state.vpn.endpointGroupListing(subnetId);
  if (group !== undefined) throw neutronError(409, 'SubnetInUseByEndpointGroup', `Subnet ${subnetId} is used by endpoint group ${group}`);
}

/** `GET /v2.0/security-groups`. */
export function listSecurityGroups(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  return neutronList(call, 'security_groups', '/v2.0/security-groups', [...net.securityGroups.values()].map((g) => net.renderSecurityGroup(g)), 'SecurityGroupNotFound');
}

/** `POST /v2.0/security-groups`. */
export function createSecurityGroup(call: OpenStackCall): EmulatorResponse {
  const spec = neutronBody(call, 'security_group');
  const name = spec.name;
  if (typeof name !== 'string' || name.length > 255) throw neutronError(400, 'HTTPBadRequest', `Invalid input for name. Reason: '${String(name)}' is not a valid string.`);
  if (name === 'default') throw neutronError(409, 'SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
  const description = typeof spec.description === 'string' ? spec.description : '';
  const group = call.state.network.addSecurityGroup(name, description);
  return jsonResponse(201, { security_group: call.state.network.renderSecurityGroup(group) });
}
