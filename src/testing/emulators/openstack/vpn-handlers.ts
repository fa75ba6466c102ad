/**
 * Neutron VPNaaS on the wire (neutron-lib api-ref `vpnaas.inc` and `samples/vpn/*`,
 * `api/definitions/vpn.py`, `exceptions/vpn.py`; neutron-vpnaas `db/vpn/vpn_db.py`,
 * `vpn_validator.py`; read 2026-12): list, get, create and delete of `/v2.0/vpn/ikepolicies`,
 * `/ipsecpolicies`, `/vpnservices`, `/endpoint-groups` and `/ipsec-site-connections`. Without
 * the extension (the emulator's default) every one of them is 404, as on a cloud that does not
 * load it.
 *
 * What VPNaaS refuses, as it refuses it (states are `vpn-state.ts`'s):
 * - a value outside an attribute's list (400 "Invalid input for … Reason: '…' is not in […]"), a
 *   lifetime under 60 seconds, a missing required attribute (400);
 * - a VPN service on a router without an external gateway (400 `RouterIsNotExternal`), or
 *   naming a subnet the router has no interface on (400 `SubnetIsNotConnectedToRouter`);
 * - an endpoint group without endpoints (400 `MissingEndpointForEndpointGroup`), with a
 *   malformed CIDR (400 `InvalidEndpointInEndpointGroup`) or an unknown subnet (400
 *   `NonExistingSubnetInEndpointGroup`);
 * - a connection naming what does not exist (404 `VPNServiceNotFound`, `IKEPolicyNotFound`,
 *   `IPsecPolicyNotFound`, `VPNEndpointGroupNotFound`), mixing `peer_cidrs` with endpoint
 *   groups or lacking one of them (400 `PeerCidrsInvalid`, `MissingRequiredEndpointGroup`,
 *   `MissingPeerCidrs`), with endpoint groups of the wrong type (400 `WrongEndpointGroupType`)
 *   or local subnets not on the service's router (400 `SubnetIsNotConnectedToRouter`), IP
 *   versions that differ (400), a DPD timeout not above its interval (400), an MTU under 68
 *   (400), a peer address that is no address (400 `VPNPeerAddressNotResolved`: the emulator
 *   resolves no names);
 * - deleting a service that still has connections (409 `VPNServiceInUse`), a policy a connection
 *   uses (409 `IKEPolicyInUse`, `IPsecPolicyInUse`), an endpoint group a connection uses (400
 *   `EndpointGroupInUse`: VPNaaS says BadRequest here, not Conflict).
 * The pre-shared key is never part of an error message.
 */
import { parseCidr } from '../../../provider/cidr.js';
import { isIpAddress } from '../../../provider/cidr.js';
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';
import { stringAttribute } from './network-handlers.js';
import { neutronBody, neutronList } from './neutron-list.js';
import type { EndpointGroupRecord, SaLifetime, VpnState } from './vpn-state.js';

const AUTH_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512', 'aes-xcbc', 'aes-cmac'];
const ENCRYPTION_ALGORITHMS = ['3des', 'aes-128', 'aes-192', 'aes-256', ...['aes-128', 'aes-192', 'aes-256'].flatMap((a) => ['ccm-8', 'ccm-12', 'ccm-16', 'gcm-8', 'gcm-12', 'gcm-16'].map((m) => `${a}-${m}`))];
const PFS_GROUPS = ['group2', 'group5', ...Array.from({ length: 18 }, (_, i) => `group${i + 14}`)];
const DPD_ACTIONS = ['clear', 'disabled', 'hold', 'restart', 'restart-by-peer'];
const INITIATORS = ['bi-directional', 'response-only'];

/** The VPNaaS state of a call, or 404 when the extension is not loaded. */
function vpnOf(call: OpenStackCall): VpnState {
  const vpn = call.state.vpn;
  if (!vpn.enabled) throw neutronError(404, 'HTTPNotFound', 'The resource could not be found.');
  return vpn;
}

