/**
 * Image actions: DescribeImages (owners, filters, pagination), CreateImage, CopyImage between
 * regions, DeregisterImage, ExportImage to S3 and ImportImage from S3 with their task
 * descriptions, and the EBS snapshots behind the account's images (DescribeSnapshots,
 * DeleteSnapshot). Per the EC2 API Reference and the VM Import/Export User Guide (read 2026-11):
 * CreateImage and CopyImage make a snapshot per EBS device; DeregisterImage leaves the
 * snapshots behind (unless `DeleteAssociatedSnapshots`), and DeleteSnapshot refuses a snapshot
 * that a registered AMI still uses (`InvalidSnapshot.InUse`).
 *
 * Every AMI has a guest disk (vm-import-export.ts): CreateImage takes the instance's, CopyImage
 * the source's, ImportImage's AMI the upload's. ExportImage checks the bucket at the call and
 * writes a real image of the disk into it when its task completes; ImportImage reads the upload
 * at the call and converts it while its task runs.
 */
import { matchesAll, pageSize, paginate, type ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID, type EmulatedImage, type EmulatedSnapshot } from './ec2-state.js';
import { imageXml, snapshotXml } from './instance-xml.js';
import { findInstances, requireInstanceIds } from './instance-actions.js';
import { boolOf, filtersOf, listOf, structOf, textListOf, textOf, type QueryNode } from './query-request.js';

const IMAGE_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SNAPSHOT_ID = /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** A registered (not deregistered) image of this account in the call's region that uses `snapshotId`. */
function imageUsing(images: Iterable<EmulatedImage>, region: string, snapshotId: string): EmulatedImage | undefined {
  for (const img of images) if (img.region === region && img.state !== 'deregistered' && img.rootSnapshotId === snapshotId) return img;
  return undefined;
}

/** The `DescribeImages` action. */
export const describeImages: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  state.advanceAll();
  const owners = textListOf(params.Owner).map((o) => (o === 'self' ? EMULATOR_ACCOUNT_ID : o));
  const ids = textListOf(params.ImageId);
  const filters = filtersOf(params);
  const size = pageSize(params, 6, 1000);
  let images = [...state.images.values()].filter((img) => img.region === ctx.region && img.state !== 'deregistered');
  if (ids.length > 0) {
    const missing = ids.filter((id) => !images.some((img) => img.imageId === id));
    if (missing.length > 0) throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
    images = images.filter((img) => ids.includes(img.imageId));
  }
  if (owners.length > 0) images = images.filter((img) => owners.includes(img.ownerId) || (img.ownerAlias !== undefined && owners.includes(img.ownerAlias)));
  else if (ids.length === 0) images = images.filter((img) => img.isPublic || img.ownerId === EMULATOR_ACCOUNT_ID);
  images = images.filter((img) =>
    matchesAll(filters, img, (name, i) => {
      if (name.startsWith('tag:')) return i.tags.get(name.slice(4));
      switch (name) {
        case 'name':
          return i.name;
        case 'architecture':
          return i.architecture;
        case 'state':
          return i.state;
        case 'owner-id':
          return i.ownerId;
        case 'owner-alias':
          return i.ownerAlias;
        case 'image-id':
          return i.imageId;
        case 'platform':
          return i.platform;
        case 'is-public':
          return String(i.isPublic);
        case 'root-device-type':
          return 'ebs';
        case 'virtualization-type':
          return 'hvm';
        default:
          throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
      }
    }),
  );
  const { page, nextToken } = paginate(images, params, size);
  return { imagesSet: page.map(imageXml), nextToken };
};

