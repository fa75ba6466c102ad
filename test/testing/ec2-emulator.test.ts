/**
 * The EC2 emulator against the real AWS SDK: the SDK must deserialize every answer, and the
 * emulator must behave as EC2 does where the adapter depends on it.
 */
import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  StartInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesFilterValue, parseQueryRequest } from '../../src/testing/emulators/ec2/query-request.js';
import { startEc2Emulator, type Ec2Emulator } from '../../src/testing/emulators/ec2/index.js';
import type { FaultError } from '../../src/testing/emulators/kit/fault-plan.js';

let emu: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emu = await startEc2Emulator({ timings: { pendingMs: 100, consistencyWindowMs: 200 } });
  ec2 = new EC2Client({ endpoint: emu.endpoint, region: 'us-east-1', credentials: emu.providerOptions.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  ec2.destroy();
  await emu.close();
});

async function ubuntuAmi(): Promise<string> {
  const out = await ec2.send(new DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*'] }] }));
  const newest = [...(out.Images ?? [])].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  return newest!.ImageId!;
}

function runInput(imageId: string, extra: Partial<RunInstancesCommandInput> = {}): RunInstancesCommandInput {
  return { ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...extra };
}

async function caught(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; requestId: string | undefined; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, requestId: err.$metadata?.requestId, message: err.message };
  }
  throw new Error('expected a failure');
}

