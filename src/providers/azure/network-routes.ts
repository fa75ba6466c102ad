/**
 * Routes of the companion: user-defined routes in one route table per network, which the
 * companion keeps (`<vnet>-rt`, in the provider's resource group and the VNet's location, tagged
 * with the VNet) and associates with the VNet's subnets (all but `GatewaySubnet`, and but those a
 * user gave a route table of their own). The table is written whole (routes and tags in one PUT),
 * one route change at a time per table in this process; deleting its last route takes it off the
 * subnets and deletes it.
 *
 * Next hops (learn.microsoft.com "Virtual network traffic routing", read 2026-12):
 * - `internet` → `Internet`; `instance` → `VirtualAppliance` at the target's IP (an IP address,
 *   or a VM id whose primary private IP is read);
 * - `vpn-gateway` (the network's own gateway) and `vpn-connection` (one of its connections) →
 *   `VirtualNetworkGateway`: a user-defined route cannot name a gateway, only "the" gateway of
 *   the VNet, so the target is kept in a table tag (`novacron:route:<name>`) to report it back;
 * - `peering`: Azure routes a peered network's ranges itself (a system route, next hop
 *   `VNetPeering`, which a user-defined route cannot name); the companion checks the peering
 *   and records the route in a table tag only, so that it can be read, listed and deleted like any
 *   other (its `rawState` says `VNetPeering (system route)`).
 * Azure tags hold 256 characters and a table 50 tags, so a network takes at most about 45
 * gateway, connection and peering routes. Routes are child resources without tags: they are
 * reported under their Azure name, without labels.
 *
 * Refused before anything is sent: a destination inside or across the network's own ranges (its
 * local route; a wider one, such as a default route, is fine), a second route to one destination (`ConflictError`), a target that does not exist
 * (`NotFoundError`) or is not available yet (`ConflictError`).
 */
import type { Route as ArmRoute, RouteTable, VirtualNetwork } from '@azure/arm-network';
import { cidrContains, cidrsOverlap, isIpAddress, parseCidr } from '../../provider/cidr.js';
import { PerNameQueue } from '../../provider/keyed-creates.js';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { Route, RouteInput, RouteTarget } from '../../provider/network-types.js';
import type { AzureNetworkContext, NetworkCalls } from './network-calls.js';
import type { VpnConnections } from './network-connections.js';
import { checkName, invalid, rangeOf } from './network-input.js';
import { headOf, parseChildId, topLevelOf, armId } from './network-mapping.js';
import { GATEWAY_SUBNET, NETWORK_TAG, networkResourceName, ownedTags, routeTableName } from './network-names.js';
import type { Peerings } from './network-peerings.js';
import type { VirtualNetworks } from './network-vnets.js';
import type { VpnGateways } from './network-vpn-gateways.js';

const TABLE_TYPE = 'Microsoft.Network/routeTables';
const GATEWAY_TYPE = 'Microsoft.Network/virtualNetworkGateways';
const CONNECTION_TYPE = 'Microsoft.Network/connections';

/** What a route tag keeps: the target kind, its name, and for a peering route its destination. */
interface RouteTag {
  readonly t: RouteTarget['type'];
  readonly n: string;
  readonly d?: string | undefined;
}

/** The other parts the routes check their targets with. */
export interface RouteTargets {
  /** VPN gateways. */
  readonly gateways: VpnGateways;
  /** VPN connections. */
  readonly connections: VpnConnections;
  /** Peerings. */
  readonly peerings: Peerings;
}

/** Routes. */
export class Routes {
  private readonly tables = new PerNameQueue();

  /** Works through `calls` and `vnets` on behalf of `ctx`. */
  constructor(
    private readonly ctx: AzureNetworkContext,
    private readonly calls: NetworkCalls,
    private readonly vnets: VirtualNetworks,
    private readonly targets: () => RouteTargets,
  ) {}

