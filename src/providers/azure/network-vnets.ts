/**
 * Networks and subnets of the companion: Azure virtual networks (`addressSpace.addressPrefixes`)
 * and their subnets. A VNet is created in the provider's resource group under the name its
 * idempotency key gives (`network-names.ts`), its input's fingerprint in a tag; a subnet under
 * its key's name in the VNet it is asked for (any resource group of the subscription).
 *
 * Checks before sending: canonical ranges (IPv4 /8–/29 for a VNet, as Azure takes them), a
 * subnet inside its VNet and overlapping none of its subnets (`ConflictError`, as ARM's
 * `NetcfgSubnetRangesOverlap` is). A subnet created in a VNet whose route table the companion
 * keeps (`network-routes.ts`) is associated with it at once. The subnet called `GatewaySubnet`
 * belongs to VPN gateways: the companion creates it for them (`network-vpn-gateways.ts`) and
 * never deletes a network that holds other subnets.
 */
import type { Subnet as ArmSubnet, VirtualNetwork } from '@azure/arm-network';
import { cidrContains, cidrsOverlap, parseCidr } from '../../provider/cidr.js';
import { ConflictError, InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Network, NetworkInput, Subnet, SubnetInput } from '../../provider/network-types.js';
import type { AzureNetworkContext, NetworkCalls } from './network-calls.js';
import { checkName, invalid, locationOf, rangeOf } from './network-input.js';
import { headOf, parseChildId, vnetRefOf, type VnetRef, armId } from './network-mapping.js';
import { GATEWAY_SUBNET, inputFingerprint, networkResourceName, networkTags, sameInput } from './network-names.js';

/** Networks and subnets. */
export class VirtualNetworks {
  /** Works through `calls` on behalf of `ctx`. */
  constructor(
    private readonly ctx: AzureNetworkContext,
    private readonly calls: NetworkCalls,
  ) {}

  /** Checks a network's input; the location it goes to. */
  checkNetwork(input: NetworkInput): string {
    checkName(input?.name);
    if (!Array.isArray(input.cidrs) || input.cidrs.length === 0) throw invalid('cidrs', 'must list at least one CIDR range');
    const ranges = input.cidrs.map((c, i) => rangeOf(c, `cidrs[${i}]`));
    if (!ranges.some((r) => r.version === 4)) throw invalid('cidrs', 'must include an IPv4 range');
    ranges.forEach((r, i) => {
      if (r.version === 4 && (r.prefix < 8 || r.prefix > 29)) throw invalid(`cidrs[${i}]`, `an Azure VNet range is /8 to /29 (got /${r.prefix})`);
    });
    const overlap = ranges.findIndex((r, i) => ranges.some((o, j) => j < i && cidrsOverlap(o, r)));
    if (overlap !== -1) throw invalid(`cidrs[${overlap}]`, `${ranges[overlap]!.text} overlaps another range of the network`);
    return locationOf(input.region, this.ctx.locations, this.ctx.location);
  }

  /** Creates (or finds again, by key) a VNet. */
  async create(input: NetworkInput, options: NetworkCreateOptions, key: string): Promise<Network> {
    const location = this.checkNetwork(input);
    const name = networkResourceName('network', key);
    const specHash = inputFingerprint(input);
    const rg = this.ctx.scope.resourceGroup;
    const id = armId(this.ctx.scope, 'Microsoft.Network/virtualNetworks', name);
    const info = { operation: 'createNetwork', resourceType: 'network', resourceId: id, region: location };
    const existing = await this.calls.read(info, options.signal, (network, signal) => network.virtualNetworks.get(rg, name, { abortSignal: signal }));
    if (existing) return this.reuse(existing, specHash, options.idempotencyKey, 'network');
    const tags = networkTags(input.name, input.labels, specHash, { ...this.ctx, idempotencyKey: options.idempotencyKey, now: this.ctx.now() });
    const body: VirtualNetwork = { location, tags, addressSpace: { addressPrefixes: input.cidrs.map((c) => parseCidr(c).text) } };
    const vnet = await this.calls.write(info, options.signal, (network, o) => network.virtualNetworks.createOrUpdate(rg, name, body, o));
    return this.toNetwork(vnet);
  }

