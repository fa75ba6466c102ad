/**
 * The describe calls of the AWS network companion: one resource by id in one region, all of a
 * kind in one region (following `NextToken` where EC2 pages), and what a create with an
 * idempotency key made (by its key tag). Deleted gateways, connections and peerings still
 * describe for a while on EC2 (state `deleted`); they read here as absent. An id of the wrong
 * shape is absent without a call.
 */
import type { CustomerGateway, EC2Client, Filter, InternetGateway, RouteTable, Subnet, Vpc, VpcPeeringConnection, VpnConnection, VpnGateway } from '@aws-sdk/client-ec2';
import { NotFoundError } from '../../provider/errors.js';
import type { NetworkResourceType } from '../../provider/network-types.js';
import type { Ec2Module } from './aws-api.js';
import type { AwsNetworkContext } from './network-context.js';

/** Id shapes: a prefix and 8 or 17 hex digits. */
const SHAPES: Readonly<Record<string, RegExp>> = Object.fromEntries(['vpc', 'subnet', 'vgw', 'cgw', 'vpn', 'pcx', 'rtb', 'igw'].map((p) => [p, new RegExp(`^${p}-([0-9a-f]{8}|[0-9a-f]{17})$`)]));

/** True when `id` has the shape of an EC2 id with `prefix`. */
export function hasShape(id: string, prefix: string): boolean {
  return typeof id === 'string' && (SHAPES[prefix]?.test(id) ?? false);
}

/** The EC2 id prefix of each kind of resource. */
export const ID_PREFIX: Readonly<Record<Exclude<NetworkResourceType, 'route'>, string>> = {
  network: 'vpc',
  subnet: 'subnet',
  'vpn-gateway': 'vgw',
  'peer-gateway': 'cgw',
  'vpn-connection': 'vpn',
  peering: 'pcx',
};

type Call<T> = (client: EC2Client, sdk: Ec2Module, signal: AbortSignal | undefined) => Promise<T>;

/** Describe calls. */
export class NetworkReader {
  /** Reads through the context's calls. */
  constructor(private readonly ctx: AwsNetworkContext) {}

  private async one<T>(region: string, type: string, id: string, signal: AbortSignal | undefined, call: Call<T | undefined>): Promise<T | undefined> {
    try {
      return await this.ctx.calls.send(region, { operation: 'get', resourceType: type, resourceId: id }, signal, (client, sdk) => call(client, sdk, signal));
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** A VPC. */
  async vpc(region: string, id: string, signal: AbortSignal | undefined): Promise<Vpc | undefined> {
    if (!hasShape(id, 'vpc')) return undefined;
    const vpc = await this.one(region, 'network', id, signal, async (c, s) => (await c.send(new s.DescribeVpcsCommand({ VpcIds: [id] }), { abortSignal: signal })).Vpcs?.[0]);
    this.ctx.account.learn(vpc?.OwnerId);
    return vpc;
  }

  /** A subnet. */
  async subnet(region: string, id: string, signal: AbortSignal | undefined): Promise<Subnet | undefined> {
    if (!hasShape(id, 'subnet')) return undefined;
    return this.one(region, 'subnet', id, signal, async (c, s) => (await c.send(new s.DescribeSubnetsCommand({ SubnetIds: [id] }), { abortSignal: signal })).Subnets?.[0]);
  }

  /** A virtual private gateway that is not deleted. */
  async vpnGateway(region: string, id: string, signal: AbortSignal | undefined): Promise<VpnGateway | undefined> {
    if (!hasShape(id, 'vgw')) return undefined;
    const g = await this.one(region, 'vpn-gateway', id, signal, async (c, s) => (await c.send(new s.DescribeVpnGatewaysCommand({ VpnGatewayIds: [id] }), { abortSignal: signal })).VpnGateways?.[0]);
    return g?.State === 'deleted' ? undefined : g;
  }

  /** A customer gateway that is not deleted. */
  async customerGateway(region: string, id: string, signal: AbortSignal | undefined): Promise<CustomerGateway | undefined> {
    if (!hasShape(id, 'cgw')) return undefined;
    const g = await this.one(region, 'peer-gateway', id, signal, async (c, s) => (await c.send(new s.DescribeCustomerGatewaysCommand({ CustomerGatewayIds: [id] }), { abortSignal: signal })).CustomerGateways?.[0]);
    return g?.State === 'deleted' ? undefined : g;
  }

  /** A VPN connection that is not deleted. */
  async vpnConnection(region: string, id: string, signal: AbortSignal | undefined): Promise<VpnConnection | undefined> {
    if (!hasShape(id, 'vpn')) return undefined;
    const v = await this.one(region, 'vpn-connection', id, signal, async (c, s) => (await c.send(new s.DescribeVpnConnectionsCommand({ VpnConnectionIds: [id] }), { abortSignal: signal })).VpnConnections?.[0]);
    return v?.State === 'deleted' ? undefined : v;
  }

  /** A peering connection that is not deleted. */
  async peering(region: string, id: string, signal: AbortSignal | undefined): Promise<VpcPeeringConnection | undefined> {
    if (!hasShape(id, 'pcx')) return undefined;
    const p = await this.one(region, 'peering', id, signal, async (c, s) => (await c.send(new s.DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }), { abortSignal: signal })).VpcPeeringConnections?.[0]);
    return p?.Status?.Code === 'deleted' ? undefined : p;
  }