  /** Creates (or finds again, by key) a route in the network's route table. */
  async create(input: RouteInput, options: NetworkCreateOptions, key: string): Promise<Route> {
    checkName(input?.name);
    const destination = rangeOf(input.destination, 'destination');
    const target = input.target;
    if (!target || !['vpn-gateway', 'vpn-connection', 'peering', 'instance', 'internet'].includes(target.type)) throw invalid('target.type', 'must be vpn-gateway, vpn-connection, peering, instance or internet');
    if (target.type !== 'internet' && (typeof target.id !== 'string' || target.id === '')) throw invalid('target.id', `a ${target.type} route needs the target's id`);
    const ref = this.vnets.ownRef(input.networkId, 'networkId');
    const signal = options.signal;
    const vnet = await this.vnets.readVnet(ref, 'createRoute', signal);
    if (!vnet) throw new NotFoundError({ provider: this.ctx.providerName, message: `networkId: network ${ref.id} not found`, resourceType: 'network', resourceId: ref.id });
    // A range around the network (a default route) leaves its local route in force; one inside it or across it does not.
    const local = (vnet.addressSpace?.addressPrefixes ?? []).find((c) => {
      const own = parseCidr(c, { lenient: true });
      return cidrsOverlap(own, destination) && !(cidrContains(destination, own) && destination.prefix < own.prefix);
    });
    if (local !== undefined) throw invalid('destination', `${destination.text} overlaps the network's own range ${local} (its local route)`);
    const name = networkResourceName('route', key);
    const tableName = routeTableName(vnet.name ?? ref.name);
    return this.tables.run(tableName.toLowerCase(), async () => {
      const table = await this.readTable(tableName, 'createRoute', signal);
      const existing = table ? this.routesOf(table).find((r) => r.name === name) : undefined;
      if (existing) {
        const sameTarget = existing.target.type === target.type && (target.type === 'internet' || target.type === 'instance' || existing.target.id?.toLowerCase() === String(target.id).toLowerCase());
        if (existing.destination !== destination.text || !sameTarget) {
          throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${options.idempotencyKey ?? ''}" was already used for a different route (${existing.id})` });
        }
        return existing;
      }
      const same = table ? this.routesOf(table).find((r) => r.destination === destination.text) : undefined;
      if (same) throw new ConflictError({ provider: this.ctx.providerName, message: `route table of ${ref.id} already routes ${destination.text} (route ${same.id})` });
      const hop = await this.hopOf(target, ref.id, vnet, signal);
      const tags = { ...(table?.tags ?? ownedTags({ ...this.ctx, now: this.ctx.now() }, { [NETWORK_TAG.network]: vnet.id ?? ref.id })) };
      if (hop.tag) tags[`${NETWORK_TAG.route}${name}`] = JSON.stringify(hop.tag.t === 'peering' ? { ...hop.tag, d: destination.text } : hop.tag);
      const routes: ArmRoute[] = [...(table?.routes ?? []).map(writable), ...(hop.route ? [{ name, addressPrefix: destination.text, ...hop.route }] : [])];
      const written = await this.writeTable(tableName, { location: vnet.location, tags, routes, disableBgpRoutePropagation: table?.disableBgpRoutePropagation ?? false }, 'createRoute', signal);
      await this.associate(vnet, written.id ?? armId(this.ctx.scope, TABLE_TYPE, tableName), signal);
      const made = this.routesOf(written).find((r) => r.name === name);
      if (!made) throw new ConflictError({ provider: this.ctx.providerName, message: `createRoute: ARM wrote ${tableName} without route ${name}` });
      return made;
    });
  }

  /** The route table id of the network `vnet`, when the companion keeps one (a new subnet joins it). */
  async tableIdOf(vnet: VirtualNetwork, signal: AbortSignal | undefined): Promise<string | undefined> {
    const table = await this.readTable(routeTableName(vnet.name ?? ''), 'createSubnet', signal);
    return table?.id;
  }

  /** Reads a route; `NotFoundError` once it is gone. */
  async get(id: string, signal: AbortSignal | undefined): Promise<Route> {
    const found = await this.locate(id, 'get', signal);
    if (!found.route) throw new NotFoundError({ provider: this.ctx.providerName, message: `route ${id} not found`, resourceType: 'route', resourceId: id });
    return found.route;
  }

  /** The routes of the route tables the companion keeps in the resource group. */
  async *list(signal: AbortSignal | undefined): AsyncIterable<Route> {
    for await (const table of this.calls.list({ operation: 'list', resourceType: 'route-table' }, signal, (network) => network.routeTables.list(this.ctx.scope.resourceGroup, { abortSignal: signal }).byPage())) {
      if (table.tags?.[NETWORK_TAG.network] === undefined) continue;
      yield* this.routesOf(table);
    }
  }