describe('EC2 emulator', () => {
  it('answers RunInstances and DescribeInstances in shapes the SDK reads (state codes, tags, placement)', async () => {
    // A clock of the test's own makes the eventual-consistency window and pending → running exact.
    let now = Date.parse('2026-11-27T10:00:00Z');
    const clocked = await startEc2Emulator({ clock: () => now, timings: { pendingMs: 1000, consistencyWindowMs: 500 } });
    const client = new EC2Client({ endpoint: clocked.endpoint, region: 'us-east-1', credentials: clocked.providerOptions.credentials, maxAttempts: 1 });
    try {
      const images = await client.send(new DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-*'] }] }));
      const run = await client.send(new RunInstancesCommand(runInput(images.Images![0]!.ImageId!, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'blue' }] }] })));
      const launched = run.Instances![0]!;
      expect(launched.State).toEqual({ Code: 0, Name: 'pending' });
      expect(launched.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(launched.Placement?.AvailabilityZone).toBe('us-east-1a');
      expect(launched.Tags).toEqual([{ Key: 'team', Value: 'blue' }]);
      expect(launched.LaunchTime?.toISOString()).toBe('2026-11-27T10:00:00.000Z');

      // Eventual consistency: right after RunInstances the id is unknown to DescribeInstances.
      const early = await caught(client.send(new DescribeInstancesCommand({ InstanceIds: [launched.InstanceId!] })));
      expect(early.name).toBe('InvalidInstanceID.NotFound');
      expect(early.status).toBe(400);
      expect(early.requestId).toMatch(/[0-9a-f-]{36}/);

      now += 600;
      const visible = await client.send(new DescribeInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
      expect(visible.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 0, Name: 'pending' });
      now += 500;
      const later = await client.send(new DescribeInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
      const seen = later.Reservations![0]!.Instances![0]!;
      expect(later.Reservations![0]!.ReservationId).toBe(run.ReservationId);
      expect(seen.State).toEqual({ Code: 16, Name: 'running' });
      expect(seen.BlockDeviceMappings?.[0]?.Ebs?.VolumeId).toMatch(/^vol-/);

      const terminated = await client.send(new TerminateInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
      expect(terminated.TerminatingInstances![0]!.CurrentState).toEqual({ Code: 32, Name: 'shutting-down' });
      expect(terminated.TerminatingInstances![0]!.PreviousState).toEqual({ Code: 16, Name: 'running' });
      now += 1000;
      const gone = await client.send(new DescribeInstancesCommand({ InstanceIds: [launched.InstanceId!] }));
      expect(gone.Reservations![0]!.Instances![0]!.State).toEqual({ Code: 48, Name: 'terminated' });
    } finally {
      client.destroy();
      await clocked.close();
    }
  });

  it('answers bad credentials with 401 AuthFailure in the EC2 error document', async () => {
    const body = 'Action=DescribeInstances&Version=2016-11-15';
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-amz-date': '20261127T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAWRONGKEY00000000/20261127/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      },
      body,
    });
    expect(res.status).toBe(401);
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml[^>]*\?><Response><Errors><Error><Code>AuthFailure<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);

    const wrong = new EC2Client({ endpoint: emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAWRONGKEY00000000', secretAccessKey: 'x' }, maxAttempts: 1 });
    const error = await caught(wrong.send(new DescribeInstancesCommand({})));
    expect(error.name).toBe('AuthFailure');
    expect(error.status).toBe(401);
    wrong.destroy();
  });

  it('verifies SigV4 signatures: the right key id with a wrong secret is SignatureDoesNotMatch', async () => {
    const wrongSecret = new EC2Client({ endpoint: emu.endpoint, region: 'us-east-1', credentials: { accessKeyId: emu.providerOptions.credentials.accessKeyId, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    const error = await caught(wrongSecret.send(new DescribeInstancesCommand({})));
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.status).toBe(403);
    wrongSecret.destroy();
    const unsigned = await fetch(emu.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=DescribeInstances&Version=2016-11-15' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toContain('<Code>IncompleteSignature</Code>');
  });

  it('repeats a launch for the same ClientToken and refuses the token with other arguments', async () => {
    const ami = await ubuntuAmi();
    const before = emu.instances().length;
    const first = await ec2.send(new RunInstancesCommand(runInput(ami, { ClientToken: 'token-same' })));
    const second = await ec2.send(new RunInstancesCommand(runInput(ami, { ClientToken: 'token-same' })));
    expect(second.Instances![0]!.InstanceId).toBe(first.Instances![0]!.InstanceId);
    expect(emu.instances().length).toBe(before + 1);
    const mismatch = await caught(ec2.send(new RunInstancesCommand(runInput(ami, { ClientToken: 'token-same', InstanceType: 't3.small' }))));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    expect(emu.instances().length).toBe(before + 1);
  });

  it('pages DescribeInstances with NextToken/MaxResults and filters by tag', async () => {
    const ids = emu.seedInstances(23, { tags: { suite: 'paging' } });
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'tag:suite', Values: ['paging'] }] })) {
      pages++;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) seen.push(i.InstanceId!);
    }
    expect(pages).toBe(5);
    expect(seen.sort()).toEqual([...ids].sort());
    const bad = await caught(ec2.send(new DescribeInstancesCommand({ MaxResults: 3 })));
    expect(bad.name).toBe('InvalidParameterValue');
  });

  it('runs out of capacity per zone, and enforces quotas', async () => {
    const ami = await ubuntuAmi();
    emu.faults.capacity({ zone: 'us-east-1b', type: 'm5.large' }, 0);
    const ice = await caught(ec2.send(new RunInstancesCommand(runInput(ami, { InstanceType: 'm5.large', Placement: { AvailabilityZone: 'us-east-1b' } }))));
    expect(ice.name).toBe('InsufficientInstanceCapacity');
    expect(ice.status).toBe(500);
    expect(ice.message).toContain('us-east-1b');
    const unsupported = await caught(ec2.send(new RunInstancesCommand(runInput(ami, { InstanceType: 'p3.2xlarge', Placement: { AvailabilityZone: 'us-east-1c' } }))));
    expect(unsupported.name).toBe('Unsupported');

    emu.faults.quota('vcpus', 4);
    const vcpu = await caught(ec2.send(new RunInstancesCommand(runInput(ami, { InstanceType: 'm5.2xlarge' }))));
    expect(vcpu.name).toBe('VcpuLimitExceeded');
    emu.faults.reset();
  });

  it('throttles the chosen share of calls with 503 RequestLimitExceeded', async () => {
    emu.faults.throttle(1, { operations: ['DescribeRegions'] });
    await ec2.send(new DescribeInstancesCommand({})); // not throttled: another action
    const throttled = await caught(ec2.send(new DescribeRegionsCommand({})));
    expect(throttled.name).toBe('RequestLimitExceeded');
    expect(throttled.status).toBe(503);
    emu.faults.reset();
  });

  it('interrupts spot instances on demand with the spot state reason', async () => {
    const ami = await ubuntuAmi();
    const run = await ec2.send(new RunInstancesCommand(runInput(ami, { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.05' } } })));
    const id = run.Instances![0]!.InstanceId!;
    expect(run.Instances![0]!.InstanceLifecycle).toBe('spot');
    emu.interruptSpot(id);
    await new Promise((r) => setTimeout(r, 350));
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    const instance = out.Reservations![0]!.Instances![0]!;
    expect(instance.State?.Name).toBe('terminated');
    expect(instance.StateReason?.Code).toBe('Server.SpotInstanceTermination');
  });

  it('serves GetProducts over awsJson1_1 with PriceList as JSON strings, paged', async () => {
    const pricing = new PricingClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: emu.providerOptions.credentials, maxAttempts: 1 });
    const first = await pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Compute Instance' }], MaxResults: 10 }));
    expect(first.PriceList).toHaveLength(10);
    expect(first.NextToken).toBeTruthy();
    const product = JSON.parse(first.PriceList![0]!) as { product: { attributes: { regionCode: string } }; terms: { OnDemand: object } };
    expect(product.product.attributes.regionCode).toBe('us-east-1');
    expect(Object.keys(product.terms.OnDemand)).toHaveLength(1);
    pricing.destroy();
  });

  it('says each fault kind of the shared vocabulary in EC2 words, honouring an explicit code', async () => {
    const cases: [FaultError, string, number][] = [
      [{ kind: 'capacity' }, 'InsufficientInstanceCapacity', 500],
      [{ kind: 'quota' }, 'VcpuLimitExceeded', 400],
      [{ kind: 'quota', code: 'InstanceLimitExceeded' }, 'InstanceLimitExceeded', 400],
      [{ kind: 'throttled' }, 'RequestLimitExceeded', 503],
      [{ kind: 'unavailable' }, 'Unavailable', 503],
      [{ kind: 'auth' }, 'RequestExpired', 400],
      [{ kind: 'auth', code: 'AuthFailure' }, 'AuthFailure', 401],
      [{ kind: 'internal' }, 'InternalError', 500],
      [{ kind: 'invalid', code: 'InvalidParameterCombination', status: 422 }, 'InvalidParameterCombination', 422],
    ];
    for (const [fault, code, status] of cases) {
      emu.faults.failNext('DescribeRegions', fault);
      const error = await caught(ec2.send(new DescribeRegionsCommand({})));
      expect([error.name, error.status], JSON.stringify(fault)).toEqual([code, status]);
    }
    expect((await ec2.send(new DescribeRegionsCommand({}))).Regions?.length).toBeGreaterThan(0);
  });

  it('enforces the instance and spot quotas of the shared vocabulary with EC2 codes', async () => {
    const ami = await ubuntuAmi();
    const live = emu.instances().filter((i) => ['pending', 'running', 'stopping', 'shutting-down'].includes(i.state)).length;
    emu.faults.quota('instances', live);
    expect((await caught(ec2.send(new RunInstancesCommand(runInput(ami))))).name).toBe('InstanceLimitExceeded');
    emu.faults.quota('instances', undefined);
    emu.faults.quota('spot-instances', 0);
    const spot = await caught(ec2.send(new RunInstancesCommand(runInput(ami, { InstanceMarketOptions: { MarketType: 'spot' } }))));
    expect(spot.name).toBe('MaxSpotInstanceCountExceeded');
    emu.faults.reset();
  });

  it('refuses the Price List API in its own words while the credentials are expired', async () => {
    const pricing = new PricingClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: emu.providerOptions.credentials, maxAttempts: 1 });
    emu.faults.expireCredentials();
    try {
      const expired = await caught(pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2' })));
      expect([expired.name, expired.status]).toEqual(['ExpiredTokenException', 400]);
      expect((await caught(ec2.send(new DescribeRegionsCommand({})))).name).toBe('RequestExpired');
    } finally {
      emu.faults.restoreCredentials();
    }
    emu.faults.throttle(1, { operations: ['GetProducts'] });
    const throttled = await caught(pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2' })));
    expect([throttled.name, throttled.status]).toEqual(['ThrottlingException', 400]);
    emu.faults.reset();
    pricing.destroy();
  });

  it('counts calls per action', async () => {
    emu.stats.reset();
    await ec2.send(new DescribeInstancesCommand({}));
    await ec2.send(new DescribeInstancesCommand({}));
    expect(emu.stats.count('DescribeInstances')).toBe(2);
    expect(emu.stats.count()).toBe(2);
  });
});