function allowedOnly(spec: JsonObject, allowed: readonly string[]): void {
  const extra = Object.keys(spec).find((k) => !allowed.includes(k) && k !== 'tenant_id' && k !== 'project_id');
  if (extra !== undefined) throw neutronError(400, 'HTTPBadRequest', `Unrecognized attribute(s) '${extra}'`);
}

function required(spec: JsonObject, key: string): unknown {
  if (spec[key] === undefined) throw neutronError(400, 'HTTPBadRequest', `Failed to parse request. Required attribute '${key}' not specified`);
  return spec[key];
}

function oneOf(spec: JsonObject, key: string, values: readonly string[], fallback: string): string {
  const value = spec[key] ?? fallback;
  if (typeof value !== 'string' || !values.includes(value)) throw neutronError(400, 'HTTPBadRequest', `Invalid input for ${key}. Reason: '${String(value)}' is not in ${JSON.stringify(values)}.`);
  return value;
}

function uuidOf(value: unknown, key: string): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw neutronError(400, 'HTTPBadRequest', `Invalid input for ${key}. Reason: '${String(value)}' is not a valid UUID.`);
  return value;
}

function lifetimeOf(spec: JsonObject): SaLifetime {
  const lifetime = (spec.lifetime ?? {}) as JsonObject;
  if (typeof lifetime !== 'object' || lifetime === null) throw neutronError(400, 'HTTPBadRequest', `Invalid input for lifetime. Reason: '${JSON.stringify(spec.lifetime)}' is not a dictionary.`);
  if (lifetime.units !== undefined && lifetime.units !== 'seconds') throw neutronError(400, 'HTTPBadRequest', `Invalid input for lifetime. Reason: '${String(lifetime.units)}' is not in ['seconds'].`);
  const value = lifetime.value ?? 3600;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 60) throw neutronError(400, 'HTTPBadRequest', `Invalid input for lifetime. Reason: '${String(value)}' is too small - must be at least '60'.`);
  return { units: 'seconds', value };
}

function collection(call: OpenStackCall, name: string, path: string, views: readonly JsonObject[], notFound: string): EmulatorResponse {
  return neutronList(call, name, `/v2.0/vpn/${path}`, views, notFound);
}

// IKE policies -------------------------------------------------------------------------------

/** `GET /v2.0/vpn/ikepolicies`. */
export function listIkePolicies(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  return collection(call, 'ikepolicies', 'ikepolicies', [...vpn.ikePolicies.values()].map((p) => vpn.renderIkePolicy(p)), 'IKEPolicyNotFound');
}

/** `GET /v2.0/vpn/ikepolicies/{id}`. */
export function getIkePolicy(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const found = vpn.ikePolicies.get(call.param('id'));
  if (!found) throw neutronError(404, 'IKEPolicyNotFound', `IKEPolicy ${call.param('id')} could not be found`);
  return jsonResponse(200, { ikepolicy: vpn.renderIkePolicy(found) });
}

/** `POST /v2.0/vpn/ikepolicies`. */
export function createIkePolicy(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const spec = neutronBody(call, 'ikepolicy');
  allowedOnly(spec, ['name', 'description', 'auth_algorithm', 'encryption_algorithm', 'phase1_negotiation_mode', 'lifetime', 'ike_version', 'pfs']);
  const policy = {
    id: vpn.newId(),
    name: stringAttribute(spec, 'name'),
    description: stringAttribute(spec, 'description'),
    authAlgorithm: oneOf(spec, 'auth_algorithm', AUTH_ALGORITHMS, 'sha1'),
    encryptionAlgorithm: oneOf(spec, 'encryption_algorithm', ENCRYPTION_ALGORITHMS, 'aes-128'),
    phase1NegotiationMode: oneOf(spec, 'phase1_negotiation_mode', ['main', 'aggressive'], 'main'),
    ikeVersion: oneOf(spec, 'ike_version', ['v1', 'v2'], 'v1'),
    pfs: oneOf(spec, 'pfs', PFS_GROUPS, 'group5'),
    lifetime: lifetimeOf(spec),
    projectId: call.state.project.id,
  };
  vpn.ikePolicies.set(policy.id, policy);
  return jsonResponse(201, { ikepolicy: vpn.renderIkePolicy(policy) });
}