  /** The route a create with this key made, searched in the companion's route tables. */
  async find(key: string, signal: AbortSignal | undefined): Promise<Route | undefined> {
    const name = networkResourceName('route', key);
    for await (const route of this.list(signal)) if (route.name === name) return route;
    return undefined;
  }

  /** Removes a route (rewriting its table); one already gone succeeds. */
  async delete(id: string, signal: AbortSignal | undefined): Promise<void> {
    const child = parseChildId(id, 'routes');
    const table = child ? topLevelOf(child.parentId, this.ctx.scope.subscriptionId, TABLE_TYPE) : undefined;
    if (!child || !table || table.resourceGroup.toLowerCase() !== this.ctx.scope.resourceGroup.toLowerCase()) return;
    await this.tables.run(table.name.toLowerCase(), async () => {
      const current = await this.readTable(table.name, 'delete', signal);
      if (!current) return;
      const tagKey = `${NETWORK_TAG.route}${child.name}`;
      const routes = (current.routes ?? []).filter((r) => r.name?.toLowerCase() !== child.name.toLowerCase());
      if (routes.length === (current.routes ?? []).length && current.tags?.[tagKey] === undefined) return;
      const tags = Object.fromEntries(Object.entries(current.tags ?? {}).filter(([k]) => k !== tagKey));
      // The last route takes the table with it, so that a teardown leaves nothing the companion made.
      if (routes.length === 0 && !Object.keys(tags).some((k) => k.startsWith(NETWORK_TAG.route))) return this.removeTable(current, signal);
      await this.writeTable(table.name, { location: current.location, tags, routes: routes.map(writable), disableBgpRoutePropagation: current.disableBgpRoutePropagation }, 'delete', signal);
    });
  }

  /** Takes a route table off its subnets, then deletes it (waiting for both). */
  private async removeTable(table: RouteTable, signal: AbortSignal | undefined): Promise<void> {
    const byVnet = new Map<string, string[]>();
    for (const subnet of table.subnets ?? []) {
      const child = subnet.id ? parseChildId(subnet.id, 'subnets') : undefined;
      if (child) byVnet.set(child.parentId, [...(byVnet.get(child.parentId) ?? []), child.name.toLowerCase()]);
    }
    for (const [vnetId, names] of byVnet) {
      const ref = this.vnets.ownRef(vnetId, 'networkId');
      const vnet = await this.vnets.readVnet(ref, 'delete', signal);
      for (const subnet of vnet?.subnets ?? []) {
        if (!subnet.name || !names.includes(subnet.name.toLowerCase()) || subnet.routeTable?.id?.toLowerCase() !== table.id?.toLowerCase()) continue;
        const { routeTable: _dropped, ...rest } = subnet;
        const name = subnet.name;
        await this.calls.write({ operation: 'delete', resourceType: 'subnet', resourceId: subnet.id }, signal, (network, o) => network.subnets.createOrUpdate(ref.resourceGroup, ref.name, name, rest, o));
      }
    }
    await this.calls.remove({ operation: 'delete', resourceType: 'route-table', resourceId: table.id }, signal, (network, o) => network.routeTables.delete(this.ctx.scope.resourceGroup, table.name ?? '', o), true);
  }

  /** Before a network's delete: refuses while it has routes (`ConflictError`), else deletes its route table. */
  async removeTableOf(vnet: VirtualNetwork, signal: AbortSignal | undefined): Promise<void> {
    const tableName = routeTableName(vnet.name ?? '');
    const table = await this.readTable(tableName, 'delete', signal);
    if (!table) return;
    const routes = this.routesOf(table);
    if (routes.length > 0) throw new ConflictError({ provider: this.ctx.providerName, message: `network ${vnet.id} is still used by ${routes.map((r) => `route ${r.id}`).join(', ')}` });
    await this.calls.remove({ operation: 'delete', resourceType: 'route-table', resourceId: table.id }, signal, (network, o) => network.routeTables.delete(this.ctx.scope.resourceGroup, tableName, o), true);
  }