describe('EC2 emulator networks', () => {
  it('models a default VPC with one default subnet per zone and a default group, and answers the Describe calls with their filters and errors', async () => {
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(vpcs.Vpcs).toHaveLength(1);
    const vpcId = vpcs.Vpcs![0]!.VpcId!;
    expect(vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(vpcs.Vpcs![0]).toMatchObject({ IsDefault: true, CidrBlock: '172.31.0.0/16' });
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default-for-az', Values: ['true'] }] }));
    expect(subnets.Subnets!.map((x) => x.AvailabilityZone).sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(subnets.Subnets!.every((x) => x.MapPublicIpOnLaunch === true && /^subnet-[0-9a-f]{17}$/.test(x.SubnetId!))).toBe(true);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }));
    expect(groups.SecurityGroups).toHaveLength(1);
    const byName = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }));
    expect(byName.SecurityGroups![0]!.GroupId).toBe(groups.SecurityGroups![0]!.GroupId);

    expect((await caught(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })))).name).toBe('InvalidSubnetID.NotFound');
    expect((await caught(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-web'] })))).name).toBe('InvalidSubnetID.Malformed');
    expect((await caught(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })))).name).toBe('InvalidGroup.NotFound');
    expect((await caught(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['web'] })))).name).toBe('InvalidGroupId.Malformed');
    expect((await caught(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['nope'] })))).name).toBe('InvalidGroup.NotFound');
    expect((await caught(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })))).name).toBe('InvalidVpcID.NotFound');
    expect((await caught(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');
  });

  it('assigns public addresses as EC2 does: the interface flag, else the subnet', async () => {
    const ami = await ubuntuAmi();
    const own = emu.createSubnet({ zone: 'us-east-1b', cidr: '172.31.64.0/24' }); // maps none
    const launch = async (extra: Partial<RunInstancesCommandInput>) => (await ec2.send(new RunInstancesCommand(runInput(ami, extra)))).Instances![0]!.InstanceId!;
    expect(emu.instance(await launch({}))!.publicIp).toBeDefined(); // default subnet maps public addresses
    expect(emu.instance(await launch({ NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }] }))!.publicIp).toBeUndefined();
    expect(emu.instance(await launch({ SubnetId: own.subnetId }))!.publicIp).toBeUndefined();
    const asked = emu.instance(await launch({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: own.subnetId, AssociatePublicIpAddress: true }] }))!;
    expect(asked).toMatchObject({ subnetId: own.subnetId, zone: 'us-east-1b' });
    expect(asked.publicIp).toBeDefined();
  });

  it('refuses the network combinations EC2 refuses', async () => {
    const ami = await ubuntuAmi();
    const subnet = emu.defaultSubnet('us-east-1a').subnetId;
    const vpc = emu.createVpc({ cidr: '10.9.0.0/16' });
    const foreign = emu.createSecurityGroup({ vpcId: vpc.vpcId, name: 'foreign' });
    const refusal = (extra: Partial<RunInstancesCommandInput>) => caught(ec2.send(new RunInstancesCommand(runInput(ami, extra))));
    const before = emu.instances().length;
    expect((await refusal({ SubnetId: subnet, NetworkInterfaces: [{ DeviceIndex: 0 }] })).name).toBe('InvalidParameterCombination');
    expect((await refusal({ SecurityGroupIds: [foreign.groupId], NetworkInterfaces: [{ DeviceIndex: 0 }] })).name).toBe('InvalidParameterCombination');
    expect((await refusal({ NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }, { DeviceIndex: 1 }] })).message).toMatch(/multiple network interfaces/);
    expect((await refusal({ NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['web'] }] })).name).toBe('InvalidGroupId.Malformed');
    expect((await refusal({ NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-0123456789abcdef0'] }] })).name).toBe('InvalidGroup.NotFound');
    const mismatch = await refusal({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [foreign.groupId] }] });
    expect(mismatch.name).toBe('InvalidParameter');
    expect(mismatch.message).toBe(`Security group ${foreign.groupId} and subnet ${subnet} belong to different networks.`);
    const zone = await refusal({ SubnetId: subnet, Placement: { AvailabilityZone: 'us-east-1c' } });
    expect(zone.name).toBe('InvalidParameterValue');
    expect(zone.message).toContain('us-east-1a');
    expect((await refusal({ IamInstanceProfile: { Name: 'ghost' } })).message).toMatch(/iamInstanceProfile\.name is invalid/);
    expect((await refusal({ IamInstanceProfile: { Arn: `arn:aws:iam::${emu.accountId}:role/ghost` } })).message).toMatch(/iamInstanceProfile\.arn is invalid/);
    expect(emu.instances().length).toBe(before);
  });

  it('answers IncorrectInstanceState for starting a terminated instance', async () => {
    const ami = await ubuntuAmi();
    const id = (await ec2.send(new RunInstancesCommand(runInput(ami)))).Instances![0]!.InstanceId!;
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const refused = await caught(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })));
    expect(refused.name).toBe('IncorrectInstanceState');
  });
});

