/**
 * `Microsoft.Network/networkInterfaces`: PUT, GET, list (group and subscription), DELETE.
 * - Every reference must resolve to a resource of its type in the NIC's location (400
 *   `InvalidResourceReference`); a public IP another NIC uses is refused (400
 *   `PublicIPAddressInUse`, "Resource {ipConfig} is referencing public IP address {ip} that is
 *   already allocated to resource {other}.").
 * - A NIC attached to a VM cannot be deleted (400 `NicInUse`, "Network Interface {nic} is used by
 *   existing resource {vm}. In order to delete the network interface, it must be dissociated from
 *   the resource. To learn more, see aka.ms/deletenic."); after its VM is deleted it stays
 *   reserved for that VM for 180 seconds (400 `NicReservedForAnotherVm`; learn.microsoft.com
 *   "Create, change, or delete a network interface", read 2026-12; wording as Azure CPI and
 *   Karpenter issue threads quote the network RP, read 2026-12). The reservation time is the
 *   emulator option `nicReservationMs` (0 by default, so tests need not wait).
 * Private addresses are allocated from the subnet, first `.4` (Azure keeps the first four).
 */
import { randomUUID } from 'node:crypto';
import { ArmError, missingParameter } from './arm-error.js';
import type { ArmAnswer, ArmCall } from './arm-call.js';
import type { ArmIpConfiguration, ArmNetworkInterface } from './arm-shapes.js';
import type { ArmState, NetworkInterfaceRecord } from './arm-state.js';
import { pagedList } from './list-paging.js';
import { addReference, invalidPropertyId, invalidReference, networkDeleteAnswer, networkIdOf, networkNotFound, networkPutAnswer, networkPutBasics, removeReference, resolveReference } from './network-common.js';
import { idKey, isIdOfType } from './resource-id.js';
import { findSubnet } from './virtual-network-handlers.js';

/** Removes the back-references a NIC's configurations put on subnets, public IPs and its NSG. */
export function unlink(state: ArmState, nic: ArmNetworkInterface): void {
  for (const config of nic.properties.ipConfigurations) {
    const found = findSubnet(state, config.properties.subnet.id);
    if (found) found.subnet.properties.ipConfigurations = removeReference(found.subnet.properties.ipConfigurations, config.id);
    const ipId = config.properties.publicIPAddress?.id;
    const ip = ipId !== undefined ? state.publicIPAddresses.get(idKey(ipId)) : undefined;
    if (ip && ip.properties.ipConfiguration && idKey(ip.properties.ipConfiguration.id) === idKey(config.id)) delete ip.properties.ipConfiguration;
  }
  const nsgId = nic.properties.networkSecurityGroup?.id;
  const nsg = nsgId !== undefined ? state.networkSecurityGroups.get(idKey(nsgId)) : undefined;
  if (nsg) nsg.properties.networkInterfaces = removeReference(nsg.properties.networkInterfaces, nic.id);
}

/** Adds the back-references of a NIC's configurations. */
function link(state: ArmState, nic: ArmNetworkInterface): void {
  for (const config of nic.properties.ipConfigurations) {
    const found = findSubnet(state, config.properties.subnet.id);
    if (found) found.subnet.properties.ipConfigurations = addReference(found.subnet.properties.ipConfigurations, config.id);
    const ipId = config.properties.publicIPAddress?.id;
    const ip = ipId !== undefined ? state.publicIPAddresses.get(idKey(ipId)) : undefined;
    if (ip) ip.properties.ipConfiguration = { id: config.id };
  }
  const nsgId = nic.properties.networkSecurityGroup?.id;
  const nsg = nsgId !== undefined ? state.networkSecurityGroups.get(idKey(nsgId)) : undefined;
  if (nsg) nsg.properties.networkInterfaces = addReference(nsg.properties.networkInterfaces, nic.id);
}

