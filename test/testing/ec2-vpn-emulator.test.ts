/**
 * The EC2 emulator's VPC, VPN, peering and route actions against the real AWS SDK: every answer
 * deserializes, and the emulator refuses what EC2 refuses, with EC2's code and HTTP status.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  AttachVpnGatewayCommand,
  CreateCustomerGatewayCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  CreateVpnConnectionCommand,
  CreateVpnConnectionRouteCommand,
  CreateVpnGatewayCommand,
  DeleteCustomerGatewayCommand,
  DeleteRouteCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DeleteVpnConnectionCommand,
  DeleteVpnGatewayCommand,
  DescribeRouteTablesCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnConnectionsCommand,
  DescribeVpnGatewaysCommand,
  DetachVpnGatewayCommand,
  EC2Client,
  type VpnConnection,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEc2Emulator, type Ec2Emulator, type Ec2Timings } from '../../src/testing/emulators/ec2/index.js';
import { DEFAULT_NETWORK_TIMINGS, type Ec2NetworkTimings } from '../../src/testing/emulators/ec2/vpc-network-state.js';

let now = Date.parse('2026-12-01T00:00:00Z');
let emu: Ec2Emulator;
let east: EC2Client;
let west: EC2Client;

beforeAll(async () => {
  emu = await startEc2Emulator({ clock: () => now });
  const client = (region: string): EC2Client => new EC2Client({ region, endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
  east = client('us-east-1');
  west = client('us-west-2');
});
afterAll(async () => {
  east.destroy();
  west.destroy();
  await emu.close();
});

/** The EC2 error code and HTTP status of a call that must fail. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const advance = (ms: number): void => void (now += ms);

async function vpc(client: EC2Client, cidr: string): Promise<string> {
  return (await client.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

/** A VPC with an attached virtual private gateway. */
async function vpcWithGateway(cidr: string): Promise<{ vpcId: string; vgwId: string }> {
  const vpcId = await vpc(east, cidr);
  const vgwId = (await east.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1', AmazonSideAsn: 64600 }))).VpnGateway!.VpnGatewayId!;
  advance(DEFAULT_NETWORK_TIMINGS.vpnGatewayAvailableMs);
  await east.send(new AttachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: vgwId }));
  advance(DEFAULT_NETWORK_TIMINGS.vpnGatewayAttachMs);
  return { vpcId, vgwId };
}

async function customerGateway(ip: string, deviceName?: string): Promise<string> {
  return (await east.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: ip, BgpAsn: 65010, DeviceName: deviceName }))).CustomerGateway!.CustomerGatewayId!;
}

