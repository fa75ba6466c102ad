/**
 * Neutron's ports and floating IPs (neutron-lib api-ref `ports.inc`, `floatingips.inc`, read
 * 2026-12): list (filters such as `device_id`, `network_id`, `name`, `port_id`,
 * `floating_ip_address`; `fields`; paging), get, create, delete, and `PUT` on a floating IP to
 * associate it with a port or disassociate it (`port_id: null`). A floating IP comes from an
 * external network and maps to a port reachable through a router; the `floatingip` quota is 409
 * `OverQuota` "Quota exceeded for resources: ['floatingip']." Deleting a port disassociates its
 * floating IPs; deleting a server does not release them.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';
import { ROUTER_INTERFACE_OWNER, type FloatingIpRecord, type PortRecord } from './network-state.js';
import { neutronBody, neutronList } from './neutron-list.js';

const PORT_KEYS = new Set(['network_id', 'name', 'security_groups', 'fixed_ips', 'device_id', 'device_owner', 'admin_state_up', 'description', 'port_security_enabled', 'binding:vnic_type', 'mac_address', 'allowed_address_pairs', 'tags', 'project_id', 'tenant_id']);
const FIP_KEYS = new Set(['floating_network_id', 'port_id', 'fixed_ip_address', 'floating_ip_address', 'description', 'subnet_id', 'project_id', 'tenant_id', 'dns_name', 'dns_domain', 'qos_policy_id']);

function unknownAttributes(spec: JsonObject, allowed: ReadonlySet<string>): void {
  const extra = Object.keys(spec).find((k) => !allowed.has(k));
  if (extra !== undefined) throw neutronError(400, 'HTTPBadRequest', `Unrecognized attribute(s) '${extra}'`);
}

function findPort(call: OpenStackCall, id: string): PortRecord {
  const port = call.state.network.ports.get(id);
  if (!port) throw neutronError(404, 'PortNotFound', `Port ${id} could not be found.`);
  return port;
}

function findFloatingIp(call: OpenStackCall): FloatingIpRecord {
  const fip = call.state.network.floatingIps.get(call.param('id'));
  if (!fip) throw neutronError(404, 'FloatingIPNotFound', `Floating IP ${call.param('id')} could not be found`);
  return fip;
}

/** `GET /v2.0/ports`. */
export function listPorts(call: OpenStackCall): EmulatorResponse {
  call.state.advance();
  const net = call.state.network;
  return neutronList(call, 'ports', '/v2.0/ports', [...net.ports.values()].map((p) => net.renderPort(p)), 'PortNotFound');
}

/** `GET /v2.0/ports/{id}`. */
export function getPort(call: OpenStackCall): EmulatorResponse {
  call.state.advance();
  return jsonResponse(200, { port: call.state.network.renderPort(findPort(call, call.param('id'))) });
}

/** `POST /v2.0/ports`. */
export function createPort(call: OpenStackCall): EmulatorResponse {
  const spec = neutronBody(call, 'port');
  unknownAttributes(spec, PORT_KEYS);
  const net = call.state.network;
  if (typeof spec.network_id !== 'string') throw neutronError(400, 'HTTPBadRequest', "Failed to parse request. Required attribute 'network_id' not specified");
  const network = net.networks.get(spec.network_id);
  if (!network) throw neutronError(404, 'NetworkNotFound', `Network ${spec.network_id} could not be found.`);
  const groups = spec.security_groups === undefined ? [net.securityGroupNamed('default')?.id].filter((g): g is string => g !== undefined) : spec.security_groups;
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) throw neutronError(400, 'HTTPBadRequest', `Invalid input for security_groups. Reason: ${JSON.stringify(groups)} is not a list of strings.`);
  for (const g of groups) if (!net.securityGroups.has(g)) throw neutronError(404, 'SecurityGroupNotFound', `Security group ${g} does not exist`);
  const fixedIps = spec.fixed_ips;
  if (fixedIps !== undefined && (!Array.isArray(fixedIps) || !fixedIps.every((f) => typeof f === 'object' && f !== null))) throw neutronError(400, 'HTTPBadRequest', `Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '${JSON.stringify(fixedIps)}'.`);
  const port = net.createPort(network, {
    name: typeof spec.name === 'string' ? spec.name : '',
    description: typeof spec.description === 'string' ? spec.description : '',
    securityGroupIds: groups,
    fixedIps: (fixedIps as JsonObject[] | undefined)?.map((f) => ({ subnetId: typeof f.subnet_id === 'string' ? f.subnet_id : undefined, ipAddress: typeof f.ip_address === 'string' ? f.ip_address : undefined })),
    deviceId: typeof spec.device_id === 'string' ? spec.device_id : '',
    deviceOwner: typeof spec.device_owner === 'string' ? spec.device_owner : '',
  });
  return jsonResponse(201, { port: net.renderPort(port) });
}

