/**
 * Where a VM lands on the network, read back from the emulator, which checks it as EC2 does:
 * public addresses follow `network.publicIp` even in a default subnet (which maps public
 * addresses on launch), security groups named by name are resolved to ids in the right VPC, a
 * subnet fixes the zone, instance profiles are checked by name and ARN, and power actions on a
 * terminated instance are conflicts.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError } from '../../../src/provider/errors.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
let ec2: EC2Client;
beforeAll(async () => {
  env = await startEmulatedAws();
  ec2 = new EC2Client({ endpoint: env.emu.endpoint, region: 'us-east-1', credentials: env.emu.providerOptions.credentials });
});
afterAll(async () => {
  ec2.destroy();
  await env.close();
});

async function described(id: string) {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

describe('AWS network: public addresses', () => {
  it('gives no public address for publicIp: false in a default subnet, and one for publicIp: true', async () => {
    expect(env.emu.defaultSubnet('us-east-1a').mapPublicIpOnLaunch).toBe(true);
    const privateVm = await env.aws.createVM({ name: 'private', cpu: 1, memory: 1, zone: 'us-east-1a', network: { publicIp: false } });
    const stored = env.emu.instance(privateVm.id)!;
    expect(stored.subnetId).toBe(env.emu.defaultSubnet('us-east-1a').subnetId);
    expect(stored.publicIp).toBeUndefined();
    expect(stored.networkInterface.associatePublicIp).toBe(false);
    expect(privateVm.publicIps).toEqual([]);
    const privateWire = await described(privateVm.id);
    expect(privateWire.PublicIpAddress).toBeUndefined();
    expect(privateWire.NetworkInterfaces?.[0]?.Association).toBeUndefined();

    const publicVm = await env.aws.createVM({ name: 'public', cpu: 1, memory: 1, network: { publicIp: true } });
    const shown = env.emu.instance(publicVm.id)!;
    expect(shown.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(publicVm.publicIps).toEqual([shown.publicIp]);
    const publicWire = await described(publicVm.id);
    expect(publicWire.PublicIpAddress).toBe(shown.publicIp);
    expect(publicWire.NetworkInterfaces?.[0]?.Association?.PublicIp).toBe(shown.publicIp);
  });

  it('keeps a VM private by default (publicIp defaults to false)', async () => {
    const vm = await env.aws.createVM({ name: 'quiet', cpu: 1, memory: 1 });
    expect(env.emu.instance(vm.id)!.publicIp).toBeUndefined();
    expect(vm.publicIps).toEqual([]);
  });
});

describe('AWS network: security groups by name', () => {
  it('resolves names in the subnet VPC (cached), passes ids through, and names the missing ones', async () => {
    const vpc = env.emu.createVpc({ cidr: '10.20.0.0/16' });
    const subnet = env.emu.createSubnet({ vpcId: vpc.vpcId, zone: 'us-east-1a', cidr: '10.20.1.0/24' });
    const app = env.emu.createSecurityGroup({ vpcId: vpc.vpcId, name: 'app' });
    // The same name in the default VPC must not be taken for the subnet's.
    const decoy = env.emu.createSecurityGroup({ name: 'app' });
    const aws = env.provider();
    env.emu.stats.reset();
    const vm = await aws.createVM({ name: 'grouped', cpu: 1, memory: 1, network: { subnet: subnet.subnetId, securityGroups: ['app'] } });
    expect(env.emu.instance(vm.id)!.securityGroupIds).toEqual([app.groupId]);
    expect(env.emu.instance(vm.id)!.vpcId).toBe(vpc.vpcId);
    await aws.createVM({ name: 'grouped-2', cpu: 1, memory: 1, network: { subnet: subnet.subnetId, securityGroups: ['app'] } }, { wait: false });
    expect(env.emu.stats.count('DescribeSecurityGroups')).toBe(1);
    expect(env.emu.stats.count('DescribeSubnets')).toBe(1);

    // Without a subnet, names are looked up in the default VPC.
    const inDefault = await aws.createVM({ name: 'grouped-default', cpu: 1, memory: 1, network: { securityGroups: ['app', decoy.groupId] } }, { wait: false });
    expect(env.emu.instance(inDefault.id)!.securityGroupIds).toEqual([decoy.groupId]); // a name and its id are one group

    const before = env.emu.instances().length;
    const unknown = await rejectionOf(aws.createVM({ name: 'nogroup', cpu: 1, memory: 1, network: { subnet: subnet.subnetId, securityGroups: ['app', 'db', 'cache'] } }));
    expect(InvalidSpecError.isInstance(unknown)).toBe(true);
    expect((unknown as InvalidSpecError).field).toBe('network.securityGroups');
    expect(String(unknown)).toContain('"db"');
    expect(String(unknown)).toContain('"cache"');
    expect(env.emu.instances().length).toBe(before);
  });

  it('is refused by EC2 when a group id belongs to another VPC than the subnet', async () => {
    const vpc = env.emu.createVpc({ cidr: '10.30.0.0/16' });
    const subnet = env.emu.createSubnet({ vpcId: vpc.vpcId, zone: 'us-east-1b', cidr: '10.30.1.0/24' });
    const elsewhere = env.emu.createSecurityGroup({ name: 'elsewhere' }); // default VPC
    const error = await rejectionOf(env.aws.createVM({ name: 'mismatch', cpu: 1, memory: 1, network: { subnet: subnet.subnetId, securityGroups: [elsewhere.groupId] } }));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/belong to different networks/);
  });
});

describe('AWS network: zone and subnet agree', () => {
  it('lands in the subnet zone and chooses a type offered there', async () => {
    const subnet = env.emu.createSubnet({ zone: 'us-east-1c', cidr: '172.31.200.0/24' });
    const vm = await env.aws.createVM({ name: 'in-c', cpu: 1, memory: 1, network: { subnet: subnet.subnetId } });
    expect(vm.zone).toBe('us-east-1c');
    expect(env.emu.instance(vm.id)!.zone).toBe('us-east-1c');
    // g5.xlarge (the only A10G type) is not offered in us-east-1c: refused before any launch.
    env.emu.stats.reset();
    const gpu = await rejectionOf(env.aws.createVM({ name: 'a10g', cpu: 4, memory: 16, gpu: { count: 1, type: 'a10g' }, network: { subnet: subnet.subnetId } }));
    expect(InvalidSpecError.isInstance(gpu)).toBe(true);
    expect(String(gpu)).toContain('us-east-1c');
    expect(env.emu.stats.count('RunInstances')).toBe(0);
  });

  it('refuses a zone that contradicts the subnet, naming both, and an unknown subnet', async () => {
    const subnet = env.emu.createSubnet({ zone: 'us-east-1b', cidr: '172.31.210.0/24' });
    const before = env.emu.instances().length;
    const conflict = await rejectionOf(env.aws.createVM({ name: 'torn', cpu: 1, memory: 1, zone: 'us-east-1a', network: { subnet: subnet.subnetId } }));
    expect(InvalidSpecError.isInstance(conflict)).toBe(true);
    expect((conflict as InvalidSpecError).field).toBe('zone');
    expect(String(conflict)).toContain('us-east-1a');
    expect(String(conflict)).toContain('us-east-1b');
    const agreeing = await env.aws.createVM({ name: 'agree', cpu: 1, memory: 1, zone: 'us-east-1b', network: { subnet: subnet.subnetId } }, { wait: false });
    expect(env.emu.instance(agreeing.id)!.zone).toBe('us-east-1b');

    for (const bad of ['subnet-0123456789abcdef0', 'subnet-nothex']) {
      const unknown = await rejectionOf(env.aws.createVM({ name: 'lost', cpu: 1, memory: 1, network: { subnet: bad } }));
      expect(InvalidSpecError.isInstance(unknown)).toBe(true);
      expect((unknown as InvalidSpecError).field).toBe('network.subnet');
    }
    expect(env.emu.instances().length).toBe(before + 1);
  });
});

describe('AWS instance profiles and power on terminated instances', () => {
  it('attaches an instance profile by name or ARN, and refuses unknown ones naming iamRole', async () => {
    const arn = env.emu.createInstanceProfile('worker', '/team/');
    const byName = await env.aws.createVM({ name: 'prof-name', cpu: 1, memory: 1, iamRole: 'worker' }, { wait: false });
    expect(env.emu.instance(byName.id)!.iamInstanceProfileArn).toBe(arn);
    const byArn = await env.aws.createVM({ name: 'prof-arn', cpu: 1, memory: 1, iamRole: arn }, { wait: false });
    expect(env.emu.instance(byArn.id)!.iamInstanceProfileArn).toBe(arn);

    for (const bad of ['nobody', `arn:aws:iam::${env.emu.accountId}:role/worker`, 'arn:aws:iam::210987654321:instance-profile/team/worker']) {
      const error = await rejectionOf(env.aws.createVM({ name: 'prof-bad', cpu: 1, memory: 1, iamRole: bad }, { wait: false }));
      expect(InvalidSpecError.isInstance(error)).toBe(true);
      expect((error as InvalidSpecError).field).toBe('iamRole');
    }
  });

  it('answers start, stop and reboot of a terminated VM with ConflictError (IncorrectInstanceState)', async () => {
    const vm = await env.aws.createVM({ name: 'gone', cpu: 1, memory: 1 });
    await env.aws.deleteVM(vm.id);
    for (const call of [() => env.aws.startVM(vm.id), () => env.aws.stopVM(vm.id), () => env.aws.rebootVM(vm.id)]) {
      const error = await rejectionOf(call());
      expect(ConflictError.isInstance(error)).toBe(true);
      expect(String(error)).toContain('IncorrectInstanceState');
    }
  });
});