describe('EC2 emulator snapshots', () => {
  it('makes a snapshot per CreateImage, keeps it while the AMI is registered, and lets it go after DeregisterImage', async () => {
    const ami = await ubuntuAmi();
    const id = (await ec2.send(new RunInstancesCommand(runInput(ami)))).Instances![0]!.InstanceId!;
    const image = await ec2.send(new CreateImageCommand({ InstanceId: id, Name: `snap-test-${id}` }));
    const imageId = image.ImageId!;
    const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    const snapshotId = described.Images![0]!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], SnapshotIds: [snapshotId] }));
    expect(snapshots.Snapshots![0]).toMatchObject({ SnapshotId: snapshotId, OwnerId: emu.accountId });
    expect(snapshots.Snapshots![0]!.Description).toContain(imageId);

    const inUse = await caught(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })));
    expect(inUse.name).toBe('InvalidSnapshot.InUse');
    expect(inUse.message).toBe(`The snapshot ${snapshotId} is currently in use by ${imageId}`);
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    expect(emu.ownImages().some((i) => i.imageId === imageId)).toBe(false);
    expect(emu.snapshots().some((x) => x.snapshotId === snapshotId)).toBe(true); // DeregisterImage leaves it
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    expect(emu.snapshots().some((x) => x.snapshotId === snapshotId)).toBe(false);
    expect((await caught(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await caught(ec2.send(new DeregisterImageCommand({ ImageId: imageId })))).name).toBe('InvalidAMIID.NotFound');
    expect((await caught(ec2.send(new DeregisterImageCommand({ ImageId: ami })))).name).toBe('AuthFailure'); // not ours
  });
});