/** The `CreateImage` action. */
export const createImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const [instance] = findInstances(ctx, requireInstanceIds({ InstanceId: params.InstanceId ?? [] }), false);
  const name = textOf(params.Name);
  if (!name) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter Name');
  state.advanceInstance(instance!);
  if (instance!.state === 'terminated' || instance!.state === 'shutting-down') {
    throw new Ec2ApiError('IncorrectInstanceState', `The instance '${instance!.instanceId}' is not in a state from which an image can be created.`);
  }
  for (const img of state.images.values()) {
    if (img.region === ctx.region && img.ownerId === EMULATOR_ACCOUNT_ID && img.name === name && img.state !== 'deregistered') {
      throw new Ec2ApiError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${img.imageId}`);
    }
  }
  const imageId = state.newId('ami');
  const root = state.volumes.get(instance!.rootVolumeId);
  const availableAt = state.now() + state.timings.imageAvailableMs;
  const snapshot = state.addSnapshot({
    region: ctx.region,
    volumeId: root?.volumeId,
    volumeSizeGiB: root?.sizeGiB ?? 8,
    description: `Created by CreateImage(${instance!.instanceId}) for ${imageId}`,
    encrypted: root?.encrypted ?? false,
    completedAt: availableAt,
  });
  state.images.set(imageId, {
    imageId,
    region: ctx.region,
    ownerId: EMULATOR_ACCOUNT_ID,
    ownerAlias: undefined,
    name,
    description: textOf(params.Description),
    architecture: instance!.architecture,
    creationDate: new Date(state.now()).toISOString(),
    state: 'pending',
    availableAt,
    platform: instance!.platform,
    isPublic: false,
    rootSizeGiB: root?.sizeGiB ?? 8,
    sourceInstanceId: instance!.instanceId,
    sourceImageId: instance!.imageId,
    sourceRegion: undefined,
    rootSnapshotId: snapshot.snapshotId,
    tags: new Map(),
  });
  state.vmImportExport.setImageDisk(imageId, state.diskOfInstance(instance!));
  return { imageId };
};

/** The `CopyImage` action. */
export const copyImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const sourceImageId = textOf(params.SourceImageId);
  const sourceRegion = textOf(params.SourceRegion);
  const name = textOf(params.Name);
  if (!sourceImageId || !sourceRegion || !name) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameters SourceImageId, SourceRegion and Name');
  state.advanceAll();
  const source = state.images.get(sourceImageId);
  if (!source || source.region !== sourceRegion) throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${sourceImageId}]' does not exist`);
  if (source.state !== 'available') throw new Ec2ApiError('IncorrectState', `Image ${sourceImageId} is not in a valid state to copy (state: ${source.state})`);
  const token = textOf(params.ClientToken);
  const tokenKey = token ? `CopyImage/${ctx.region}/${token}` : undefined;
  const previous = tokenKey ? state.requestTokens.get(tokenKey) : undefined;
  if (previous) return { imageId: previous };
  const imageId = state.newId('ami');
  if (tokenKey) state.requestTokens.set(tokenKey, imageId);
  const availableAt = state.now() + state.timings.imageAvailableMs;
  const snapshot = state.addSnapshot({
    region: ctx.region,
    volumeId: undefined,
    volumeSizeGiB: source.rootSizeGiB,
    description: `Copied for DestinationAmi ${imageId} from SourceAmi ${sourceImageId} for SourceSnapshot ${source.rootSnapshotId}`,
    encrypted: false,
    completedAt: availableAt,
  });
  state.images.set(imageId, {
    ...source,
    imageId,
    region: ctx.region,
    ownerId: EMULATOR_ACCOUNT_ID,
    ownerAlias: undefined,
    name,
    description: textOf(params.Description) ?? `[Copied ${sourceImageId} from ${sourceRegion}] ${source.description ?? ''}`.trim(),
    creationDate: new Date(state.now()).toISOString(),
    state: 'pending',
    availableAt,
    isPublic: false,
    sourceImageId,
    sourceRegion,
    rootSnapshotId: snapshot.snapshotId,
    tags: new Map(),
  });
  state.vmImportExport.setImageDisk(imageId, state.diskOfImage(sourceImageId));
  return { imageId };
};

