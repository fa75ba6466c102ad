/**
 * `Microsoft.Network/virtualNetworks` and their `subnets`: PUT, GET, list, DELETE. A subnet that
 * NIC or gateway IP configurations use cannot be removed (400 `InUseSubnetCannotBeDeleted`, "Subnet {name}
 * is in use by {ipConfig} and cannot be deleted. In order to delete the subnet, delete all the
 * resources within the subnet. See aka.ms/deletesubnet."; a missing subnet is 404 `NotFound`
 * "Resource {id} not found." — network RP wording as Azure troubleshooting pages quote it, read 2026-12).
 *
 * Address ranges, as the network RP checks them (codes and wording as Azure CLI users quote them,
 * read 2026-12): a subnet outside its VNet's address space is 400 `NetcfgSubnetRangeOutsideVnet`
 * ("Subnet '{name}' is not valid because its IP address range is outside the IP address range of
 * virtual network '{vnet}'."); one overlapping another subnet is 400 `NetcfgSubnetRangesOverlap`
 * ("Subnet '{name}' is not valid because its IP address range overlaps with that of an existing
 * subnet '{other}' in virtual network '{vnet}'."); a prefix with host bits set is 400
 * `InvalidCIDRNotation` (see `virtual-network-gateway-common.ts`).
 *
 * A subnet may name a route table of its location (`properties.routeTable.id`, kept in the
 * table's `subnets`); a VNet's peerings (`properties.virtualNetworkPeerings`, see
 * `vnet-peering-handlers.ts`) survive a PUT of the VNet, and deleting the VNet leaves the remote
 * side of each peering `Disconnected`.
 */
import { randomUUID } from 'node:crypto';
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { ArmError, missingParameter } from './arm-error.js';
import { resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmState } from './arm-state.js';
import type { ArmSubnet, ArmSubnetProperties, ArmVirtualNetwork, SubResource } from './arm-shapes.js';
import { pagedList } from './list-paging.js';
import { addReference, networkDeleteAnswer, networkIdOf, networkNotFound, networkPutAnswer, networkPutBasics, removeReference, resolveReference } from './network-common.js';
import type { BodyField } from './request-body.js';
import { idKey } from './resource-id.js';
import { readPrefix } from './virtual-network-gateway-common.js';
import { routingOf } from './virtual-network-gateway-state.js';
import { disconnectRemoteLinks } from './vnet-peering-handlers.js';

/** A subnet's properties with the route table it may name (the network RP's `routeTable`). */
export type RoutedSubnetProperties = ArmSubnetProperties & {
  /** The route table associated with the subnet. */
  routeTable?: SubResource;
};

/** The route table a subnet names, if any. */
export function routeTableOfSubnet(subnet: ArmSubnet): string | undefined {
  return (subnet.properties as RoutedSubnetProperties).routeTable?.id;
}

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

/** Where a subnet goes: its VNet's address space and the subnets already there (the one being replaced left out). */
interface SubnetPlace {
  readonly vnetName: string;
  readonly addressSpace: readonly Cidr[];
  readonly siblings: readonly ArmSubnet[];
}

/** Refuses a subnet range outside the VNet or overlapping a sibling, in the network RP's words. */
function checkSubnetRange(name: string, range: Cidr, place: SubnetPlace): void {
  if (!place.addressSpace.some((space) => cidrContains(space, range))) {
    throw new ArmError(400, 'NetcfgSubnetRangeOutsideVnet', `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${place.vnetName}'.`, { details: [] });
  }
  const clash = place.siblings.find((s) => s.name.toLowerCase() !== name.toLowerCase() && cidrsOverlap(parseCidr(s.properties.addressPrefix, { lenient: true }), range));
  if (clash) {
    throw new ArmError(400, 'NetcfgSubnetRangesOverlap', `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${clash.name}' in virtual network '${place.vnetName}'.`, { details: [] });
  }
}