/** `DELETE /v2.0/vpn/ikepolicies/{id}`. */
export function deleteIkePolicy(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const id = call.param('id');
  if ([...vpn.connections.values()].some((c) => c.ikepolicyId === id)) throw neutronError(409, 'IKEPolicyInUse', `IKEPolicy ${id} is in use by existing IPsecSiteConnection and can't be updated or deleted`);
  if (!vpn.ikePolicies.delete(id)) throw neutronError(404, 'IKEPolicyNotFound', `IKEPolicy ${id} could not be found`);
  return { status: 204 };
}

// IPsec policies -----------------------------------------------------------------------------

/** `GET /v2.0/vpn/ipsecpolicies`. */
export function listIpsecPolicies(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  return collection(call, 'ipsecpolicies', 'ipsecpolicies', [...vpn.ipsecPolicies.values()].map((p) => vpn.renderIpsecPolicy(p)), 'IPsecPolicyNotFound');
}

/** `GET /v2.0/vpn/ipsecpolicies/{id}`. */
export function getIpsecPolicy(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const found = vpn.ipsecPolicies.get(call.param('id'));
  if (!found) throw neutronError(404, 'IPsecPolicyNotFound', `IPsecPolicy ${call.param('id')} could not be found`);
  return jsonResponse(200, { ipsecpolicy: vpn.renderIpsecPolicy(found) });
}

/** `POST /v2.0/vpn/ipsecpolicies`. */
export function createIpsecPolicy(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const spec = neutronBody(call, 'ipsecpolicy');
  allowedOnly(spec, ['name', 'description', 'transform_protocol', 'auth_algorithm', 'encryption_algorithm', 'encapsulation_mode', 'lifetime', 'pfs']);
  const policy = {
    id: vpn.newId(),
    name: stringAttribute(spec, 'name'),
    description: stringAttribute(spec, 'description'),
    transformProtocol: oneOf(spec, 'transform_protocol', ['ah', 'ah-esp', 'esp'], 'esp'),
    authAlgorithm: oneOf(spec, 'auth_algorithm', AUTH_ALGORITHMS, 'sha1'),
    encryptionAlgorithm: oneOf(spec, 'encryption_algorithm', ENCRYPTION_ALGORITHMS, 'aes-128'),
    encapsulationMode: oneOf(spec, 'encapsulation_mode', ['transport', 'tunnel'], 'tunnel'),
    pfs: oneOf(spec, 'pfs', PFS_GROUPS, 'group5'),
    lifetime: lifetimeOf(spec),
    projectId: call.state.project.id,
  };
  vpn.ipsecPolicies.set(policy.id, policy);
  return jsonResponse(201, { ipsecpolicy: vpn.renderIpsecPolicy(policy) });
}

/** `DELETE /v2.0/vpn/ipsecpolicies/{id}`. */
export function deleteIpsecPolicy(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const id = call.param('id');
  if ([...vpn.connections.values()].some((c) => c.ipsecpolicyId === id)) throw neutronError(409, 'IPsecPolicyInUse', `IPsecPolicy ${id} is in use by existing IPsecSiteConnection and can't be updated or deleted`);
  if (!vpn.ipsecPolicies.delete(id)) throw neutronError(404, 'IPsecPolicyNotFound', `IPsecPolicy ${id} could not be found`);
  return { status: 204 };
}

// VPN services -------------------------------------------------------------------------------

/** `GET /v2.0/vpn/vpnservices`. */
export function listVpnServices(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  return collection(call, 'vpnservices', 'vpnservices', [...vpn.services.values()].map((s) => vpn.renderService(s)), 'VPNServiceNotFound');
}

