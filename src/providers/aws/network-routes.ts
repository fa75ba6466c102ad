/**
 * Routes on AWS: routes of a network's main route table (CreateRoute, DeleteRoute). EC2 routes
 * have no id, name or tags: a route is named by its table and destination
 * (`rtb-…:10.1.0.0/16`), and what the companion knows of it (name, labels, idempotency key,
 * input fingerprint) is kept in one tag of its route table, `novacron:route/<destination>`,
 * written before CreateRoute so that a lost answer is found by its key.
 *
 * Targets: a VPN gateway (`GatewayId` of the virtual private gateway), a VPN connection (routed
 * through its gateway: AWS routes to gateways, not connections), a peering connection, an
 * instance, or the internet (the VPC's internet gateway, made when it has none). Per the VPC
 * User Guide "Route tables" (read 2026-12), a destination equal to or more specific than the
 * VPC's block takes only an instance (or interface) target, and one route per destination.
 */
import type { RouteTable } from '@aws-sdk/client-ec2';
import { AuthError, ConflictError, InvalidSpecError, NotFoundError, QuotaError, UnsupportedError } from '../../provider/errors.js';
import type { NetworkListFilter, Route, RouteInput } from '../../provider/network-types.js';
import { loadCidr, type AwsNetworkContext, type CreateStamp } from './network-context.js';
import { checkName, invalid } from './network-input-checks.js';
import { networkOf, routeMetas, routeOf, type RouteMeta } from './network-mapping.js';
import { hasShape, type NetworkReader } from './network-reader.js';
import { checkLabels, keyDigest, NETWORK_TAG } from './network-tags.js';
import type { AwsVpcs } from './network-vpcs.js';
import type { AwsVpn } from './network-vpn.js';

/** A route id split into its table and destination; `undefined` when it is not one. */
export function parseRouteId(id: string): { tableId: string; destination: string } | undefined {
  const at = typeof id === 'string' ? id.indexOf(':') : -1;
  if (at === -1) return undefined;
  const tableId = id.slice(0, at);
  return hasShape(tableId, 'rtb') ? { tableId, destination: id.slice(at + 1) } : undefined;
}

/** Errors that prove a CreateRoute did nothing. */
function definitive(error: unknown): boolean {
  return [InvalidSpecError, NotFoundError, ConflictError, QuotaError, AuthError, UnsupportedError].some((c) => c.isInstance(error));
}

/** Routes of main route tables. */
export class AwsRoutes {
  /** Works through the companion's context, reader and the VPC and VPN operations (targets). */
  constructor(
    private readonly ctx: AwsNetworkContext,
    private readonly reader: NetworkReader,
    private readonly vpcs: AwsVpcs,
    private readonly vpn: AwsVpn,
  ) {}

  /** One route; `NotFoundError` once it is gone. */
  async get(id: string, signal: AbortSignal | undefined): Promise<Route> {
    const parsed = parseRouteId(id);
    if (parsed === undefined) throw new NotFoundError({ provider: this.ctx.provider, message: `route ${id} not found`, resourceType: 'route', resourceId: id });
    const { value: table, region } = await this.ctx.calls.locate('route', parsed.tableId, (r) => this.reader.routeTable(r, parsed.tableId, signal));
    const route = await this.viewOf(table, parsed.destination, region);
    if (route === undefined) throw new NotFoundError({ provider: this.ctx.provider, message: `route ${id} not found`, resourceType: 'route', resourceId: id });
    return route;
  }

  private async viewOf(table: RouteTable, destination: string, region: string): Promise<Route | undefined> {
    const route = (table.Routes ?? []).find((r) => r.DestinationCidrBlock === destination);
    return route === undefined ? undefined : routeOf(table, route, routeMetas(table).get(destination), await this.ctx.mapping(region));
  }

  /** The routes of a region's main route tables (of one network when the filter names it). */
  async list(region: string, filter: NetworkListFilter, signal: AbortSignal | undefined): Promise<Route[]> {
    const filters = [{ Name: 'association.main', Values: ['true'] }, ...(filter.networkId !== undefined ? [{ Name: 'vpc-id', Values: [filter.networkId] }] : [])];
    const mapping = await this.ctx.mapping(region);
    const routes: Route[] = [];
    for (const table of await this.reader.routeTables(region, filters, signal)) {
      const metas = routeMetas(table);
      for (const r of table.Routes ?? []) {
        const route = routeOf(table, r, metas.get(r.DestinationCidrBlock ?? ''), mapping);
        if (route) routes.push(route);
      }
    }
    return routes;
  }

  /** The route a create with this key made, with its fingerprint; `undefined` when no table has it. */
  async findByKey(key: string, signal: AbortSignal | undefined): Promise<{ resource: Route; fingerprint: string } | undefined> {
    const digest = keyDigest(key);
    for (const region of this.ctx.regions) {
      for (const table of await this.reader.routeTables(region, [{ Name: 'tag-key', Values: [`${NETWORK_TAG.route}*`] }], signal)) {
        for (const [destination, meta] of routeMetas(table)) {
          if (meta.k !== digest) continue;
          const route = await this.viewOf(table, destination, region);
          if (route) return { resource: route, fingerprint: meta.f };
        }
      }
    }
    return undefined;
  }

