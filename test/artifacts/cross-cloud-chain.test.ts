/**
 * Issue 17's proof across the adapters: any export feeds any import, and the guest's bytes are the
 * same at every hop. One 1 GiB disk (Compute Engine's smallest) with known bytes goes
 * qemu-img VMDK in S3 → AWS importVM (A) → AWS exportVM (VMDK) → Azure Blob (fixed VHD) → Azure
 * importVM (B) → Azure exportVM (page blob) → Cloud Storage (`disk.raw` tar.gz) → GCE importVM (C)
 * → GCE exportVM → Glance (qcow2) → OpenStack importVM (D) → OpenStack exportVM (Glance snapshot)
 * → S3 (VMDK) → AWS importVM (E), each adapter through its real SDK against its emulator, each hop
 * by `transferArtifact` between the real stores (S3 and GCS emulators, Azurite, Glance).
 * At every hop: the VM's guest disk hashes as the original disk, the transfer's `guestSha256` is
 * the disk's, and the object is in the format the next cloud takes (qemu-img info, the VHD footer,
 * the unpacked `disk.raw`). The OpenStack emulator keeps no guest disk of a server: its guest
 * bytes are those of the Glance image it booted, read through qemu-img.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureBlobArtifactStore, type AzureBlobArtifactStore } from '../../src/artifacts/azure-blob/index.js';
import { createGcsArtifactStore, type GcsArtifactStore } from '../../src/artifacts/gcs/index.js';
import { createGlanceArtifactStore, type GlanceArtifactStore } from '../../src/artifacts/glance/index.js';
import { createS3ArtifactStore, type S3ArtifactStore } from '../../src/artifacts/s3/index.js';
import { transferArtifact, type TransferResult } from '../../src/artifacts/transfer.js';
import type { ArtifactStore } from '../../src/provider/artifact-store.js';
import { NotFoundError } from '../../src/provider/errors.js';
import type { ProviderV1 } from '../../src/provider/provider-v1.js';
import type { ImageArtifact } from '../../src/provider/types.js';
import { createAwsProvider, type AwsProvider } from '../../src/providers/aws/index.js';
import type { AzureProvider } from '../../src/providers/azure/index.js';
import { createGcpProvider, type GcpProvider } from '../../src/providers/gcp/index.js';
import { startAzurite, type RunningAzurite } from '../../src/testing/emulators/azurite.js';
import { startEc2Emulator, type Ec2Emulator } from '../../src/testing/emulators/ec2/index.js';
import { startGcsEmulator, type GcsEmulator } from '../../src/testing/emulators/gcs/index.js';
import { startGceEmulator, type GceEmulator } from '../../src/testing/emulators/index.js';
import { startS3Emulator, type S3Emulator } from '../../src/testing/emulators/s3/index.js';
import { startEmulatedAzure, type EmulatedAzure } from '../providers/azure/emulated-azure.js';
import { fastOptions as gcpFastOptions } from '../providers/gcp/emulated-gcp.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from '../providers/openstack/emulated-openstack.js';
import { diskRawOf, GIB } from '../testing/gce-images-archives.js';
import { guestSha256, makeRawDisk, qemuConvert, qemuInfo, sha256File, type TestDisk } from './disk-images.js';

// The EC2 emulator's own credentials: the adapter's S3 client inherits them.
const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator-secret-access-key' };
/** The Azure images' storage account, linked to the ARM emulator (imports must name it). */
const IMAGES_SUBSCRIPTION = '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f';
const PART = 4 * 1024 * 1024; // a multiple of every store's part quantum (S3 emulator 5 KiB, GCS 256 KiB, page blobs 512 B)

let dir: string;
let workDir: string;
let disk: TestDisk;
let s3emu: S3Emulator | undefined;
let ec2: Ec2Emulator | undefined;
let azurite: RunningAzurite | undefined;
let arm: EmulatedAzure | undefined;
let gcsemu: GcsEmulator | undefined;
let gce: GceEmulator | undefined;
let openstack: EmulatedOpenStack | undefined;

