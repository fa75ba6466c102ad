/**
 * Peerings of the companion: Azure VNet peering links, one per side. `requestPeering` makes this
 * side's link (`ncr-<hex>`, in the VNet it names) to the other network, which stays `Initiated`
 * (`pending-acceptance`) until `acceptPeering`, on the other side, makes the reverse link
 * (`nca-<hex>`); both are then `Connected` (`available`). The other network is named by its
 * resource id, so it may be in another resource group, location (global VNet peering) or
 * subscription (`peerAccount`, checked against the id). Overlapping address spaces are refused
 * by ARM (`VnetAddressSpacesOverlap`), which the companion reports as a `ConflictError`.
 *
 * Links are created with `allowVirtualNetworkAccess` and `allowForwardedTraffic` (traffic the
 * other side's gateway or appliances forward is let in) and without gateway transit. A link has
 * no tags: it is reported under its Azure name, its role read from the name, and a repeated
 * create is told from a conflicting one by the remote network it points at.
 */
import type { VirtualNetwork, VirtualNetworkPeering } from '@azure/arm-network';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Peering, PeeringAcceptanceInput, PeeringRequestInput } from '../../provider/network-types.js';
import type { AzureNetworkContext, NetworkCalls } from './network-calls.js';
import { checkName, invalid } from './network-input.js';
import { headOf, parseChildId, stateOfPeering, vnetRefOf, type VnetRef } from './network-mapping.js';
import { networkResourceName, peeringRoleOf } from './network-names.js';
import type { VirtualNetworks } from './network-vnets.js';

/** Peerings. */
export class Peerings {
  /** Works through `calls` and `vnets` on behalf of `ctx`. */
  constructor(
    private readonly ctx: AzureNetworkContext,
    private readonly calls: NetworkCalls,
    private readonly vnets: VirtualNetworks,
  ) {}

  /** Makes this side's link (`requester`). */
  request(input: PeeringRequestInput, options: NetworkCreateOptions, key: string): Promise<Peering> {
    checkName(input?.name);
    return this.link({ networkId: input.networkId, peerNetworkId: input.peerNetworkId, peerAccount: input.peerAccount, peerRegion: input.peerRegion }, 'requester', options, key);
  }

  /** Makes the reverse link on this side (`accepter`), after checking the request it answers. */
  async accept(input: PeeringAcceptanceInput, options: NetworkCreateOptions, key: string): Promise<Peering> {
    checkName(input?.name);
    const request = parseChildId(input.requestId, 'virtualNetworkPeerings');
    if (!request) throw invalid('requestId', `expected the id of the requester's peering link (…/virtualNetworks/…/virtualNetworkPeerings/…), got ${JSON.stringify(input.requestId)}`);
    const requester = vnetRefOf(request.parentId, 'requestId');
    if (requester.id.toLowerCase() !== String(input.peerNetworkId).toLowerCase()) throw new ConflictError({ provider: this.ctx.providerName, message: `peering ${input.requestId} does not join ${input.networkId} to ${input.peerNetworkId}` });
    // The request is read where it can be (this subscription); another subscription's is taken on trust.
    if (requester.subscriptionId.toLowerCase() === this.ctx.scope.subscriptionId.toLowerCase()) {
      const link = await this.readLink(requester, request.name, 'acceptPeering', options.signal);
      if (!link) throw new NotFoundError({ provider: this.ctx.providerName, message: `peering request ${input.requestId} not found`, resourceType: 'peering', resourceId: input.requestId });
      if (link.remoteVirtualNetwork?.id?.toLowerCase() !== String(input.networkId).toLowerCase()) throw new ConflictError({ provider: this.ctx.providerName, message: `peering ${input.requestId} does not join ${input.networkId} to ${input.peerNetworkId}` });
    }
    return this.link({ networkId: input.networkId, peerNetworkId: input.peerNetworkId, peerAccount: input.peerAccount, peerRegion: input.peerRegion }, 'accepter', options, key);
  }