describe('EC2 emulator: VPCs and subnets', () => {
  it('takes VPC blocks of /16 to /28 only, refuses host bits, and answers a new VPC pending with its tags', async () => {
    expect(await refusal(east.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/12' })))).toMatchObject({ code: 'InvalidVpc.Range', status: 400 });
    expect(await refusal(east.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/29' })))).toMatchObject({ code: 'InvalidVpc.Range', status: 400 });
    expect(await refusal(east.send(new CreateVpcCommand({ CidrBlock: '10.1.2.3/16' })))).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
    expect(await refusal(east.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', TagSpecifications: [{ ResourceType: 'subnet', Tags: [] }] })))).toMatchObject({ code: 'InvalidParameterValue' });
    const out = await east.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'team', Value: 'net' }] }] }));
    expect(out.Vpc).toMatchObject({ State: 'pending', CidrBlock: '10.9.0.0/16', Tags: [{ Key: 'team', Value: 'net' }] });
    const found = await east.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:team', Values: ['net'] }] }));
    expect(found.Vpcs?.map((v) => [v.VpcId, v.State])).toEqual([[out.Vpc!.VpcId, 'available']]);
    const tables = await east.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [out.Vpc!.VpcId!] }] }));
    expect(tables.RouteTables?.[0]?.Routes).toEqual([{ DestinationCidrBlock: '10.9.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);
    await east.send(new DeleteVpcCommand({ VpcId: out.Vpc!.VpcId }));
  });

  it('keeps subnets inside their VPC and apart, and refuses to delete a VPC that still has one', async () => {
    const vpcId = await vpc(east, '10.10.0.0/24');
    expect(await refusal(east.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.10.1.0/26' })))).toMatchObject({ code: 'InvalidSubnet.Range', status: 400 });
    const subnet = (await east.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.10.0.0/26' }))).Subnet!;
    expect(await refusal(east.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.10.0.32/27' })))).toMatchObject({ code: 'InvalidSubnet.Conflict', status: 400 });
    expect(await refusal(east.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.10.0.64/26', AvailabilityZone: 'us-west-2a' })))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await refusal(east.send(new DeleteVpcCommand({ VpcId: vpcId })))).toMatchObject({ code: 'DependencyViolation', status: 400 });
    await east.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
    await east.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect(await refusal(east.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })))).toMatchObject({ code: 'InvalidVpcID.NotFound' });
  });
});

describe('EC2 emulator: site-to-site VPN', () => {
  it('makes a gateway pending, attachable only once available, and refuses a second VPC or gateway', async () => {
    const vpcId = await vpc(east, '10.20.0.0/24');
    expect(await refusal(east.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1', AmazonSideAsn: 65000 + 600 })))).toMatchObject({ code: 'InvalidParameterValue' });
    const vgw = (await east.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!;
    expect(vgw).toMatchObject({ State: 'pending', AmazonSideAsn: 64512, VpcAttachments: [] });
    expect(await refusal(east.send(new AttachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: vgw.VpnGatewayId })))).toMatchObject({ code: 'IncorrectState', status: 400 });
    advance(DEFAULT_NETWORK_TIMINGS.vpnGatewayAvailableMs);
    expect((await east.send(new AttachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: vgw.VpnGatewayId }))).VpcAttachment).toEqual({ VpcId: vpcId, State: 'attaching' });
    const other = (await east.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
    advance(DEFAULT_NETWORK_TIMINGS.vpnGatewayAvailableMs);
    expect(await refusal(east.send(new AttachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: other })))).toMatchObject({ code: 'InvalidVpcState' });
    const described = await east.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw.VpnGatewayId!] }));
    expect(described.VpnGateways?.[0]?.VpcAttachments).toEqual([{ VpcId: vpcId, State: 'attached' }]);
    expect(await refusal(east.send(new DeleteVpcCommand({ VpcId: vpcId })))).toMatchObject({ code: 'DependencyViolation' });
    expect(await refusal(east.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgw.VpnGatewayId })))).toMatchObject({ code: 'IncorrectState' });
    await east.send(new DetachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: vgw.VpnGatewayId }));
    advance(DEFAULT_NETWORK_TIMINGS.vpnGatewayDetachMs);
    await east.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgw.VpnGatewayId }));
    await east.send(new DeleteVpnGatewayCommand({ VpnGatewayId: other }));
    await east.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  it('refuses pre-shared keys and inside CIDRs AWS refuses, never quoting the key', async () => {
    const { vgwId } = await vpcWithGateway('10.21.0.0/24');
    const cgwId = await customerGateway('198.51.100.21');
    const create = (tunnels: { PreSharedKey?: string; TunnelInsideCidr?: string }[]) =>
      east.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', VpnGatewayId: vgwId, CustomerGatewayId: cgwId, Options: { TunnelOptions: tunnels } }));
    for (const key of ['short7', '0StartsWithZero', 'has-a-dash-in-it', 'x'.repeat(65)]) {
      const r = await refusal(create([{ PreSharedKey: key }]));
      expect(r).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
      expect(r.message).not.toContain(key);
    }
    for (const inside of ['169.254.1.0/30', '169.254.169.252/30', '169.254.30.0/29', '10.0.0.0/30', '169.254.30.1/30']) {
      expect(await refusal(create([{ TunnelInsideCidr: inside }])), inside).toMatchObject({ code: 'InvalidParameterValue' });
    }
    expect(await refusal(create([{ PreSharedKey: 'Key.one_1' }, { PreSharedKey: 'Key.two_2' }, { PreSharedKey: 'Key.three_3' }]))).toMatchObject({ code: 'InvalidParameterValue' });
    const first = (await create([{ PreSharedKey: 'Good.Key_123', TunnelInsideCidr: '169.254.30.0/30' }])).VpnConnection!;
    const otherCgw = await customerGateway('198.51.100.22');
    const reused = await refusal(east.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', VpnGatewayId: vgwId, CustomerGatewayId: otherCgw, Options: { TunnelOptions: [{ TunnelInsideCidr: '169.254.30.0/30' }] } })));
    expect(reused.code).toBe('InvalidParameterValue');
    expect(await refusal(create([]))).toMatchObject({ code: 'InvalidOption.Conflict' });
    await east.send(new DeleteVpnConnectionCommand({ VpnConnectionId: first.VpnConnectionId }));
  });

  it('gives every connection two tunnels with AWS-assigned outside IPs, and returns their keys as AWS does', async () => {
    const { vgwId } = await vpcWithGateway('10.22.0.0/24');
    const cgwId = await customerGateway('198.51.100.23');
    const vpn = (await east.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', VpnGatewayId: vgwId, CustomerGatewayId: cgwId, Options: { StaticRoutesOnly: true, TunnelOptions: [{ PreSharedKey: 'Shared.Key_One', TunnelInsideCidr: '169.254.40.0/30' }] } }))).VpnConnection!;
    expect(vpn.State).toBe('pending');
    const tunnels = vpn.Options!.TunnelOptions!;
    expect(tunnels).toHaveLength(2);
    expect(tunnels[0]).toMatchObject({ TunnelInsideCidr: '169.254.40.0/30', PreSharedKey: 'Shared.Key_One' });
    expect(tunnels[1]!.PreSharedKey).toMatch(/^[A-Za-z][A-Za-z0-9._]{31}$/);
    expect(new Set(tunnels.map((t) => t.OutsideIpAddress)).size).toBe(2);
    expect(vpn.CustomerGatewayConfiguration).toContain('<pre_shared_key>Shared.Key_One</pre_shared_key>');
    expect(await refusal(east.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn.VpnConnectionId, DestinationCidrBlock: '192.168.7.0/24' })))).toMatchObject({ code: 'InvalidVpnConnection.InvalidState' });
    advance(DEFAULT_NETWORK_TIMINGS.vpnConnectionAvailableMs);
    await east.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn.VpnConnectionId, DestinationCidrBlock: '192.168.7.0/24' }));
    const read = (await east.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [vpn.VpnConnectionId!] }))).VpnConnections![0] as VpnConnection;
    expect(read).toMatchObject({ State: 'available', Routes: [{ DestinationCidrBlock: '192.168.7.0/24', State: 'pending', Source: 'Static' }] });
    expect(read.VgwTelemetry?.map((t) => t.OutsideIpAddress).sort()).toEqual(tunnels.map((t) => t.OutsideIpAddress).sort());
    expect(await refusal(east.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgwId })))).toMatchObject({ code: 'IncorrectState' });
    expect(await refusal(east.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: cgwId })))).toMatchObject({ code: 'IncorrectState' });
    await east.send(new DeleteVpnConnectionCommand({ VpnConnectionId: vpn.VpnConnectionId }));
    advance(DEFAULT_NETWORK_TIMINGS.vpnConnectionDeleteMs);
    expect((await east.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [vpn.VpnConnectionId!] }))).VpnConnections?.[0]?.State).toBe('deleted');
    await east.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: cgwId }));
  });

  it('answers an identical customer gateway request with the existing gateway, and a new device name with a new one', async () => {
    const a = await customerGateway('198.51.100.30', 'edge-1');
    expect(await customerGateway('198.51.100.30', 'edge-1')).toBe(a);
    expect(await customerGateway('198.51.100.30', 'edge-2')).not.toBe(a);
  });

  it('refuses a static route on a BGP connection', async () => {
    const { vgwId } = await vpcWithGateway('10.23.0.0/24');
    const cgwId = await customerGateway('198.51.100.31');
    const vpn = (await east.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', VpnGatewayId: vgwId, CustomerGatewayId: cgwId }))).VpnConnection!;
    advance(DEFAULT_NETWORK_TIMINGS.vpnConnectionAvailableMs);
    expect(await refusal(east.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn.VpnConnectionId, DestinationCidrBlock: '192.168.8.0/24' })))).toMatchObject({ code: 'InvalidVpnConnection.InvalidType' });
  });

  it('lets a dropped CreateVpnConnection answer leave exactly one connection behind', async () => {
    const { vgwId } = await vpcWithGateway('10.24.0.0/24');
    const cgwId = await customerGateway('198.51.100.32');
    emu.faults.dropResponse('CreateVpnConnection');
    await refusal(east.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', VpnGatewayId: vgwId, CustomerGatewayId: cgwId })));
    const made = await east.send(new DescribeVpnConnectionsCommand({ Filters: [{ Name: 'vpn-gateway-id', Values: [vgwId] }] }));
    expect(made.VpnConnections).toHaveLength(1);
  });
});

