/**
 * The EC2 emulator's disks carry guest bytes and VM Import/Export moves them through a linked S3
 * emulator, seen through the real `@aws-sdk/client-ec2`: an AMI's disk goes to its instances,
 * CreateImage and CopyImage keep it, ExportImage writes a real VMDK/VHD/RAW of it into the bucket
 * when the task completes, ImportImage reads a real image back (and fails the task in VM
 * Import/Export's words when it cannot), ExportImage refuses a bucket that is not there.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyImageCommand,
  CreateImageCommand,
  DescribeExportImageTasksCommand,
  DescribeImportImageTasksCommand,
  DescribeImagesCommand,
  EC2Client,
  ExportImageCommand,
  ImportImageCommand,
  RunInstancesCommand,
  type ImportImageTask,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEc2Emulator, type Ec2Emulator } from '../../src/testing/emulators/ec2/index.js';
import { startS3Emulator, type S3Emulator } from '../../src/testing/emulators/s3/index.js';
import { guestSha256, makeRawDisk, qemuConvert, qemuInfo, sha256Of, vhdFooter, type TestDisk } from '../artifacts/disk-images.js';
import { rejectionOf } from '../helpers.js';

const KiB = 1024;
let dir: string;
let s3: S3Emulator;
let emu: Ec2Emulator;
let ec2: EC2Client;
let ec2West: EC2Client;
let disk: TestDisk;

function client(e: Ec2Emulator, region: string): EC2Client {
  const { endpoint, credentials } = e.providerOptions;
  return new EC2Client({ endpoint, region, credentials, maxAttempts: 1 });
}

async function ubuntuImage(c: EC2Client): Promise<string> {
  const out = await c.send(new DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }));
  return out.Images![0]!.ImageId!;
}

async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('gave up waiting');
}

async function launch(imageId: string): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
  return out.Instances![0]!.InstanceId!;
}

async function ownImage(instanceId: string, name: string): Promise<string> {
  await until(async () => (emu.instance(instanceId)?.state === 'running' ? true : undefined));
  const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: name }));
  await until(async () => (emu.ownImages().find((i) => i.imageId === ImageId)?.state === 'available' ? true : undefined));
  return ImageId!;
}

async function finishedImport(taskId: string): Promise<ImportImageTask> {
  return until(async () => {
    const t = (await ec2.send(new DescribeImportImageTasksCommand({ ImportTaskIds: [taskId] }))).ImportImageTasks?.[0];
    return t?.Status === 'completed' || t?.Status === 'deleted' ? t : undefined;
  });
}

async function importFrom(key: string, format: string): Promise<ImportImageTask> {
  const { ImportTaskId } = await ec2.send(new ImportImageCommand({ DiskContainers: [{ Format: format, UserBucket: { S3Bucket: 'uploads', S3Key: key } }] }));
  return finishedImport(ImportTaskId!);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-ec2-images-'));
  disk = await makeRawDisk(dir, 'guest.raw', { mib: 3, randomBytes: 300 * KiB, seed: 'ec2 images' });
  s3 = await startS3Emulator({ buckets: ['exports', 'uploads'] });
  emu = await startEc2Emulator({ s3, exportPartBytes: 512 * KiB, diskDir: join(dir, 'disks') });
  ec2 = client(emu, 'us-east-1');
  ec2West = client(emu, 'eu-west-1');
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  ec2West?.destroy();
  await emu?.close();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('EC2 emulator guest disks', () => {
  it('gives an instance its AMI disk, and CreateImage and CopyImage the disk they start from', async () => {
    const publicImage = await ubuntuImage(ec2);
    const base = await emu.guestDiskOfImage(publicImage);
    expect((await readFile(base.path)).subarray(0, 64).toString()).toContain('novacron emulated disk');
    const instanceId = await launch(publicImage);
    expect(await emu.guestDiskOf(instanceId)).toBe(base);

    const imageId = await ownImage(instanceId, 'disk-chain');
    expect(await emu.guestDiskOfImage(imageId)).toBe(base);
    const { ImageId: copyId } = await ec2West.send(new CopyImageCommand({ SourceImageId: imageId, SourceRegion: 'us-east-1', Name: 'disk-chain-copy' }));
    expect(await emu.guestDiskOfImage(copyId!)).toBe(base);
    // The same public image has the same bytes in every region.
    expect((await emu.guestDiskOfImage(await ubuntuImage(ec2West))).sha256).toBe(base.sha256);
    await expect(emu.guestDiskOf('i-00000000000000000')).rejects.toThrow(/unknown instance/);
  });
});

describe('EC2 emulator ExportImage into the linked S3 emulator', () => {
  let imageId: string;
  let guest: { sha256: string; sizeBytes: number };
  beforeAll(async () => {
    const instanceId = await launch(await ubuntuImage(ec2));
    imageId = await ownImage(instanceId, 'to-export');
    guest = await emu.guestDiskOfImage(imageId);
  });

  const cases = [
    { format: 'VMDK', ext: 'vmdk', qemu: 'vmdk' },
    { format: 'VHD', ext: 'vhd', qemu: 'vpc' },
    { format: 'RAW', ext: 'raw', qemu: 'raw' },
  ] as const;
  for (const c of cases) {
    it(`writes a real ${c.format} of the AMI's disk at <prefix><task id>.${c.ext} when the task completes`, async () => {
      const { ExportImageTaskId } = await ec2.send(new ExportImageCommand({ ImageId: imageId, DiskImageFormat: c.format, S3ExportLocation: { S3Bucket: 'exports', S3Prefix: 'out/' } }));
      const key = `out/${ExportImageTaskId}.${c.ext}`;
      expect(s3.object('exports', key)).toBeUndefined(); // not before the task completes
      const task = await until(async () => {
        const t = (await ec2.send(new DescribeExportImageTasksCommand({ ExportImageTaskIds: [ExportImageTaskId!] }))).ExportImageTasks?.[0];
        return t?.Status === 'active' ? undefined : t;
      });
      expect(task).toMatchObject({ Status: 'completed', S3ExportLocation: { S3Bucket: 'exports', S3Prefix: 'out/' } });
      const object = s3.object('exports', key)!;
      const file = join(dir, `export.${c.ext}`);
      await writeFile(file, object.bytes);
      if (c.format === 'VHD') {
        expect(await vhdFooter(file)).toMatchObject({ cookie: 'conectix', diskType: 2, currentSize: guest.sizeBytes });
      } else {
        const info = qemuInfo(file);
        expect(info.format).toBe(c.qemu);
        expect(info['virtual-size']).toBe(guest.sizeBytes);
        if (c.format === 'VMDK') expect(info['format-specific']?.data?.['create-type']).toBe('streamOptimized');
      }
      expect(await guestSha256(file, c.format === 'VHD' ? 'vhd' : c.ext, dir)).toBe(guest.sha256);
      // Parts of 512 KiB: a RAW of several MiB is a multipart object, a small VMDK one PUT.
      if (object.bytes.length > 512 * KiB) expect(object.etag).toMatch(/^"[0-9a-f]{32}-\d+"$/);
      else expect(object.etag).toBe(`"${(await import('node:crypto')).createHash('md5').update(object.bytes).digest('hex')}"`);
      expect(emu.getObject(`s3://exports/${key}`)).toEqual({ sizeBytes: object.bytes.length, sha256: sha256Of(object.bytes) });
    });
  }

  it('refuses a bucket that does not exist, or that is in another region, at the call, with InvalidParameter', async () => {
    const missing = (await rejectionOf(ec2.send(new ExportImageCommand({ ImageId: imageId, DiskImageFormat: 'RAW', S3ExportLocation: { S3Bucket: 'no-such-bucket' } })))) as { name: string; $metadata: { httpStatusCode: number } };
    expect(missing.name).toBe('InvalidParameter');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(String(missing)).toContain('no-such-bucket');

    const westInstance = (await ec2West.send(new RunInstancesCommand({ ImageId: await ubuntuImage(ec2West), InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
    await until(async () => (emu.instance(westInstance)?.state === 'running' ? true : undefined));
    const { ImageId: westImage } = await ec2West.send(new CreateImageCommand({ InstanceId: westInstance, Name: 'west' }));
    await until(async () => (emu.ownImages('eu-west-1').find((i) => i.imageId === westImage)?.state === 'available' ? true : undefined));
    const elsewhere = (await rejectionOf(ec2West.send(new ExportImageCommand({ ImageId: westImage, DiskImageFormat: 'RAW', S3ExportLocation: { S3Bucket: 'exports' } })))) as { name: string };
    expect(elsewhere.name).toBe('InvalidParameter');
    expect(String(elsewhere)).toMatch(/not local to the region/);
  });

  it('writes no object for a task that fails', async () => {
    const before = s3.keys('exports').length;
    emu.faults.failNextExportTask('ClientError: Unknown OS / Missing OS files.');
    const { ExportImageTaskId } = await ec2.send(new ExportImageCommand({ ImageId: imageId, DiskImageFormat: 'VMDK', S3ExportLocation: { S3Bucket: 'exports' } }));
    const task = await until(async () => {
      const t = (await ec2.send(new DescribeExportImageTasksCommand({ ExportImageTaskIds: [ExportImageTaskId!] }))).ExportImageTasks?.[0];
      return t?.Status === 'active' ? undefined : t;
    });
    expect(task).toMatchObject({ Status: 'deleted', StatusMessage: 'ClientError: Unknown OS / Missing OS files.' });
    expect(s3.keys('exports')).toHaveLength(before);
  });
});

describe('EC2 emulator ImportImage from the linked S3 emulator', () => {
  async function upload(key: string, bytes: Buffer): Promise<void> {
    s3.putObject('uploads', key, bytes);
  }

  it('registers an AMI whose disk holds the uploaded image raw guest bytes, for VMDK, VHD and RAW', async () => {
    const vmdk = join(dir, 'in.vmdk');
    const vhd = join(dir, 'in.vhd');
    qemuConvert(disk.path, 'raw', vmdk, 'vmdk', ['subformat=streamOptimized']);
    qemuConvert(disk.path, 'raw', vhd, 'vhd', ['subformat=fixed', 'force_size=on']);
    for (const [key, path, format] of [['in/disk.vmdk', vmdk, 'VMDK'], ['in/disk.vhd', vhd, 'VHD'], ['in/disk.raw', disk.path, 'RAW']] as const) {
      const bytes = await readFile(path);
      await upload(key, bytes);
      const task = await importFrom(key, format);
      expect(task.Status, task.StatusMessage).toBe('completed');
      expect(task.SnapshotDetails?.[0]?.DiskImageSize).toBe(bytes.length);
      const imported = await emu.guestDiskOfImage(task.ImageId!);
      expect(imported).toMatchObject({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });
      expect(await emu.guestDiskOf(await launch(task.ImageId!))).toBe(imported);
    }
  });

  it('fails the task in VM Import/Export words for a junk, mismatched, non-stream-optimized or missing upload, and registers no AMI', async () => {
    const sparse = join(dir, 'sparse.vmdk');
    qemuConvert(disk.path, 'raw', sparse, 'vmdk', ['subformat=monolithicSparse']);
    const streamOptimized = join(dir, 'mismatch.vmdk');
    qemuConvert(disk.path, 'raw', streamOptimized, 'vmdk', ['subformat=streamOptimized']);
    await upload('bad/junk.vmdk', Buffer.from('this is no disk image at all\n'.repeat(100)));
    await upload('bad/sparse.vmdk', await readFile(sparse));
    await upload('bad/really-a-vmdk.vhd', await readFile(streamOptimized));
    const images = emu.ownImages().length;
    const cases = [
      ['bad/junk.vmdk', 'VMDK', 'ClientError: Disk validation failed [Unsupported VMDK File Format]'],
      ['bad/sparse.vmdk', 'VMDK', 'ClientError: Disk validation failed [Unsupported VMDK File Format]'],
      ['bad/really-a-vmdk.vhd', 'VHD', 'ClientError: Disk validation failed [Unsupported VHD File Format]'],
      ['bad/none.raw', 'RAW', 'ClientError: Disk validation failed [Invalid S3 source location]'],
    ] as const;
    for (const [key, format, message] of cases) {
      const task = await importFrom(key, format);
      expect({ key, status: task.Status, message: task.StatusMessage, imageId: task.ImageId }).toEqual({ key, status: 'deleted', message, imageId: undefined });
    }
    expect(emu.ownImages()).toHaveLength(images);
  });
});

describe('EC2 emulator without a linked S3 emulator', () => {
  it('keeps a private S3 emulator in which every bucket exists, and removes its disks and stops it on close', async () => {
    const diskDir = join(dir, 'private-disks');
    const alone = await startEc2Emulator({ diskDir });
    const c = client(alone, 'us-east-1');
    try {
      const { ImageId: publicImage } = (await c.send(new DescribeImagesCommand({ Owners: ['099720109477'] }))).Images![0]!;
      const instanceId = (await c.send(new RunInstancesCommand({ ImageId: publicImage, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances![0]!.InstanceId!;
      await until(async () => (alone.instance(instanceId)?.state === 'running' ? true : undefined));
      const { ImageId } = await c.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'alone' }));
      await until(async () => (alone.ownImages().find((i) => i.imageId === ImageId)?.state === 'available' ? true : undefined));
      const { ExportImageTaskId } = await c.send(new ExportImageCommand({ ImageId, DiskImageFormat: 'RAW', S3ExportLocation: { S3Bucket: 'any-bucket' } }));
      await until(async () => ((await c.send(new DescribeExportImageTasksCommand({ ExportImageTaskIds: [ExportImageTaskId!] }))).ExportImageTasks?.[0]?.Status === 'completed' ? true : undefined));
      const object = alone.s3.object('any-bucket', `${ExportImageTaskId}.raw`)!;
      expect(sha256Of(object.bytes)).toBe((await alone.guestDiskOf(instanceId)).sha256);
      expect(alone.providerOptions.s3.clientConfig.endpoint).toBe(alone.s3.endpoint);
      expect((await stat(diskDir)).isDirectory()).toBe(true);
    } finally {
      c.destroy();
      await alone.close();
    }
    await expect(stat(diskDir)).rejects.toThrow(/ENOENT/);
    await expect(fetch(alone.s3.endpoint)).rejects.toThrow();
  });
});
