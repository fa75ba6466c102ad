/**
 * `Microsoft.Network/virtualNetworks` and their `subnets`: PUT, GET, list, DELETE. A subnet that
 * NIC IP configurations use cannot be removed (400 `InUseSubnetCannotBeDeleted`, "Subnet {name}
 * is in use by {ipConfig} and cannot be deleted. In order to delete the subnet, delete all the
 * resources within the subnet. See aka.ms/deletesubnet."; a missing subnet is 404 `NotFound`
 * "Resource {id} not found." — network RP wording as Azure troubleshooting pages quote it, read 2026-12).
 */
import { randomUUID } from 'node:crypto';
import { ArmError, missingParameter } from './arm-error.js';
import { resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmState } from './arm-state.js';
import type { ArmSubnet, ArmVirtualNetwork } from './arm-shapes.js';
import { pagedList } from './list-paging.js';
import { addReference, networkDeleteAnswer, networkIdOf, networkNotFound, networkPutAnswer, networkPutBasics, removeReference, resolveReference } from './network-common.js';
import type { BodyField } from './request-body.js';
import { idKey } from './resource-id.js';

/** A subnet as stored. */
export function buildSubnet(state: ArmState, vnetId: string, name: string, addressPrefix: string, nsgId: string | undefined): ArmSubnet {
  return {
    name,
    id: `${vnetId}/subnets/${name}`,
    etag: state.networkEtag(),
    type: 'Microsoft.Network/virtualNetworks/subnets',
    properties: {
      provisioningState: 'Succeeded',
      addressPrefix,
      ...(nsgId !== undefined ? { networkSecurityGroup: { id: nsgId } } : {}),
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

/** A virtual network as stored. */
export function buildVirtualNetwork(state: ArmState, id: string, name: string, location: string, addressPrefixes: string[], subnets: ArmSubnet[], tags?: Record<string, string>): ArmVirtualNetwork {
  return {
    id,
    name,
    type: 'Microsoft.Network/virtualNetworks',
    location,
    ...(tags ? { tags } : {}),
    etag: state.networkEtag(),
    properties: { provisioningState: 'Succeeded', resourceGuid: randomUUID(), addressSpace: { addressPrefixes }, subnets, virtualNetworkPeerings: [], enableDdosProtection: false },
  };
}

function subnetInUse(subnet: ArmSubnet): ArmError {
  const user = subnet.properties.ipConfigurations?.[0]?.id ?? '';
  return new ArmError(400, 'InUseSubnetCannotBeDeleted', `Subnet ${subnet.name} is in use by ${user} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`, { details: [] });
}

function readSubnet(call: ArmCall, field: BodyField, vnetId: string, location: string, name: string, previous: ArmSubnet | undefined): ArmSubnet {
  const props = field.get('properties');
  const prefix = props.get('addressPrefix').string() ?? props.get('addressPrefixes').items()[0]?.string();
  if (prefix === undefined) throw missingParameter(`${props.target}.addressPrefix`);
  const nsgRef = props.at('networkSecurityGroup.id').string();
  const subnetId = `${vnetId}/subnets/${name}`;
  const oldNsg = previous?.properties.networkSecurityGroup?.id;
  if (oldNsg !== undefined) {
    const old = call.state.networkSecurityGroups.get(idKey(oldNsg));
    if (old) old.properties.subnets = removeReference(old.properties.subnets, subnetId);
  }
  if (nsgRef !== undefined) {
    const nsg = resolveReference(call.state.networkSecurityGroups, nsgRef, `${props.path}.networkSecurityGroup.id`, 'Microsoft.Network/networkSecurityGroups', subnetId, location);
    nsg.properties.subnets = addReference(nsg.properties.subnets, subnetId);
  }
  const subnet = buildSubnet(call.state, vnetId, previous?.name ?? name, prefix, nsgRef);
  if (previous?.properties.ipConfigurations) subnet.properties.ipConfigurations = previous.properties.ipConfigurations;
  return subnet;
}

/** PUT a virtual network (with its subnets). */
export function putVirtualNetwork(call: ArmCall): ArmAnswer {
  const { location, tags } = networkPutBasics(call, 'virtualNetworks');
  const id = networkIdOf(call, 'virtualNetworks', 'vnetName');
  const existing = call.state.virtualNetworks.get(idKey(id));
  const props = call.body().get('properties');
  const prefixes = props.at('addressSpace.addressPrefixes').items().map((f) => f.string() ?? '');
  if (prefixes.length === 0) throw missingParameter('addressSpace.addressPrefixes');
  const subnets = props.get('subnets').items().map((f) => {
    const name = f.get('name').string();
    if (name === undefined) throw missingParameter(`${f.target}.name`);
    const previous = existing?.properties.subnets.find((s) => s.name.toLowerCase() === name.toLowerCase());
    return readSubnet(call, f, existing?.id ?? id, location, name, previous);
  });
  for (const old of existing?.properties.subnets ?? []) {
    const kept = subnets.some((s) => s.name.toLowerCase() === old.name.toLowerCase());
    if (!kept && (old.properties.ipConfigurations?.length ?? 0) > 0) throw subnetInUse(old);
  }
  const vnet = buildVirtualNetwork(call.state, existing?.id ?? id, existing?.name ?? call.param('vnetName'), existing?.location ?? location, prefixes, subnets, tags);
  call.state.virtualNetworks.set(idKey(id), vnet);
  return networkPutAnswer(call, existing === undefined, vnet);
}

/** GET a virtual network. */
export function getVirtualNetwork(call: ArmCall): ArmAnswer {
  const vnet = call.state.virtualNetworks.get(idKey(networkIdOf(call, 'virtualNetworks', 'vnetName')));
  if (!vnet) throw networkNotFound(call, 'virtualNetworks', 'vnetName');
  return { status: 200, body: vnet };
}

/** GET the virtual networks of a resource group. */
export function listVirtualNetworks(call: ArmCall): ArmAnswer {
  const group = call.group();
  const prefix = idKey(`${group.id}/providers/Microsoft.Network/virtualNetworks/`);
  return pagedList(call, [...call.state.virtualNetworks.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v);
}

/** DELETE a virtual network (refused while a subnet is in use). */
export function deleteVirtualNetwork(call: ArmCall): ArmAnswer {
  const id = networkIdOf(call, 'virtualNetworks', 'vnetName');
  const vnet = call.state.virtualNetworks.get(idKey(id));
  if (!vnet) return { status: 204 };
  const used = vnet.properties.subnets.find((s) => (s.properties.ipConfigurations?.length ?? 0) > 0);
  if (used) throw subnetInUse(used);
  return networkDeleteAnswer(call, vnet, () => call.state.virtualNetworks.delete(idKey(id)));
}

function vnetOf(call: ArmCall): ArmVirtualNetwork {
  const vnet = call.state.virtualNetworks.get(idKey(networkIdOf(call, 'virtualNetworks', 'vnetName')));
  if (!vnet) throw resourceNotFound('Microsoft.Network/virtualNetworks', call.param('vnetName'), call.group().name);
  return vnet;
}

function subnetNotFound(vnet: ArmVirtualNetwork, name: string): ArmError {
  return new ArmError(404, 'NotFound', `Resource ${vnet.id}/subnets/${name} not found.`, { details: [] });
}

/** GET a subnet. */
export function getSubnet(call: ArmCall): ArmAnswer {
  const vnet = vnetOf(call);
  const name = call.param('subnetName');
  const subnet = vnet.properties.subnets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!subnet) throw subnetNotFound(vnet, name);
  return { status: 200, body: subnet };
}

/** GET the subnets of a virtual network. */
export function listSubnets(call: ArmCall): ArmAnswer {
  return pagedList(call, vnetOf(call).properties.subnets, (s) => s);
}

/** PUT a subnet. */
export function putSubnet(call: ArmCall): ArmAnswer {
  const vnet = vnetOf(call);
  const name = call.param('subnetName');
  const index = vnet.properties.subnets.findIndex((s) => s.name.toLowerCase() === name.toLowerCase());
  const subnet = readSubnet(call, call.body(), vnet.id, vnet.location, name, vnet.properties.subnets[index]);
  if (index >= 0) vnet.properties.subnets[index] = subnet;
  else vnet.properties.subnets.push(subnet);
  return networkPutAnswer(call, index < 0, { location: vnet.location, id: subnet.id, properties: subnet.properties });
}

/** DELETE a subnet (refused while in use). */
export function deleteSubnet(call: ArmCall): ArmAnswer {
  const vnet = vnetOf(call);
  const name = call.param('subnetName');
  const subnet = vnet.properties.subnets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!subnet) return { status: 204 };
  if ((subnet.properties.ipConfigurations?.length ?? 0) > 0) throw subnetInUse(subnet);
  return networkDeleteAnswer(call, { location: vnet.location, id: subnet.id, properties: subnet.properties }, () => {
    vnet.properties.subnets = vnet.properties.subnets.filter((s) => s !== subnet);
    const nsgId = subnet.properties.networkSecurityGroup?.id;
    const nsg = nsgId !== undefined ? call.state.networkSecurityGroups.get(idKey(nsgId)) : undefined;
    if (nsg) nsg.properties.subnets = removeReference(nsg.properties.subnets, subnet.id);
  });
}

/** Finds a subnet by id across the subscription's virtual networks. */
export function findSubnet(state: ArmState, subnetId: string): { vnet: ArmVirtualNetwork; subnet: ArmSubnet } | undefined {
  const key = idKey(subnetId);
  const vnetKey = key.replace(/\/subnets\/[^/]+$/, '');
  const vnet = state.virtualNetworks.get(vnetKey);
  const subnet = vnet?.properties.subnets.find((s) => idKey(s.id) === key);
  return vnet && subnet ? { vnet, subnet } : undefined;
}