/** `GET /v2.0/vpn/vpnservices/{id}`. */
export function getVpnService(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const found = vpn.services.get(call.param('id'));
  if (!found) throw neutronError(404, 'VPNServiceNotFound', `VPNService ${call.param('id')} could not be found`);
  return jsonResponse(200, { vpnservice: vpn.renderService(found) });
}

/** `POST /v2.0/vpn/vpnservices`: the answer shows no `external_v4_ip` yet (the driver records it after). */
export function createVpnService(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const net = call.state.network;
  const spec = neutronBody(call, 'vpnservice');
  allowedOnly(spec, ['name', 'description', 'subnet_id', 'router_id', 'admin_state_up', 'flavor_id']);
  const routerId = uuidOf(required(spec, 'router_id'), 'router_id');
  const subnetId = spec.subnet_id === undefined || spec.subnet_id === null ? null : uuidOf(spec.subnet_id, 'subnet_id');
  const router = net.routers.get(routerId);
  if (!router) throw neutronError(404, 'RouterNotFound', `Router ${routerId} could not be found`);
  if (router.externalNetworkId === null) throw neutronError(400, 'RouterIsNotExternal', `Router ${routerId} has no external network gateway set`);
  if (subnetId !== null && !net.routerSubnets(router).some((s) => s.id === subnetId)) throw neutronError(400, 'SubnetIsNotConnectedToRouter', `Subnet ${subnetId} is not connected to Router ${routerId}`);
  const service = vpn.addService({ name: stringAttribute(spec, 'name'), description: stringAttribute(spec, 'description'), routerId, subnetId, adminStateUp: spec.admin_state_up !== false });
  return jsonResponse(201, { vpnservice: { ...vpn.renderService(service), external_v4_ip: null } });
}

/** `DELETE /v2.0/vpn/vpnservices/{id}`. */
export function deleteVpnService(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const id = call.param('id');
  if (vpn.connectionsOf(id).length > 0) throw neutronError(409, 'VPNServiceInUse', `VPNService ${id} is still in use`);
  if (!vpn.services.delete(id)) throw neutronError(404, 'VPNServiceNotFound', `VPNService ${id} could not be found`);
  return { status: 204 };
}

// Endpoint groups ----------------------------------------------------------------------------

/** `GET /v2.0/vpn/endpoint-groups`. */
export function listEndpointGroups(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  return collection(call, 'endpoint_groups', 'endpoint-groups', [...vpn.endpointGroups.values()].map((g) => vpn.renderEndpointGroup(g)), 'VPNEndpointGroupNotFound');
}

/** `GET /v2.0/vpn/endpoint-groups/{id}`. */
export function getEndpointGroup(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  return jsonResponse(200, { endpoint_group: vpn.renderEndpointGroup(endpointGroup(vpn, call.param('id'))) });
}

function endpointGroup(vpn: VpnState, id: string): EndpointGroupRecord {
  const found = vpn.endpointGroups.get(id);
  if (!found) throw neutronError(404, 'VPNEndpointGroupNotFound', `Endpoint group ${id} could not be found`);
  return found;
}