let s3: S3ArtifactStore;
let azureImages: AzureBlobArtifactStore;
let azureExports: AzureBlobArtifactStore;
let gcsImages: GcsArtifactStore;
let gcsExports: GcsArtifactStore;
let glance: GlanceArtifactStore;
let aws: AwsProvider;
let azure: AzureProvider;
let gcp: GcpProvider;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-cross-cloud-'));
  workDir = join(dir, 'work');
  await mkdir(workDir);
  disk = await makeRawDisk(dir, 'origin.raw', { mib: 1024, randomBytes: 768 * 1024, seed: 'issue 17 cross-cloud chain' });

  [s3emu, azurite, gcsemu] = await Promise.all([startS3Emulator({ buckets: ['chain'], minPartBytes: 5 * 1024, ...CREDENTIALS }), startAzurite(), startGcsEmulator({ buckets: ['images'] })]);
  [ec2, arm, gce, openstack] = await Promise.all([
    startEc2Emulator({ s3: s3emu }),
    startEmulatedAzure({ emulator: { operationMs: 30 } }),
    startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20, storage: gcsemu }),
    startEmulatedOpenStack(),
  ]);

  const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await Promise.all(['images', 'exports'].map((c) => blobs.getContainerClient(c).createIfNotExists()));
  const imagesAccountId = arm.emu.linkStorageAccount({ name: azurite.accountName, blobEndpoint: azurite.blobEndpoint, accountKey: azurite.accountKey, subscriptionId: IMAGES_SUBSCRIPTION, resourceGroup: 'images-rg' });

  s3 = createS3ArtifactStore({ ...s3emu.providerOptions, bucket: 'chain', name: 'aws-s3', retryBaseDelayMs: 5 });
  azureImages = createAzureBlobArtifactStore({ ...azurite.storeOptions('images'), name: 'azure-images', blobType: 'page' });
  azureExports = createAzureBlobArtifactStore({ ...azurite.storeOptions('exports'), name: 'azure-exports', blobType: 'page' });
  gcsImages = createGcsArtifactStore({ ...gcsemu.storeOptions('images'), name: 'gcs-images' });
  gcsExports = createGcsArtifactStore({ ...gcsemu.storeOptions(gce.providerOptions.exportBucket), name: 'gcs-exports' });
  // On the adapter's own connection: one token, and `keyOf` knows this cloud's Glance URLs.
  glance = createGlanceArtifactStore({ name: 'glance', connection: openstack.openstack.connection, pollIntervalMs: 5 });

  aws = createAwsProvider({ ...ec2.providerOptions, export: { bucket: 'chain', prefix: 'aws-exports/', format: 'vmdk' } });
  azure = arm.provider({ export: { store: azureExports }, import: { storageAccounts: [imagesAccountId] } });
  gcp = createGcpProvider({ ...gce.providerOptions, ...gcpFastOptions });
}, 180_000);

