/**
 * exportVM / importVM: AMIs within AWS (CopyImage for region moves), S3 disk images across
 * clouds (ExportImage in VMDK/VHD/RAW, ImportImage back), read back from the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, ProviderUnavailableError, UnsupportedError } from '../../../src/provider/errors.js';
import { createEventBus, type OperationFailedEvent } from '../../../src/provider/events.js';
import type { ImageArtifact } from '../../../src/provider/types.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws();
});
afterAll(() => env.close());

describe('AWS export and import', () => {
  it('moves a VM to another region: CreateImage, then CopyImage into the target region', async () => {
    const source = await env.aws.createVM({ name: 'mover', cpu: 1, memory: 1, disk: 30 });
    const artifact = await env.aws.exportVM(source.id);
    expect(artifact).toMatchObject({ format: 'ami', sourceVmId: source.id, sourceProvider: env.aws.name, baseImage: 'ubuntu-22.04', sizeBytes: 30 * 1024 ** 3 });
    const [, region, amiId] = /^ec2:\/\/([^/]+)\/(ami-[0-9a-f]+)$/.exec(artifact.location)!;
    expect(region).toBe('us-east-1');
    expect(env.emu.ownImages('us-east-1').find((i) => i.imageId === amiId)).toMatchObject({ state: 'available' });

    const moved = await env.aws.importVM(artifact, { name: 'moved', cpu: 1, memory: 1, region: 'eu-west-1' }, { idempotencyKey: 'move-1' });
    expect(moved.region).toBe('eu-west-1');
    expect(moved.state).toBe('running');
    const copy = env.emu.ownImages('eu-west-1').find((i) => i.sourceImageId === amiId)!;
    expect(env.emu.instance(moved.id)!.imageId).toBe(copy.imageId);
    expect(env.emu.instance(moved.id)!.rootVolume?.sizeGiB).toBe(30); // the imported disk keeps its size

    const again = await env.aws.importVM(artifact, { name: 'moved', cpu: 1, memory: 1, region: 'eu-west-1' }, { idempotencyKey: 'move-1' });
    expect(again.id).toBe(moved.id);
    expect(env.emu.ownImages('eu-west-1').filter((i) => i.sourceImageId === amiId)).toHaveLength(1);
  });

  for (const format of ['vmdk', 'vhd', 'raw'] as const) {
    it(`exports to S3 as ${format} and imports it back through ImportImage`, async () => {
      const aws = env.provider({ export: { bucket: 'exports', prefix: 'vms/', format } });
      expect(aws.capabilities.exportFormats).toContain(format);
      const source = await aws.createVM({ name: `s3-${format}`, cpu: 1, memory: 1 });
      const artifact = await aws.exportVM(source.id);
      expect(artifact.format).toBe(format);
      expect(artifact.location).toMatch(new RegExp(`^s3://exports/vms/export-ami-[0-9a-f]+\\.${format}$`));
      expect(env.emu.getObject(artifact.location)).toBeDefined();
      expect(artifact.checksum.value).toMatch(/^[0-9a-f]{64}$/);

      const imported = await aws.importVM(artifact, { name: `back-${format}`, cpu: 1, memory: 1 });
      expect(imported.state).toBe('running');
      expect(env.emu.ownImages().find((i) => i.imageId === env.emu.instance(imported.id)!.imageId)?.name).toMatch(/^import-ami-/);
    });
  }

  it('reports the real size and digest of the exported object when it can read them', async () => {
    const aws = env.provider({ export: { bucket: 'exports', describeObject: async (uri) => env.emu.getObject(uri)! } });
    const source = await aws.createVM({ name: 'digest', cpu: 1, memory: 1 });
    const artifact = await aws.exportVM(source.id);
    const object = env.emu.getObject(artifact.location)!;
    expect(artifact.sizeBytes).toBe(object.sizeBytes);
    expect(artifact.checksum).toEqual({ algorithm: 'sha256', value: object.sha256 });
  });

  it('imports a disk image another cloud left in S3, and refuses a missing one', async () => {
    env.emu.putObject('s3://handoff/disk.vhd', 40 * 1024 ** 3);
    const base = { checksum: { algorithm: 'sha256' as const, value: '0'.repeat(64) }, sourceProvider: 'azure-west', sourceProviderKind: 'azure', sourceVmId: 'vm-1', baseImage: undefined, createdAt: new Date().toISOString(), sizeBytes: 40 * 1024 ** 3 };
    const vhd: ImageArtifact = { ...base, format: 'vhd', location: 's3://handoff/disk.vhd' };
    const vm = await env.aws.importVM(vhd, { name: 'from-azure', cpu: 1, memory: 1 });
    expect(env.emu.instance(vm.id)!.rootVolume?.sizeGiB).toBe(40); // at least the disk's own size, above the 20 GiB default

    const before = env.emu.instances().length;
    const missing = await rejectionOf(env.aws.importVM({ ...vhd, location: 's3://handoff/none.vhd' }, { name: 'nothing', cpu: 1, memory: 1 }));
    expect(InvalidSpecError.isInstance(missing)).toBe(true);
    expect((missing as InvalidSpecError).field).toBe('artifact.location');
    const qcow = await rejectionOf(env.aws.importVM({ ...vhd, format: 'qcow2', location: 's3://handoff/disk.qcow2' }, { name: 'nothing', cpu: 1, memory: 1 }));
    expect(UnsupportedError.isInstance(qcow)).toBe(true);
    const gs = await rejectionOf(env.aws.importVM({ ...vhd, location: 'gs://bucket/disk.vhd' }, { name: 'nothing', cpu: 1, memory: 1 }));
    expect((gs as InvalidSpecError).field).toBe('artifact.location');
    expect(env.emu.instances().length).toBe(before);
  });

  describe('leaves no intermediate AMI or snapshot behind', () => {
    const counts = () => ({ images: env.emu.ownImages('us-east-1').length, snapshots: env.emu.snapshots('us-east-1').length });

    it('keeps the AMI (and its snapshot) of an ami export: it is the artifact', async () => {
      const source = await env.aws.createVM({ name: 'keep-ami', cpu: 1, memory: 1 });
      const before = counts();
      const artifact = await env.aws.exportVM(source.id);
      const amiId = artifact.location.split('/').pop()!;
      expect(counts()).toEqual({ images: before.images + 1, snapshots: before.snapshots + 1 });
      const ami = env.emu.ownImages('us-east-1').find((i) => i.imageId === amiId)!;
      expect(env.emu.snapshots('us-east-1').map((x) => x.snapshotId)).toContain(ami.rootSnapshotId);
    });

    it('removes the AMI and its snapshot after a completed S3 export', async () => {
      const aws = env.provider({ export: { bucket: 'exports', format: 'vmdk' } });
      const source = await aws.createVM({ name: 'clean-ok', cpu: 1, memory: 1 });
      const before = counts();
      env.emu.stats.reset();
      const artifact = await aws.exportVM(source.id);
      expect(env.emu.getObject(artifact.location)).toBeDefined();
      expect(counts()).toEqual(before);
      expect(env.emu.stats.count('DeregisterImage')).toBe(1);
      expect(env.emu.stats.count('DeleteSnapshot')).toBe(1);
    });

    it('removes them when ExportImage is refused, and when the export task fails', async () => {
      const aws = env.provider({ export: { bucket: 'exports' } });
      const source = await aws.createVM({ name: 'clean-fail', cpu: 1, memory: 1 });
      const before = counts();
      env.emu.faults.failNext('ExportImage', { kind: 'internal' }, { times: 5 });
      const refused = await rejectionOf(aws.exportVM(source.id));
      expect(ProviderUnavailableError.isInstance(refused)).toBe(true);
      expect(counts()).toEqual(before);

      env.emu.faults.failNextExportTask('ClientError: Unknown OS / Missing OS files.');
      const failed = await rejectionOf(aws.exportVM(source.id));
      expect(String(failed)).toContain('Unknown OS');
      expect(counts()).toEqual(before);
    });

    it('reports a clean-up that fails without failing the export', async () => {
      const events = createEventBus();
      const seen: OperationFailedEvent[] = [];
      events.on('operation.failed', (e) => seen.push(e));
      const aws = env.provider({ export: { bucket: 'exports' }, events, maxAttempts: 1 });
      const source = await aws.createVM({ name: 'clean-later', cpu: 1, memory: 1 });
      const before = counts();
      env.emu.faults.failNext('DeregisterImage', { kind: 'internal' });
      const artifact = await aws.exportVM(source.id);
      expect(artifact.format).toBe('vmdk');
      expect(counts()).toEqual({ images: before.images + 1, snapshots: before.snapshots + 1 });
      expect(seen).toHaveLength(1);
      const leftover = env.emu.ownImages('us-east-1').find((i) => i.name.startsWith(`novacron-export-${source.id}`))!;
      expect(seen[0]).toMatchObject({ provider: aws.name, operation: 'exportVM.cleanup', errorCode: 'InternalError' });
      expect(seen[0]!.message).toContain(leftover.imageId);
    });
  });
});