/** `POST /v2.0/vpn/endpoint-groups` (types `subnet` and `cidr`). */
export function createEndpointGroup(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const spec = neutronBody(call, 'endpoint_group');
  allowedOnly(spec, ['name', 'description', 'type', 'endpoints']);
  const type = oneOf(spec, 'type', ['subnet', 'cidr', 'vlan', 'network', 'router'], String(required(spec, 'type')));
  if (type !== 'subnet' && type !== 'cidr') throw neutronError(400, 'BadRequest', `Bad endpoint_group request: this emulator serves endpoint groups of type subnet and cidr, not ${type}.`);
  const endpoints = spec.endpoints ?? [];
  if (!Array.isArray(endpoints) || !endpoints.every((e) => typeof e === 'string')) throw neutronError(400, 'HTTPBadRequest', `Invalid input for endpoints. Reason: '${JSON.stringify(endpoints)}' is not a list of strings.`);
  const name = stringAttribute(spec, 'name');
  if (endpoints.length === 0) throw neutronError(400, 'MissingEndpointForEndpointGroup', `No endpoints specified for endpoint group '${name}'`);
  const kept: string[] = [];
  for (const endpoint of endpoints as string[]) {
    if (type === 'cidr') {
      let text: string;
      try {
        text = parseCidr(endpoint, { lenient: true }).text;
        if (!endpoint.includes('/')) throw new Error('no prefix');
      } catch {
        throw neutronError(400, 'InvalidEndpointInEndpointGroup', `Endpoint '${endpoint}' is invalid for group type 'cidr': Invalid CIDR`);
      }
      kept.push(text);
    } else {
      uuidOf(endpoint, 'endpoints');
      if (!call.state.network.subnets.has(endpoint)) throw neutronError(400, 'NonExistingSubnetInEndpointGroup', `Subnet ${endpoint} in endpoint group does not exist`);
      kept.push(endpoint);
    }
  }
  const group: EndpointGroupRecord = { id: vpn.newId(), name, description: stringAttribute(spec, 'description'), type, endpoints: kept, projectId: call.state.project.id };
  vpn.endpointGroups.set(group.id, group);
  return jsonResponse(201, { endpoint_group: vpn.renderEndpointGroup(group) });
}

/** `DELETE /v2.0/vpn/endpoint-groups/{id}`. */
export function deleteEndpointGroup(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const group = endpointGroup(vpn, call.param('id'));
  if ([...vpn.connections.values()].some((c) => c.localEpGroupId === group.id || c.peerEpGroupId === group.id)) throw neutronError(400, 'EndpointGroupInUse', `Endpoint group ${group.id} is in use and cannot be deleted`);
  vpn.endpointGroups.delete(group.id);
  return { status: 204 };
}

// IPsec site connections ---------------------------------------------------------------------

/** `GET /v2.0/vpn/ipsec-site-connections`. */
export function listSiteConnections(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  return collection(call, 'ipsec_site_connections', 'ipsec-site-connections', [...vpn.connections.values()].map((c) => vpn.renderConnection(c)), 'IPsecSiteConnectionNotFound');
}

/** `GET /v2.0/vpn/ipsec-site-connections/{id}` (with its `psk`, as Neutron's answer has it). */
export function getSiteConnection(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const found = vpn.connections.get(call.param('id'));
  if (!found) throw neutronError(404, 'IPsecSiteConnectionNotFound', `ipsec_site_connection ${call.param('id')} not found`);
  return jsonResponse(200, { ipsec_site_connection: vpn.renderConnection(found) });
}

function versionOf(cidr: string): 4 | 6 {
  return cidr.includes(':') ? 6 : 4;
}