describe('EC2 emulator: VPC peering', () => {
  it('fails a request between overlapping blocks on its own, and refuses to delete the failed connection', async () => {
    const a = await vpc(east, '10.30.0.0/24');
    const b = await vpc(east, '10.30.0.0/25');
    const created = (await east.send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b }))).VpcPeeringConnection!;
    expect(created.Status?.Code).toBe('initiating-request');
    const read = (await east.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [created.VpcPeeringConnectionId!] }))).VpcPeeringConnections![0]!;
    expect(read.Status).toMatchObject({ Code: 'failed' });
    expect(read.Status?.Message).toMatch(/overlapping CIDR/i);
    expect(await refusal(east.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: created.VpcPeeringConnectionId })))).toMatchObject({ code: 'InvalidStateTransition' });
    expect(await refusal(east.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: created.VpcPeeringConnectionId })))).toMatchObject({ code: 'InvalidStateTransition' });
  });

  it('shows a cross-region request in both regions, accepted only in the accepter’s, then active', async () => {
    const a = await vpc(east, '10.31.0.0/24');
    const b = await vpc(west, '10.32.0.0/24');
    const id = (await east.send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerRegion: 'us-west-2' }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    expect(await refusal(east.send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerRegion: 'us-west-2' })))).toMatchObject({ code: 'VpcPeeringConnectionAlreadyExists' });
    const seen = await west.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }));
    expect(seen.VpcPeeringConnections?.[0]).toMatchObject({ Status: { Code: 'pending-acceptance' }, RequesterVpcInfo: { VpcId: a, Region: 'us-east-1' }, AccepterVpcInfo: { VpcId: b, Region: 'us-west-2' } });
    expect(await refusal(east.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })))).toMatchObject({ code: 'OperationNotPermitted' });
    expect((await west.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }))).VpcPeeringConnection?.Status?.Code).toBe('provisioning');
    advance(DEFAULT_NETWORK_TIMINGS.peeringProvisioningMs);
    const active = (await east.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections![0]!;
    expect(active.Status?.Code).toBe('active');
    expect(active.AccepterVpcInfo?.CidrBlock).toBe('10.32.0.0/24');
    // A VPC's peering connections go with it.
    await west.send(new DeleteVpcCommand({ VpcId: b }));
    advance(1);
    expect((await east.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections?.[0]?.Status?.Code).toBe('deleted');
  });
});

