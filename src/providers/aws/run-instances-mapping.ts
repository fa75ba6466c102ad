/**
 * Portable {@link VMSpec} → EC2 RunInstances input. Pure functions: everything that needs the
 * network (instance type, AMI) is resolved before and passed in, so the mapping is testable
 * on its own and deterministic, which the ClientToken semantics require (EC2 compares every
 * argument of a repeated token; a changed argument is IdempotentParameterMismatch).
 */
import { createHash } from 'node:crypto';
import type { RunInstancesCommandInput, Tag } from '@aws-sdk/client-ec2';
import { InvalidSpecError } from '../../provider/errors.js';
import type { DiskType, VMSpec } from '../../provider/types.js';

/** Tags novacron writes on what it creates. */
export const NOVACRON_TAG = {
  /** Common prefix; such tags are not reported as labels. */
  prefix: 'novacron:',
  /** Federation id, when the provider was given one. */
  federation: 'novacron:federation',
  /** Provider instance name. */
  provider: 'novacron:provider',
  /** `specFingerprint` of the spec: tells a repeated create from a conflicting one. */
  specHash: 'novacron:spec-hash',
  /** The caller's idempotency key (the ClientToken is derived from it). */
  idempotencyKey: 'novacron:idempotency-key',
  /** The image as the spec named it (alias or AMI id). */
  image: 'novacron:image',
} as const;

/** Most tags an EC2 resource may carry (EC2 User Guide "Tag restrictions", 2026-11). */
const MAX_TAGS = 50;

/**
 * The EC2 ClientToken for an idempotency key: a SHA-256 hex digest (64 characters, the
 * ClientToken maximum), identical in every process, so a re-run after a crash lands on the
 * same launch.
 */
export function clientTokenFor(idempotencyKey: string): string {
  return createHash('sha256').update(`novacron/${idempotencyKey}`).digest('hex');
}

/** EBS volume types that can boot an instance. */
const BOOTABLE = new Set(['gp3', 'gp2', 'io1', 'io2', 'standard']);

/**
 * EBS volume type for a portable disk class: `ssd`/`standard` → gp3 (the current general
 * purpose default), `premium-ssd` → io2, `hdd` → standard (magnetic; st1/sc1 cannot boot).
 * EBS names pass through; other clouds' names are refused.
 */
export function ebsVolumeTypeOf(type: DiskType): string {
  switch (type) {
    case 'ssd':
    case 'standard':
      return 'gp3';
    case 'premium-ssd':
      return 'io2';
    case 'hdd':
      return 'standard';
    case 'gp2':
    case 'gp3':
    case 'io1':
    case 'io2':
      return type;
    case 'st1':
    case 'sc1':
      throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: `${type} volumes cannot be boot volumes on EC2; use gp3, gp2, io1, io2 or hdd` }] });
    default:
      throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: `"${type}" is not an EBS volume type; use ssd, premium-ssd, hdd, gp3, gp2, io1 or io2` }] });
  }
}

/** What must be known before a spec becomes a RunInstances call. */
export interface ResolvedLaunch {
  /** Instance type chosen for the spec. */
  readonly instanceType: string;
  /** AMI id the image resolved to. */
  readonly imageId: string;
  /** ClientToken; absent lets the SDK generate one per call. */
  readonly clientToken?: string | undefined;
  /** Subnet (spec's, else the provider default), checked against the spec's zone. */
  readonly subnetId?: string | undefined;
  /** Security group ids (spec's, else the provider defaults), names already resolved to ids. */
  readonly securityGroupIds: readonly string[];
  /** Tags for the instance and its volume. */
  readonly tags: readonly Tag[];
  /** KMS key for the root volume, when the provider sets one. */
  readonly kmsKeyId?: string | undefined;
  /** Root device name of the AMI (default `/dev/sda1`). */
  readonly rootDeviceName?: string | undefined;
}