/** `POST /v2.0/vpn/ipsec-site-connections`, checked in VPNaaS's order (`vpn_db.create_ipsec_site_connection`). */
export function createSiteConnection(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  const net = call.state.network;
  const spec = neutronBody(call, 'ipsec_site_connection');
  allowedOnly(spec, ['name', 'description', 'local_id', 'peer_address', 'peer_id', 'peer_cidrs', 'local_ep_group_id', 'peer_ep_group_id', 'mtu', 'initiator', 'psk', 'dpd', 'admin_state_up', 'vpnservice_id', 'ikepolicy_id', 'ipsecpolicy_id']);
  const peerAddress = required(spec, 'peer_address');
  const peerId = required(spec, 'peer_id');
  const psk = required(spec, 'psk');
  if (typeof psk !== 'string') throw neutronError(400, 'HTTPBadRequest', 'Invalid input for psk. Reason: the value is not a valid string.');
  if (typeof peerAddress !== 'string' || typeof peerId !== 'string') throw neutronError(400, 'HTTPBadRequest', `Invalid input for ${typeof peerAddress !== 'string' ? 'peer_address' : 'peer_id'}. Reason: it is not a valid string.`);
  const serviceId = uuidOf(required(spec, 'vpnservice_id'), 'vpnservice_id');
  const ikeId = uuidOf(required(spec, 'ikepolicy_id'), 'ikepolicy_id');
  const ipsecId = uuidOf(required(spec, 'ipsecpolicy_id'), 'ipsecpolicy_id');
  const mtu = spec.mtu ?? 1500;
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 0) throw neutronError(400, 'HTTPBadRequest', `Invalid input for mtu. Reason: '${String(mtu)}' should be non-negative.`);
  const initiator = oneOf(spec, 'initiator', INITIATORS, 'bi-directional');
  const dpdIn = (spec.dpd ?? {}) as JsonObject;
  const dpd = { action: oneOf(dpdIn, 'action', DPD_ACTIONS, 'hold'), interval: Number(dpdIn.interval ?? 30), timeout: Number(dpdIn.timeout ?? 120) };
  const peerCidrsIn = spec.peer_cidrs ?? [];
  if (!Array.isArray(peerCidrsIn) || !peerCidrsIn.every((c) => typeof c === 'string')) throw neutronError(400, 'HTTPBadRequest', `Invalid input for peer_cidrs. Reason: '${JSON.stringify(peerCidrsIn)}' is not a list.`);
  const peerCidrs = peerCidrsIn as string[];
  const localEpgId = spec.local_ep_group_id === undefined || spec.local_ep_group_id === null ? null : uuidOf(spec.local_ep_group_id, 'local_ep_group_id');
  const peerEpgId = spec.peer_ep_group_id === undefined || spec.peer_ep_group_id === null ? null : uuidOf(spec.peer_ep_group_id, 'peer_ep_group_id');

  const service = vpn.services.get(serviceId);
  if (!service) throw neutronError(404, 'VPNServiceNotFound', `VPNService ${serviceId} could not be found`);
  if (!vpn.ikePolicies.has(ikeId)) throw neutronError(404, 'IKEPolicyNotFound', `IKEPolicy ${ikeId} could not be found`);
  if (!vpn.ipsecPolicies.has(ipsecId)) throw neutronError(404, 'IPsecPolicyNotFound', `IPsecPolicy ${ipsecId} could not be found`);
  // validate_ipsec_conn_optional_args
  if (service.subnetId !== null) {
    if (peerCidrs.length === 0) throw neutronError(400, 'MissingPeerCidrs', 'Missing peer CIDRs for IPsec site-to-site connection');
    const groups = [localEpgId !== null ? 'local' : undefined, peerEpgId !== null ? 'peer' : undefined].filter((g) => g !== undefined);
    if (groups.length > 0) throw neutronError(400, 'InvalidEndpointGroup', `Endpoint group${groups.length > 1 ? 's' : ''} ${groups.join(' and ')} cannot be specified, when VPN Service has subnet specified`);
  } else {
    if (peerCidrs.length > 0) throw neutronError(400, 'PeerCidrsInvalid', 'Peer CIDRs cannot be specified, when using endpoint groups');
    const missing = [localEpgId === null ? 'local' : undefined, peerEpgId === null ? 'peer' : undefined].filter((g) => g !== undefined);
    if (missing.length > 0) throw neutronError(400, 'MissingRequiredEndpointGroup', `Missing endpoint group${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} for IPSec site-to-site connection`);
  }
  // validate_connection_info / validate_ipsec_site_connection
  let localVersion: 4 | 6;
  let peerVersions: Set<4 | 6>;
  if (localEpgId !== null && peerEpgId !== null) {
    const local = endpointGroup(vpn, localEpgId);
    const peer = endpointGroup(vpn, peerEpgId);
    if (local.type !== 'subnet') throw neutronError(400, 'WrongEndpointGroupType', `Endpoint group ${local.id} type is '${local.type}' and should be 'subnet'`);
    const onRouter = new Set(net.routerSubnets(net.routers.get(service.routerId)!).map((s) => s.id));
    for (const subnetId of local.endpoints) if (!onRouter.has(subnetId)) throw neutronError(400, 'SubnetIsNotConnectedToRouter', `Subnet ${subnetId} is not connected to Router ${service.routerId}`);
    const localVersions = new Set(local.endpoints.map((id) => net.subnets.get(id)?.range.version ?? 4));
    if (localVersions.size > 1) throw neutronError(400, 'MixedIPVersionsForIPSecEndpoints', `Endpoints in group ${local.id} do not have the same IP version, as required for IPSec site-to-site connection`);
    localVersion = [...localVersions][0]!;
    if (peer.type !== 'cidr') throw neutronError(400, 'WrongEndpointGroupType', `Endpoint group ${peer.id} type is '${peer.type}' and should be 'cidr'`);
    peerVersions = new Set(peer.endpoints.map(versionOf));
    if (peerVersions.size > 1) throw neutronError(400, 'MixedIPVersionsForIPSecEndpoints', `Endpoints in group ${peer.id} do not have the same IP version, as required for IPSec site-to-site connection`);
  } else {
    for (const c of peerCidrs) {
      try {
        parseCidr(c, { lenient: true });
      } catch {
        throw neutronError(400, 'IPsecSiteConnectionPeerCidrError', `ipsec_site_connection peer cidr ${c} is invalid CIDR`);
      }
    }
    peerVersions = new Set(peerCidrs.map(versionOf));
    if (peerVersions.size > 1) throw neutronError(400, 'MixedIPVersionsForPeerCidrs', 'Peer CIDRs do not have the same IP version, as required for IPSec site-to-site connection');
    localVersion = net.subnets.get(service.subnetId!)?.range.version ?? 4;
  }
  if (!peerVersions.has(localVersion)) throw neutronError(400, 'MixedIPVersionsForIPSecConnection', 'IP versions are not compatible between peer and local endpoints');
  if (dpd.timeout <= dpd.interval) throw neutronError(400, 'IPsecSiteConnectionDpdIntervalValueError', 'ipsec_site_connection dpd_timeout is equal to or less than dpd_interval');
  if (mtu > 0 && mtu < (localVersion === 4 ? 68 : 1280)) throw neutronError(400, 'IPsecSiteConnectionMtuError', `ipsec_site_connection MTU ${mtu} is too small for ipv${localVersion}`);
  // resolve_peer_address: no name resolution here, and the gateway must have an address of the peer's version.
  if (!isIpAddress(peerAddress)) throw neutronError(400, 'VPNPeerAddressNotResolved', `Peer address ${peerAddress} cannot be resolved`);
  const router = net.routers.get(service.routerId)!;
  if (!router.gatewayIps.some((ip) => ip.ipAddress.includes(':') === peerAddress.includes(':'))) {
    throw neutronError(400, 'ExternalNetworkHasNoSubnet', `Router's ${router.id} external network has no ${peerAddress.includes(':') ? 'IPv6' : 'IPv4'} subnet`);
  }
  const connection = vpn.addConnection({
    name: stringAttribute(spec, 'name'),
    description: stringAttribute(spec, 'description'),
    vpnserviceId: service.id,
    ikepolicyId: ikeId,
    ipsecpolicyId: ipsecId,
    localEpGroupId: localEpgId,
    peerEpGroupId: peerEpgId,
    peerCidrs,
    peerAddress,
    peerId,
    localId: typeof spec.local_id === 'string' ? spec.local_id : '',
    psk,
    mtu,
    initiator,
    dpd,
    adminStateUp: spec.admin_state_up !== false,
  });
  return jsonResponse(201, { ipsec_site_connection: vpn.renderConnection(connection) });
}

/** `DELETE /v2.0/vpn/ipsec-site-connections/{id}`. */
export function deleteSiteConnection(call: OpenStackCall): EmulatorResponse {
  const vpn = vpnOf(call);
  if (!vpn.connections.delete(call.param('id'))) throw neutronError(404, 'IPsecSiteConnectionNotFound', `ipsec_site_connection ${call.param('id')} not found`);
  return { status: 204 };
}