  /** Reads a link; `NotFoundError` once it is gone. */
  async get(id: string, signal: AbortSignal | undefined): Promise<Peering> {
    const child = parseChildId(id, 'virtualNetworkPeerings');
    const ref = child ? this.refOrUndefined(child.parentId) : undefined;
    const link = ref ? await this.readLink(ref, child!.name, 'get', signal) : undefined;
    if (!ref || !link) throw new NotFoundError({ provider: this.ctx.providerName, message: `peering ${id} not found`, resourceType: 'peering', resourceId: id });
    const vnet = await this.vnets.readVnet(ref, 'get', signal);
    const remote = await this.remoteOf(link, signal);
    return this.toPeering(ref, vnet?.location ?? this.ctx.location, link, remote?.location);
  }

  /** The links of the resource group's VNets. */
  async *list(signal: AbortSignal | undefined): AsyncIterable<Peering> {
    const vnets: VirtualNetwork[] = [];
    for await (const vnet of this.vnets.list(signal)) vnets.push(vnet);
    const locations = new Map(vnets.map((v) => [(v.id ?? '').toLowerCase(), v.location]));
    for (const vnet of vnets) {
      const ref = this.refOrUndefined(vnet.id ?? '');
      if (!ref) continue;
      for (const link of vnet.virtualNetworkPeerings ?? []) yield this.toPeering(ref, vnet.location ?? '', link, locations.get((link.remoteVirtualNetwork?.id ?? '').toLowerCase()));
    }
  }

  /** The link a create with this key made (either role), searched in every VNet of the subscription. */
  async find(key: string, signal: AbortSignal | undefined): Promise<Peering | undefined> {
    const names = [networkResourceName('peering', key, 'requester'), networkResourceName('peering', key, 'accepter')];
    for await (const vnet of this.vnets.listAll(signal)) {
      const link = vnet.virtualNetworkPeerings?.find((p) => names.includes((p.name ?? '').toLowerCase()));
      const ref = vnet.id ? this.refOrUndefined(vnet.id) : undefined;
      if (link && ref) return this.toPeering(ref, vnet.location ?? '', link, undefined);
    }
    return undefined;
  }

  /** Starts deleting a link (the other side's becomes `Disconnected`). */
  async delete(id: string, signal: AbortSignal | undefined): Promise<void> {
    const child = parseChildId(id, 'virtualNetworkPeerings');
    const ref = child ? this.refOrUndefined(child.parentId) : undefined;
    if (!child || !ref) return;
    await this.calls.remove({ operation: 'delete', resourceType: 'peering', resourceId: id }, signal, (network, o) => network.virtualNetworkPeerings.delete(ref.resourceGroup, ref.name, child.name, o));
  }