  /** Creates (or finds again, by key) a subnet; `routeTableId` associates it with the network's route table. */
  async createSubnet(input: SubnetInput, options: NetworkCreateOptions, key: string, routeTableId: (vnet: VirtualNetwork) => Promise<string | undefined>): Promise<Subnet> {
    checkName(input?.name);
    const ref = this.ownRef(input.networkId, 'networkId');
    const range = rangeOf(input.cidr, 'cidr');
    const vnet = await this.readVnet(ref, 'createSubnet', options.signal);
    if (!vnet) throw new NotFoundError({ provider: this.ctx.providerName, message: `networkId: network ${ref.id} not found`, resourceType: 'network', resourceId: ref.id });
    const name = networkResourceName('subnet', key);
    const found = (vnet.subnets ?? []).find((s) => s.name?.toLowerCase() === name);
    if (found) {
      if (prefixOf(found) !== range.text) throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${options.idempotencyKey ?? ''}" was already used for a different subnet (${prefixOf(found)})` });
      return this.toSubnet(vnet, found);
    }
    const spaces = vnet.addressSpace?.addressPrefixes ?? [];
    if (!spaces.some((s) => cidrContains(parseCidr(s, { lenient: true }), range))) throw invalid('cidr', `${range.text} is not inside the network's ranges (${spaces.join(', ')})`);
    const clash = (vnet.subnets ?? []).find((s) => prefixOf(s) !== undefined && cidrsOverlap(parseCidr(prefixOf(s)!, { lenient: true }), range));
    if (clash) throw new ConflictError({ provider: this.ctx.providerName, message: `subnet range ${range.text} overlaps subnet ${clash.id ?? clash.name} (${prefixOf(clash)})` });
    const table = await routeTableId(vnet);
    const body: ArmSubnet = { addressPrefix: range.text, ...(table !== undefined ? { routeTable: { id: table } } : {}) };
    const id = `${ref.id}/subnets/${name}`;
    const subnet = await this.calls.write({ operation: 'createSubnet', resourceType: 'subnet', resourceId: id, region: vnet.location }, options.signal, (network, o) => network.subnets.createOrUpdate(ref.resourceGroup, ref.name, name, body, o));
    return this.toSubnet(vnet, subnet);
  }

  /** A VNet of the subscription, `undefined` when there is none. */
  readVnet(ref: VnetRef, operation: string, signal: AbortSignal | undefined): Promise<VirtualNetwork | undefined> {
    return this.calls.read({ operation, resourceType: 'network', resourceId: ref.id }, signal, (network, s) => network.virtualNetworks.get(ref.resourceGroup, ref.name, { abortSignal: s }));
  }

  /** Reads a network; `NotFoundError` when it is gone. */
  async get(id: string, signal: AbortSignal | undefined): Promise<Network> {
    const ref = this.refOrUndefined(id);
    const vnet = ref ? await this.readVnet(ref, 'get', signal) : undefined;
    if (!vnet) throw this.notFound('network', id);
    return this.toNetwork(vnet);
  }

  /** Reads a subnet; `NotFoundError` when it is gone. */
  async getSubnet(id: string, signal: AbortSignal | undefined): Promise<Subnet> {
    const child = parseChildId(id, 'subnets');
    const ref = child ? this.refOrUndefined(child.parentId) : undefined;
    const vnet = ref ? await this.readVnet(ref, 'get', signal) : undefined;
    const subnet = vnet?.subnets?.find((s) => s.name?.toLowerCase() === child!.name.toLowerCase());
    if (!vnet || !subnet) throw this.notFound('subnet', id);
    return this.toSubnet(vnet, subnet);
  }

  /** The resource group's VNets. */
  list(signal: AbortSignal | undefined): AsyncIterable<VirtualNetwork> {
    return this.calls.list({ operation: 'list', resourceType: 'network' }, signal, (network) => network.virtualNetworks.list(this.ctx.scope.resourceGroup, { abortSignal: signal }).byPage());
  }

  /** Every VNet of the subscription (what a look-up by key must search: a subnet or peering may sit in any resource group). */
  listAll(signal: AbortSignal | undefined): AsyncIterable<VirtualNetwork> {
    return this.calls.list({ operation: 'findByIdempotencyKey', resourceType: 'network' }, signal, (network) => network.virtualNetworks.listAll({ abortSignal: signal }).byPage());
  }

  /** The network a create with this key made, `undefined` when ARM has none of that name. */
  async find(key: string, signal: AbortSignal | undefined): Promise<Network | undefined> {
    const name = networkResourceName('network', key);
    const vnet = await this.calls.read({ operation: 'findByIdempotencyKey', resourceType: 'network' }, signal, (network, s) => network.virtualNetworks.get(this.ctx.scope.resourceGroup, name, { abortSignal: s }));
    return vnet ? this.toNetwork(vnet) : undefined;
  }