const EXPORT_FORMATS = { VMDK: 'vmdk', RAW: 'raw', VHD: 'vhd' } as const;

/** The `ExportImage` action. */
export const exportImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const imageId = textOf(params.ImageId);
  const format = textOf(params.DiskImageFormat) as keyof typeof EXPORT_FORMATS | undefined;
  const location = structOf(params.S3ExportLocation);
  const bucket = textOf(location.S3Bucket);
  if (!imageId || !format || !bucket) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameters ImageId, DiskImageFormat and S3ExportLocation.S3Bucket');
  if (!(format in EXPORT_FORMATS)) throw new Ec2ApiError('InvalidParameterValue', `Value (${format}) for parameter DiskImageFormat is invalid. Valid values: VMDK, RAW, VHD`);
  state.advanceAll();
  const image = state.images.get(imageId);
  if (!image || image.region !== ctx.region) throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (image.state !== 'available') throw new Ec2ApiError('IncorrectState', `Image ${imageId} is not available`);
  if (image.ownerId !== EMULATOR_ACCOUNT_ID) throw new Ec2ApiError('InvalidParameter', 'Only AMIs you own can be exported');
  const token = textOf(params.ClientToken);
  const tokenKey = token ? `ExportImage/${ctx.region}/${token}` : undefined;
  const previous = tokenKey ? state.requestTokens.get(tokenKey) : undefined;
  const existing = previous ? state.exportTasks.get(previous) : undefined;
  if (existing) {
    return { exportImageTaskId: existing.taskId, imageId: existing.imageId, diskImageFormat: existing.format, roleName: existing.roleName, s3ExportLocation: { s3Bucket: existing.bucket, s3Prefix: existing.prefix }, status: existing.status };
  }
  state.vmImportExport.checkExportBucket(bucket, ctx.region);
  const taskId = state.newId('export-ami');
  if (tokenKey) state.requestTokens.set(tokenKey, taskId);
  const prefix = textOf(location.S3Prefix) ?? '';
  // ExportImage writes one object, `S3Prefix + task id + '.' + format` (ExportTaskS3Location), when the task completes; a failed task writes none.
  const key = `${prefix}${taskId}.${EXPORT_FORMATS[format]}`;
  const failure = ctx.faults.takeExportTaskFailure();
  if (failure === undefined) state.vmImportExport.startExport({ taskId, disk: state.diskOfImage(imageId), format: EXPORT_FORMATS[format], bucket, key });
  state.exportTasks.set(taskId, {
    taskId,
    region: ctx.region,
    imageId,
    format,
    bucket,
    prefix,
    roleName: textOf(params.RoleName) ?? 'vmimport',
    status: 'active',
    doneAt: state.now() + state.timings.imageTaskMs,
    failure,
    key,
    statusMessage: undefined,
  });
  return {
    exportImageTaskId: taskId,
    imageId,
    diskImageFormat: format,
    roleName: textOf(params.RoleName) ?? 'vmimport',
    s3ExportLocation: { s3Bucket: bucket, s3Prefix: prefix },
    status: 'active',
    progress: '0',
    description: textOf(params.Description),
  };
};

/** The `DescribeExportImageTasks` action. */
export const describeExportImageTasks: ActionHandler = (ctx, params) => {
  ctx.state.advanceAll();
  const ids = textListOf(params.ExportImageTaskId);
  const tasks = [...ctx.state.exportTasks.values()].filter((t) => t.region === ctx.region && (ids.length === 0 || ids.includes(t.taskId)));
  if (ids.length > 0 && tasks.length < ids.length) throw new Ec2ApiError('InvalidExportImageTaskId.NotFound', `The export task ID '${ids.find((id) => !tasks.some((t) => t.taskId === id))}' does not exist`);
  return {
    exportImageTaskSet: tasks.map((t) => ({
      exportImageTaskId: t.taskId,
      imageId: t.imageId,
      progress: t.status === 'active' ? '50' : undefined,
      s3ExportLocation: { s3Bucket: t.bucket, s3Prefix: t.prefix },
      status: t.status,
      statusMessage: t.status === 'active' ? 'converting' : t.status === 'deleted' ? t.statusMessage : undefined,
    })),
  };
};

