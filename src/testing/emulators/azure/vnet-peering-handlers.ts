/**
 * `Microsoft.Network/virtualNetworks/virtualNetworkPeerings`: PUT, GET, list, DELETE. A peering
 * is one link of one side; ARM keeps it in the VNet's `properties.virtualNetworkPeerings`.
 * - The first side's link is `Initiated` until the other side links back, then both are
 *   `Connected`; deleting one side's link leaves the other `Disconnected`, which must be deleted
 *   and made again (learn.microsoft.com "Create, change, or delete a virtual network peering",
 *   read 2026-12). Peering across locations (global VNet peering) and resource groups works by
 *   the remote VNet's id.
 * - VNets whose address spaces overlap cannot be peered: 400 `VnetAddressSpacesOverlap`, "Cannot
 *   create or update peering {id}. Virtual networks {a} and {b} cannot be peered because their
 *   address spaces overlap. Overlapping address prefixes: {prefixes}" (network RP wording as
 *   Azure CLI users quote it, read 2026-12).
 * - A remote VNet the emulator does not hold (another subscription included: the emulator is one
 *   subscription) is 400 `InvalidResourceReference`; a VNet peered with itself is 400
 *   `InvalidRemoteVirtualNetwork` (the emulator's code).
 * Shapes as az CLI prints them (read 2026-12): `peeringState`, `peeringSyncLevel`,
 * `remoteVirtualNetwork`, `remoteAddressSpace`, `remoteVirtualNetworkAddressSpace`, the four
 * `allow…`/`use…` flags.
 */
import { randomUUID } from 'node:crypto';
import { cidrsOverlap, parseCidr } from '../../../provider/cidr.js';
import { ArmError, missingParameter } from './arm-error.js';
import { resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmVirtualNetwork } from './arm-shapes.js';
import type { ArmState } from './arm-state.js';
import { pagedList } from './list-paging.js';
import { invalidPropertyId, invalidReference, networkDeleteAnswer, networkIdOf, networkPutAnswer } from './network-common.js';
import type { JsonObject } from './request-body.js';
import { idKey, isIdOfType } from './resource-id.js';
import { refuseWhileBusy } from './virtual-network-gateway-common.js';

/** One peering link, as stored in its VNet. */
export interface ArmVirtualNetworkPeering {
  /** Name. */
  name: string;
  /** Id (`{vnet}/virtualNetworkPeerings/{name}`). */
  id: string;
  /** Entity tag. */
  etag: string;
  /** Type. */
  type: string;
  /** Properties. */
  properties: {
    /** Provisioning state. */
    provisioningState: string;
    /** A GUID the network RP assigns. */
    resourceGuid: string;
    /** `Initiated`, `Connected`, `Disconnected`. */
    peeringState: string;
    /** `FullyInSync`, `LocalNotInSync`, `RemoteNotInSync`. */
    peeringSyncLevel: string;
    /** The other side. */
    remoteVirtualNetwork: { id: string };
    /** Its address space. */
    remoteAddressSpace: { addressPrefixes: string[] };
    /** Its address space (same, newer name). */
    remoteVirtualNetworkAddressSpace: { addressPrefixes: string[] };
    /** VMs of the two VNets reach each other. */
    allowVirtualNetworkAccess: boolean;
    /** Traffic forwarded by the remote VNet's appliances is accepted. */
    allowForwardedTraffic: boolean;
    /** The remote VNet may use this VNet's gateway. */
    allowGatewayTransit: boolean;
    /** This VNet uses the remote VNet's gateway. */
    useRemoteGateways: boolean;
  };
}

/** The peerings of a VNet (its body keeps them as plain JSON). */
export function peeringsOf(vnet: ArmVirtualNetwork): ArmVirtualNetworkPeering[] {
  return vnet.properties.virtualNetworkPeerings as unknown as ArmVirtualNetworkPeering[];
}

function setPeerings(vnet: ArmVirtualNetwork, peerings: ArmVirtualNetworkPeering[]): void {
  vnet.properties.virtualNetworkPeerings = peerings as unknown as JsonObject[];
}

/** The link of `remote` that points back at `vnet`, if any. */
function reverseLink(vnet: ArmVirtualNetwork, remote: ArmVirtualNetwork): ArmVirtualNetworkPeering | undefined {
  return peeringsOf(remote).find((p) => idKey(p.properties.remoteVirtualNetwork.id) === idKey(vnet.id));
}

/** Leaves every link that points at `vnet` `Disconnected` (its own links are going away). */
export function disconnectRemoteLinks(state: ArmState, vnet: ArmVirtualNetwork): void {
  for (const link of peeringsOf(vnet)) {
    const remote = state.virtualNetworks.get(idKey(link.properties.remoteVirtualNetwork.id));
    const back = remote ? reverseLink(vnet, remote) : undefined;
    if (back) back.properties.peeringState = 'Disconnected';
  }
}

function vnetOf(call: ArmCall): ArmVirtualNetwork {
  const vnet = call.state.virtualNetworks.get(idKey(networkIdOf(call, 'virtualNetworks', 'vnetName')));
  if (!vnet) throw resourceNotFound('Microsoft.Network/virtualNetworks', call.param('vnetName'), call.group().name);
  return vnet;
}

