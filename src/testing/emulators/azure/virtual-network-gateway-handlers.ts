/**
 * `Microsoft.Network/virtualNetworkGateways` (VPN gateways): PUT, GET, list, DELETE, with the
 * network RP's rules for a site-to-site VPN gateway:
 * - every IP configuration names the VNet's subnet called exactly `GatewaySubnet` (at least a
 *   /29; learn.microsoft.com "About VPN Gateway configuration settings", "Gateway subnet", read
 *   2026-12) and a Standard public IP of the gateway's location that nothing else uses; one IP
 *   configuration, two when `activeActive`;
 * - `gatewayType` `Vpn`, `vpnType` `RouteBased` (PolicyBased needs the retired Basic SKU), a
 *   `VpnGw1`–`VpnGw5` SKU (or its `AZ` variant) of the matching generation;
 * - BGP: an ASN that is not reserved (65515, Azure's default, is the gateway's own), custom BGP
 *   addresses only from Azure's APIPA range 169.254.21.0–169.254.22.255;
 * - provisioning is slow: the PUT answers at once (201, provisioning state `Updating`, an
 *   `Azure-AsyncOperation` header) and the operation ends `Succeeded` after the emulator's
 *   `gatewayTiming.provisioningMs` (30 minutes by default; Azure takes 30–45); only then does
 *   the gateway report its BGP peering addresses and tunnel IPs. A write while an operation runs
 *   is 409 `AnotherOperationInProgress`;
 * - a gateway that a connection uses cannot be deleted: 400 `VirtualNetworkGatewayCannotBeDeleted`
 *   (the code as Terraform users report it, read 2026-12; the message is the emulator's).
 *
 * Codes the public sources do not name, chosen by the emulator and documented here:
 * `InvalidGatewaySubnet` (an IP configuration's subnet is not a usable GatewaySubnet),
 * `InvalidGatewayConfiguration` (type, SKU, generation, IP configuration count),
 * `GatewayAlreadyExistsInVirtualNetwork` (a second VPN gateway in one VNet), and
 * `InvalidCustomBgpIpAddress` (a custom BGP address outside the APIPA range).
 */