  /** A route table. */
  async routeTable(region: string, id: string, signal: AbortSignal | undefined): Promise<RouteTable | undefined> {
    if (!hasShape(id, 'rtb')) return undefined;
    return this.one(region, 'route', id, signal, async (c, s) => (await c.send(new s.DescribeRouteTablesCommand({ RouteTableIds: [id] }), { abortSignal: signal })).RouteTables?.[0]);
  }

  /** The main route table of a VPC. */
  async mainRouteTable(region: string, vpcId: string, signal: AbortSignal | undefined): Promise<RouteTable | undefined> {
    const tables = await this.routeTables(region, [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }], signal);
    return tables[0];
  }

  /** Every page of a paged describe call. */
  private async pages<T>(region: string, type: string, signal: AbortSignal | undefined, page: (client: EC2Client, sdk: Ec2Module, token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const out = await this.ctx.calls.send(region, { operation: 'list', resourceType: type }, signal, (client, sdk) => page(client, sdk, token));
      all.push(...(out.items ?? []));
      token = out.next;
    } while (token);
    return all;
  }

  /** VPCs of a region that pass `filters`. */
  async vpcs(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<Vpc[]> {
    const vpcs = await this.pages(region, 'network', signal, async (c, s, token) => {
      const out = await c.send(new s.DescribeVpcsCommand({ Filters: orNone(filters), NextToken: token, MaxResults: 1000 }), { abortSignal: signal });
      return { items: out.Vpcs, next: out.NextToken };
    });
    this.ctx.account.learn(vpcs.find((v) => v.OwnerId)?.OwnerId);
    return vpcs;
  }

  /** Subnets of a region that pass `filters`. */
  subnets(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<Subnet[]> {
    return this.pages(region, 'subnet', signal, async (c, s, token) => {
      const out = await c.send(new s.DescribeSubnetsCommand({ Filters: orNone(filters), NextToken: token, MaxResults: 1000 }), { abortSignal: signal });
      return { items: out.Subnets, next: out.NextToken };
    });
  }

  /** Virtual private gateways of a region that pass `filters`, deleted ones left out. */
  async vpnGateways(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<VpnGateway[]> {
    const out = await this.ctx.calls.send(region, { operation: 'list', resourceType: 'vpn-gateway' }, signal, (c, s) => c.send(new s.DescribeVpnGatewaysCommand({ Filters: orNone(filters) }), { abortSignal: signal }));
    return (out.VpnGateways ?? []).filter((g) => g.State !== 'deleted');
  }

  /** Customer gateways of a region that pass `filters`, deleted ones left out. */
  async customerGateways(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<CustomerGateway[]> {
    const out = await this.ctx.calls.send(region, { operation: 'list', resourceType: 'peer-gateway' }, signal, (c, s) => c.send(new s.DescribeCustomerGatewaysCommand({ Filters: orNone(filters) }), { abortSignal: signal }));
    return (out.CustomerGateways ?? []).filter((g) => g.State !== 'deleted');
  }

  /** VPN connections of a region that pass `filters`, deleted ones left out. */
  async vpnConnections(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<VpnConnection[]> {
    const out = await this.ctx.calls.send(region, { operation: 'list', resourceType: 'vpn-connection' }, signal, (c, s) => c.send(new s.DescribeVpnConnectionsCommand({ Filters: orNone(filters) }), { abortSignal: signal }));
    return (out.VpnConnections ?? []).filter((v) => v.State !== 'deleted');
  }

  /** Peering connections seen from a region that pass `filters`, deleted ones left out. */
  async peerings(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<VpcPeeringConnection[]> {
    const all = await this.pages(region, 'peering', signal, async (c, s, token) => {
      const out = await c.send(new s.DescribeVpcPeeringConnectionsCommand({ Filters: orNone(filters), NextToken: token, MaxResults: 1000 }), { abortSignal: signal });
      return { items: out.VpcPeeringConnections, next: out.NextToken };
    });
    return all.filter((p) => p.Status?.Code !== 'deleted');
  }

  /** Internet gateways of a region that pass `filters`. */
  internetGateways(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<InternetGateway[]> {
    return this.pages(region, 'route', signal, async (c, s, token) => {
      const out = await c.send(new s.DescribeInternetGatewaysCommand({ Filters: orNone(filters), NextToken: token, MaxResults: 1000 }), { abortSignal: signal });
      return { items: out.InternetGateways, next: out.NextToken };
    });
  }

  /** Route tables of a region that pass `filters`. */
  routeTables(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<RouteTable[]> {
    return this.pages(region, 'route', signal, async (c, s, token) => {
      const out = await c.send(new s.DescribeRouteTablesCommand({ Filters: orNone(filters), NextToken: token, MaxResults: 100 }), { abortSignal: signal });
      return { items: out.RouteTables, next: out.NextToken };
    });
  }
}

function orNone(filters: Filter[]): Filter[] | undefined {
  return filters.length > 0 ? filters : undefined;
}