/** The `DeregisterImage` action: the AMI goes, its snapshots stay unless `DeleteAssociatedSnapshots`. */
export const deregisterImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const imageId = textOf(params.ImageId);
  if (!imageId) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter ImageId');
  if (!IMAGE_ID.test(imageId)) throw new Ec2ApiError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  state.advanceAll();
  const image = state.images.get(imageId);
  if (!image || image.region !== ctx.region || image.state === 'deregistered') throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (image.ownerId !== EMULATOR_ACCOUNT_ID) throw new Ec2ApiError('AuthFailure', `Not authorized for image:${imageId}`, 400);
  image.state = 'deregistered';
  const results: QueryNode[] = [];
  if (boolOf(params.DeleteAssociatedSnapshots) === true) {
    const snapshot = state.snapshots.get(image.rootSnapshotId);
    // A snapshot another AMI still uses is kept (DeregisterImage reference).
    if (snapshot && !imageUsing(state.images.values(), ctx.region, snapshot.snapshotId)) {
      state.snapshots.delete(snapshot.snapshotId);
      results.push(snapshot.snapshotId);
    }
  }
  return { return: true, deleteSnapshotResultSet: results.length > 0 ? results.map((id) => ({ snapshotId: id as string, returnCode: 'success' })) : undefined };
};

function snapshotFilterValue(name: string, s: EmulatedSnapshot): string | readonly string[] | undefined {
  if (name.startsWith('tag:')) return s.tags.get(name.slice(4));
  switch (name) {
    case 'snapshot-id':
      return s.snapshotId;
    case 'owner-id':
      return s.ownerId;
    case 'status':
      return s.state;
    case 'volume-id':
      return s.volumeId;
    case 'volume-size':
      return String(s.volumeSizeGiB);
    case 'description':
      return s.description;
    case 'encrypted':
      return String(s.encrypted);
    case 'tag-key':
      return [...s.tags.keys()];
    default:
      throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

/** The `DescribeSnapshots` action (the account's own snapshots; public ones are not modelled). */
export const describeSnapshots: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  state.advanceAll();
  const ids = textListOf(params.SnapshotId);
  const owners = textListOf(params.Owner).map((o) => (o === 'self' ? EMULATOR_ACCOUNT_ID : o));
  if (ids.length > 0 && params.MaxResults !== undefined) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The parameter snapshotSet cannot be used with the parameter maxResults');
  }
  const malformed = ids.find((id) => !SNAPSHOT_ID.test(id));
  if (malformed !== undefined) throw new Ec2ApiError('InvalidSnapshotID.Malformed', `Invalid id: "${malformed}" (expecting "snap-...")`);
  const size = pageSize(params, 5, 1000);
  let snapshots = [...state.snapshots.values()].filter((s) => s.region === ctx.region);
  if (ids.length > 0) {
    const missing = ids.filter((id) => !snapshots.some((s) => s.snapshotId === id));
    if (missing.length > 0) throw new Ec2ApiError('InvalidSnapshot.NotFound', `The snapshot${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist.`);
    snapshots = snapshots.filter((s) => ids.includes(s.snapshotId));
  }
  if (owners.length > 0) snapshots = snapshots.filter((s) => owners.includes(s.ownerId));
  const filters = filtersOf(params);
  snapshots = snapshots.filter((s) => matchesAll(filters, s, snapshotFilterValue));
  const { page, nextToken } = paginate(snapshots, params, size);
  return { snapshotSet: page.map(snapshotXml), nextToken };
};