function peeringNotFound(vnet: ArmVirtualNetwork, name: string): ArmError {
  return new ArmError(404, 'NotFound', `Resource ${vnet.id}/virtualNetworkPeerings/${name} not found.`, { details: [] });
}

/** PUT a peering link. */
export function putVirtualNetworkPeering(call: ArmCall): ArmAnswer {
  const vnet = vnetOf(call);
  const name = call.param('peeringName');
  const peerings = peeringsOf(vnet);
  const index = peerings.findIndex((p) => p.name.toLowerCase() === name.toLowerCase());
  const existing = peerings[index];
  const id = existing?.id ?? `${vnet.id}/virtualNetworkPeerings/${name}`;
  if (existing) refuseWhileBusy(call, id, vnet.location);
  const props = call.body().get('properties');
  const remoteId = props.at('remoteVirtualNetwork.id').string();
  if (remoteId === undefined) throw missingParameter('remoteVirtualNetwork.id');
  if (!isIdOfType(remoteId, 'Microsoft.Network/virtualNetworks')) throw invalidPropertyId(remoteId, 'properties.remoteVirtualNetwork.id', 'Microsoft.Network/virtualNetworks');
  if (idKey(remoteId) === idKey(vnet.id)) throw new ArmError(400, 'InvalidRemoteVirtualNetwork', `Virtual network ${vnet.id} cannot be peered with itself.`, { details: [] });
  const remote = call.state.virtualNetworks.get(idKey(remoteId));
  if (!remote) throw invalidReference(remoteId, id);
  if (existing && idKey(existing.properties.remoteVirtualNetwork.id) !== idKey(remote.id)) {
    throw new ArmError(400, 'PropertyChangeNotAllowed', `The remote virtual network of peering ${id} cannot be changed; delete the peering and create another.`, { details: [] });
  }
  const overlapping = vnet.properties.addressSpace.addressPrefixes.flatMap((a) =>
    remote.properties.addressSpace.addressPrefixes.filter((b) => cidrsOverlap(parseCidr(a, { lenient: true }), parseCidr(b, { lenient: true }))).map((b) => [a, b]),
  );
  if (overlapping.length > 0) {
    throw new ArmError(
      400,
      'VnetAddressSpacesOverlap',
      `Cannot create or update peering ${id}. Virtual networks ${vnet.id} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${[...new Set(overlapping.flat())].join(', ')}`,
      { details: [] },
    );
  }
  const back = reverseLink(vnet, remote);
  const connected = back !== undefined && back.properties.peeringState !== 'Disconnected';
  const flag = (key: string, fallback: boolean): boolean => props.get(key).boolean() ?? fallback;
  const peering: ArmVirtualNetworkPeering = {
    name: existing?.name ?? name,
    id,
    etag: call.state.networkEtag(),
    type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
      peeringState: connected ? 'Connected' : (existing?.properties.peeringState === 'Disconnected' ? 'Disconnected' : 'Initiated'),
      peeringSyncLevel: 'FullyInSync',
      remoteVirtualNetwork: { id: remote.id },
      remoteAddressSpace: { addressPrefixes: [...remote.properties.addressSpace.addressPrefixes] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: [...remote.properties.addressSpace.addressPrefixes] },
      allowVirtualNetworkAccess: flag('allowVirtualNetworkAccess', true),
      allowForwardedTraffic: flag('allowForwardedTraffic', false),
      allowGatewayTransit: flag('allowGatewayTransit', false),
      useRemoteGateways: flag('useRemoteGateways', false),
    },
  };
  if (connected) back.properties.peeringState = 'Connected';
  const next = [...peerings];
  if (index >= 0) next[index] = peering;
  else next.push(peering);
  setPeerings(vnet, next);
  // The answer carries the link as stored (the location only routes the operation).
  const answered = { ...peering, location: vnet.location };
  return networkPutAnswer(call, index < 0, answered);
}

/** GET a peering link. */
export function getVirtualNetworkPeering(call: ArmCall): ArmAnswer {
  const vnet = vnetOf(call);
  const name = call.param('peeringName');
  const peering = peeringsOf(vnet).find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!peering) throw peeringNotFound(vnet, name);
  return { status: 200, body: peering };
}

/** GET a VNet's peering links. */
export function listVirtualNetworkPeerings(call: ArmCall): ArmAnswer {
  return pagedList(call, peeringsOf(vnetOf(call)), (p) => p);
}

/** DELETE a peering link; the remote side's link becomes `Disconnected`. */
export function deleteVirtualNetworkPeering(call: ArmCall): ArmAnswer {
  const vnet = vnetOf(call);
  const name = call.param('peeringName');
  const peering = peeringsOf(vnet).find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!peering) return { status: 204 };
  refuseWhileBusy(call, peering.id, vnet.location);
  return networkDeleteAnswer(call, { location: vnet.location, id: peering.id, properties: peering.properties }, () => {
    setPeerings(vnet, peeringsOf(vnet).filter((p) => p !== peering));
    const remote = call.state.virtualNetworks.get(idKey(peering.properties.remoteVirtualNetwork.id));
    const back = remote ? reverseLink(vnet, remote) : undefined;
    if (back) back.properties.peeringState = 'Disconnected';
  });
}