afterAll(async () => {
  const pid = azurite?.pid;
  await Promise.all([ec2?.close(), arm?.close(), gce?.close(), openstack?.close()]);
  await Promise.all([s3emu?.close(), gcsemu?.close(), azurite?.close()]);
  if (pid !== undefined) expect(() => process.kill(pid, 0), 'Azurite is stopped').toThrow();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

/** One line of the printed table. */
interface HopRow {
  readonly hop: string;
  readonly format: string;
  readonly objectBytes: number;
  readonly seconds: string;
}

const rows: HopRow[] = [];

/** Runs `work`, records how long it took (printed, never asserted). */
async function timed<T>(hop: string, format: string, work: () => Promise<T>, sizeOf: (value: T) => number): Promise<T> {
  const started = performance.now();
  const value = await work();
  rows.push({ hop, format, objectBytes: sizeOf(value), seconds: ((performance.now() - started) / 1000).toFixed(1) });
  return value;
}

/** Reads a whole object into a file (for the small, compressed or sparse formats: VMDK, qcow2). */
async function download(store: ArtifactStore, location: string, name: string): Promise<string> {
  const path = join(dir, name);
  await pipeline(await store.openRead(store.keyOf(location)!), createWriteStream(path));
  return path;
}

/** The VHD footer of an object, read as its last 512 bytes only. */
async function vhdFooterOf(store: ArtifactStore, location: string, sizeBytes: number): Promise<{ cookie: string; diskType: number; currentSize: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.openRead(store.keyOf(location)!, { start: sizeBytes - 512, end: sizeBytes - 1 })) chunks.push(Buffer.from(chunk));
  const footer = Buffer.concat(chunks);
  expect(footer.length).toBe(512);
  return { cookie: footer.subarray(0, 8).toString('latin1'), diskType: footer.readUInt32BE(60), currentSize: Number(footer.readBigUInt64BE(48)) };
}

/** A transfer to `to` in `format`, with the checks every hop shares. */
async function hop(name: string, artifact: ImageArtifact, to: ArtifactStore, format: 'vmdk' | 'vhd' | 'raw' | 'qcow2', key: string): Promise<TransferResult> {
  const result = await timed(name, format, () => transferArtifact(artifact, to, { from: [s3, azureImages, azureExports, gcsImages, gcsExports, glance], format, key, workDir, partSizeBytes: PART }), (r) => r.artifact.sizeBytes);
  expect(result.guestSha256, `${name}: transferArtifact's guestSha256`).toBe(disk.sha256);
  expect(result.guestSizeBytes, name).toBe(disk.sizeBytes);
  expect(result.artifact).toMatchObject({ format, location: to.locationOf(key), checksum: { algorithm: 'sha256', value: result.sha256 } });
  expect(await to.head(key), name).toMatchObject({ sizeBytes: result.artifact.sizeBytes, sha256: result.sha256 });
  return result;
}

/** The streamOptimized VMDK at `location`, checked by qemu-img, and the guest bytes it holds. */
async function checkVmdk(store: ArtifactStore, location: string, name: string): Promise<void> {
  const path = await download(store, location, name);
  expect(qemuInfo(path), location).toMatchObject({ format: 'vmdk', 'virtual-size': disk.sizeBytes, 'format-specific': { data: { 'create-type': 'streamOptimized' } } });
  expect(await guestSha256(path, 'vmdk', dir), location).toBe(disk.sha256);
  await rm(path, { force: true });
}

/** The fixed VHD at `location` (qemu-img probes a fixed VHD as raw: the footer says what it is). */
async function checkFixedVhd(store: ArtifactStore, location: string, sizeBytes: number): Promise<void> {
  expect(sizeBytes, location).toBe(disk.sizeBytes + 512);
  expect(await vhdFooterOf(store, location, sizeBytes), location).toEqual({ cookie: 'conectix', diskType: 2, currentSize: disk.sizeBytes });
}

/** The `disk.raw` inside Compute Engine's tar.gz at `location`: a whole GiB of the guest's bytes. */
async function checkGceTarGz(store: ArtifactStore, location: string): Promise<void> {
  expect(location, location).toMatch(/\.tar\.gz$/);
  expect(await diskRawOf(await store.openRead(store.keyOf(location)!)), location).toEqual({ sha256: disk.sha256, sizeBytes: GIB });
}

/** The qcow2 image bytes `data`, checked by qemu-img, and the guest bytes they hold. */
async function checkQcow2(data: Buffer, name: string): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, data);
  expect(qemuInfo(path), name).toMatchObject({ format: 'qcow2', 'virtual-size': disk.sizeBytes });
  expect(await guestSha256(path, 'qcow2', dir), name).toBe(disk.sha256);
  await rm(path, { force: true });
}

/** Removes the raw files guestSha256 leaves in the scratch folder (1 GiB each, sparse or not). */
async function dropScratch(): Promise<void> {
  for (const name of await readdir(dir)) if (name.startsWith('guest-') && name.endsWith('.raw')) await rm(join(dir, name), { force: true });
}

/** A deleted VM's state: `gone` once the cloud no longer knows it. */
async function stateAfterDelete(provider: ProviderV1, id: string): Promise<string> {
  try {
    return (await provider.getVM(id)).state;
  } catch (error) {
    if (NotFoundError.isInstance(error)) return 'gone';
    throw error;
  }
}