  private async link(sides: { networkId: string; peerNetworkId: string; peerAccount: string | undefined; peerRegion: string | undefined }, role: 'requester' | 'accepter', options: NetworkCreateOptions, key: string): Promise<Peering> {
    const ref = this.vnets.ownRef(sides.networkId, 'networkId');
    const remote = vnetRefOf(sides.peerNetworkId, 'peerNetworkId');
    if (remote.id.toLowerCase() === ref.id.toLowerCase()) throw invalid('peerNetworkId', 'a network cannot peer with itself');
    if (sides.peerAccount !== undefined && sides.peerAccount.toLowerCase() !== remote.subscriptionId.toLowerCase()) throw invalid('peerAccount', `${sides.peerAccount} is not the subscription of ${remote.id}`);
    const name = networkResourceName('peering', key, role);
    const signal = options.signal;
    const vnet = await this.vnets.readVnet(ref, role === 'requester' ? 'requestPeering' : 'acceptPeering', signal);
    if (!vnet) throw new NotFoundError({ provider: this.ctx.providerName, message: `networkId: network ${ref.id} not found`, resourceType: 'network', resourceId: ref.id });
    const existing = vnet.virtualNetworkPeerings?.find((p) => (p.name ?? '').toLowerCase() === name);
    if (existing) {
      if (existing.remoteVirtualNetwork?.id?.toLowerCase() !== remote.id.toLowerCase()) throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${options.idempotencyKey ?? ''}" was already used for a peering to ${existing.remoteVirtualNetwork?.id ?? 'another network'}` });
      return this.toPeering(ref, vnet.location ?? '', existing, sides.peerRegion);
    }
    // The other network is read where it can be (this subscription): its region is reported, a missing one refused clearly.
    let region = sides.peerRegion;
    if (remote.subscriptionId.toLowerCase() === this.ctx.scope.subscriptionId.toLowerCase()) {
      const peerVnet = await this.vnets.readVnet(remote, role === 'requester' ? 'requestPeering' : 'acceptPeering', signal);
      if (!peerVnet) throw new NotFoundError({ provider: this.ctx.providerName, message: `peerNetworkId: network ${remote.id} not found`, resourceType: 'network', resourceId: remote.id });
      if (sides.peerRegion !== undefined && sides.peerRegion.toLowerCase() !== (peerVnet.location ?? '').toLowerCase()) throw invalid('peerRegion', `network ${remote.id} is in ${peerVnet.location}, not ${sides.peerRegion}`);
      region = peerVnet.location;
    }
    const body: VirtualNetworkPeering = { remoteVirtualNetwork: { id: remote.id }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: false };
    const operation = role === 'requester' ? 'requestPeering' : 'acceptPeering';
    const link = await this.calls.write({ operation, resourceType: 'peering', resourceId: `${ref.id}/virtualNetworkPeerings/${name}`, region: vnet.location }, signal, (network, o) => network.virtualNetworkPeerings.createOrUpdate(ref.resourceGroup, ref.name, name, body, o));
    return this.toPeering(ref, vnet.location ?? '', link, region);
  }

  private toPeering(ref: VnetRef, location: string, link: VirtualNetworkPeering, remoteLocation: string | undefined): Peering {
    const id = link.id ?? `${ref.id}/virtualNetworkPeerings/${link.name}`;
    const state = stateOfPeering(link.provisioningState, link.peeringState);
    const head = headOf('peering', { id, name: link.name ?? '', location, provisioningState: link.provisioningState }, this.ctx.providerName, state, 'the other side of the peering was deleted (Disconnected): delete this link and peer again');
    const remote = link.remoteVirtualNetwork?.id ? vnetRefOf(link.remoteVirtualNetwork.id, 'remoteVirtualNetwork') : undefined;
    return {
      ...head,
      rawState: link.peeringState ?? link.provisioningState ?? 'Unknown',
      networkId: ref.id,
      peerNetworkId: remote?.id ?? '',
      peerRegion: remoteLocation !== undefined && remoteLocation.toLowerCase() !== location.toLowerCase() ? remoteLocation : undefined,
      peerAccount: remote && remote.subscriptionId.toLowerCase() !== this.ctx.scope.subscriptionId.toLowerCase() ? remote.subscriptionId : undefined,
      role: peeringRoleOf(link.name ?? ''),
    };
  }

  private async remoteOf(link: VirtualNetworkPeering, signal: AbortSignal | undefined): Promise<VirtualNetwork | undefined> {
    const ref = link.remoteVirtualNetwork?.id ? this.refOrUndefined(link.remoteVirtualNetwork.id) : undefined;
    return ref ? this.vnets.readVnet(ref, 'get', signal) : undefined;
  }

  private readLink(ref: VnetRef, name: string, operation: string, signal: AbortSignal | undefined): Promise<VirtualNetworkPeering | undefined> {
    return this.calls.read({ operation, resourceType: 'peering', resourceId: `${ref.id}/virtualNetworkPeerings/${name}` }, signal, (network, s) => network.virtualNetworkPeerings.get(ref.resourceGroup, ref.name, name, { abortSignal: s }));
  }

  private refOrUndefined(id: string): VnetRef | undefined {
    try {
      return this.vnets.ownRef(id, 'id');
    } catch {
      return undefined;
    }
  }
}