/** novacron's tags plus the spec's labels, in a stable order. */
export function launchTags(
  spec: VMSpec,
  meta: { providerName: string; specHash: string; federationId?: string | undefined; idempotencyKey?: string | undefined },
): Tag[] {
  const tags: Tag[] = [{ Key: 'Name', Value: spec.name }];
  for (const key of Object.keys(spec.labels).sort()) tags.push({ Key: key, Value: spec.labels[key]! });
  tags.push({ Key: NOVACRON_TAG.provider, Value: meta.providerName });
  tags.push({ Key: NOVACRON_TAG.specHash, Value: meta.specHash });
  tags.push({ Key: NOVACRON_TAG.image, Value: spec.image });
  if (meta.federationId !== undefined) tags.push({ Key: NOVACRON_TAG.federation, Value: meta.federationId });
  if (meta.idempotencyKey !== undefined) tags.push({ Key: NOVACRON_TAG.idempotencyKey, Value: meta.idempotencyKey.slice(0, 256) });
  if (tags.length > MAX_TAGS) {
    throw new InvalidSpecError({ issues: [{ field: 'labels', message: `EC2 allows ${MAX_TAGS} tags per instance; novacron uses ${tags.length - Object.keys(spec.labels).length}, so at most ${MAX_TAGS - (tags.length - Object.keys(spec.labels).length)} labels fit` }] });
  }
  return tags;
}

/** The IAM instance profile reference: an ARN as `Arn`, anything else as `Name`. */
function instanceProfileOf(iamRole: string | undefined): RunInstancesCommandInput['IamInstanceProfile'] {
  if (iamRole === undefined) return undefined;
  return iamRole.startsWith('arn:') ? { Arn: iamRole } : { Name: iamRole };
}

/** Builds the RunInstances input for one instance. */
export function toRunInstancesInput(spec: VMSpec, launch: ResolvedLaunch): RunInstancesCommandInput {
  const volumeType = ebsVolumeTypeOf(spec.disk.type);
  if (!BOOTABLE.has(volumeType)) throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: `${volumeType} cannot boot` }] });
  const sizeGiB = Math.ceil(spec.disk.sizeGiB);
  const input: RunInstancesCommandInput = {
    ImageId: launch.imageId,
    InstanceType: launch.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    BlockDeviceMappings: [
      {
        DeviceName: launch.rootDeviceName ?? '/dev/sda1',
        Ebs: {
          VolumeSize: sizeGiB,
          VolumeType: volumeType as 'gp3',
          Encrypted: spec.disk.encrypted,
          DeleteOnTermination: true,
          ...(volumeType === 'io1' || volumeType === 'io2' ? { Iops: 3000 } : {}),
          ...(spec.disk.encrypted && launch.kmsKeyId ? { KmsKeyId: launch.kmsKeyId } : {}),
        },
      },
    ],
    TagSpecifications: [
      { ResourceType: 'instance', Tags: [...launch.tags] },
      { ResourceType: 'volume', Tags: [...launch.tags] },
    ],
  };
  if (launch.clientToken !== undefined) input.ClientToken = launch.clientToken;
  // A subnet fixes the zone (the adapter has checked that they agree); Placement would only repeat it.
  if (spec.zone !== undefined && launch.subnetId === undefined) input.Placement = { AvailabilityZone: spec.zone };
  // The primary interface is always sent, with an explicit AssociatePublicIpAddress: left out,
  // EC2 follows the subnet's MapPublicIpOnLaunch, which is true in every default subnet, so
  // `publicIp: false` would still get an address. It is also the only place EC2 accepts the flag.
  input.NetworkInterfaces = [
    {
      DeviceIndex: 0,
      AssociatePublicIpAddress: spec.network.publicIp,
      DeleteOnTermination: true,
      ...(launch.subnetId !== undefined ? { SubnetId: launch.subnetId } : {}),
      ...(launch.securityGroupIds.length > 0 ? { Groups: [...launch.securityGroupIds] } : {}),
    },
  ];
  if (spec.userData !== undefined) input.UserData = Buffer.from(spec.userData, 'utf8').toString('base64');
  const profile = instanceProfileOf(spec.iamRole);
  if (profile) input.IamInstanceProfile = profile;
  if (spec.spot) {
    input.InstanceMarketOptions = {
      MarketType: 'spot',
      SpotOptions: {
        // One-time requests: a persistent request would relaunch behind the federation's back.
        SpotInstanceType: 'one-time',
        InstanceInterruptionBehavior: 'terminate',
        ...(spec.spotMaxPrice !== undefined ? { MaxPrice: formatPrice(spec.spotMaxPrice) } : {}),
      },
    };
  }
  return input;
}

/** EC2 takes prices as decimal strings; six decimals keep sub-cent spot prices exact. */
export function formatPrice(price: number): string {
  return Number(price.toFixed(6)).toString();
}