/** PUT a NIC. */
export function putNetworkInterface(call: ArmCall): ArmAnswer {
  const { location, tags } = networkPutBasics(call, 'networkInterfaces');
  const id = networkIdOf(call, 'networkInterfaces', 'nicName');
  const state = call.state;
  const existing = state.networkInterfaces.get(idKey(id));
  const nicId = existing?.body.id ?? id;
  const props = call.body().get('properties');
  const fields = props.get('ipConfigurations').items();
  if (fields.length === 0) throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request. Network interface ${nicId} must have at least one IP configuration.`, { details: [] });
  const anyPrimary = fields.some((f) => f.at('properties.primary').boolean() === true);
  const configs = fields.map((f, i): ArmIpConfiguration => {
    const name = f.get('name').string();
    if (name === undefined) throw missingParameter(`${f.target}.name`);
    const configId = `${nicId}/ipConfigurations/${name}`;
    const subnetRef = f.at('properties.subnet.id').string();
    if (subnetRef === undefined) throw missingParameter(`${f.target}.subnet`);
    if (!isIdOfType(subnetRef, 'Microsoft.Network/virtualNetworks/subnets')) throw invalidPropertyId(subnetRef, `${f.path}.properties.subnet.id`, 'Microsoft.Network/virtualNetworks/subnets');
    const found = findSubnet(state, subnetRef);
    if (!found || found.vnet.location !== location) throw invalidReference(subnetRef, nicId);
    const ipRef = f.at('properties.publicIPAddress.id').string();
    if (ipRef !== undefined) {
      const ip = resolveReference(state.publicIPAddresses, ipRef, `${f.path}.properties.publicIPAddress.id`, 'Microsoft.Network/publicIPAddresses', nicId, location);
      const user = ip.properties.ipConfiguration?.id;
      if (user !== undefined && idKey(user) !== idKey(configId)) {
        throw new ArmError(400, 'PublicIPAddressInUse', `Resource ${configId} is referencing public IP address ${ip.id} that is already allocated to resource ${user}.`, { details: [] });
      }
    }
    const previous = existing?.body.properties.ipConfigurations.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const allocation = f.at('properties.privateIPAllocationMethod').string() ?? 'Dynamic';
    const asked = f.at('properties.privateIPAddress').string();
    const keep = previous && idKey(previous.properties.subnet.id) === idKey(found.subnet.id) ? previous.properties.privateIPAddress : undefined;
    return {
      name,
      id: configId,
      type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
      properties: {
        provisioningState: 'Succeeded',
        privateIPAddress: allocation === 'Static' && asked !== undefined ? asked : (keep ?? state.nextPrivateIp(found.subnet.id, found.subnet.properties.addressPrefix)),
        privateIPAllocationMethod: allocation,
        privateIPAddressVersion: 'IPv4',
        subnet: { id: found.subnet.id },
        ...(ipRef !== undefined ? { publicIPAddress: { id: state.publicIPAddresses.get(idKey(ipRef))!.id } } : {}),
        primary: anyPrimary ? f.at('properties.primary').boolean() === true : i === 0,
      },
    };
  });
  const nsgRef = props.at('networkSecurityGroup.id').string();
  const nsg = nsgRef !== undefined ? resolveReference(state.networkSecurityGroups, nsgRef, 'properties.networkSecurityGroup.id', 'Microsoft.Network/networkSecurityGroups', nicId, location) : undefined;
  const nic: ArmNetworkInterface = {
    id: nicId,
    name: existing?.body.name ?? call.param('nicName'),
    type: 'Microsoft.Network/networkInterfaces',
    location: existing?.body.location ?? location,
    ...(tags ? { tags } : {}),
    etag: state.networkEtag(),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: existing?.body.properties.resourceGuid ?? randomUUID(),
      ipConfigurations: configs,
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      enableAcceleratedNetworking: props.get('enableAcceleratedNetworking').boolean() ?? false,
      enableIPForwarding: props.get('enableIPForwarding').boolean() ?? false,
      ...(props.get('disableTcpStateTracking').present ? { disableTcpStateTracking: props.get('disableTcpStateTracking').boolean()! } : {}),
      ...(nsg ? { networkSecurityGroup: { id: nsg.id } } : {}),
      ...(existing?.body.properties.virtualMachine ? { virtualMachine: existing.body.properties.virtualMachine, primary: true } : {}),
      ...(existing?.body.properties.macAddress !== undefined ? { macAddress: existing.body.properties.macAddress } : {}),
      nicType: 'Standard',
      vnetEncryptionSupported: false,
    },
  };
  if (existing) unlink(state, existing.body);
  link(state, nic);
  const record: NetworkInterfaceRecord = { body: nic, reservedUntil: existing?.reservedUntil, reservedFor: existing?.reservedFor };
  state.networkInterfaces.set(idKey(nicId), record);
  return networkPutAnswer(call, existing === undefined, nic);
}

/** GET a NIC. */
export function getNetworkInterface(call: ArmCall): ArmAnswer {
  const nic = call.state.networkInterfaces.get(idKey(networkIdOf(call, 'networkInterfaces', 'nicName')));
  if (!nic) throw networkNotFound(call, 'networkInterfaces', 'nicName');
  return { status: 200, body: nic.body };
}

/** GET the NICs of a resource group. */
export function listNetworkInterfaces(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/networkInterfaces/`);
  return pagedList(call, [...call.state.networkInterfaces.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v.body), (v) => v);
}

/** GET every NIC of the subscription. */
export function listAllNetworkInterfaces(call: ArmCall): ArmAnswer {
  return pagedList(call, [...call.state.networkInterfaces.values()].map((v) => v.body), (v) => v);
}

/** DELETE a NIC (refused while a VM uses it, or while it is reserved for a deleted one). */
export function deleteNetworkInterface(call: ArmCall): ArmAnswer {
  const id = networkIdOf(call, 'networkInterfaces', 'nicName');
  const state = call.state;
  const record = state.networkInterfaces.get(idKey(id));
  if (!record) return { status: 204 };
  const vm = record.body.properties.virtualMachine?.id;
  if (vm !== undefined) {
    throw new ArmError(400, 'NicInUse', `Network Interface ${record.body.id} is used by existing resource ${vm}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`, { details: [] });
  }
  if (record.reservedUntil !== undefined && record.reservedUntil > state.clock.now()) {
    const seconds = Math.ceil(state.nicReservationMs / 1000);
    throw new ArmError(
      400,
      'NicReservedForAnotherVm',
      `Nic(s) in request is reserved for another Virtual Machine for ${seconds} seconds. Please provide another nic(s) or retry after ${seconds} seconds. Reserved VM: ${record.reservedFor ?? ''}`,
      { details: [] },
    );
  }
  return networkDeleteAnswer(call, record.body, () => {
    unlink(state, record.body);
    state.networkInterfaces.delete(idKey(id));
  });
}