  /** CreateRoute on the network's main route table. */
  async create(input: RouteInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<Route> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    checkLabels(input.labels);
    const cidr = await loadCidr();
    const destination = cidr.parseCidr(input.destination, { field: 'destination' });
    const target = input.target;
    const { value: vpc, region } = await this.vpcs.locate(input.networkId, signal);
    const vpcId = vpc.VpcId!;
    const network = networkOf(vpc, await this.ctx.mapping(region));
    const local = network.cidrs.find((c) => cidr.cidrContains(cidr.parseCidr(c), destination));
    if (local !== undefined && target?.type !== 'instance') throw invalid('destination', `${destination.text} is inside the network's own range ${local} (its local route); only an instance can be the target of such a route on AWS`, provider);
    const table = await this.reader.mainRouteTable(region, vpcId, signal);
    if (table === undefined) throw new NotFoundError({ provider, message: `network ${vpcId} has no main route table`, resourceType: 'network', resourceId: vpcId });
    const tableId = table.RouteTableId!;
    const metaKey = NETWORK_TAG.route + destination.text;
    const existing = (table.Routes ?? []).find((r) => r.DestinationCidrBlock === destination.text);
    if (existing) {
      const meta = routeMetas(table).get(destination.text);
      if (stamp.idempotencyKey !== undefined && meta?.k === keyDigest(stamp.idempotencyKey)) {
        if (meta.f !== stamp.fingerprint) throw new ConflictError({ provider, message: `idempotency key "${stamp.idempotencyKey}" was already used for a different route` });
        return (await this.viewOf(table, destination.text, region))!;
      }
      throw new ConflictError({ provider, message: `route table ${tableId} of ${vpcId} already routes ${destination.text}` });
    }
    const params = await this.targetParams(input, region, vpcId, signal);
    const meta: RouteMeta = { n: input.name, f: stamp.fingerprint, c: stamp.createdAt, ...(stamp.idempotencyKey === undefined ? {} : { k: keyDigest(stamp.idempotencyKey) }), ...(input.labels && Object.keys(input.labels).length > 0 ? { l: input.labels } : {}) };
    const metaValue = JSON.stringify(meta);
    if (metaValue.length > 256) throw invalid('labels', 'a route keeps its name and labels in one route-table tag of 256 characters: use fewer or shorter labels', provider);
    const ctx = { operation: 'createRoute', resourceType: 'route', resourceId: `${tableId}:${destination.text}`, mutating: true };
    await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.CreateTagsCommand({ Resources: [tableId], Tags: [{ Key: metaKey, Value: metaValue }] }), { abortSignal: signal }));
    try {
      await this.ctx.calls.create(region, ctx, signal, (sdk) => new sdk.CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: destination.text, ...params }));
    } catch (error) {
      // A refusal proves no route was made: its tag goes too. After an unclear end the tag stays, for findByIdempotencyKey.
      if (definitive(error)) await this.removeMeta(region, tableId, metaKey, signal).catch(() => undefined);
      throw error;
    }
    this.ctx.calls.remember(tableId, region);
    const read = await this.reader.routeTable(region, tableId, signal);
    const view = read === undefined ? undefined : await this.viewOf(read, destination.text, region);
    if (view === undefined) throw new NotFoundError({ provider, message: `route ${destination.text} of ${tableId} is missing right after CreateRoute`, resourceType: 'route' });
    return view;
  }

  /** CreateRoute's target parameters for a route input. */
  private async targetParams(input: RouteInput, region: string, vpcId: string, signal: AbortSignal | undefined): Promise<{ GatewayId?: string; VpcPeeringConnectionId?: string; InstanceId?: string }> {
    const { provider } = this.ctx;
    const target = input.target;
    const id = target?.id;
    switch (target?.type) {
      case 'vpn-gateway':
        if (id === undefined || !hasShape(id, 'vgw')) throw invalid('target.id', 'must be a VPN gateway id (vgw-…)', provider);
        return { GatewayId: id };
      case 'vpn-connection': {
        if (id === undefined) throw invalid('target.id', 'must be a VPN connection id', provider);
        const { value: vpn } = await this.vpn.locateConnection(id, signal);
        return { GatewayId: vpn.VpnGatewayId };
      }
      case 'peering':
        if (id === undefined || !hasShape(id, 'pcx')) throw invalid('target.id', 'must be a peering id (pcx-…)', provider);
        return { VpcPeeringConnectionId: id };
      case 'instance':
        if (id === undefined) throw invalid('target.id', 'must be an instance id', provider);
        return { InstanceId: id };
      case 'internet':
        return { GatewayId: await this.vpcs.internetGateway(region, vpcId, signal) };
      default:
        throw invalid('target.type', 'must be vpn-gateway, vpn-connection, peering, instance or internet', provider);
    }
  }

  /** Deletes a route and its tag. */
  async delete(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    const parsed = parseRouteId(id);
    if (parsed === undefined) return false;
    let found;
    try {
      found = await this.ctx.calls.locate('route', parsed.tableId, (r) => this.reader.routeTable(r, parsed.tableId, signal));
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    const { value: table, region } = found;
    const metaKey = NETWORK_TAG.route + parsed.destination;
    const exists = (table.Routes ?? []).some((r) => r.DestinationCidrBlock === parsed.destination);
    if (exists) {
      try {
        await this.ctx.calls.send(region, { operation: 'delete', resourceType: 'route', resourceId: id, mutating: true }, signal, (c, s) =>
          c.send(new s.DeleteRouteCommand({ RouteTableId: parsed.tableId, DestinationCidrBlock: parsed.destination }), { abortSignal: signal }),
        );
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
      }
    }
    if (routeMetas(table).has(parsed.destination)) await this.removeMeta(region, parsed.tableId, metaKey, signal);
    return exists;
  }

  private async removeMeta(region: string, tableId: string, key: string, signal: AbortSignal | undefined): Promise<void> {
    await this.ctx.calls.send(region, { operation: 'delete', resourceType: 'route', resourceId: tableId, mutating: true }, signal, (c, s) => c.send(new s.DeleteTagsCommand({ Resources: [tableId], Tags: [{ Key: key }] }), { abortSignal: signal }));
  }
}