import { randomUUID } from 'node:crypto';
import { addressAt, parseCidr } from '../../../provider/cidr.js';
import { ArmError, missingParameter } from './arm-error.js';
import { asyncAnswer, resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import { pagedList } from './list-paging.js';
import { addReference, invalidPropertyId, invalidReference, removeReference } from './network-common.js';
import { idKey, isIdOfType } from './resource-id.js';
import type { ArmState } from './arm-state.js';
import { checkAsn, isAzureApipa, refuseWhileBusy, routingIdOf, routingPutBasics } from './virtual-network-gateway-common.js';
import { routingOf, type ArmBgpPeeringAddress, type ArmGatewayIpConfiguration, type ArmVirtualNetworkGateway } from './virtual-network-gateway-state.js';
import { findSubnet } from './virtual-network-handlers.js';

const GATEWAY_SUBNET = 'gatewaysubnet';
/** SKUs of a route-based VPN gateway, with the generations each comes in. */
const SKUS: Readonly<Record<string, readonly string[]>> = {
  vpngw1: ['Generation1', 'Generation2'],
  vpngw2: ['Generation1', 'Generation2'],
  vpngw3: ['Generation1', 'Generation2'],
  vpngw4: ['Generation2'],
  vpngw5: ['Generation2'],
  vpngw1az: ['Generation1', 'Generation2'],
  vpngw2az: ['Generation1', 'Generation2'],
  vpngw3az: ['Generation1', 'Generation2'],
  vpngw4az: ['Generation2'],
  vpngw5az: ['Generation2'],
};

function invalidConfiguration(message: string): ArmError {
  return new ArmError(400, 'InvalidGatewayConfiguration', message, { details: [] });
}

interface ReadIpConfiguration {
  readonly name: string;
  readonly subnetId: string;
  readonly publicIpId: string;
}

/** The IP configurations of the body, each checked against the GatewaySubnet and public IP it names. */
function readIpConfigurations(call: ArmCall, gatewayId: string, location: string, activeActive: boolean): ReadIpConfiguration[] {
  const items = call.body().at('properties.ipConfigurations').items();
  const wanted = activeActive ? 2 : 1;
  if (items.length !== wanted) {
    throw invalidConfiguration(`Virtual network gateway ${gatewayId} needs ${wanted} IP configuration${wanted > 1 ? 's' : ''} ${activeActive ? 'when activeActive is true' : 'unless activeActive is true'}; got ${items.length}.`);
  }
  const configs = items.map((item, i) => {
    const name = item.get('name').string();
    if (name === undefined) throw missingParameter(`${item.target}.name`);
    const subnetId = item.at('properties.subnet.id').string();
    if (subnetId === undefined) throw missingParameter(`${item.target}.subnet.id`);
    const publicIpId = item.at('properties.publicIPAddress.id').string();
    if (publicIpId === undefined) throw missingParameter(`${item.target}.publicIPAddress.id`);
    if (!isIdOfType(subnetId, 'Microsoft.Network/virtualNetworks/subnets')) throw invalidPropertyId(subnetId, `properties.ipConfigurations[${i}].properties.subnet.id`, 'Microsoft.Network/virtualNetworks/subnets');
    if (!isIdOfType(publicIpId, 'Microsoft.Network/publicIPAddresses')) throw invalidPropertyId(publicIpId, `properties.ipConfigurations[${i}].properties.publicIPAddress.id`, 'Microsoft.Network/publicIPAddresses');
    return { name, subnetId, publicIpId };
  });
  const configId = (c: ReadIpConfiguration): string => `${gatewayId}/ipConfigurations/${c.name}`;
  if (new Set(configs.map((c) => c.name.toLowerCase())).size !== configs.length) throw invalidConfiguration(`IP configuration names of virtual network gateway ${gatewayId} must be unique.`);
  if (new Set(configs.map((c) => idKey(c.subnetId))).size !== 1) throw new ArmError(400, 'InvalidGatewaySubnet', `All IP configurations of virtual network gateway ${gatewayId} must reference the same GatewaySubnet.`, { details: [] });
  if (new Set(configs.map((c) => idKey(c.publicIpId))).size !== configs.length) throw invalidConfiguration(`Each IP configuration of virtual network gateway ${gatewayId} needs a public IP address of its own.`);
  for (const c of configs) {
    const found = findSubnet(call.state, c.subnetId);
    if (!found || found.vnet.location !== location) throw invalidReference(c.subnetId, configId(c));
    if (found.subnet.name.toLowerCase() !== GATEWAY_SUBNET) {
      throw new ArmError(400, 'InvalidGatewaySubnet', `Subnet ${found.subnet.id} referenced by ${configId(c)} cannot be used for a virtual network gateway: the gateway subnet must be named 'GatewaySubnet'.`, { details: [] });
    }
    if (parseCidr(found.subnet.properties.addressPrefix, { lenient: true }).prefix > 29) {
      throw new ArmError(400, 'InvalidGatewaySubnet', `GatewaySubnet ${found.subnet.id} (${found.subnet.properties.addressPrefix}) is too small for a virtual network gateway: it must be /29 or larger (/27 or larger is recommended).`, { details: [] });
    }
    const ip = call.state.publicIPAddresses.get(idKey(c.publicIpId));
    if (!ip || ip.location !== location) throw invalidReference(c.publicIpId, configId(c));
    const user = ip.properties.ipConfiguration?.id;
    if (user !== undefined && idKey(user) !== idKey(configId(c))) {
      throw new ArmError(400, 'PublicIPAddressInUse', `Resource ${configId(c)} is referencing public IP address ${ip.id} that is already allocated to resource ${user}.`, { details: [] });
    }
  }
  return configs;
}

/** The BGP settings of the body, checked: ASN, and custom BGP addresses per IP configuration. */
function readBgp(call: ArmCall, gatewayId: string, configIds: readonly string[], previous: ArmVirtualNetworkGateway | undefined): { asn: number; peerWeight: number; custom: Map<string, string[]> } {
  const bgp = call.body().at('properties.bgpSettings');
  const asn = checkAsn(bgp.get('asn').number(), gatewayId, true) ?? previous?.properties.bgpSettings.asn ?? 65515;
  const peerWeight = bgp.get('peerWeight').number() ?? 0;
  const custom = new Map<string, string[]>();
  for (const entry of bgp.get('bgpPeeringAddresses').items()) {
    const configId = entry.get('ipconfigurationId').string();
    if (configId === undefined) throw missingParameter(`${entry.target}.ipconfigurationId`);
    if (!configIds.some((c) => idKey(c) === idKey(configId))) throw invalidReference(configId, gatewayId);
    const addresses = entry.get('customBgpIpAddresses').items().map((f) => f.string() ?? '');
    const bad = addresses.find((a) => !isAzureApipa(a));
    if (bad !== undefined) {
      throw new ArmError(400, 'InvalidCustomBgpIpAddress', `Custom BGP IP address ${bad} of ${configId} is not valid: custom BGP addresses must be in the range 169.254.21.0 - 169.254.22.255.`, { details: [] });
    }
    custom.set(idKey(configId), [...new Set(addresses)]);
  }
  return { asn, peerWeight, custom };
}

function link(state: ArmState, gateway: ArmVirtualNetworkGateway): void {
  for (const config of gateway.properties.ipConfigurations) {
    const found = findSubnet(state, config.properties.subnet.id);
    if (found) found.subnet.properties.ipConfigurations = addReference(found.subnet.properties.ipConfigurations, config.id);
    const ip = state.publicIPAddresses.get(idKey(config.properties.publicIPAddress.id));
    if (ip) ip.properties.ipConfiguration = { id: config.id };
  }
}

function unlink(state: ArmState, gateway: ArmVirtualNetworkGateway): void {
  for (const config of gateway.properties.ipConfigurations) {
    const found = findSubnet(state, config.properties.subnet.id);
    if (found) found.subnet.properties.ipConfigurations = removeReference(found.subnet.properties.ipConfigurations, config.id);
    const ip = state.publicIPAddresses.get(idKey(config.properties.publicIPAddress.id));
    if (ip?.properties.ipConfiguration && idKey(ip.properties.ipConfiguration.id) === idKey(config.id)) delete ip.properties.ipConfiguration;
  }
}

/** What provisioning gives a gateway: its default BGP addresses (the GatewaySubnet's last hosts) and its tunnel IPs. */
function provisioned(state: ArmState, gateway: ArmVirtualNetworkGateway): void {
  const props = gateway.properties;
  props.provisioningState = 'Succeeded';
  for (const config of props.ipConfigurations) config.properties.provisioningState = 'Succeeded';
  const subnet = findSubnet(state, props.ipConfigurations[0]!.properties.subnet.id)?.subnet;
  const range = subnet ? parseCidr(subnet.properties.addressPrefix, { lenient: true }) : undefined;
  const size = range ? range.last - range.first : 0n;
  const peering: ArmBgpPeeringAddress[] = props.ipConfigurations.map((config, i) => {
    const previous = props.bgpSettings.bgpPeeringAddresses?.find((p) => idKey(p.ipconfigurationId) === idKey(config.id));
    const ip = state.publicIPAddresses.get(idKey(config.properties.publicIPAddress.id));
    return {
      ipconfigurationId: config.id,
      // Azure takes the highest hosts of the GatewaySubnet (`10.0.1.30` in a /27 at 10.0.1.0).
      defaultBgpIpAddresses: range ? [addressAt(range, size - 1n - BigInt(i))] : [],
      customBgpIpAddresses: previous?.customBgpIpAddresses ?? [],
      tunnelIpAddresses: ip ? [ip.properties.ipAddress] : [],
    };
  });
  props.bgpSettings.bgpPeeringAddresses = peering;
  props.bgpSettings.bgpPeeringAddress = peering.flatMap((p) => p.defaultBgpIpAddresses).join(',');
}

/** PUT a VPN gateway. */
export function putVirtualNetworkGateway(call: ArmCall): ArmAnswer {
  const { location, tags } = routingPutBasics(call, 'virtualNetworkGateways');
  const id = routingIdOf(call, 'virtualNetworkGateways', 'gatewayName');
  const routing = routingOf(call.state);
  const existing = routing.virtualNetworkGateways.get(idKey(id));
  if (existing) refuseWhileBusy(call, existing.id, existing.location);
  const gatewayId = existing?.id ?? id;
  const props = call.body().get('properties');
  const gatewayType = props.get('gatewayType').string();
  if (gatewayType === undefined) throw missingParameter('gatewayType');
  if (gatewayType.toLowerCase() !== 'vpn') throw invalidConfiguration(`Gateway type '${gatewayType}' is not served by the emulator: only 'Vpn' gateways are.`);
  const vpnType = props.get('vpnType').string() ?? 'RouteBased';
  if (vpnType.toLowerCase() !== 'routebased') throw invalidConfiguration(`VPN type '${vpnType}' needs the Basic SKU, which can no longer be created; use 'RouteBased'.`);
  const skuName = props.at('sku.name').string();
  if (skuName === undefined) throw missingParameter('sku.name');
  const generations = SKUS[skuName.toLowerCase()];
  if (generations === undefined) throw invalidConfiguration(`SKU '${skuName}' is not a VPN gateway SKU of a route-based gateway: use one of VpnGw1-VpnGw5 or VpnGw1AZ-VpnGw5AZ.`);
  const generation = props.get('vpnGatewayGeneration').string() ?? generations[0]!;
  if (!generations.includes(generation)) throw invalidConfiguration(`SKU '${skuName}' is not offered in ${generation}; it comes in ${generations.join(', ')}.`);
  const activeActive = props.get('activeActive').boolean() ?? false;
  if (existing && (existing.properties.vpnType.toLowerCase() !== vpnType.toLowerCase() || existing.properties.vpnGatewayGeneration !== generation)) {
    throw new ArmError(400, 'PropertyChangeNotAllowed', `Changing property 'vpnType' or 'vpnGatewayGeneration' is not allowed for virtual network gateway ${gatewayId}.`, { details: [] });
  }
  const configs = readIpConfigurations(call, gatewayId, location, activeActive);
  const configIds = configs.map((c) => `${gatewayId}/ipConfigurations/${c.name}`);
  const vnetKey = idKey(configs[0]!.subnetId).replace(/\/subnets\/[^/]+$/, '');
  const other = [...routing.virtualNetworkGateways.values()].find((g) => idKey(g.id) !== idKey(gatewayId) && g.properties.ipConfigurations.some((c) => idKey(c.properties.subnet.id).startsWith(`${vnetKey}/`)));
  if (other) throw new ArmError(400, 'GatewayAlreadyExistsInVirtualNetwork', `Virtual network ${configs[0]!.subnetId.replace(/\/subnets\/[^/]+$/, '')} already has virtual network gateway ${other.id}; a virtual network has one VPN gateway.`, { details: [] });
  const bgp = readBgp(call, gatewayId, configIds, existing);
  const enableBgp = props.get('enableBgp').boolean() ?? false;

  const ipConfigurations: ArmGatewayIpConfiguration[] = configs.map((c, i) => ({
    name: c.name,
    id: configIds[i]!,
    etag: call.state.networkEtag(),
    properties: { provisioningState: 'Updating', privateIPAllocationMethod: 'Dynamic', subnet: { id: c.subnetId }, publicIPAddress: { id: c.publicIpId } },
  }));
  const gateway: ArmVirtualNetworkGateway = {
    id: gatewayId,
    name: existing?.name ?? call.param('gatewayName'),
    type: 'Microsoft.Network/virtualNetworkGateways',
    location: existing?.location ?? location,
    ...(tags ? { tags } : {}),
    etag: call.state.networkEtag(),
    properties: {
      provisioningState: 'Updating',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
      ipConfigurations,
      sku: { name: skuName, tier: skuName, capacity: 2 },
      gatewayType: 'Vpn',
      vpnType: 'RouteBased',
      vpnGatewayGeneration: generation,
      enableBgp,
      activeActive,
      disableIPSecReplayProtection: props.get('disableIPSecReplayProtection').boolean() ?? false,
      enablePrivateIpAddress: props.get('enablePrivateIpAddress').boolean() ?? false,
      bgpSettings: {
        asn: bgp.asn,
        peerWeight: bgp.peerWeight,
        ...(existing?.properties.bgpSettings.bgpPeeringAddress !== undefined ? { bgpPeeringAddress: existing.properties.bgpSettings.bgpPeeringAddress } : {}),
        bgpPeeringAddresses: configIds.map((configId) => {
          const previous = existing?.properties.bgpSettings.bgpPeeringAddresses?.find((p) => idKey(p.ipconfigurationId) === idKey(configId));
          return {
            ipconfigurationId: configId,
            defaultBgpIpAddresses: previous?.defaultBgpIpAddresses ?? [],
            customBgpIpAddresses: bgp.custom.get(idKey(configId)) ?? [],
            tunnelIpAddresses: previous?.tunnelIpAddresses ?? [],
          };
        }),
      },
    },
  };
  if (existing) unlink(call.state, existing);
  link(call.state, gateway);
  routing.virtualNetworkGateways.set(idKey(gatewayId), gateway);
  const timing = routing.timing;
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: gateway.location,
      target: gateway.id,
      runningMs: existing ? timing.updateMs : timing.provisioningMs,
      effect: () => {
        if (routing.virtualNetworkGateways.get(idKey(gateway.id)) === gateway) provisioned(call.state, gateway);
        return undefined;
      },
    },
    { status: existing ? 200 : 201, body: structuredClone(gateway), withLocation: false },
  );
}

