/** What an account's network holds in one region, read through the real SDK: for teardown checks. */
import {
  DescribeCustomerGatewaysCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnConnectionsCommand,
  DescribeVpnGatewaysCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

/** Ids (with states where resources linger after deletion) of every network resource of a region, sorted. */
export interface NetworkSnapshot {
  readonly vpcs: string[];
  readonly subnets: string[];
  readonly routeTables: string[];
  readonly internetGateways: string[];
  readonly vpnGateways: string[];
  readonly customerGateways: string[];
  readonly vpnConnections: string[];
  readonly peerings: string[];
}

/**
 * The region's network. With `live`, what EC2 keeps showing after a deletion (gateways and
 * connections `deleted`, peerings `deleted` or `failed`) is left out.
 */
export async function networkSnapshot(client: EC2Client, options: { live?: boolean } = {}): Promise<NetworkSnapshot> {
  const gone = (state: string | undefined): boolean => options.live === true && (state === 'deleted' || state === 'failed');
  const vpcs = await client.send(new DescribeVpcsCommand({}));
  const subnets = await client.send(new DescribeSubnetsCommand({}));
  const tables = await client.send(new DescribeRouteTablesCommand({}));
  const igws = await client.send(new DescribeInternetGatewaysCommand({}));
  const vgws = await client.send(new DescribeVpnGatewaysCommand({}));
  const cgws = await client.send(new DescribeCustomerGatewaysCommand({}));
  const vpns = await client.send(new DescribeVpnConnectionsCommand({}));
  const pcxs = await client.send(new DescribeVpcPeeringConnectionsCommand({}));
  return {
    vpcs: (vpcs.Vpcs ?? []).map((v) => v.VpcId!).sort(),
    subnets: (subnets.Subnets ?? []).map((s) => s.SubnetId!).sort(),
    routeTables: (tables.RouteTables ?? []).map((t) => `${t.RouteTableId}:${(t.Routes ?? []).map((r) => r.DestinationCidrBlock).join(',')}`).sort(),
    internetGateways: (igws.InternetGateways ?? []).map((g) => `${g.InternetGatewayId}:${(g.Attachments ?? []).map((a) => a.VpcId).join(',')}`).sort(),
    vpnGateways: (vgws.VpnGateways ?? []).filter((g) => !gone(g.State)).map((g) => `${g.VpnGatewayId}:${g.State}`).sort(),
    customerGateways: (cgws.CustomerGateways ?? []).filter((g) => !gone(g.State)).map((g) => `${g.CustomerGatewayId}:${g.State}`).sort(),
    vpnConnections: (vpns.VpnConnections ?? []).filter((v) => !gone(v.State)).map((v) => `${v.VpnConnectionId}:${v.State}`).sort(),
    peerings: (pcxs.VpcPeeringConnections ?? []).filter((p) => !gone(p.Status?.Code)).map((p) => `${p.VpcPeeringConnectionId}:${p.Status?.Code}`).sort(),
  };
}