function readSubnet(call: ArmCall, field: BodyField, vnetId: string, location: string, name: string, previous: ArmSubnet | undefined, place: SubnetPlace): ArmSubnet {
  const props = field.get('properties');
  const prefix = props.get('addressPrefix').string() ?? props.get('addressPrefixes').items()[0]?.string();
  if (prefix === undefined) throw missingParameter(`${props.target}.addressPrefix`);
  const subnetId = `${vnetId}/subnets/${name}`;
  checkSubnetRange(name, readPrefix(prefix, subnetId), place);
  const nsgRef = props.at('networkSecurityGroup.id').string();
  const routeTableRef = props.at('routeTable.id').string();
  const routeTables = routingOf(call.state).routeTables;
  const oldTable = previous ? routeTableOfSubnet(previous) : undefined;
  if (oldTable !== undefined) {
    const old = routeTables.get(idKey(oldTable));
    if (old) old.properties.subnets = removeReference(old.properties.subnets, subnetId);
  }
  if (routeTableRef !== undefined) {
    const table = resolveReference(routeTables, routeTableRef, `${props.path}.routeTable.id`, 'Microsoft.Network/routeTables', subnetId, location);
    table.properties.subnets = addReference(table.properties.subnets, subnetId);
  }
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
  if (routeTableRef !== undefined) (subnet.properties as RoutedSubnetProperties).routeTable = { id: routeTableRef };
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
  const addressSpace = prefixes.map((p) => readPrefix(p, existing?.id ?? id));
  const subnets: ArmSubnet[] = [];
  for (const f of props.get('subnets').items()) {
    const name = f.get('name').string();
    if (name === undefined) throw missingParameter(`${f.target}.name`);
    const previous = existing?.properties.subnets.find((s) => s.name.toLowerCase() === name.toLowerCase());
    subnets.push(readSubnet(call, f, existing?.id ?? id, location, name, previous, { vnetName: existing?.name ?? call.param('vnetName'), addressSpace, siblings: subnets }));
  }
  const dropped = (existing?.properties.subnets ?? []).filter((old) => !subnets.some((s) => s.name.toLowerCase() === old.name.toLowerCase()));
  const inUse = dropped.find((old) => (old.properties.ipConfigurations?.length ?? 0) > 0);
  if (inUse) throw subnetInUse(inUse);
  for (const old of dropped) unlinkRouteTable(call.state, old);
  const vnet = buildVirtualNetwork(call.state, existing?.id ?? id, existing?.name ?? call.param('vnetName'), existing?.location ?? location, addressSpace.map((r) => r.text), subnets, tags);
  // Peerings are child resources: a PUT of the VNet keeps them.
  if (existing) vnet.properties.virtualNetworkPeerings = existing.properties.virtualNetworkPeerings;
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

/** GET every virtual network of the subscription. */
export function listAllVirtualNetworks(call: ArmCall): ArmAnswer {
  return pagedList(call, [...call.state.virtualNetworks.values()], (v) => v);
}

/** DELETE a virtual network (refused while a subnet is in use). */
export function deleteVirtualNetwork(call: ArmCall): ArmAnswer {
  const id = networkIdOf(call, 'virtualNetworks', 'vnetName');
  const vnet = call.state.virtualNetworks.get(idKey(id));
  if (!vnet) return { status: 204 };
  const used = vnet.properties.subnets.find((s) => (s.properties.ipConfigurations?.length ?? 0) > 0);
  if (used) throw subnetInUse(used);
  return networkDeleteAnswer(call, vnet, () => {
    for (const subnet of vnet.properties.subnets) unlinkRouteTable(call.state, subnet);
    disconnectRemoteLinks(call.state, vnet);
    call.state.virtualNetworks.delete(idKey(id));
  });
}

/** Drops a subnet from its route table's `subnets`. */
function unlinkRouteTable(state: ArmState, subnet: ArmSubnet): void {
  const tableId = routeTableOfSubnet(subnet);
  const table = tableId !== undefined ? routingOf(state).routeTables.get(idKey(tableId)) : undefined;
  if (table) table.properties.subnets = removeReference(table.properties.subnets, subnet.id);
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
  const addressSpace = vnet.properties.addressSpace.addressPrefixes.map((p) => parseCidr(p, { lenient: true }));
  const subnet = readSubnet(call, call.body(), vnet.id, vnet.location, name, vnet.properties.subnets[index], { vnetName: vnet.name, addressSpace, siblings: vnet.properties.subnets });
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
    unlinkRouteTable(call.state, subnet);
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