  /** What the route goes to in Azure: an ARM route's next hop, and the tag that remembers the target. */
  private async hopOf(target: RouteTarget, networkId: string, vnet: VirtualNetwork, signal: AbortSignal | undefined): Promise<{ route?: Pick<ArmRoute, 'nextHopType' | 'nextHopIpAddress'>; tag?: RouteTag }> {
    const targets = this.targets();
    switch (target.type) {
      case 'internet':
        return { route: { nextHopType: 'Internet' } };
      case 'instance':
        return { route: { nextHopType: 'VirtualAppliance', nextHopIpAddress: await this.instanceIp(target.id!, signal) } };
      case 'vpn-gateway': {
        const gateway = await targets.gateways.get(target.id!, signal).catch((e: unknown) => this.missing(e, target));
        if (gateway.networkId.toLowerCase() !== networkId.toLowerCase()) throw invalid('target.id', `VPN gateway ${gateway.id} serves ${gateway.networkId}, not ${networkId}`);
        if (gateway.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `route target vpn-gateway ${gateway.id} is ${gateway.state}` });
        return { route: { nextHopType: 'VirtualNetworkGateway' }, tag: { t: 'vpn-gateway', n: gateway.id.slice(gateway.id.lastIndexOf('/') + 1) } };
      }
      case 'vpn-connection': {
        const connection = await targets.connections.get(target.id!, signal).catch((e: unknown) => this.missing(e, target));
        const gateway = await targets.gateways.get(connection.vpnGatewayId, signal);
        if (gateway.networkId.toLowerCase() !== networkId.toLowerCase()) throw invalid('target.id', `VPN connection ${connection.id} is of a gateway of ${gateway.networkId}, not ${networkId}`);
        if (connection.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `route target vpn-connection ${connection.id} is ${connection.state}` });
        return { route: { nextHopType: 'VirtualNetworkGateway' }, tag: { t: 'vpn-connection', n: connection.id.slice(connection.id.lastIndexOf('/') + 1) } };
      }
      case 'peering': {
        const peering = await targets.peerings.get(target.id!, signal).catch((e: unknown) => this.missing(e, target));
        if (peering.networkId.toLowerCase() !== (vnet.id ?? networkId).toLowerCase()) throw invalid('target.id', `peering ${peering.id} is a link of ${peering.networkId}, not ${networkId}`);
        if (peering.state !== 'available') throw new ConflictError({ provider: this.ctx.providerName, message: `route target peering ${peering.id} is ${peering.state}` });
        return { tag: { t: 'peering', n: peering.name } };
      }
    }
  }

  /** The private IP a VirtualAppliance route goes to: the target itself, or a VM's primary private IP. */
  private async instanceIp(target: string, signal: AbortSignal | undefined): Promise<string> {
    if (isIpAddress(target)) return target;
    const vm = topLevelOf(target, this.ctx.scope.subscriptionId, 'Microsoft.Compute/virtualMachines');
    if (!vm) throw invalid('target.id', 'an instance route needs a private IP address or the id of a VM of this subscription');
    const ip = await this.ctx.api.run({ operation: 'createRoute', resourceType: 'vm', resourceId: target }, signal, async ({ compute, network }) => {
      const found = await compute.virtualMachines.get(vm.resourceGroup, vm.name, { abortSignal: signal });
      const nicId = found.networkProfile?.networkInterfaces?.find((n) => n.primary !== false)?.id;
      const nic = nicId ? topLevelOf(nicId, this.ctx.scope.subscriptionId, 'Microsoft.Network/networkInterfaces') : undefined;
      const read = nic ? await network.networkInterfaces.get(nic.resourceGroup, nic.name, { abortSignal: signal }) : undefined;
      return read?.ipConfigurations?.find((c) => c.primary !== false)?.privateIPAddress;
    });
    if (ip === undefined) throw invalid('target.id', `VM ${target} has no private IP to route to`);
    return ip;
  }

  /** Associates the network's subnets (but GatewaySubnet and those with a table of their own) with its route table. */
  private async associate(vnet: VirtualNetwork, tableId: string, signal: AbortSignal | undefined): Promise<void> {
    const ref = this.vnets.ownRef(vnet.id ?? '', 'networkId');
    for (const subnet of vnet.subnets ?? []) {
      if (!subnet.name || subnet.name.toLowerCase() === GATEWAY_SUBNET.toLowerCase() || subnet.routeTable?.id !== undefined) continue;
      const name = subnet.name;
      await this.calls.write({ operation: 'createRoute', resourceType: 'subnet', resourceId: subnet.id }, signal, (network, o) => network.subnets.createOrUpdate(ref.resourceGroup, ref.name, name, { ...subnet, routeTable: { id: tableId } }, o));
    }
  }

  /** The routes a table holds: its ARM routes and its tag-recorded peering routes. */
  private routesOf(table: RouteTable): Route[] {
    const tags = table.tags ?? {};
    const networkId = tags[NETWORK_TAG.network] ?? '';
    const tagOf = (name: string): RouteTag | undefined => {
      const raw = tags[`${NETWORK_TAG.route}${name}`];
      return raw === undefined ? undefined : (JSON.parse(raw) as RouteTag);
    };
    const id = (name: string): string => `${table.id ?? ''}/routes/${name}`;
    const routes = (table.routes ?? []).map((r) => {
      const tag = tagOf(r.name ?? '');
      const head = headOf('route', { id: r.id ?? id(r.name ?? ''), name: r.name ?? '', location: table.location ?? '', provisioningState: r.provisioningState }, this.ctx.providerName);
      return { ...head, networkId, destination: r.addressPrefix ?? '', target: this.targetOf(r, tag) } satisfies Route;
    });
    const peeringRoutes = Object.keys(tags)
      .filter((k) => k.startsWith(NETWORK_TAG.route))
      .map((k) => ({ name: k.slice(NETWORK_TAG.route.length), tag: JSON.parse(tags[k]!) as RouteTag }))
      .filter(({ tag }) => tag.t === 'peering')
      .map(({ name, tag }) => ({
        ...headOf('route', { id: id(name), name, location: table.location ?? '', provisioningState: 'Succeeded' }, this.ctx.providerName),
        rawState: 'VNetPeering (system route)',
        networkId,
        destination: tag.d ?? '',
        target: { type: 'peering' as const, id: `${networkId}/virtualNetworkPeerings/${tag.n}` },
      }));
    return [...routes, ...peeringRoutes];
  }

  private targetOf(route: ArmRoute, tag: RouteTag | undefined): RouteTarget {
    switch (route.nextHopType) {
      case 'Internet':
        return { type: 'internet', id: undefined };
      case 'VirtualAppliance':
        return { type: 'instance', id: route.nextHopIpAddress };
      default: {
        if (tag?.t === 'vpn-connection') return { type: 'vpn-connection', id: armId(this.ctx.scope, CONNECTION_TYPE, tag.n) };
        if (tag?.t === 'vpn-gateway') return { type: 'vpn-gateway', id: armId(this.ctx.scope, GATEWAY_TYPE, tag.n) };
        return { type: 'vpn-gateway', id: undefined };
      }
    }
  }

  private async locate(id: string, operation: string, signal: AbortSignal | undefined): Promise<{ route: Route | undefined }> {
    const child = parseChildId(id, 'routes');
    const table = child ? topLevelOf(child.parentId, this.ctx.scope.subscriptionId, TABLE_TYPE) : undefined;
    if (!child || !table || table.resourceGroup.toLowerCase() !== this.ctx.scope.resourceGroup.toLowerCase()) return { route: undefined };
    const current = await this.readTable(table.name, operation, signal);
    return { route: current ? this.routesOf(current).find((r) => r.name.toLowerCase() === child.name.toLowerCase()) : undefined };
  }

  private readTable(name: string, operation: string, signal: AbortSignal | undefined): Promise<RouteTable | undefined> {
    return this.calls.read({ operation, resourceType: 'route-table', resourceId: armId(this.ctx.scope, TABLE_TYPE, name) }, signal, (network, s) => network.routeTables.get(this.ctx.scope.resourceGroup, name, { abortSignal: s }));
  }

  private writeTable(name: string, body: RouteTable, operation: string, signal: AbortSignal | undefined): Promise<RouteTable> {
    return this.calls.write({ operation, resourceType: 'route-table', resourceId: armId(this.ctx.scope, TABLE_TYPE, name), region: body.location }, signal, (network, o) => network.routeTables.createOrUpdate(this.ctx.scope.resourceGroup, name, body, o));
  }

  private missing(error: unknown, target: RouteTarget): never {
    if (NotFoundError.isInstance(error)) throw new NotFoundError({ provider: this.ctx.providerName, message: `route target ${target.type} ${target.id} not found`, resourceType: target.type, resourceId: target.id });
    throw error;
  }
}

/** A route as a table PUT sends it back. */
function writable(route: ArmRoute): ArmRoute {
  return { name: route.name, addressPrefix: route.addressPrefix, nextHopType: route.nextHopType, ...(route.nextHopIpAddress ? { nextHopIpAddress: route.nextHopIpAddress } : {}) };
}