describe('EC2 Query request parsing and filter matching', () => {
  it('rebuilds numbered lists and nested structures from dotted keys', () => {
    const { action, params } = parseQueryRequest('Action=RunInstances&Version=2016-11-15&NetworkInterface.1.SecurityGroupId.2=sg-b&NetworkInterface.1.SecurityGroupId.1=sg-a&NetworkInterface.1.DeviceIndex=0&TagSpecification.1.Tag.1.Key=k');
    expect(action).toBe('RunInstances');
    expect(params).toEqual({ NetworkInterface: [{ SecurityGroupId: ['sg-a', 'sg-b'], DeviceIndex: '0' }], TagSpecification: [{ Tag: [{ Key: 'k' }] }] });
  });

  it('treats * and ? as wildcards and a backslash as an escape', () => {
    const escape = (v: string): string => v.replace(/[\\*?]/g, '\\$&');
    fc.assert(
      fc.property(fc.string(), fc.string(), (v, w) => {
        expect(matchesFilterValue(escape(v), v)).toBe(true);
        if (w !== v) expect(matchesFilterValue(escape(v), w)).toBe(false);
      }),
    );
    expect(matchesFilterValue('ubuntu-*-22.04-?md64', 'ubuntu-jammy-22.04-amd64')).toBe(true);
    expect(matchesFilterValue('a*', 'b')).toBe(false);
  });
});
