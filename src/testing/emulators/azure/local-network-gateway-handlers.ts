/**
 * `Microsoft.Network/localNetworkGateways` (the far side of a site-to-site VPN): PUT, GET, list,
 * DELETE. A local network gateway names the far side's public IP (`gatewayIpAddress`, or an
 * `fqdn`), the ranges behind it (`localNetworkAddressSpace.addressPrefixes`) and, for BGP, its
 * speaker (`bgpSettings.asn` with `bgpPeeringAddress`, both or neither). Updating its prefixes
 * while a connection uses it is allowed (learn.microsoft.com "Modify local network gateway
 * settings", read 2026-12); deleting it then is not: 400 `InUseLocalNetworkGatewayCannotBeDeleted`
 * (code inferred from the network RP's `InUse…CannotBeDeleted` family; no public source quotes it).
 * A missing or malformed IP is 400 `InvalidLocalNetworkGatewayConfiguration` (the emulator's code).
 */
import { randomUUID } from 'node:crypto';
import { isIpAddress } from '../../../provider/cidr.js';
import { ArmError } from './arm-error.js';
import { resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import { pagedList } from './list-paging.js';
import { networkDeleteAnswer, networkPutAnswer } from './network-common.js';
import { idKey } from './resource-id.js';
import { checkAsn, readPrefix, refuseWhileBusy, routingIdOf, routingPutBasics } from './virtual-network-gateway-common.js';
import { routingOf, type ArmBgpSettings, type ArmLocalNetworkGateway } from './virtual-network-gateway-state.js';

function invalid(message: string): ArmError {
  return new ArmError(400, 'InvalidLocalNetworkGatewayConfiguration', message, { details: [] });
}

/** PUT a local network gateway. */
export function putLocalNetworkGateway(call: ArmCall): ArmAnswer {
  const { location, tags } = routingPutBasics(call, 'localNetworkGateways');
  const id = routingIdOf(call, 'localNetworkGateways', 'localGatewayName');
  const routing = routingOf(call.state);
  const existing = routing.localNetworkGateways.get(idKey(id));
  if (existing) refuseWhileBusy(call, existing.id, existing.location);
  const gatewayId = existing?.id ?? id;
  const props = call.body().get('properties');
  const ip = props.get('gatewayIpAddress').string();
  const fqdn = props.get('fqdn').string();
  if (ip === undefined && fqdn === undefined) throw invalid(`Local network gateway ${gatewayId} needs a gatewayIpAddress or an fqdn.`);
  if (ip !== undefined && (!isIpAddress(ip) || ip.includes(':'))) throw invalid(`Gateway IP address '${ip}' of local network gateway ${gatewayId} is not a valid IPv4 address.`);
  const prefixes = props.at('localNetworkAddressSpace.addressPrefixes').items().map((f) => readPrefix(f.string(), gatewayId).text);
  const bgpField = props.get('bgpSettings');
  let bgpSettings: ArmBgpSettings | undefined;
  if (bgpField.present) {
    const asn = checkAsn(bgpField.get('asn').number(), gatewayId, false);
    const peering = bgpField.get('bgpPeeringAddress').string();
    if (asn === undefined || peering === undefined) throw invalid(`BGP settings of local network gateway ${gatewayId} need both asn and bgpPeeringAddress.`);
    if (!isIpAddress(peering)) throw invalid(`BGP peering address '${peering}' of local network gateway ${gatewayId} is not a valid IP address.`);
    bgpSettings = { asn, bgpPeeringAddress: peering, peerWeight: bgpField.get('peerWeight').number() ?? 0 };
  }
  const gateway: ArmLocalNetworkGateway = {
    id: gatewayId,
    name: existing?.name ?? call.param('localGatewayName'),
    type: 'Microsoft.Network/localNetworkGateways',
    location: existing?.location ?? location,
    ...(tags ? { tags } : {}),
    etag: call.state.networkEtag(),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
      localNetworkAddressSpace: { addressPrefixes: prefixes },
      ...(ip !== undefined ? { gatewayIpAddress: ip } : {}),
      ...(fqdn !== undefined ? { fqdn } : {}),
      ...(bgpSettings ? { bgpSettings } : {}),
    },
  };
  routing.localNetworkGateways.set(idKey(gatewayId), gateway);
  return networkPutAnswer(call, existing === undefined, gateway);
}

function localGatewayOf(call: ArmCall): ArmLocalNetworkGateway | undefined {
  return routingOf(call.state).localNetworkGateways.get(idKey(routingIdOf(call, 'localNetworkGateways', 'localGatewayName')));
}

/** GET a local network gateway. */
export function getLocalNetworkGateway(call: ArmCall): ArmAnswer {
  const gateway = localGatewayOf(call);
  if (!gateway) throw resourceNotFound('Microsoft.Network/localNetworkGateways', call.param('localGatewayName'), call.group().name);
  return { status: 200, body: gateway };
}

/** GET the local network gateways of a resource group. */
export function listLocalNetworkGateways(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/localNetworkGateways/`);
  return pagedList(call, [...routingOf(call.state).localNetworkGateways.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v);
}

/** DELETE a local network gateway (refused while a connection uses it). */
export function deleteLocalNetworkGateway(call: ArmCall): ArmAnswer {
  const routing = routingOf(call.state);
  const gateway = localGatewayOf(call);
  if (!gateway) return { status: 204 };
  refuseWhileBusy(call, gateway.id, gateway.location);
  const users = [...routing.connections.values()].filter((c) => idKey(c.body.properties.localNetworkGateway2.id) === idKey(gateway.id)).map((c) => c.body.id);
  if (users.length > 0) {
    throw new ArmError(400, 'InUseLocalNetworkGatewayCannotBeDeleted', `Local network gateway ${gateway.id} is in use by connection(s) ${users.join(', ')} and cannot be deleted. Delete the connections first.`, { details: [] });
  }
  return networkDeleteAnswer(call, gateway, () => routing.localNetworkGateways.delete(idKey(gateway.id)));
}