function gatewayOf(call: ArmCall): ArmVirtualNetworkGateway | undefined {
  return routingOf(call.state).virtualNetworkGateways.get(idKey(routingIdOf(call, 'virtualNetworkGateways', 'gatewayName')));
}

/** GET a VPN gateway. */
export function getVirtualNetworkGateway(call: ArmCall): ArmAnswer {
  const gateway = gatewayOf(call);
  if (!gateway) throw resourceNotFound('Microsoft.Network/virtualNetworkGateways', call.param('gatewayName'), call.group().name);
  return { status: 200, body: gateway };
}

/** GET the VPN gateways of a resource group. */
export function listVirtualNetworkGateways(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/virtualNetworkGateways/`);
  return pagedList(call, [...routingOf(call.state).virtualNetworkGateways.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v);
}

/** DELETE a VPN gateway (refused while a connection uses it, or while an operation runs). */
export function deleteVirtualNetworkGateway(call: ArmCall): ArmAnswer {
  const routing = routingOf(call.state);
  const gateway = gatewayOf(call);
  if (!gateway) return { status: 204 };
  refuseWhileBusy(call, gateway.id, gateway.location);
  const users = [...routing.connections.values()].filter((c) => idKey(c.body.properties.virtualNetworkGateway1.id) === idKey(gateway.id)).map((c) => c.body.id);
  if (users.length > 0) {
    throw new ArmError(400, 'VirtualNetworkGatewayCannotBeDeleted', `Virtual network gateway ${gateway.id} cannot be deleted because it is used by connection(s) ${users.join(', ')}. Delete the connections first.`, { details: [] });
  }
  gateway.properties.provisioningState = 'Deleting';
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: gateway.location,
      target: gateway.id,
      runningMs: routing.timing.deleteMs,
      effect: () => {
        unlink(call.state, gateway);
        routing.virtualNetworkGateways.delete(idKey(gateway.id));
        return undefined;
      },
    },
    { status: 202, withLocation: true },
  );
}
