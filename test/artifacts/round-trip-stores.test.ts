/**
 * The proof with real stores: a small real disk image goes S3 (VMDK, the S3 store on
 * the S3 emulator) → Azure Blob (fixed VHD page blob, the Azure store on Azurite) → Cloud
 * Storage (`disk.raw` in a tar.gz, the GCS store on the GCS emulator) → Glance (qcow2, the Glance
 * store on the OpenStack emulator) → S3 (VMDK) by `transferArtifact`. At every hop the raw guest
 * bytes hash the same, the object read back is what the transfer reports, and `qemu-img info`
 * (the VHD footer for Azure, the unpacked disk for GCS) confirms the format; at the end no store
 * holds a partial upload, and every emulator (Azurite by its pid) is stopped. A transfer into
 * Glance that fails once its data is stored leaves no image.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureBlobArtifactStore, type AzureBlobArtifactStore } from '../../src/artifacts/azure-blob/index.js';
import { unpackGceTarGz } from '../../src/artifacts/gce-tar.js';
import { createGcsArtifactStore, type GcsArtifactStore } from '../../src/artifacts/gcs/index.js';
import { createGlanceArtifactStore, type GlanceArtifactStore } from '../../src/artifacts/glance/index.js';
import { createS3ArtifactStore, type S3ArtifactStore } from '../../src/artifacts/s3/index.js';
import { transferArtifact } from '../../src/artifacts/transfer.js';
import type { ArtifactStore } from '../../src/provider/artifact-store.js';
import type { ImageArtifact } from '../../src/provider/types.js';
import { startAzurite, type RunningAzurite } from '../../src/testing/emulators/azurite.js';
import { startGcsEmulator, type GcsEmulator } from '../../src/testing/emulators/gcs/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../src/testing/emulators/index.js';
import { startS3Emulator, type S3Emulator } from '../../src/testing/emulators/s3/index.js';
import { guestSha256, makeRawDisk, qemuInfo, sha256File, vhdFooter, type TestDisk } from './disk-images.js';

const KiB = 1024;
const PART = 256 * KiB; // a multiple of every store's part quantum (S3 emulator 5 KiB, GCS 256 KiB, page blobs 512 B)

let dir: string;
let workDir: string;
let disk: TestDisk;
let s3emu: S3Emulator | undefined;
let azurite: RunningAzurite | undefined;
let gcsemu: GcsEmulator | undefined;
let openstack: OpenStackEmulator | undefined;
let s3: S3ArtifactStore;
let azure: AzureBlobArtifactStore;
let gcs: GcsArtifactStore;
let glance: GlanceArtifactStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-round-trip-'));
  workDir = join(dir, 'work');
  await mkdir(workDir);
  disk = await makeRawDisk(dir, 'vm-disk.raw', { mib: 3, randomBytes: 700 * KiB, seed: 'round trip' });
  [s3emu, azurite, gcsemu, openstack] = await Promise.all([startS3Emulator({ buckets: ['exports'], minPartBytes: 5 * KiB }), startAzurite(), startGcsEmulator({ buckets: ['images'] }), startOpenStackEmulator()]);
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('vhds').createIfNotExists();
  s3 = createS3ArtifactStore({ ...s3emu.providerOptions, bucket: 'exports', name: 'aws-s3', retryBaseDelayMs: 5 });
  azure = createAzureBlobArtifactStore({ ...azurite.storeOptions('vhds'), name: 'azure-blob', blobType: 'page' });
  gcs = createGcsArtifactStore({ ...gcsemu.storeOptions('images'), name: 'gcs' });
  const { authUrl, region, auth, ca } = openstack.providerOptions;
  glance = createGlanceArtifactStore({ name: 'glance', authUrl, region, auth, ca, pollIntervalMs: 5 });
}, 60_000);

afterAll(async () => {
  const pid = azurite?.pid;
  await Promise.all([s3emu?.close(), azurite?.close(), gcsemu?.close(), openstack?.close()]);
  if (pid !== undefined) expect(() => process.kill(pid, 0), 'Azurite is stopped').toThrow();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

/** Reads an object into a file, for qemu-img and the hashes. */
async function download(store: ArtifactStore, key: string): Promise<string> {
  const path = join(dir, `${store.name}-${key.split('/').pop()!}`);
  await pipeline(await store.openRead(key), createWriteStream(path));
  return path;
}

async function keysOf(store: ArtifactStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list('')) keys.push(object.key);
  return keys.sort();
}

