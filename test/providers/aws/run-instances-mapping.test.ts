/**
 * Spec → RunInstances: the pure mapping, then the same mapping read back from the emulator's
 * state after a create through the real SDK.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../../src/provider/errors.js';
import { specFingerprint } from '../../../src/provider/offer-selection.js';
import { parseVMSpec } from '../../../src/provider/spec-schema.js';
import { DISK_TYPES } from '../../../src/provider/types.js';
import { clientTokenFor, ebsVolumeTypeOf, launchTags, NOVACRON_TAG, toRunInstancesInput } from '../../../src/providers/aws/run-instances-mapping.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

describe('run-instances mapping (pure)', () => {
  const launch = { instanceType: 'm5.large', imageId: 'ami-0123456789abcdef0', securityGroupIds: [], tags: [] };

  it('derives a stable 64-character ClientToken from the idempotency key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), (key) => {
        const token = clientTokenFor(key);
        expect(token).toMatch(/^[0-9a-f]{64}$/);
        expect(clientTokenFor(key)).toBe(token);
      }),
    );
    expect(clientTokenFor('a')).not.toBe(clientTokenFor('b'));
  });

  it('maps every disk class to a bootable EBS type or refuses it naming disk.type', () => {
    for (const type of DISK_TYPES) {
      try {
        expect(['gp3', 'gp2', 'io1', 'io2', 'standard']).toContain(ebsVolumeTypeOf(type));
      } catch (error) {
        expect(InvalidSpecError.isInstance(error)).toBe(true);
        expect((error as InvalidSpecError).field).toBe('disk.type');
      }
    }
    expect(ebsVolumeTypeOf('ssd')).toBe('gp3');
    expect(ebsVolumeTypeOf('premium-ssd')).toBe('io2');
    expect(() => ebsVolumeTypeOf('st1')).toThrow(/boot/);
    expect(() => ebsVolumeTypeOf('pd-ssd')).toThrow(/EBS/);
  });

  it('is deterministic: the same spec always gives the same input (ClientToken semantics need it)', () => {
    fc.assert(
      fc.property(
        fc.record({
          cpu: fc.integer({ min: 1, max: 64 }),
          memory: fc.integer({ min: 1, max: 256 }),
          disk: fc.integer({ min: 8, max: 2000 }),
          publicIp: fc.boolean(),
          spot: fc.boolean(),
          labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/), fc.stringMatching(/^[a-z0-9_-]{0,10}$/), { maxKeys: 5 }),
        }),
        (r) => {
          const spec = parseVMSpec({ name: 'vm-a', cpu: r.cpu, memory: r.memory, disk: r.disk, network: { publicIp: r.publicIp }, spot: r.spot, labels: r.labels });
          const tags = launchTags(spec, { providerName: 'aws-x', specHash: specFingerprint(spec), idempotencyKey: 'k' });
          const a = toRunInstancesInput(spec, { ...launch, tags, clientToken: 't' });
          const b = toRunInstancesInput(parseVMSpec(spec), { ...launch, tags: launchTags(parseVMSpec(spec), { providerName: 'aws-x', specHash: specFingerprint(parseVMSpec(spec)), idempotencyKey: 'k' }), clientToken: 't' });
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
          expect(a.BlockDeviceMappings?.[0]?.Ebs?.VolumeSize).toBe(r.disk);
          expect(a.InstanceMarketOptions?.MarketType).toBe(r.spot ? 'spot' : undefined);
          // Always explicit: left out, a default subnet would hand out a public address anyway.
          expect(a.NetworkInterfaces).toEqual([{ DeviceIndex: 0, AssociatePublicIpAddress: r.publicIp, DeleteOnTermination: true }]);
          expect(a.SubnetId).toBeUndefined();
          expect(a.SecurityGroupIds).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts subnet and groups on the primary interface, and drops Placement when a subnet fixes the zone', () => {
    const spec = parseVMSpec({ name: 'vm-a', cpu: 1, memory: 1, zone: 'us-east-1b' });
    const inZone = toRunInstancesInput(spec, launch);
    expect(inZone.Placement).toEqual({ AvailabilityZone: 'us-east-1b' });
    expect(inZone.NetworkInterfaces).toEqual([{ DeviceIndex: 0, AssociatePublicIpAddress: false, DeleteOnTermination: true }]);
    const inSubnet = toRunInstancesInput(spec, { ...launch, subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123456789abcdef0'] });
    expect(inSubnet.Placement).toBeUndefined();
    expect(inSubnet.NetworkInterfaces).toEqual([
      { DeviceIndex: 0, AssociatePublicIpAddress: false, DeleteOnTermination: true, SubnetId: 'subnet-0123456789abcdef0', Groups: ['sg-0123456789abcdef0'] },
    ]);
  });

  it('refuses more labels than EC2 tags allow, naming labels', () => {
    const labels = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v']));
    const spec = parseVMSpec({ name: 'vm-a', cpu: 1, memory: 1, labels });
    expect(() => launchTags(spec, { providerName: 'p', specHash: 'h' })).toThrow(/labels fit/);
  });
});

describe('run-instances mapping, read back from the emulator', () => {
  let env: EmulatedAws;
  beforeAll(async () => {
    env = await startEmulatedAws({ provider: { federationId: 'fed-1' } });
  });
  afterAll(() => env.close());

  it('creates the root EBS volume encrypted gp3 of the asked size, with tags, user data, profile, subnet and groups', async () => {
    // A non-default subnet that maps no public addresses: the address comes from publicIp: true alone.
    const subnet = env.emu.createSubnet({ zone: 'us-east-1b', cidr: '172.31.128.0/24' }).subnetId;
    const web = env.emu.createSecurityGroup({ name: 'web' });
    const admin = env.emu.createSecurityGroup({ name: 'admin' });
    env.emu.createInstanceProfile('web-role');
    const vm = await env.aws.createVM(
      {
        name: 'mapped',
        cpu: 2,
        memory: '4Gi',
        disk: { size: '100Gi', type: 'gp3', encrypted: true },
        network: { subnet, publicIp: true, securityGroups: ['web', admin.groupId] },
        labels: { team: 'payments', env: 'prod' },
        userData: '#cloud-config\npackages: [nginx]\n',
        iamRole: 'web-role',
      },
      { idempotencyKey: 'mapped-1' },
    );
    const seen = env.emu.instance(vm.id)!;
    expect(seen.rootVolume).toMatchObject({ sizeGiB: 100, volumeType: 'gp3', encrypted: true, deleteOnTermination: true });
    expect(seen.subnetId).toBe(subnet);
    expect(seen.zone).toBe('us-east-1b');
    expect(seen.securityGroupIds).toEqual([web.groupId, admin.groupId]); // the name resolved to its id
    expect(seen.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(vm.publicIps).toEqual([seen.publicIp]);
    expect(seen.userData).toBe('#cloud-config\npackages: [nginx]\n');
    expect(seen.iamInstanceProfileArn).toBe(`arn:aws:iam::${env.emu.accountId}:instance-profile/web-role`);
    expect(seen.clientToken).toBe(clientTokenFor('mapped-1'));
    expect(seen.tags).toMatchObject({
      Name: 'mapped',
      team: 'payments',
      env: 'prod',
      [NOVACRON_TAG.federation]: 'fed-1',
      [NOVACRON_TAG.provider]: env.aws.name,
      [NOVACRON_TAG.idempotencyKey]: 'mapped-1',
    });
    expect(seen.tags[NOVACRON_TAG.specHash]).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.rootVolume?.tags.team).toBe('payments');
    // Labels come back without novacron's own tags.
    expect(vm.labels).toEqual({ env: 'prod', team: 'payments' });
    expect(vm.name).toBe('mapped');
  });

  it('chooses the cheapest type that fits, within the configured families', async () => {
    const any = await env.aws.createVM({ name: 'cheap', cpu: 2, memory: 4 }, { wait: false });
    expect(env.emu.instance(any.id)!.instanceType).toBe('t3.medium'); // $0.0416 beats c5.large $0.085
    const restricted = env.provider({ defaults: { instanceFamilies: ['c5', 'm5'] } });
    const c5 = await restricted.createVM({ name: 'fam', cpu: 2, memory: 4 }, { wait: false });
    expect(env.emu.instance(c5.id)!.instanceType).toBe('c5.large');
    const gpu = await env.aws.createVM({ name: 'gpu', cpu: 4, memory: 16, gpu: { count: 1, type: 't4' } }, { wait: false });
    expect(env.emu.instance(gpu.id)!.instanceType).toBe('g4dn.xlarge');
  });

  it('resolves an alias to the newest AMI of its publisher, for the chosen architecture', async () => {
    const x86 = await env.aws.createVM({ name: 'img-x86', cpu: 2, memory: 4, image: 'ubuntu-22.04' }, { wait: false });
    const arm = await env.aws.createVM({ name: 'img-arm', cpu: 2, memory: 8, image: 'ubuntu-22.04', arch: 'any' }, { wait: false }); // m6g.large is cheapest
    const images = await import('@aws-sdk/client-ec2').then(async (m) => {
      const client = new m.EC2Client({ endpoint: env.emu.endpoint, region: 'us-east-1', credentials: env.emu.providerOptions.credentials });
      const out = await client.send(new m.DescribeImagesCommand({ ImageIds: [env.emu.instance(x86.id)!.imageId, env.emu.instance(arm.id)!.imageId] }));
      client.destroy();
      return new Map((out.Images ?? []).map((i) => [i.ImageId!, i]));
    });
    const x86Image = images.get(env.emu.instance(x86.id)!.imageId)!;
    const armImage = images.get(env.emu.instance(arm.id)!.imageId)!;
    expect(x86Image.Name).toBe('ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250516'); // not the 2024 build
    expect(x86Image.OwnerId).toBe('099720109477');
    expect(env.emu.instance(arm.id)!.instanceType).toBe('m6g.large');
    expect(armImage.Architecture).toBe('arm64');
  });

  it('keeps a spec without arch on x86_64 even where arm64 is cheaper', async () => {
    const vm = await env.aws.createVM({ name: 'img-default', cpu: 2, memory: 8, image: 'ubuntu-22.04' }, { wait: false });
    expect(env.emu.instance(vm.id)!.instanceType).toBe('t3.large'); // $0.0832, though m6g.large is $0.077
  });

  it('asks for spot through InstanceMarketOptions with the max price', async () => {
    const vm = await env.aws.createVM({ name: 'spotty', cpu: 2, memory: 8, spot: true, spotMaxPrice: 0.05, image: 'debian-12' });
    const seen = env.emu.instance(vm.id)!;
    expect(seen.spot).toMatchObject({ maxPrice: '0.05', type: 'one-time' });
    expect(seen.spot?.requestId).toMatch(/^sir-/);
    expect(vm.spot).toBe(true);
    expect(vm.state).toBe('running');
  });
});
