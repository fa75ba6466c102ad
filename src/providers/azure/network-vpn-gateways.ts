/**
 * VPN gateways of the companion: Azure virtual network gateways (`gatewayType: Vpn`, `vpnType:
 * RouteBased`, the configured SKU and generation, BGP on with the asked ASN or Azure's 65515,
 * active-active when configured). A gateway needs the VNet's `GatewaySubnet` and one Standard,
 * static public IP per instance; `createVpnGateway` makes what is missing, in this order, each
 * under a name its key gives, so that a repeated create adopts what an interrupted one made:
 * 1. the public IPs (`<gateway>-ip1`, `-ip2`), tagged with the gateway, its VNet, and whether the
 *    companion is also making the GatewaySubnet (decided once, recorded before the subnet exists);
 * 2. the GatewaySubnet, when the VNet has none: the highest free /27 of its ranges
 *    (`network-gateway-subnet.ts`); a VNet without room is an `InvalidSpecError` on `networkId`;
 * 3. the gateway: the PUT is only submitted (ARM provisions for 30–45 minutes): the create
 *    returns `provisioning`, and `get` maps ARM's state, with the public IPs once provisioned.
 *
 * Deleting a gateway marks its public IPs (`novacron:deleting`) and starts the delete (refused,
 * `ConflictError`, while a connection uses it). Once ARM no longer knows the gateway, the next
 * `get` (or `delete`) removes the marked IPs and, when the companion made it, the GatewaySubnet;
 * a network's delete removes its gateways' leftover IPs too.
 *
 * BGP over a tunnel to AWS or GCP needs the tunnel's inside address (Azure's APIPA range
 * 169.254.21.0–169.254.22.255) among the gateway's custom BGP addresses:
 * {@link VpnGateways.ensureCustomBgpAddresses} adds missing ones with an update of the gateway
 * and waits for it (bounded by `waitTimeoutMs`), since a connection can only be made once the
 * gateway is provisioned again.
 */