describe('issue 17 across the adapters', () => {
  it('S3 VMDK → AWS → Azure (fixed VHD) → GCE (disk.raw tar.gz) → OpenStack (qcow2) → AWS (VMDK): every export feeds the next import, the guest bytes equal at every hop', async () => {
    const os = openstack!.openstack;
    const osEmu = openstack!.emu;

    // 1. The disk as a streamOptimized VMDK in S3, written with the S3 artifact store.
    const vmdkPath = join(dir, 'origin.vmdk');
    qemuConvert(disk.path, 'raw', vmdkPath, 'vmdk', ['subformat=streamOptimized']);
    const { size: vmdkSize } = await stat(vmdkPath);
    const uploaded = await timed('qemu-img → S3', 'vmdk', () => s3.write('origin/disk.vmdk', createReadStream(vmdkPath), { sizeBytes: vmdkSize, partSizeBytes: PART }), (o) => o.sizeBytes);
    await checkVmdk(s3, uploaded.location, 'origin-check.vmdk');
    const origin: ImageArtifact = {
      format: 'vmdk',
      location: uploaded.location,
      sizeBytes: uploaded.sizeBytes,
      checksum: { algorithm: 'sha256', value: await sha256File(vmdkPath) },
      sourceProvider: 'qemu-img',
      sourceProviderKind: 'memory',
      sourceVmId: 'origin',
      baseImage: undefined,
      createdAt: new Date().toISOString(),
    };

    // 2. AWS imports it: VM A.
    const a = await timed('S3 → AWS importVM (A)', 'vmdk', () => aws.importVM(origin, { name: 'chain-a', cpu: 1, memory: 1 }, { idempotencyKey: 'chain-a' }), () => origin.sizeBytes);
    expect(a.state).toBe('running');
    expect(await ec2!.guestDiskOf(a.id)).toMatchObject({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });

    // 3. AWS exports A (VMDK in S3) → Azure Blob as a fixed VHD → Azure imports it: VM B.
    const fromA = await timed('AWS exportVM (A) → S3', 'vmdk', () => aws.exportVM(a.id), (x) => x.sizeBytes);
    expect(fromA.format).toBe('vmdk');
    await checkVmdk(s3, fromA.location, 'from-a.vmdk');
    const toAzure = await hop('S3 → Azure Blob', fromA, azureImages, 'vhd', 'chain/from-aws.vhd');
    await checkFixedVhd(azureImages, toAzure.artifact.location, toAzure.artifact.sizeBytes);
    await dropScratch();
    const b = await timed('Azure Blob → Azure importVM (B)', 'vhd', () => azure.importVM(toAzure.artifact, { name: 'chain-b', cpu: 2, memory: 8 }, { idempotencyKey: 'chain-b' }), () => toAzure.artifact.sizeBytes);
    expect(b.state).toBe('running');
    expect(await arm!.emu.guestDiskOf(b.id)).toMatchObject({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });

    // 4. Azure exports B (a page blob) → Cloud Storage as disk.raw in a tar.gz → GCE imports it: VM C.
    const fromB = await timed('Azure exportVM (B) → Blob', 'vhd', () => azure.exportVM(b.id), (x) => x.sizeBytes);
    expect(fromB.format).toBe('vhd');
    await checkFixedVhd(azureExports, fromB.location, fromB.sizeBytes);
    const toGcs = await hop('Azure Blob → GCS', fromB, gcsImages, 'raw', 'chain/from-azure.tar.gz');
    expect(toGcs.packaging).toBe('gce-tar-gz');
    await checkGceTarGz(gcsImages, toGcs.artifact.location);
    const c = await timed('GCS → GCE importVM (C)', 'raw tar.gz', () => gcp.importVM(toGcs.artifact, { name: 'chain-c', cpu: 1, memory: 1 }, { idempotencyKey: 'chain-c' }), () => toGcs.artifact.sizeBytes);
    expect(c.state).toBe('running');
    expect(await gce!.guestDiskOf(c.id)).toMatchObject({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });

    // 5. GCE exports C (tar.gz in Cloud Storage) → Glance as qcow2 → OpenStack boots it: VM D.
    const fromC = await timed('GCE exportVM (C) → GCS', 'raw tar.gz', () => gcp.exportVM(c.id), (x) => x.sizeBytes);
    expect(fromC.format).toBe('raw');
    await checkGceTarGz(gcsExports, fromC.location);
    const toGlance = await hop('GCS → Glance', fromC, glance, 'qcow2', 'chain-from-gcp.qcow2');
    await dropScratch();
    const glanceImage = osEmu.state.images().find((i) => i.name === 'chain-from-gcp.qcow2')!;
    expect(glanceImage).toMatchObject({ disk_format: 'qcow2', status: 'active' });
    await checkQcow2(osEmu.state.imageData(String(glanceImage.id))!, 'glance-image.qcow2');
    const d = await timed('Glance → OpenStack importVM (D)', 'qcow2', () => os.importVM(toGlance.artifact, { name: 'chain-d', cpu: 1, memory: 1 }, { idempotencyKey: 'chain-d' }), () => toGlance.artifact.sizeBytes);
    expect(d.state).toBe('running');
    // The OpenStack emulator keeps no guest disk of a server: D's guest bytes are those of the image it booted.
    const bootedImageId = String((osEmu.state.server(d.id)?.image as { id?: unknown } | undefined)?.id);
    expect(bootedImageId).toBe(String(glanceImage.id));
    await checkQcow2(osEmu.state.imageData(bootedImageId)!, 'booted-by-d.qcow2');
    await dropScratch();

    // 6. OpenStack exports D (a Glance snapshot) → S3 as a VMDK → AWS imports it: VM E.
    const fromD = await timed('OpenStack exportVM (D) → Glance', 'qcow2', () => os.exportVM(d.id), (x) => x.sizeBytes);
    expect(fromD.format).toBe('qcow2');
    const snapshotId = /\/v2\/images\/([0-9a-f-]{36})$/.exec(fromD.location)?.[1];
    expect(snapshotId, fromD.location).toBeDefined();
    expect(glance.keyOf(fromD.location), 'the Glance store reads the adapter’s export').toBeDefined();
    await checkQcow2(osEmu.state.imageData(snapshotId!)!, 'snapshot-of-d.qcow2');
    const toS3 = await hop('Glance → S3', fromD, s3, 'vmdk', 'chain/from-openstack.vmdk');
    await checkVmdk(s3, toS3.artifact.location, 'from-openstack.vmdk');
    await dropScratch();
    const e = await timed('S3 → AWS importVM (E)', 'vmdk', () => aws.importVM(toS3.artifact, { name: 'chain-e', cpu: 1, memory: 1 }, { idempotencyKey: 'chain-e' }), () => toS3.artifact.sizeBytes);
    expect(e.state).toBe('running');
    expect(await ec2!.guestDiskOf(e.id)).toMatchObject({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });

    // Nothing partial left: no open S3 multipart upload or GCS resumable session, no work file.
    expect(s3emu!.uploads('chain')).toEqual([]);
    expect(gcsemu!.openUploads('images')).toBe(0);
    expect(await readdir(workDir)).toEqual([]);

    // The VMs go.
    await aws.deleteVM(a.id);
    await azure.deleteVM(b.id);
    await gcp.deleteVM(c.id);
    await os.deleteVM(d.id);
    await aws.deleteVM(e.id);
    for (const [provider, id] of [[aws, a.id], [azure, b.id], [gcp, c.id], [os, d.id], [aws, e.id]] as const) expect(await stateAfterDelete(provider, id), id).toMatch(/^(gone|terminating|terminated)$/);

    const width = Math.max(...rows.map((r) => r.hop.length));
    console.log(
      ['hop'.padEnd(width) + '  format      object bytes   seconds', ...rows.map((r) => `${r.hop.padEnd(width)}  ${r.format.padEnd(10)}  ${String(r.objectBytes).padStart(12)}  ${r.seconds.padStart(8)}`)].join('\n'),
    );
  }, 900_000);
});
