/**
 * Read-only views of the emulator's records, for assertions: what a test may look at without
 * reaching into the emulator's mutable state.
 */
import type { EmulatedInstance, EmulatedSecurityGroup, EmulatedSnapshot, EmulatedSubnet, EmulatedVpc, Ec2State, InstanceStateName } from './ec2-state.js';

/** The root EBS volume of an emulated instance. */
export interface EmulatedVolumeView {
  /** Volume id. */
  readonly volumeId: string;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** EBS volume type (`gp3`, `io2`, ...). */
  readonly volumeType: string;
  /** Encrypted at rest. */
  readonly encrypted: boolean;
  /** Deleted when the instance terminates. */
  readonly deleteOnTermination: boolean;
  /** Tags of the volume. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The spot request behind an emulated spot instance. */
export interface EmulatedSpotView {
  /** Highest price asked, as sent (`undefined`: the on-demand price). */
  readonly maxPrice: string | undefined;
  /** `one-time` or `persistent`. */
  readonly type: string;
  /** Spot request id (`sir-...`). */
  readonly requestId: string;
}

/** A read-only view of an emulated instance with its root volume, for assertions. */
export interface EmulatedInstanceView {
  /** Instance id. */
  readonly instanceId: string;
  /** Region. */
  readonly region: string;
  /** Availability zone. */
  readonly zone: string;
  /** EC2 state name. */
  readonly state: InstanceStateName;
  /** Instance type. */
  readonly instanceType: string;
  /** AMI id. */
  readonly imageId: string;
  /** ClientToken of the launch, if one was sent. */
  readonly clientToken: string | undefined;
  /** Subnet id. */
  readonly subnetId: string;
  /** VPC id (the subnet's). */
  readonly vpcId: string;
  /** Security group ids. */
  readonly securityGroupIds: readonly string[];
  /** Private address of the primary network interface. */
  readonly privateIp: string;
  /** Public address, when it has one. */
  readonly publicIp: string | undefined;
  /** The primary network interface (DeviceIndex 0). */
  readonly networkInterface: EmulatedNetworkInterfaceView;
  /** Tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** User data, decoded from base64. */
  readonly userData: string | undefined;
  /** ARN of the IAM instance profile. */
  readonly iamInstanceProfileArn: string | undefined;
  /** Spot request, for spot instances. */
  readonly spot: EmulatedSpotView | undefined;
  /** Root volume. */
  readonly rootVolume: EmulatedVolumeView | undefined;
  /** Code of the last state reason (e.g. `Server.SpotInstanceTermination`). */
  readonly stateReason: string | undefined;
}

/** The primary network interface of an emulated instance. */
export interface EmulatedNetworkInterfaceView {
  /** Interface id (`eni-...`). */
  readonly networkInterfaceId: string;
  /** Subnet id. */
  readonly subnetId: string;
  /** VPC id. */
  readonly vpcId: string;
  /** Private address. */
  readonly privateIp: string;
  /** Public address, while it has one. */
  readonly publicIp: string | undefined;
  /** Whether the interface gets a public address when the instance runs (asked for, or mapped by the subnet). */
  readonly associatePublicIp: boolean;
  /** Security group ids. */
  readonly securityGroupIds: readonly string[];
}

/** A VPC of the emulated account. */
export interface EmulatedVpcView {
  /** VPC id. */
  readonly vpcId: string;
  /** Region. */
  readonly region: string;
  /** CIDR block. */
  readonly cidr: string;
  /** The region's default VPC. */
  readonly isDefault: boolean;
}

/** A subnet of the emulated account. */
export interface EmulatedSubnetView {
  /** Subnet id. */
  readonly subnetId: string;
  /** VPC id. */
  readonly vpcId: string;
  /** Region. */
  readonly region: string;
  /** Availability zone. */
  readonly zone: string;
  /** CIDR block. */
  readonly cidr: string;
  /** The default subnet of its zone. */
  readonly defaultForAz: boolean;
  /** Instances get a public address unless their interface says otherwise. */
  readonly mapPublicIpOnLaunch: boolean;
}

/** A security group of the emulated account. */
export interface EmulatedSecurityGroupView {
  /** Group id. */
  readonly groupId: string;
  /** Group name (unique in its VPC). */
  readonly groupName: string;
  /** VPC id. */
  readonly vpcId: string;
  /** Region. */
  readonly region: string;
}

/** An EBS snapshot of the emulated account. */
export interface EmulatedSnapshotView {
  /** Snapshot id. */
  readonly snapshotId: string;
  /** Region. */
  readonly region: string;
  /** `pending`, `completed` or `error`. */
  readonly state: string;
  /** Size of the volume it was taken from, GiB. */
  readonly volumeSizeGiB: number;
  /** Description (EC2 writes which AMI it was made for). */
  readonly description: string;
}

/** An image owned by the emulated account (made by CreateImage, CopyImage or ImportImage). */
export interface EmulatedImageView {
  /** AMI id. */
  readonly imageId: string;
  /** Image name. */
  readonly name: string;
  /** `pending`, `available`, ... */
  readonly state: string;
  /** Region. */
  readonly region: string;
  /** AMI it was copied from, or the instance's AMI for CreateImage. */
  readonly sourceImageId: string | undefined;
  /** The snapshot of its root device. */
  readonly rootSnapshotId: string;
}

/** An object "stored in S3" by the emulator. */
export interface EmulatedObject {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the content, hex. */
  readonly sha256: string;
}

/** The view of one instance, after applying its due transitions. */
export function instanceView(state: Ec2State, i: EmulatedInstance): EmulatedInstanceView {
  state.advanceInstance(i);
  const root = state.volumes.get(i.rootVolumeId);
  return {
    instanceId: i.instanceId,
    region: i.region,
    zone: i.zone,
    state: i.state,
    instanceType: i.instanceType,
    imageId: i.imageId,
    clientToken: i.clientToken,
    subnetId: i.subnetId,
    vpcId: i.vpcId,
    securityGroupIds: [...i.securityGroupIds],
    privateIp: i.privateIp,
    publicIp: i.publicIp,
    networkInterface: {
      networkInterfaceId: i.networkInterfaceId,
      subnetId: i.subnetId,
      vpcId: i.vpcId,
      privateIp: i.privateIp,
      publicIp: i.publicIp,
      associatePublicIp: i.associatePublicIp,
      securityGroupIds: [...i.securityGroupIds],
    },
    tags: Object.fromEntries(i.tags),
    userData: i.userData,
    iamInstanceProfileArn: i.iamInstanceProfile?.arn,
    spot: i.spot ? { maxPrice: i.spot.maxPrice, type: i.spot.type, requestId: i.spot.requestId } : undefined,
    rootVolume: root
      ? { volumeId: root.volumeId, sizeGiB: root.sizeGiB, volumeType: root.volumeType, encrypted: root.encrypted, deleteOnTermination: root.deleteOnTermination, tags: Object.fromEntries(root.tags) }
      : undefined,
    stateReason: i.stateReason?.code,
  };
}

/** The view of a VPC. */
export function vpcView(v: EmulatedVpc): EmulatedVpcView {
  return { vpcId: v.vpcId, region: v.region, cidr: v.cidr, isDefault: v.isDefault };
}

/** The view of a subnet. */
export function subnetView(s: EmulatedSubnet): EmulatedSubnetView {
  return { subnetId: s.subnetId, vpcId: s.vpcId, region: s.region, zone: s.zone, cidr: s.cidr, defaultForAz: s.defaultForAz, mapPublicIpOnLaunch: s.mapPublicIpOnLaunch };
}

/** The view of a security group. */
export function securityGroupView(g: EmulatedSecurityGroup): EmulatedSecurityGroupView {
  return { groupId: g.groupId, groupName: g.groupName, vpcId: g.vpcId, region: g.region };
}

/** The view of a snapshot. */
export function snapshotView(s: EmulatedSnapshot): EmulatedSnapshotView {
  return { snapshotId: s.snapshotId, region: s.region, state: s.state, volumeSizeGiB: s.volumeSizeGiB, description: s.description };
}