/** `DELETE /v2.0/ports/{id}`. */
export function deletePort(call: OpenStackCall): EmulatorResponse {
  const port = findPort(call, call.param('id'));
  // l3_db.prevent_l3_port_deletion: a router's ports go through remove_router_interface.
  if (port.deviceOwner === ROUTER_INTERFACE_OWNER) throw neutronError(409, 'L3PortInUse', `Port ${port.id} has owner ${port.deviceOwner} and therefore cannot be deleted directly via the port API.`);
  call.state.network.deletePort(port.id);
  for (const server of call.state.compute.servers.values()) server.ports = server.ports.filter((p) => p.portId !== port.id);
  return { status: 204 };
}

/** `GET /v2.0/floatingips`. */
export function listFloatingIps(call: OpenStackCall): EmulatorResponse {
  call.state.advance();
  const net = call.state.network;
  return neutronList(call, 'floatingips', '/v2.0/floatingips', [...net.floatingIps.values()].map((f) => net.renderFloatingIp(f)), 'FloatingIPNotFound');
}

/** `GET /v2.0/floatingips/{id}`. */
export function getFloatingIp(call: OpenStackCall): EmulatorResponse {
  call.state.advance();
  return jsonResponse(200, { floatingip: call.state.network.renderFloatingIp(findFloatingIp(call)) });
}

/** Associates `fip` with the port named in `spec` (or disassociates for `null`); Neutron's checks. */
function associate(call: OpenStackCall, fip: FloatingIpRecord, portId: unknown, fixedIp: unknown): void {
  const net = call.state.network;
  if (portId === null) return net.associate(fip, undefined);
  if (typeof portId !== 'string') throw neutronError(400, 'HTTPBadRequest', `Invalid input for port_id. Reason: '${String(portId)}' is not a valid UUID.`);
  const port = findPort(call, portId);
  const address = typeof fixedIp === 'string' ? fixedIp : port.fixedIps[0]?.ipAddress;
  if (address === undefined || !port.fixedIps.some((ip) => ip.ipAddress === address)) throw neutronError(400, 'BadRequest', `Bad floatingip request: Port ${port.id} does not have fixed ip ${String(address)}.`);
  const network = net.networks.get(fip.floatingNetworkId)!;
  if (!net.routerFor(port) || net.routerFor(port)!.externalNetworkId !== network.id) {
    throw neutronError(404, 'ExternalGatewayForFloatingIPNotFound', `External network ${network.id} is not reachable from subnet ${port.fixedIps[0]?.subnetId}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`);
  }
  const taken = [...net.floatingIps.values()].find((f) => f.id !== fip.id && f.portId === port.id && f.fixedIpAddress === address);
  if (taken) throw neutronError(409, 'FloatingIPPortAlreadyAssociated', `Cannot associate floating IP ${fip.floatingIpAddress} (${fip.id}) with port ${port.id} using fixed IP ${address}, as that fixed IP already has a floating IP on external network ${network.id}.`);
  net.associate(fip, port, address);
}

/** `POST /v2.0/floatingips`. */
export function createFloatingIp(call: OpenStackCall): EmulatorResponse {
  const spec = neutronBody(call, 'floatingip');
  unknownAttributes(spec, FIP_KEYS);
  const net = call.state.network;
  if (typeof spec.floating_network_id !== 'string') throw neutronError(400, 'HTTPBadRequest', "Failed to parse request. Required attribute 'floating_network_id' not specified");
  const network = net.networks.get(spec.floating_network_id);
  if (!network) throw neutronError(404, 'NetworkNotFound', `Network ${spec.floating_network_id} could not be found.`);
  if (!network.external) throw neutronError(400, 'BadRequest', `Bad floatingip request: Network ${network.id} is not a valid external network.`);
  const limit = call.quota('floatingip');
  if (limit !== undefined && net.floatingIps.size >= limit) throw neutronError(409, 'OverQuota', "Quota exceeded for resources: ['floatingip'].");
  if (spec.port_id !== undefined && spec.port_id !== null) findPort(call, String(spec.port_id));
  const fip = net.createFloatingIp(network, typeof spec.description === 'string' ? spec.description : '', typeof spec.floating_ip_address === 'string' ? spec.floating_ip_address : undefined);
  if (spec.port_id !== undefined && spec.port_id !== null) {
    try {
      associate(call, fip, spec.port_id, spec.fixed_ip_address);
    } catch (e) {
      net.deleteFloatingIp(fip.id);
      throw e;
    }
  }
  return jsonResponse(201, { floatingip: net.renderFloatingIp(fip) });
}

/** `PUT /v2.0/floatingips/{id}`: associate or disassociate. */
export function updateFloatingIp(call: OpenStackCall): EmulatorResponse {
  const spec = neutronBody(call, 'floatingip');
  const fip = findFloatingIp(call);
  if ('port_id' in spec) associate(call, fip, spec.port_id, spec.fixed_ip_address);
  return jsonResponse(200, { floatingip: call.state.network.renderFloatingIp(fip) });
}

/** `DELETE /v2.0/floatingips/{id}`. */
export function deleteFloatingIp(call: OpenStackCall): EmulatorResponse {
  const fip = findFloatingIp(call);
  call.state.network.deleteFloatingIp(fip.id);
  return { status: 204 };
}