/** The `DeleteSnapshot` action: refused while a registered AMI uses the snapshot. */
export const deleteSnapshot: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const snapshotId = textOf(params.SnapshotId);
  if (!snapshotId) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter SnapshotId');
  if (!SNAPSHOT_ID.test(snapshotId)) throw new Ec2ApiError('InvalidSnapshotID.Malformed', `Invalid id: "${snapshotId}" (expecting "snap-...")`);
  state.advanceAll();
  const snapshot = state.snapshots.get(snapshotId);
  if (!snapshot || snapshot.region !== ctx.region) throw new Ec2ApiError('InvalidSnapshot.NotFound', `The snapshot '${snapshotId}' does not exist.`);
  const user = imageUsing(state.images.values(), ctx.region, snapshotId);
  if (user) throw new Ec2ApiError('InvalidSnapshot.InUse', `The snapshot ${snapshotId} is currently in use by ${user.imageId}`);
  state.snapshots.delete(snapshotId);
  return { return: true };
};

const IMPORT_FORMATS = new Set(['VMDK', 'VHD', 'VHDX', 'RAW', 'OVA']);

/** The `ImportImage` action. */
export const importImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const containers = listOf(params.DiskContainer).map(structOf);
  const first = containers[0];
  if (!first) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter DiskContainer');
  const format = (textOf(first.Format) ?? '').toUpperCase();
  if (!IMPORT_FORMATS.has(format)) throw new Ec2ApiError('InvalidParameterValue', `Value (${format}) for parameter Format is invalid. Valid values: OVA, VHD, VHDX, VMDK, RAW`);
  const bucketSpec = structOf(first.UserBucket);
  const bucket = textOf(bucketSpec.S3Bucket);
  const key = textOf(bucketSpec.S3Key);
  if (!bucket || !key) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter DiskContainer.UserBucket');
  const token = textOf(params.ClientToken);
  const tokenKey = token ? `ImportImage/${ctx.region}/${token}` : undefined;
  const previous = tokenKey ? state.requestTokens.get(tokenKey) : undefined;
  if (previous) return { importTaskId: previous, status: state.importTasks.get(previous)?.status ?? 'active' };
  state.vmImportExport.checkImportBucket(bucket, ctx.region);
  const taskId = state.newId('import-ami');
  if (tokenKey) state.requestTokens.set(tokenKey, taskId);
  // The upload is read now and converted in the background; a missing or unreadable one fails the task later, as on AWS, not the call.
  const started = state.vmImportExport.startImport({ taskId, bucket, key, format });
  state.importTasks.set(taskId, {
    taskId,
    region: ctx.region,
    format,
    bucket,
    key,
    status: 'active',
    doneAt: state.now() + state.timings.imageTaskMs,
    imageId: undefined,
    architecture: textOf(params.Architecture) === 'arm64' ? 'arm64' : 'x86_64',
    sizeBytes: started.uploadSizeBytes,
    statusMessage: undefined,
  });
  return { importTaskId: taskId, status: 'active', progress: '2', statusMessage: 'pending', architecture: textOf(params.Architecture) };
};

/** The `DescribeImportImageTasks` action. */
export const describeImportImageTasks: ActionHandler = (ctx, params) => {
  ctx.state.advanceAll();
  const ids = textListOf(params.ImportTaskId);
  const tasks = [...ctx.state.importTasks.values()].filter((t) => t.region === ctx.region && (ids.length === 0 || ids.includes(t.taskId)));
  return {
    importImageTaskSet: tasks.map((t) => ({
      importTaskId: t.taskId,
      status: t.status,
      statusMessage: t.status === 'deleted' ? t.statusMessage : t.status === 'active' ? 'converting' : undefined,
      imageId: t.imageId,
      architecture: t.architecture,
      progress: t.status === 'active' ? '40' : undefined,
      snapshotDetailSet: [{ diskImageSize: t.sizeBytes, format: t.format, userBucket: { s3Bucket: t.bucket, s3Key: t.key }, status: t.status }],
    })),
  };
};
