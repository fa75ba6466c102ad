/**
 * The AWS adapter's `exportVM` and `importVM` move real disk bytes through S3, through the real
 * `@aws-sdk/client-ec2` and `@aws-sdk/client-s3` against the EC2 emulator linked to an S3
 * emulator: an export is a real VMDK/VHD/RAW of the VM's guest disk whose artifact carries the
 * object's real size and the SHA-256 of its bytes (single-PUT and multipart objects alike); an
 * image made with qemu-img and uploaded with the S3 artifact store imports into a VM with those
 * guest bytes, which export again unchanged; a junk or mis-declared upload and a missing bucket
 * are typed failures that leave no AMI, snapshot or instance behind.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ArtifactStore, type S3ArtifactStore } from '../../../src/artifacts/s3/index.js';
import { AuthError, InvalidSpecError, TimeoutError } from '../../../src/provider/errors.js';
import type { ImageArtifact } from '../../../src/provider/types.js';
import { createAwsProvider, type AwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { startS3Emulator, type S3Emulator } from '../../../src/testing/emulators/s3/index.js';
import { guestSha256, makeRawDisk, qemuConvert, qemuInfo, sha256Of, vhdFooter, type TestDisk } from '../../artifacts/disk-images.js';
import { rejectionOf } from '../../helpers.js';

const KiB = 1024;
// The EC2 emulator's own credentials: the S3 client inherits the provider's when its config names none.
const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator-secret-access-key' };

let dir: string;
let s3emu: S3Emulator;
let emu: Ec2Emulator;
let exports: S3ArtifactStore;
let handoff: S3ArtifactStore;
let disk: TestDisk;

function provider(extra: Partial<AwsProviderOptions> = {}, on: Ec2Emulator = emu): AwsProvider {
  return createAwsProvider({ ...on.providerOptions, ...extra });
}

async function readObject(store: S3ArtifactStore, location: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await store.openRead(store.keyOf(location)!)) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function counts(on: Ec2Emulator = emu): { images: number; snapshots: number; instances: number } {
  return { images: on.ownImages().length, snapshots: on.snapshots().length, instances: on.instances().length };
}

function uploaded(format: ImageArtifact['format'], location: string, sizeBytes: number): ImageArtifact {
  return { format, location, sizeBytes, checksum: { algorithm: 'sha256', value: '0'.repeat(64) }, sourceProvider: 'qemu-img', sourceProviderKind: 'memory', sourceVmId: 'disk', baseImage: undefined, createdAt: new Date().toISOString() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-aws-portable-'));
  disk = await makeRawDisk(dir, 'guest.raw', { mib: 3, randomBytes: 400 * KiB, seed: 'aws portable images' });
  s3emu = await startS3Emulator({ buckets: ['exports', 'handoff'], minPartBytes: 5 * KiB, ...CREDENTIALS });
  emu = await startEc2Emulator({ s3: s3emu });
  exports = createS3ArtifactStore({ ...s3emu.providerOptions, bucket: 'exports', retryBaseDelayMs: 5 });
  handoff = createS3ArtifactStore({ ...s3emu.providerOptions, bucket: 'handoff', retryBaseDelayMs: 5 });
}, 60_000);

afterAll(async () => {
  await emu?.close();
  await s3emu?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('AWS exportVM to S3 moves the VM guest bytes', () => {
  for (const format of ['vmdk', 'vhd', 'raw'] as const) {
    it(`exports a real ${format} whose object size and SHA-256 the artifact carries, and leaves no AMI behind`, async () => {
      const aws = provider({ export: { bucket: 'exports', prefix: 'vms/', format } });
      const vm = await aws.createVM({ name: `real-${format}`, cpu: 1, memory: 1 });
      const before = counts();
      const artifact = await aws.exportVM(vm.id);
      expect(artifact.location).toMatch(new RegExp(`^s3://exports/vms/export-ami-[0-9a-f]+\\.${format}$`));

      const bytes = await readObject(exports, artifact.location);
      expect(artifact.sizeBytes).toBe(bytes.length);
      expect(artifact.checksum).toEqual({ algorithm: 'sha256', value: sha256Of(bytes) });
      const file = join(dir, `exported.${format}`);
      await writeFile(file, bytes);
      if (format === 'vhd') expect((await vhdFooter(file)).cookie).toBe('conectix');
      else expect(qemuInfo(file).format).toBe(format);
      if (format === 'vmdk') expect(qemuInfo(file)['format-specific']?.data?.['create-type']).toBe('streamOptimized');
      expect(await guestSha256(file, format, dir)).toBe((await emu.guestDiskOf(vm.id)).sha256);
      expect({ images: counts().images, snapshots: counts().snapshots }).toEqual({ images: before.images, snapshots: before.snapshots });
    });
  }

  it('hashes a multipart export (whose ETag is no MD5) the same way, reading it once through S3', async () => {
    const parts = await startEc2Emulator({ s3: s3emu, exportPartBytes: 256 * KiB });
    try {
      const aws = provider({ export: { bucket: 'exports', format: 'raw' } }, parts);
      const vm = await aws.createVM({ name: 'multipart', cpu: 1, memory: 1 });
      s3emu.stats.reset();
      const artifact = await aws.exportVM(vm.id);
      const key = exports.keyOf(artifact.location)!;
      expect(s3emu.object('exports', key)!.etag).toMatch(/-\d+"$/);
      const bytes = await readObject(exports, artifact.location);
      expect(artifact.checksum).toEqual({ algorithm: 'sha256', value: sha256Of(bytes) });
      expect(artifact.checksum.value).toBe((await parts.guestDiskOf(vm.id)).sha256); // a raw export is the guest disk itself
      expect(s3emu.stats.byOperation()).toEqual({ GetObject: 2 }); // the adapter's one read, and this test's
    } finally {
      await parts.close();
    }
  });

  it('refuses a bucket that does not exist as an InvalidSpecError on export.bucket, leaving nothing behind', async () => {
    const aws = provider({ export: { bucket: 'no-such-bucket', format: 'vmdk' } });
    const vm = await aws.createVM({ name: 'nowhere', cpu: 1, memory: 1 });
    const before = counts();
    const keys = s3emu.keys('exports').length;
    const error = await rejectionOf(aws.exportVM(vm.id));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as InvalidSpecError).field).toBe('export.bucket');
    expect(String(error)).toContain('no-such-bucket');
    expect(counts()).toEqual(before);
    expect(s3emu.keys('exports')).toHaveLength(keys);
  });

  it('reads the object with the provider credentials unless the S3 client config names others', async () => {
    const { endpoint, region, forcePathStyle } = s3emu.clientOptions;
    const inherits = provider({ export: { bucket: 'exports', format: 'raw' }, s3: { clientConfig: { endpoint, region, forcePathStyle } } });
    const vm = await inherits.createVM({ name: 'inherits', cpu: 1, memory: 1 });
    const artifact = await inherits.exportVM(vm.id);
    expect(artifact.sizeBytes).toBe(s3emu.object('exports', exports.keyOf(artifact.location)!)!.bytes.length);

    const wrong = provider({ export: { bucket: 'exports', format: 'raw' }, s3: { clientConfig: { endpoint, region, forcePathStyle, credentials: { accessKeyId: 'AKIAWRONG00000000000', secretAccessKey: 'wrong' } } }, maxAttempts: 1 });
    const before = counts();
    const error = await rejectionOf(wrong.exportVM(vm.id));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/s3:\/\/exports\/novacron-exports\/export-ami-[0-9a-f]+\.raw/); // where the image was left
    expect(String(error)).not.toContain('wrong');
    expect(counts()).toEqual(before);
  });

  it('bounds the read of the exported object: a store that never answers is a TimeoutError, and the AMI goes', async () => {
    const aws = provider({ export: { bucket: 'exports', format: 'raw' }, s3: { clientConfig: s3emu.clientOptions, readTimeoutMs: 300 } });
    const vm = await aws.createVM({ name: 'stuck-read', cpu: 1, memory: 1 });
    const before = counts();
    s3emu.faults.hang('GetObject');
    try {
      const error = await rejectionOf(aws.exportVM(vm.id));
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).resourceId).toMatch(/^s3:\/\/exports\//);
    } finally {
      s3emu.faults.hang('GetObject', false);
    }
    expect(counts()).toEqual(before);
  });
});

describe('AWS importVM of a disk image in S3', () => {
  it('imports an image made with qemu-img into a VM with its guest bytes, which export again unchanged', async () => {
    const vmdk = join(dir, 'handoff.vmdk');
    qemuConvert(disk.path, 'raw', vmdk, 'vmdk', ['subformat=streamOptimized']);
    const object = await handoff.write('in/disk.vmdk', (async function* () {
      yield await readFile(vmdk);
    })());
    const aws = provider({ export: { bucket: 'exports', format: 'raw' } });
    const vm = await aws.importVM(uploaded('vmdk', object.location, object.sizeBytes), { name: 'from-qemu', cpu: 1, memory: 1 }, { idempotencyKey: 'import-qemu' });
    expect(vm.state).toBe('running');
    expect(await emu.guestDiskOf(vm.id)).toMatchObject({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });

    const again = await aws.exportVM(vm.id);
    expect(sha256Of(await readObject(exports, again.location))).toBe(disk.sha256);
  });

  it('imports a fixed VHD and a raw image too', async () => {
    const vhd = join(dir, 'handoff.vhd');
    qemuConvert(disk.path, 'raw', vhd, 'vhd', ['subformat=fixed', 'force_size=on']);
    for (const [format, path] of [['vhd', vhd], ['raw', disk.path]] as const) {
      const object = await handoff.write(`in/disk.${format}`, (async function* () {
        yield await readFile(path);
      })());
      const vm = await provider().importVM(uploaded(format, object.location, object.sizeBytes), { name: `from-${format}`, cpu: 1, memory: 1 });
      expect((await emu.guestDiskOf(vm.id)).sha256).toBe(disk.sha256);
    }
  });

  it('fails a junk or mis-declared upload as an InvalidSpecError on artifact.location, with no AMI or instance left', async () => {
    const junk = await handoff.write('bad/junk.vmdk', (async function* () {
      yield Buffer.from('not a disk image\n'.repeat(64));
    })());
    const vmdk = join(dir, 'declared-wrong.vmdk');
    qemuConvert(disk.path, 'raw', vmdk, 'vmdk', ['subformat=streamOptimized']);
    const mislabelled = await handoff.write('bad/really-a-vmdk.vhd', (async function* () {
      yield await readFile(vmdk);
    })());
    const before = counts();
    for (const [artifact, detail] of [
      [uploaded('vmdk', junk.location, junk.sizeBytes), 'Unsupported VMDK File Format'],
      [uploaded('vhd', mislabelled.location, mislabelled.sizeBytes), 'Unsupported VHD File Format'],
      [uploaded('raw', 's3://handoff/bad/none.raw', 1), 'Invalid S3 source location'],
    ] as const) {
      const error = await rejectionOf(provider().importVM(artifact, { name: 'never', cpu: 1, memory: 1 }));
      expect(InvalidSpecError.isInstance(error)).toBe(true);
      expect((error as InvalidSpecError).field).toBe('artifact.location');
      expect(String(error)).toContain(`ClientError: Disk validation failed [${detail}]`);
    }
    expect(counts()).toEqual(before);
  });
});