  /** The subnet a create with this key made, searched in every VNet of the subscription. */
  async findSubnet(key: string, signal: AbortSignal | undefined): Promise<Subnet | undefined> {
    const name = networkResourceName('subnet', key);
    for await (const vnet of this.listAll(signal)) {
      const subnet = vnet.subnets?.find((s) => s.name?.toLowerCase() === name);
      if (subnet) return this.toSubnet(vnet, subnet);
    }
    return undefined;
  }

  /**
   * Deletes a VNet that holds nothing but an unused GatewaySubnet and no peerings (`ConflictError`
   * otherwise); resolves once ARM accepted. `beforeDelete` removes what the companion keeps for it.
   */
  async delete(id: string, signal: AbortSignal | undefined, beforeDelete: (vnet: VirtualNetwork) => Promise<void>): Promise<void> {
    const ref = this.refOrUndefined(id);
    const vnet = ref ? await this.readVnet(ref, 'delete', signal) : undefined;
    if (!ref || !vnet || vnet.provisioningState === 'Deleting') return;
    const users = [
      ...(vnet.subnets ?? []).filter((s) => s.name !== GATEWAY_SUBNET || (s.ipConfigurations?.length ?? 0) > 0).map((s) => `subnet ${s.id ?? s.name}`),
      ...(vnet.virtualNetworkPeerings ?? []).map((p) => `peering ${p.id ?? p.name}`),
    ];
    if (users.length > 0) throw new ConflictError({ provider: this.ctx.providerName, message: `network ${id} is still used by ${users.join(', ')}` });
    await beforeDelete(vnet);
    await this.calls.remove({ operation: 'delete', resourceType: 'network', resourceId: id, region: vnet.location }, signal, (network, o) => network.virtualNetworks.delete(ref.resourceGroup, ref.name, o));
  }

  /** Deletes a subnet (`ConflictError` while something uses it); resolves once ARM accepted. */
  async deleteSubnet(id: string, signal: AbortSignal | undefined): Promise<void> {
    const child = parseChildId(id, 'subnets');
    const ref = child ? this.refOrUndefined(child.parentId) : undefined;
    if (!child || !ref) return;
    await this.calls.remove({ operation: 'delete', resourceType: 'subnet', resourceId: id }, signal, (network, o) => network.subnets.delete(ref.resourceGroup, ref.name, child.name, o));
  }

  /** The companion's view of a VNet. */
  toNetwork(vnet: VirtualNetwork): Network {
    return { ...headOf('network', this.source(vnet), this.ctx.providerName), cidrs: [...(vnet.addressSpace?.addressPrefixes ?? [])] };
  }

  /** The companion's view of a subnet of `vnet`. */
  toSubnet(vnet: VirtualNetwork, subnet: ArmSubnet): Subnet {
    const id = subnet.id ?? `${vnet.id}/subnets/${subnet.name}`;
    return {
      ...headOf('subnet', { id, name: subnet.name ?? '', location: vnet.location ?? '', provisioningState: subnet.provisioningState }, this.ctx.providerName),
      networkId: vnet.id ?? '',
      cidr: prefixOf(subnet) ?? '',
      zone: undefined,
    };
  }

  /** A VNet id of this provider's subscription; `InvalidSpecError` on `field` otherwise. */
  ownRef(id: string, field: string): VnetRef {
    const ref = vnetRefOf(id, field);
    if (ref.subscriptionId.toLowerCase() !== this.ctx.scope.subscriptionId.toLowerCase()) {
      throw new InvalidSpecError({ issues: [{ field, message: `network ${id} is in subscription ${ref.subscriptionId}; this provider manages subscription ${this.ctx.scope.subscriptionId}` }] });
    }
    return ref;
  }

  private refOrUndefined(id: string): VnetRef | undefined {
    try {
      return this.ownRef(id, 'id');
    } catch {
      return undefined;
    }
  }

  private source(vnet: VirtualNetwork) {
    return { id: vnet.id ?? '', name: vnet.name ?? '', location: vnet.location ?? '', tags: vnet.tags, provisioningState: vnet.provisioningState };
  }

  private reuse(vnet: VirtualNetwork, specHash: string, key: string | undefined, type: string): Network {
    if (!sameInput(vnet.tags, specHash)) throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${key ?? ''}" was already used for a different ${type} (${vnet.id})` });
    return this.toNetwork(vnet);
  }

  private notFound(type: string, id: string): NotFoundError {
    return new NotFoundError({ provider: this.ctx.providerName, message: `${type} ${id} not found`, resourceType: type, resourceId: id });
  }
}

/** A subnet's range. */
export function prefixOf(subnet: ArmSubnet): string | undefined {
  return subnet.addressPrefix ?? subnet.addressPrefixes?.[0];
}
