/**
 * Neutron's networks, subnets and security groups: list (filters, `fields`, paging) and get for
 * networks, list for subnets, list and create for security groups (a new group gets Neutron's
 * two egress rules), in the neutron-lib api-ref's shapes (read 2026-12).
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';
import { neutronBody, neutronList } from './neutron-list.js';

/** `GET /v2.0/networks`. */
export function listNetworks(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  return neutronList(call, 'networks', '/v2.0/networks', [...net.networks.values()].map((n) => net.renderNetwork(n)), 'NetworkNotFound');
}

/** `GET /v2.0/networks/{id}`. */
export function getNetwork(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  const found = net.networks.get(call.param('id'));
  if (!found) throw neutronError(404, 'NetworkNotFound', `Network ${call.param('id')} could not be found.`);
  return jsonResponse(200, { network: net.renderNetwork(found) });
}

/** `GET /v2.0/subnets`. */
export function listSubnets(call: OpenStackCall): EmulatorResponse {
  const net = call.state.network;
  return neutronList(call, 'subnets', '/v2.0/subnets', [...net.subnets.values()].map((s) => net.renderSubnet(s)), 'SubnetNotFound');
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
