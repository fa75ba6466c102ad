/**
 * Changes a test makes to the emulated account directly, without an API call: running
 * instances seeded in bulk for listing benchmarks, and a spot interruption as AWS makes one
 * when it reclaims capacity.
 */
import { EMULATOR_ACCOUNT_ID, INSTANCE_TYPES, type Ec2State } from './ec2-state.js';

/** What `Ec2Emulator.seedInstances` makes. */
export interface SeedInstancesOptions {
  /** Region (default: the emulator's). */
  region?: string;
  /** Instance type (default `t3.micro`). */
  instanceType?: string;
  /** Tags beside `Name: seeded-N`. */
  tags?: Readonly<Record<string, string>>;
}

/** Adds `count` running instances spread over the region's zones; returns their ids. */
export function seedRunningInstances(state: Ec2State, count: number, region: string, options: SeedInstancesOptions = {}): string[] {
  const r = options.region ?? region;
  const type = INSTANCE_TYPES.get(options.instanceType ?? 't3.micro');
  if (!type) throw new Error(`[novacron] [ec2-emulator] unknown instance type ${options.instanceType}`);
  const image = [...state.images.values()].find((img) => img.region === r && img.architecture === type.arch)!;
  const zones = state.zonesOf(r);
  const ids: string[] = [];
  const now = state.now();
  for (let k = 0; k < count; k++) {
    const zone = zones[k % zones.length]!;
    const subnet = state.defaultSubnet(zone)!;
    const instanceId = state.newId('i');
    const volumeId = state.newId('vol');
    state.volumes.set(volumeId, {
      volumeId, region: r, zone, sizeGiB: 8, volumeType: 'gp3', encrypted: true, kmsKeyId: undefined, iops: 3000, throughput: 125,
      state: 'in-use', attachedTo: instanceId, device: '/dev/sda1', deleteOnTermination: true, tags: new Map(), createTime: new Date(now),
    });
    state.instances.set(instanceId, {
      instanceId, reservationId: state.newId('r'), ownerId: EMULATOR_ACCOUNT_ID, region: r, zone, instanceType: type.name, imageId: image.imageId,
      architecture: type.arch, clientToken: undefined, state: 'running', stateTransitionReason: '', stateReason: undefined, launchTime: new Date(now),
      visibleAt: now, listedAt: now, transition: undefined, subnetId: subnet.subnetId, vpcId: subnet.vpcId, networkInterfaceId: state.newId('eni'),
      privateIp: state.nextPrivateIp(subnet), publicIp: undefined, associatePublicIp: false, securityGroupIds: [state.groupByName(subnet.vpcId, 'default')!.groupId],
      tags: new Map(Object.entries({ Name: `seeded-${k}`, ...options.tags })), rootDeviceName: '/dev/sda1', rootVolumeId: volumeId,
      iamInstanceProfile: undefined, userData: undefined, spot: undefined, platform: undefined, purgeAt: undefined,
    });
    ids.push(instanceId);
  }
  return ids;
}

/** Interrupts a spot instance now: it stops or terminates with `Server.SpotInstanceTermination`. */
export function interruptSpot(state: Ec2State, instanceId: string): void {
  const i = state.instances.get(instanceId);
  if (!i || !i.spot) throw new Error(`[novacron] [ec2-emulator] ${instanceId} is not a spot instance`);
  state.advanceInstance(i);
  const reason = { code: 'Server.SpotInstanceTermination', message: 'Server.SpotInstanceTermination: Spot instance termination' };
  i.stateReason = reason;
  i.stateTransitionReason = `Service initiated (${new Date(state.now()).toISOString().replace('T', ' ').slice(0, 19)} GMT)`;
  if (i.spot.interruptionBehavior === 'stop') {
    i.state = 'stopping';
    state.scheduleTransition(i, 'stopped', state.timings.stoppingMs, reason);
  } else {
    i.state = 'shutting-down';
    state.scheduleTransition(i, 'terminated', state.timings.shuttingDownMs, reason);
  }
}