describe('a disk image through four real stores and back', () => {
  it('S3 (VMDK) → Azure Blob (fixed VHD) → GCS (disk.raw tar.gz) → Glance (qcow2) → S3 (VMDK): the guest bytes at every hop, each format confirmed', async () => {
    const written = await s3.write('exports/vm-1.raw', createReadStream(disk.path), { partSizeBytes: PART });
    let artifact: ImageArtifact = {
      format: 'raw',
      location: written.location,
      sizeBytes: written.sizeBytes,
      checksum: { algorithm: 'sha256', value: disk.sha256 },
      sourceProvider: 'aws-east',
      sourceProviderKind: 'aws',
      sourceVmId: 'i-0123',
      baseImage: 'ubuntu-22.04',
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    const hops: { to: ArtifactStore; format: 'vmdk' | 'vhd' | 'raw' | 'qcow2'; key: string; check: (path: string) => Promise<void> }[] = [
      { to: s3, format: 'vmdk', key: 'exports/vm-1.vmdk', check: async (p) => expect(qemuInfo(p)).toMatchObject({ format: 'vmdk', 'format-specific': { data: { 'create-type': 'streamOptimized' } } }) },
      {
        to: azure,
        format: 'vhd',
        key: 'vm-1.vhd',
        check: async (p) => {
          // qemu-img probes a fixed VHD as raw (it has no header, only the footer): the footer says what it is.
          const footer = await vhdFooter(p);
          expect(footer).toMatchObject({ cookie: 'conectix', diskType: 2 }); // fixed
          expect(footer.currentSize % (1024 * KiB)).toBe(0);
        },
      },
      {
        to: gcs,
        format: 'raw',
        key: 'vm-1.tar.gz',
        check: async (p) => {
          const raw = join(dir, 'gcs-disk.raw');
          await pipeline(unpackGceTarGz(createReadStream(p)), createWriteStream(raw));
          expect(qemuInfo(raw).format).toBe('raw');
          expect(await sha256File(raw)).toBe(disk.sha256);
        },
      },
      { to: glance, format: 'qcow2', key: 'vm-1.qcow2', check: async (p) => expect(qemuInfo(p).format).toBe('qcow2') },
      { to: s3, format: 'vmdk', key: 'imports/vm-1.vmdk', check: async (p) => expect(qemuInfo(p).format).toBe('vmdk') },
    ];
    const stores = [s3, azure, gcs, glance];
    for (const hop of hops) {
      const result = await transferArtifact(artifact, hop.to, { from: stores, format: hop.format, key: hop.key, workDir, partSizeBytes: PART });
      expect(result.guestSha256, hop.key).toBe(disk.sha256);
      expect(result.guestSizeBytes).toBe(disk.sizeBytes);
      const head = await hop.to.head(hop.key);
      expect(head, hop.key).toMatchObject({ sizeBytes: result.artifact.sizeBytes, sha256: result.sha256 });
      // A multipart S3 object keeps no MD5 of the whole; Azure, GCS and Glance do.
      if (hop.to !== s3) expect(head?.checksum, hop.key).toEqual({ algorithm: 'md5', value: result.md5 });
      const path = await download(hop.to, hop.key);
      expect(await sha256File(path)).toBe(result.artifact.checksum.value);
      await hop.check(path);
      if (hop.format !== 'raw') expect(await guestSha256(path, hop.format, dir)).toBe(disk.sha256);
      artifact = result.artifact;
    }
    expect(artifact.location).toBe('s3://exports/imports/vm-1.vmdk');
    expect(openstack!.state.images().find((i) => i.name === 'vm-1.qcow2')).toMatchObject({ disk_format: 'qcow2', container_format: 'bare', status: 'active', visibility: 'private' });

    // Nothing partial anywhere: no open multipart upload or resumable session, every blob and
    // image a finished object, and no work file left.
    expect(s3emu!.uploads('exports')).toEqual([]);
    expect(gcsemu!.openUploads('images')).toBe(0);
    const blobs: string[] = [];
    for await (const blob of BlobServiceClient.fromConnectionString(azurite!.connectionString).getContainerClient('vhds').listBlobsFlat()) blobs.push(blob.name);
    expect(blobs.sort()).toEqual(await keysOf(azure));
    expect(await keysOf(azure)).toEqual(['vm-1.vhd']);
    expect(await keysOf(gcs)).toEqual(['vm-1.tar.gz']);
    expect(await keysOf(s3)).toEqual(['exports/vm-1.raw', 'exports/vm-1.vmdk', 'imports/vm-1.vmdk']);
    const uploaded = openstack!.state.images().filter((i) => i.name === 'vm-1.qcow2');
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]!['novacron-writing']).toBeUndefined();
    expect(openstack!.state.images().filter((i) => i.status !== 'active')).toEqual([]);
    expect(await readdir(workDir)).toEqual([]);
  }, 120_000);

  it('a transfer into Glance that fails after the upload leaves no image behind', async () => {
    const source: ImageArtifact = {
      format: 'raw',
      location: s3.locationOf('exports/vm-1.raw'),
      sizeBytes: disk.sizeBytes,
      checksum: { algorithm: 'sha256', value: disk.sha256 },
      sourceProvider: 'aws-east',
      sourceProviderKind: 'aws',
      sourceVmId: 'i-0123',
      baseImage: undefined,
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    openstack!.faults.failNext('images.update', 500); // the patch that would finish the image
    await expect(transferArtifact(source, glance, { from: [s3, glance], format: 'qcow2', key: 'failed.qcow2', workDir })).rejects.toThrow(/500|Internal/);
    expect(openstack!.state.images().filter((i) => i.name === 'failed.qcow2')).toEqual([]);
    expect(await glance.head('failed.qcow2')).toBeUndefined();
    expect(await readdir(workDir)).toEqual([]);
  }, 60_000);
});
