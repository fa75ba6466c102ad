/**
 * HA VPN gateways and external VPN gateways (Compute Engine REST reference v1, `vpnGateways`
 * and `externalVpnGateways`, read 2026-12).
 *
 * - `vpnGateways.insert` (regional) takes a network of the project and gets two interfaces
 *   (`vpnInterfaces` 0 and 1) with external addresses GCE assigns; `stackType` is `IPV4_ONLY`
 *   or `IPV4_IPV6`.
 * - `externalVpnGateways.insert` (global) describes the peer: `redundancyType`
 *   `SINGLE_IP_INTERNALLY_REDUNDANT`, `TWO_IPS_REDUNDANCY` or `FOUR_IPS_REDUNDANCY`, and exactly
 *   one, two or four `interfaces` (ids 0…n-1, each an IPv4 `ipAddress`).
 * - Either is refused deletion (400 `resourceInUseByAnotherResource`) while a VPN tunnel uses it.
 */
import { Address4 } from 'ip-address';
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { arrayField, integerField, stringField, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceOperation } from './gce-shapes.js';
import { checkName } from './instance-insert.js';
import { checkLabels } from './label-rules.js';
import type { ExternalVpnGatewayRecord, GatewayInterfaceRecord, VpnGatewayRecord } from './network-state.js';
import { aggregatedAnswer, inUse, listAnswer, networkOfField, networkState, renderer, repeatedWrite, startWrite, urls } from './network-writes.js';

const INTERFACES_OF: Readonly<Record<string, number>> = { SINGLE_IP_INTERNALLY_REDUNDANT: 1, TWO_IPS_REDUNDANCY: 2, FOUR_IPS_REDUNDANCY: 4 };

function existingVpnGateway(call: GceCall): VpnGatewayRecord {
  const region = call.region();
  const gateway = networkState(call).vpnGateways.get(`${region}/${call.param('vpnGateway')}`);
  if (!gateway) throw call.notFound(`projects/${call.state.project}/regions/${region}/vpnGateways/${call.param('vpnGateway')}`);
  return gateway;
}

function existingExternal(call: GceCall): ExternalVpnGatewayRecord {
  const gateway = networkState(call).externalVpnGateways.get(call.param('externalVpnGateway'));
  if (!gateway) throw call.notFound(`projects/${call.state.project}/global/externalVpnGateways/${call.param('externalVpnGateway')}`);
  return gateway;
}

/** `vpnGateways.insert`: an HA VPN gateway with two interfaces. */
export function insertVpnGateway(call: GceCall): GceOperation {
  const region = call.region();
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const { state: owner, network } = networkOfField(call, stringField(body.network, 'resource.network'), 'resource.network');
  const state = networkState(call);
  if (owner !== state) throw invalidField('resource.network', body.network, 'The network must be in the project of the VPN gateway.');
  const stackType = stringField(body.stackType, 'resource.stackType') ?? 'IPV4_ONLY';
  if (stackType !== 'IPV4_ONLY' && stackType !== 'IPV4_IPV6') throw invalidField('resource.stackType', stackType, 'Must be IPV4_ONLY or IPV4_IPV6.');
  const labels = checkLabels(body.labels, 'resource.labels');
  const key = `${region}/${name}`;
  if (!state.reserve('vpnGateways', key)) throw alreadyExists(`projects/${call.state.project}/regions/${region}/vpnGateways/${name}`);
  const id = state.id();
  const interfaces: GatewayInterfaceRecord[] = [0, 1].map((i) => ({ id: i, ipAddress: state.fabric.vpnAddress() }));
  const record: VpnGatewayRecord = { id, name, region, network: network.name, description: stringField(body.description, 'resource.description'), labels, interfaces, stackType, createdAt: state.time() };
  return startWrite(call, {
    region,
    type: 'insert',
    targetLink: urls(call).vpnGateway(region, name),
    targetId: id,
    onDone: () => {
      state.release('vpnGateways', key);
      state.vpnGateways.set(key, record);
    },
  });
}

/** `vpnGateways.get`. */
export function getVpnGateway(call: GceCall): GceJsonObject {
  return renderer(call).vpnGateway(existingVpnGateway(call));
}

/** `vpnGateways.list` (one region). */
export function listVpnGateways(call: GceCall): object {
  const region = call.region();
  const r = renderer(call);
  const items = [...networkState(call).vpnGateways.values()].filter((g) => g.region === region).map((g) => r.vpnGateway(g));
  return listAnswer(call, 'compute#vpnGatewayList', `projects/${call.state.project}/regions/${region}/vpnGateways`, items);
}

/** `vpnGateways.aggregatedList`. */
export function aggregatedListVpnGateways(call: GceCall): object {
  const r = renderer(call);
  return aggregatedAnswer(call, 'compute#vpnGatewayAggregatedList', 'vpnGateways', [...networkState(call).vpnGateways.values()].map((g) => ({ region: g.region, item: r.vpnGateway(g) })));
}