describe('EC2 emulator: routes', () => {
  it('refuses a second route to a destination, a gateway target of another VPC, and destinations inside the VPC', async () => {
    const { vpcId, vgwId } = await vpcWithGateway('10.40.0.0/24');
    const otherVpc = await vpc(east, '10.41.0.0/24');
    const table = (await east.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables![0]!;
    const otherTable = (await east.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [otherVpc] }] }))).RouteTables![0]!;
    await east.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '192.168.60.0/24', GatewayId: vgwId }));
    expect(await refusal(east.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '192.168.60.0/24', GatewayId: vgwId })))).toMatchObject({ code: 'RouteAlreadyExists', status: 400 });
    expect(await refusal(east.send(new CreateRouteCommand({ RouteTableId: otherTable.RouteTableId, DestinationCidrBlock: '192.168.60.0/24', GatewayId: vgwId })))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await refusal(east.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '10.40.0.0/25', GatewayId: vgwId })))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await refusal(east.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '192.168.61.0/24', GatewayId: 'igw-0123456789abcdef0' })))).toMatchObject({ code: 'InvalidGatewayID.NotFound' });
    expect(await refusal(east.send(new DeleteRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '10.40.0.0/24' })))).toMatchObject({ code: 'InvalidParameterValue' });
    await east.send(new DetachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: vgwId }));
    const after = (await east.send(new DescribeRouteTablesCommand({ RouteTableIds: [table.RouteTableId!] }))).RouteTables![0]!;
    expect(after.Routes?.find((r) => r.DestinationCidrBlock === '192.168.60.0/24')?.State).toBe('blackhole');
    await east.send(new DeleteRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '192.168.60.0/24' }));
    expect(await refusal(east.send(new DeleteRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: '192.168.60.0/24' })))).toMatchObject({ code: 'InvalidRoute.NotFound' });
  });

  it('tags network resources with CreateTags and refuses unknown ids and reserved keys', async () => {
    const vpcId = await vpc(east, '10.42.0.0/24');
    await east.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'owner', Value: 'net' }] }));
    expect((await east.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0]?.Tags).toEqual([{ Key: 'owner', Value: 'net' }]);
    expect(await refusal(east.send(new CreateTagsCommand({ Resources: ['vgw-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })))).toMatchObject({ code: 'InvalidVpnGatewayID.NotFound' });
    expect(await refusal(east.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'b' }] })))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await refusal(east.send(new CreateTagsCommand({ Resources: ['nonsense'], Tags: [{ Key: 'a', Value: 'b' }] })))).toMatchObject({ code: 'InvalidID' });
  });
});

describe('EC2 emulator: network timings', () => {
  it('takes shorter lifecycle delays from its timings, on its own clock', async () => {
    let t = Date.parse('2026-12-01T00:00:00Z');
    const timings: Partial<Ec2Timings> & Partial<Ec2NetworkTimings> = { vpnGatewayAvailableMs: 1_000, vpnGatewayAttachMs: 0 };
    const fast = await startEc2Emulator({ clock: () => t, timings });
    const client = new EC2Client({ region: 'us-east-1', endpoint: fast.endpoint, credentials: fast.providerOptions.credentials, maxAttempts: 1 });
    try {
      const vgw = (await client.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
      expect((await client.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways?.[0]?.State).toBe('pending');
      t += 1_000;
      expect((await client.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways?.[0]?.State).toBe('available');
      const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/24' }))).Vpc!.VpcId!;
      await client.send(new AttachVpnGatewayCommand({ VpcId: vpcId, VpnGatewayId: vgw }));
      expect((await client.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways?.[0]?.VpcAttachments).toEqual([{ VpcId: vpcId, State: 'attached' }]);
    } finally {
      client.destroy();
      await fast.close();
    }
  });
});