import type { PublicIPAddress, VirtualNetwork, VirtualNetworkGateway } from '@azure/arm-network';
import { ConflictError, InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { VpnGateway, VpnGatewayInput } from '../../provider/network-types.js';
import type { AzureNetworkContext, NetworkCalls } from './network-calls.js';
import { chooseGatewaySubnet } from './network-gateway-subnet.js';
import { checkAsn, checkName, invalid } from './network-input.js';
import { headOf, topLevelOf, vnetRefOf, armId } from './network-mapping.js';
import { GATEWAY_SUBNET, gatewayPublicIpName, inputFingerprint, NETWORK_TAG, networkResourceName, networkTags, ownedTags, sameInput } from './network-names.js';
import { prefixOf, type VirtualNetworks } from './network-vnets.js';
import { NOVACRON_TAG } from './tags.js';

const GATEWAY_TYPE = 'Microsoft.Network/virtualNetworkGateways';
const IP_TYPE = 'Microsoft.Network/publicIPAddresses';

/** VPN gateways. */
export class VpnGateways {
  /** Works through `calls` and `vnets` on behalf of `ctx`. */
  constructor(
    private readonly ctx: AzureNetworkContext,
    private readonly calls: NetworkCalls,
    private readonly vnets: VirtualNetworks,
  ) {}

  /** Creates (or finds again, by key) a gateway; never waits for its provisioning. */
  async create(input: VpnGatewayInput, options: NetworkCreateOptions, key: string): Promise<VpnGateway> {
    checkName(input?.name);
    const asn = checkAsn(input.asn, 'asn', true) ?? 65515;
    const ref = this.vnets.ownRef(input.networkId, 'networkId');
    const name = networkResourceName('vpn-gateway', key);
    const id = armId(this.ctx.scope, GATEWAY_TYPE, name);
    const specHash = inputFingerprint(input);
    const tags = networkTags(input.name, input.labels, specHash, { ...this.ctx, idempotencyKey: options.idempotencyKey, now: this.ctx.now() });
    const signal = options.signal;
    const existing = await this.read(name, 'createVpnGateway', signal);
    if (existing) return this.reuse(existing, specHash, options.idempotencyKey);
    const vnet = await this.vnets.readVnet(ref, 'createVpnGateway', signal);
    if (!vnet) throw new NotFoundError({ provider: this.ctx.providerName, message: `networkId: network ${ref.id} not found`, resourceType: 'network', resourceId: ref.id });
    const location = vnet.location ?? this.ctx.location;
    const instances = this.ctx.settings.activeActive ? 2 : 1;
    const ipNames = Array.from({ length: instances }, (_, i) => gatewayPublicIpName(name, i));
    const ips = await Promise.all(ipNames.map((ipName) => this.readIp(ipName, 'createVpnGateway', signal)));
    const foreign = ips.find((ip) => ip !== undefined && ip.tags?.[NETWORK_TAG.gateway] !== name);
    if (foreign) throw new ConflictError({ provider: this.ctx.providerName, message: `public IP ${foreign.id} exists and is not this gateway's` });
    const gatewaySubnet = vnet.subnets?.find((s) => s.name?.toLowerCase() === GATEWAY_SUBNET.toLowerCase());
    const user = gatewaySubnet?.ipConfigurations?.[0]?.id;
    if (user !== undefined) throw new ConflictError({ provider: this.ctx.providerName, message: `network ${ref.id} already has a VPN gateway (${user.replace(/\/ipConfigurations\/[^/]+$/i, '')}); Azure allows one per VNet` });
    // Whether the companion makes the GatewaySubnet is decided once and kept on the IPs, before the subnet exists.
    const recorded = ips.find((ip) => ip !== undefined)?.tags?.[NETWORK_TAG.gatewaySubnet];
    const ownsSubnet = recorded !== undefined ? recorded === 'true' : gatewaySubnet === undefined;
    const gatewayPrefix = gatewaySubnet ? prefixOf(gatewaySubnet) : this.placeGatewaySubnet(vnet);
    const ipTags = ownedTags({ ...this.ctx, now: this.ctx.now() }, { [NETWORK_TAG.gateway]: name, [NETWORK_TAG.network]: vnet.id ?? ref.id, [NETWORK_TAG.gatewaySubnet]: String(ownsSubnet) });
    for (const [i, ipName] of ipNames.entries()) {
      if (ips[i] !== undefined) continue;
      const body: PublicIPAddress = { location, tags: ipTags, sku: { name: 'Standard', tier: 'Regional' }, publicIPAllocationMethod: 'Static', publicIPAddressVersion: 'IPv4' };
      await this.calls.write({ operation: 'createVpnGateway', resourceType: 'public-ip', resourceId: armId(this.ctx.scope, IP_TYPE, ipName), region: location }, signal, (network, o) => network.publicIPAddresses.createOrUpdate(this.ctx.scope.resourceGroup, ipName, body, o));
    }
    const subnetId = `${ref.id}/subnets/${GATEWAY_SUBNET}`;
    if (!gatewaySubnet) {
      await this.calls.write({ operation: 'createVpnGateway', resourceType: 'subnet', resourceId: subnetId, region: location }, signal, (network, o) =>
        network.subnets.createOrUpdate(ref.resourceGroup, ref.name, GATEWAY_SUBNET, { addressPrefix: gatewayPrefix }, o),
      );
    }
    const body: VirtualNetworkGateway = {
      location,
      tags,
      ipConfigurations: ipNames.map((ipName, i) => ({ name: i === 0 ? 'default' : 'activeActive', privateIPAllocationMethod: 'Dynamic', subnet: { id: subnetId }, publicIPAddress: { id: armId(this.ctx.scope, IP_TYPE, ipName) } })),
      gatewayType: 'Vpn',
      vpnType: 'RouteBased',
      vpnGatewayGeneration: this.ctx.settings.gatewayGeneration,
      sku: { name: this.ctx.settings.gatewaySku, tier: this.ctx.settings.gatewaySku },
      active: this.ctx.settings.activeActive,
      enableBgp: true,
      bgpSettings: { asn },
    };
    try {
      await this.calls.submit({ operation: 'createVpnGateway', resourceType: 'vpn-gateway', resourceId: id, region: location }, signal, (network, o) => network.virtualNetworkGateways.createOrUpdate(this.ctx.scope.resourceGroup, name, body, o));
    } catch (error) {
      // A PUT whose answer was lost and that the pipeline sent again meets its own operation (409):
      // the gateway is there, ours, being provisioned.
      const again = ConflictError.isInstance(error) ? await this.read(name, 'createVpnGateway', signal) : undefined;
      if (again && sameInput(again.tags, specHash)) return this.toVpnGateway(again);
      // Refused for good: the IPs and subnet made for it do not linger.
      if (InvalidSpecError.isInstance(error) || (ConflictError.isInstance(error) && again === undefined)) await this.removeLeftovers(name, false, signal).catch(() => undefined);
      throw error;
    }
    const gateway = await this.read(name, 'createVpnGateway', signal);
    if (!gateway) throw new ConflictError({ provider: this.ctx.providerName, message: `createVpnGateway: ARM accepted ${id} but does not show it; look it up with findByIdempotencyKey` });
    return this.toVpnGateway(gateway);
  }

  /** Reads a gateway; `NotFoundError` once it is gone (after removing what it leaves behind, when its delete was asked for). */
  async get(id: string, signal: AbortSignal | undefined): Promise<VpnGateway> {
    const name = this.nameOf(id);
    const gateway = name !== undefined ? await this.read(name, 'get', signal) : undefined;
    if (gateway) return this.toVpnGateway(gateway);
    if (name !== undefined) await this.removeLeftovers(name, true, signal);
    throw new NotFoundError({ provider: this.ctx.providerName, message: `vpn-gateway ${id} not found`, resourceType: 'vpn-gateway', resourceId: id });
  }

  /** The resource group's gateways. */
  async *list(signal: AbortSignal | undefined): AsyncIterable<VpnGateway> {
    for await (const gateway of this.calls.list({ operation: 'list', resourceType: 'vpn-gateway' }, signal, (network) => network.virtualNetworkGateways.list(this.ctx.scope.resourceGroup, { abortSignal: signal }).byPage())) {
      yield this.toVpnGateway(gateway);
    }
  }

  /** The gateway a create with this key made, `undefined` when ARM has none of its name. */
  async find(key: string, signal: AbortSignal | undefined): Promise<VpnGateway | undefined> {
    const gateway = await this.read(networkResourceName('vpn-gateway', key), 'findByIdempotencyKey', signal);
    return gateway ? this.toVpnGateway(gateway) : undefined;
  }

  /** Starts deleting a gateway (its IPs marked for removal); one already gone has its leftovers removed. */
  async delete(id: string, signal: AbortSignal | undefined): Promise<void> {
    const name = this.nameOf(id);
    if (name === undefined) return;
    const gateway = await this.read(name, 'delete', signal);
    if (!gateway) return this.removeLeftovers(name, false, signal);
    if (gateway.provisioningState === 'Deleting') return;
    for (const config of gateway.ipConfigurations ?? []) {
      const ipName = config.publicIPAddress?.id ? topLevelOf(config.publicIPAddress.id, this.ctx.scope.subscriptionId, IP_TYPE)?.name : undefined;
      const ip = ipName !== undefined ? await this.readIp(ipName, 'delete', signal) : undefined;
      if (!ip || ip.tags?.[NETWORK_TAG.gateway] !== name || ip.tags[NETWORK_TAG.deleting] === 'true') continue;
      const marked: PublicIPAddress = { location: ip.location, tags: { ...ip.tags, [NETWORK_TAG.deleting]: 'true' }, sku: ip.sku, publicIPAllocationMethod: ip.publicIPAllocationMethod, publicIPAddressVersion: ip.publicIPAddressVersion, ...(ip.zones ? { zones: ip.zones } : {}) };
      await this.calls.write({ operation: 'delete', resourceType: 'public-ip', resourceId: ip.id }, signal, (network, o) => network.publicIPAddresses.createOrUpdate(this.ctx.scope.resourceGroup, ipName!, marked, o));
    }
    await this.calls.remove({ operation: 'delete', resourceType: 'vpn-gateway', resourceId: id }, signal, (network, o) => network.virtualNetworkGateways.delete(this.ctx.scope.resourceGroup, name, o));
  }

  /** Removes the public IPs of gone gateways that served `vnet` (a network's delete calls it). */
  async removeLeftoversOf(vnet: VirtualNetwork, signal: AbortSignal | undefined): Promise<void> {
    const ips = await this.calls.all({ operation: 'delete', resourceType: 'public-ip' }, signal, (network) => network.publicIPAddresses.list(this.ctx.scope.resourceGroup, { abortSignal: signal }).byPage());
    for (const ip of ips) {
      if (ip.tags?.[NOVACRON_TAG.managed] !== 'true' || ip.tags[NETWORK_TAG.network]?.toLowerCase() !== vnet.id?.toLowerCase() || ip.ipConfiguration !== undefined || !ip.name) continue;
      await this.calls.remove({ operation: 'delete', resourceType: 'public-ip', resourceId: ip.id }, signal, (network, o) => network.publicIPAddresses.delete(this.ctx.scope.resourceGroup, ip.name!, o), true);
    }
  }

  /**
   * Makes sure each of the gateway's IP configurations has the custom BGP addresses `wanted`
   * (configuration id → addresses) lists, updating the gateway and waiting for the update when
   * some are missing; the gateway as it is then.
   */
  async ensureCustomBgpAddresses(gateway: VirtualNetworkGateway, wanted: ReadonlyMap<string, readonly string[]>, signal: AbortSignal | undefined): Promise<VirtualNetworkGateway> {
    const current = new Map((gateway.bgpSettings?.bgpPeeringAddresses ?? []).map((p) => [(p.ipconfigurationId ?? '').toLowerCase(), p.customBgpIpAddresses ?? []]));
    const missing = [...wanted].some(([configId, addresses]) => addresses.some((a) => !(current.get(configId.toLowerCase()) ?? []).includes(a)));
    if (!missing) return gateway;
    const bgpPeeringAddresses = (gateway.ipConfigurations ?? []).map((config) => {
      const configId = config.id ?? '';
      return { ipconfigurationId: configId, customBgpIpAddresses: [...new Set([...(current.get(configId.toLowerCase()) ?? []), ...(wanted.get(configId) ?? [])])] };
    });
    const body: VirtualNetworkGateway = {
      location: gateway.location,
      tags: gateway.tags,
      ipConfigurations: (gateway.ipConfigurations ?? []).map((c) => ({ name: c.name, privateIPAllocationMethod: c.privateIPAllocationMethod, subnet: c.subnet, publicIPAddress: c.publicIPAddress })),
      gatewayType: gateway.gatewayType,
      vpnType: gateway.vpnType,
      vpnGatewayGeneration: gateway.vpnGatewayGeneration,
      sku: gateway.sku,
      active: gateway.active,
      enableBgp: gateway.enableBgp,
      bgpSettings: { asn: gateway.bgpSettings?.asn, peerWeight: gateway.bgpSettings?.peerWeight, bgpPeeringAddresses },
    };
    const name = gateway.name ?? '';
    return this.calls.write({ operation: 'createVpnConnection', resourceType: 'vpn-gateway', resourceId: gateway.id, region: gateway.location }, signal, (network, o) => network.virtualNetworkGateways.createOrUpdate(this.ctx.scope.resourceGroup, name, body, o));
  }

  /** A gateway of the resource group by name, `undefined` when there is none. */
  read(name: string, operation: string, signal: AbortSignal | undefined): Promise<VirtualNetworkGateway | undefined> {
    return this.calls.read({ operation, resourceType: 'vpn-gateway', resourceId: armId(this.ctx.scope, GATEWAY_TYPE, name) }, signal, (network, s) => network.virtualNetworkGateways.get(this.ctx.scope.resourceGroup, name, { abortSignal: s }));
  }

  /** A gateway by its id, `undefined` when there is none (or the id is not of this resource group). */
  readById(id: string, operation: string, signal: AbortSignal | undefined): Promise<VirtualNetworkGateway | undefined> {
    const name = this.nameOf(id);
    return name === undefined ? Promise.resolve(undefined) : this.read(name, operation, signal);
  }

  /** The companion's view of a gateway: public IPs once provisioned (`gatewayIpsFrom: 'gateway'`). */
  toVpnGateway(gateway: VirtualNetworkGateway): VpnGateway {
    const head = headOf('vpn-gateway', { id: gateway.id ?? '', name: gateway.name ?? '', location: gateway.location ?? '', tags: gateway.tags, provisioningState: gateway.provisioningState }, this.ctx.providerName);
    const subnetId = gateway.ipConfigurations?.[0]?.subnet?.id ?? '';
    const publicIps = head.state === 'available' ? (gateway.bgpSettings?.bgpPeeringAddresses ?? []).flatMap((p) => p.tunnelIpAddresses ?? []) : [];
    return { ...head, networkId: subnetId.replace(/\/subnets\/[^/]+$/i, ''), publicIps, asn: gateway.bgpSettings?.asn };
  }

  private placeGatewaySubnet(vnet: VirtualNetwork): string {
    const spaces = vnet.addressSpace?.addressPrefixes ?? [];
    const used = (vnet.subnets ?? []).flatMap((s) => (prefixOf(s) !== undefined ? [prefixOf(s)!] : []));
    const prefix = this.ctx.settings.gatewaySubnetPrefix;
    const chosen = chooseGatewaySubnet(spaces, used, prefix);
    if (chosen === undefined) {
      throw invalid('networkId', `network ${vnet.id} has no free /${prefix} for its GatewaySubnet in ${spaces.join(', ')} (used: ${used.join(', ') || 'none'}); add an address range or free one`);
    }
    return chosen;
  }

  /** Removes the public IPs (and the GatewaySubnet the companion made) of gone gateway `name`; `onlyMarked` keeps those whose delete was not asked for. */
  private async removeLeftovers(name: string, onlyMarked: boolean, signal: AbortSignal | undefined): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const ipName = gatewayPublicIpName(name, i);
      const ip = await this.readIp(ipName, 'delete', signal);
      if (!ip || ip.tags?.[NETWORK_TAG.gateway] !== name || ip.ipConfiguration !== undefined) continue;
      if (onlyMarked && ip.tags[NETWORK_TAG.deleting] !== 'true') continue;
      if (ip.tags[NETWORK_TAG.gatewaySubnet] === 'true') await this.removeGatewaySubnet(ip.tags[NETWORK_TAG.network], signal);
      await this.calls.remove({ operation: 'delete', resourceType: 'public-ip', resourceId: ip.id }, signal, (network, o) => network.publicIPAddresses.delete(this.ctx.scope.resourceGroup, ipName, o), true);
    }
  }

  /** Deletes the unused GatewaySubnet of the VNet `vnetId` (waiting for it). */
  private async removeGatewaySubnet(vnetId: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    if (vnetId === undefined) return;
    const ref = vnetRefOf(vnetId, 'networkId');
    const vnet = await this.vnets.readVnet(ref, 'delete', signal);
    const subnet = vnet?.subnets?.find((s) => s.name?.toLowerCase() === GATEWAY_SUBNET.toLowerCase());
    if (!subnet || (subnet.ipConfigurations?.length ?? 0) > 0 || subnet.provisioningState === 'Deleting') return;
    await this.calls.remove({ operation: 'delete', resourceType: 'subnet', resourceId: subnet.id }, signal, (network, o) => network.subnets.delete(ref.resourceGroup, ref.name, GATEWAY_SUBNET, o), true);
  }

  private readIp(name: string, operation: string, signal: AbortSignal | undefined): Promise<PublicIPAddress | undefined> {
    return this.calls.read({ operation, resourceType: 'public-ip', resourceId: armId(this.ctx.scope, IP_TYPE, name) }, signal, (network, s) => network.publicIPAddresses.get(this.ctx.scope.resourceGroup, name, { abortSignal: s }));
  }

  private nameOf(id: string): string | undefined {
    const parsed = topLevelOf(id, this.ctx.scope.subscriptionId, GATEWAY_TYPE);
    return parsed && parsed.resourceGroup.toLowerCase() === this.ctx.scope.resourceGroup.toLowerCase() ? parsed.name : undefined;
  }

  private reuse(gateway: VirtualNetworkGateway, specHash: string, key: string | undefined): VpnGateway {
    if (!sameInput(gateway.tags, specHash)) throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${key ?? ''}" was already used for a different vpn-gateway (${gateway.id})` });
    return this.toVpnGateway(gateway);
  }
}