/** `vpnGateways.delete`: refused while a tunnel uses the gateway. */
export function deleteVpnGateway(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const gateway = existingVpnGateway(call);
  const state = networkState(call);
  const u = urls(call);
  const url = u.vpnGateway(gateway.region, gateway.name);
  const tunnel = [...state.vpnTunnels.values()].find((t) => t.region === gateway.region && t.vpnGateway === gateway.name);
  if (tunnel) throw inUse('vpn_gateway', url, u.vpnTunnel(tunnel.region, tunnel.name));
  return startWrite(call, { region: gateway.region, type: 'delete', targetLink: url, targetId: gateway.id, onDone: () => state.vpnGateways.delete(`${gateway.region}/${gateway.name}`) });
}

/** The interfaces of an external gateway, checked against its redundancy type. */
function externalInterfaces(body: GceJsonObject, redundancyType: string): GatewayInterfaceRecord[] {
  const wanted = INTERFACES_OF[redundancyType]!;
  const items = arrayField(body.interfaces, 'resource.interfaces');
  if (items.length !== wanted) throw invalidField('resource.interfaces', '', `An external VPN gateway with redundancy type ${redundancyType} must have exactly ${wanted} interface(s); ${items.length} given.`);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const field = `resource.interfaces[${i}]`;
    const id = integerField(item.id, `${field}.id`) ?? i;
    if (id !== i) throw invalidField(`${field}.id`, id, `Interface ids must be 0 to ${wanted - 1}, in order.`);
    const ip = stringField(item.ipAddress, `${field}.ipAddress`);
    if (ip === undefined || ip === '') throw new GceError(400, 'required', `Required field '${field}.ipAddress' not specified`);
    if (!Address4.isValid(ip) || ip.includes('/')) throw invalidField(`${field}.ipAddress`, ip, 'Must be an IPv4 address.');
    if (seen.has(ip)) throw invalidField(`${field}.ipAddress`, ip, 'The interfaces of an external VPN gateway must have distinct addresses.');
    seen.add(ip);
    return { id, ipAddress: ip };
  });
}

/** `externalVpnGateways.insert`. */
export function insertExternalVpnGateway(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const redundancyType = stringField(body.redundancyType, 'resource.redundancyType');
  if (redundancyType === undefined || redundancyType === '') throw new GceError(400, 'required', "Required field 'resource.redundancyType' not specified");
  if (INTERFACES_OF[redundancyType] === undefined) throw invalidField('resource.redundancyType', redundancyType, 'Must be SINGLE_IP_INTERNALLY_REDUNDANT, TWO_IPS_REDUNDANCY or FOUR_IPS_REDUNDANCY.');
  const interfaces = externalInterfaces(body, redundancyType);
  const labels = checkLabels(body.labels, 'resource.labels');
  const state = networkState(call);
  if (!state.reserve('externalVpnGateways', name)) throw alreadyExists(`projects/${call.state.project}/global/externalVpnGateways/${name}`);
  const id = state.id();
  const record: ExternalVpnGatewayRecord = { id, name, description: stringField(body.description, 'resource.description'), labels, redundancyType, interfaces, createdAt: state.time() };
  return startWrite(call, {
    type: 'insert',
    targetLink: urls(call).externalVpnGateway(name),
    targetId: id,
    onDone: () => {
      state.release('externalVpnGateways', name);
      state.externalVpnGateways.set(name, record);
    },
  });
}

/** `externalVpnGateways.get`. */
export function getExternalVpnGateway(call: GceCall): GceJsonObject {
  return renderer(call).externalVpnGateway(existingExternal(call));
}

/** `externalVpnGateways.list`. */
export function listExternalVpnGateways(call: GceCall): object {
  const r = renderer(call);
  return listAnswer(call, 'compute#externalVpnGatewayList', `projects/${call.state.project}/global/externalVpnGateways`, [...networkState(call).externalVpnGateways.values()].map((g) => r.externalVpnGateway(g)));
}

/** `externalVpnGateways.delete`: refused while a tunnel uses the gateway. */
export function deleteExternalVpnGateway(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const gateway = existingExternal(call);
  const state = networkState(call);
  const u = urls(call);
  const url = u.externalVpnGateway(gateway.name);
  const tunnel = [...state.vpnTunnels.values()].find((t) => t.peerExternalGateway === gateway.name);
  if (tunnel) throw inUse('external_vpn_gateway', url, u.vpnTunnel(tunnel.region, tunnel.name));
  return startWrite(call, { type: 'delete', targetLink: url, targetId: gateway.id, onDone: () => state.externalVpnGateways.delete(gateway.name) });
}
