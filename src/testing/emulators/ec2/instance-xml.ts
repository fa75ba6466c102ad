/**
 * Renders emulator records in the XML shapes EC2 responses use (`instancesSet/item`,
 * `instanceState/code`, `tagSet/item`, `ipAddress`, ...). Member names follow the `xmlName`s of
 * `@aws-sdk/client-ec2` 3.1169 (checked 2026-11), so the real SDK deserializes them.
 */
import { INSTANCE_STATE_CODES, type Ec2State, type EmulatedImage, type EmulatedInstance, type EmulatedSnapshot, type EmulatedVolume } from './ec2-state.js';
import type { XmlValue } from './xml-writer.js';

/** `tagSet` of a resource. */
export function tagSetXml(tags: ReadonlyMap<string, string>): XmlValue {
  return tags.size === 0 ? undefined : [...tags].map(([key, value]) => ({ key, value }));
}

/** One `instancesSet/item`. */
export function instanceXml(state: Ec2State, i: EmulatedInstance): XmlValue {
  const root = state.volumes.get(i.rootVolumeId);
  const groups = i.securityGroupIds.map((groupId) => ({ groupId, groupName: state.securityGroups.get(groupId)?.groupName ?? groupId }));
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: INSTANCE_STATE_CODES[i.state], name: i.state },
    privateDnsName: `ip-${i.privateIp.replace(/\./g, '-')}.${i.region === 'us-east-1' ? 'ec2.internal' : `${i.region}.compute.internal`}`,
    dnsName: i.publicIp ? `ec2-${i.publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com` : '',
    reason: i.stateTransitionReason,
    amiLaunchIndex: 0,
    productCodes: undefined,
    instanceType: i.instanceType,
    launchTime: i.launchTime,
    placement: { availabilityZone: i.zone, groupName: '', tenancy: 'default' },
    platform: i.platform,
    monitoring: { state: 'disabled' },
    subnetId: i.subnetId,
    vpcId: i.vpcId,
    privateIpAddress: i.privateIp,
    ipAddress: i.publicIp,
    sourceDestCheck: true,
    groupSet: groups,
    stateReason: i.stateReason ? { code: i.stateReason.code, message: i.stateReason.message } : undefined,
    architecture: i.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: i.rootDeviceName,
    blockDeviceMapping:
      root && root.state !== 'deleted'
        ? [{ deviceName: i.rootDeviceName, ebs: { volumeId: root.volumeId, status: 'attached', attachTime: i.launchTime, deleteOnTermination: root.deleteOnTermination } }]
        : [],
    instanceLifecycle: i.spot ? 'spot' : undefined,
    spotInstanceRequestId: i.spot?.requestId,
    virtualizationType: 'hvm',
    clientToken: i.clientToken ?? '',
    tagSet: tagSetXml(i.tags),
    hypervisor: 'xen',
    iamInstanceProfile: i.iamInstanceProfile ? { arn: i.iamInstanceProfile.arn, id: i.iamInstanceProfile.id } : undefined,
    networkInterfaceSet:
      i.state === 'terminated'
        ? []
        : [
            {
              networkInterfaceId: i.networkInterfaceId,
              subnetId: i.subnetId,
              vpcId: i.vpcId,
              ownerId: i.ownerId,
              status: 'in-use',
              privateIpAddress: i.privateIp,
              sourceDestCheck: true,
              groupSet: groups,
              attachment: { attachmentId: `eni-attach-${i.networkInterfaceId.slice(4)}`, deviceIndex: 0, status: 'attached', attachTime: i.launchTime, deleteOnTermination: true },
              association: i.publicIp ? { publicIp: i.publicIp, ipOwnerId: 'amazon' } : undefined,
            },
          ],
    ebsOptimized: false,
    enaSupport: true,
    cpuOptions: undefined,
  };
}

/** One `reservationSet/item`, holding the given instances. */
export function reservationXml(state: Ec2State, reservationId: string, ownerId: string, instances: readonly EmulatedInstance[]): XmlValue {
  return { reservationId, ownerId, groupSet: [], instancesSet: instances.map((i) => instanceXml(state, i)) };
}

/** One `imagesSet/item`. */
export function imageXml(image: EmulatedImage): XmlValue {
  return {
    imageId: image.imageId,
    imageLocation: `${image.ownerAlias ?? image.ownerId}/${image.name}`,
    imageState: image.state,
    imageOwnerId: image.ownerId,
    creationDate: image.creationDate,
    isPublic: image.isPublic,
    architecture: image.architecture,
    imageType: 'machine',
    platform: image.platform,
    platformDetails: image.platform === 'windows' ? 'Windows' : 'Linux/UNIX',
    imageOwnerAlias: image.ownerAlias,
    name: image.name,
    description: image.description,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/sda1',
    blockDeviceMapping: [{ deviceName: '/dev/sda1', ebs: { snapshotId: image.rootSnapshotId, volumeSize: image.rootSizeGiB, deleteOnTermination: true, volumeType: 'gp3', encrypted: false } }],
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    enaSupport: true,
    sourceInstanceId: image.sourceInstanceId,
    sourceImageId: image.sourceImageId,
    sourceImageRegion: image.sourceRegion,
    tagSet: tagSetXml(image.tags),
  };
}

/** One `volumeSet/item`. */
export function volumeXml(v: EmulatedVolume): XmlValue {
  return {
    volumeId: v.volumeId,
    size: v.sizeGiB,
    snapshotId: '',
    availabilityZone: v.zone,
    status: v.state,
    createTime: v.createTime,
    attachmentSet: v.attachedTo ? [{ volumeId: v.volumeId, instanceId: v.attachedTo, device: v.device, status: 'attached', attachTime: v.createTime, deleteOnTermination: v.deleteOnTermination }] : [],
    volumeType: v.volumeType,
    iops: v.iops,
    throughput: v.throughput,
    encrypted: v.encrypted,
    kmsKeyId: v.kmsKeyId,
    tagSet: tagSetXml(v.tags),
    multiAttachEnabled: false,
  };
}

/** One `snapshotSet/item`. */
export function snapshotXml(s: EmulatedSnapshot): XmlValue {
  return {
    snapshotId: s.snapshotId,
    volumeId: s.volumeId ?? 'vol-ffffffff',
    status: s.state,
    startTime: s.startTime,
    progress: s.state === 'completed' ? '100%' : '50%',
    ownerId: s.ownerId,
    volumeSize: s.volumeSizeGiB,
    description: s.description,
    encrypted: s.encrypted,
    storageTier: 'standard',
    tagSet: tagSetXml(s.tags),
  };
}
