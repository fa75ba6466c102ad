/**
 * Real bytes through the Azure adapter (real SDKs → ARM emulator, real `@azure/storage-blob` →
 * Azurite): `exportVM` with `export.store` streams the snapshot's VHD into a page blob (a real
 * fixed VHD of the VM's guest bytes) and removes its snapshot; an image made with qemu-img and
 * uploaded as a fixed VHD page blob imports into a VM whose guest disk is the image, and exports
 * again to the same bytes; a dynamic VHD or a virtual size that is not whole MiB is refused as
 * Azure refuses it, leaving nothing; no SAS reaches an error or an event, and a failed export
 * leaves no snapshot and no blob.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureBlobArtifactStore, type AzureBlobArtifactStore } from '../../../src/artifacts/azure-blob/index.js';
import { AuthError, InvalidSpecError, ProviderUnavailableError } from '../../../src/provider/errors.js';
import { EventBus } from '../../../src/provider/events.js';
import type { ArtifactStore, ArtifactWriteOptions } from '../../../src/provider/artifact-store.js';
import type { ImageArtifact } from '../../../src/provider/types.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { startAzurite, type RunningAzurite } from '../../../src/testing/emulators/azurite.js';
import { makeRawDisk, qemuConvert, sha256Of, vhdFooter, type TestDisk } from '../../artifacts/disk-images.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

const MiB = 1024 * 1024;
/** The images' storage account lives in another subscription: imports must name it. */
const IMAGES_SUBSCRIPTION = '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f';

let dir: string;
let env: EmulatedAzure;
let azurite: RunningAzurite;
let exportsStore: AzureBlobArtifactStore;
let imagesStore: AzureBlobArtifactStore;
let imagesAccountId: string;
let image: TestDisk;
const events = new EventBus();
const seen: unknown[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-azure-portable-'));
  azurite = await startAzurite();
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await Promise.all(['exports', 'images'].map((c) => service.getContainerClient(c).createIfNotExists()));
  exportsStore = createAzureBlobArtifactStore({ ...azurite.storeOptions('exports'), name: 'exports', blobType: 'page' });
  imagesStore = createAzureBlobArtifactStore({ ...azurite.storeOptions('images'), name: 'images', blobType: 'page' });
  env = await startEmulatedAzure({ emulator: { operationMs: 30 } });
  imagesAccountId = env.emu.linkStorageAccount({ name: azurite.accountName, blobEndpoint: azurite.blobEndpoint, accountKey: azurite.accountKey, subscriptionId: IMAGES_SUBSCRIPTION, resourceGroup: 'images-rg' });
  image = await makeRawDisk(dir, 'custom.raw', { mib: 4, randomBytes: 800 * 1024, seed: 'portable images' });
  for (const name of ['operation.failed', 'vm.created', 'vm.deleted', 'provider.degraded'] as const) events.on(name, (payload: unknown) => seen.push(payload));
}, 60_000);

afterAll(async () => {
  await env?.close();
  await azurite?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A provider that exports into the `exports` container and imports from the images account. */
function portable(extra: Parameters<EmulatedAzure['provider']>[0] = {}): ReturnType<EmulatedAzure['provider']> {
  return env.provider({ events, export: { store: exportsStore }, import: { storageAccounts: [imagesAccountId] }, ...extra });
}

async function* fileBody(path: string): AsyncIterable<Uint8Array> {
  yield* createReadStream(path) as AsyncIterable<Uint8Array>;
}

/** Uploads `path` to the images container as a page blob and describes it as an artifact. */
async function uploadedArtifact(path: string, key: string): Promise<ImageArtifact> {
  const { size } = await stat(path);
  const object = await imagesStore.write(key, fileBody(path), { sizeBytes: size });
  return { format: 'vhd', location: object.location, sizeBytes: object.sizeBytes, checksum: { algorithm: 'sha256', value: object.sha256! }, sourceProvider: 'qemu-img', sourceProviderKind: 'openstack', sourceVmId: key, baseImage: undefined, createdAt: new Date().toISOString() };
}

/** `body` until `bytes` have passed, then a failure. */
async function* cutAfter(body: AsyncIterable<Uint8Array>, bytes: number): AsyncIterable<Uint8Array> {
  let passed = 0;
  for await (const chunk of body) {
    yield chunk;
    passed += chunk.byteLength;
    if (passed >= bytes) throw new Error('stream cut');
  }
}

/** Downloads an exported blob to a file. */
async function download(artifact: ImageArtifact, name: string): Promise<string> {
  const key = exportsStore.keyOf(artifact.location)!;
  const chunks: Uint8Array[] = [];
  for await (const chunk of await exportsStore.openRead(key)) chunks.push(chunk);
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

function vpcInfo(path: string): { format: string; 'virtual-size': number; 'format-specific'?: { data?: Record<string, unknown> } } {
  return JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-f', 'vpc', path], { encoding: 'utf8' })) as never;
}

function fixedVhd(raw: string, target: string): string {
  qemuConvert(raw, 'raw', target, 'vhd', ['subformat=fixed', 'force_size=on']);
  return target;
}

/** Everything an error shows: message, cause, stack. */
function shown(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [e.message, String(e.cause), e.stack, JSON.stringify(e)].join('\n');
}

async function rawBlobNames(container: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container).listBlobsFlat()) names.push(blob.name);
  return names;
}

function exportSnapshotsOf(vmName: string): unknown[] {
  return env.emu.state.snapshots().filter((s) => s.name.startsWith(`${vmName}-export-`));
}

describe('Azure exportVM into an artifact store', () => {
  it("streams the snapshot's fixed VHD into a page blob, with the VM's guest bytes, and removes the snapshot", async () => {
    const azure = portable();
    const vm = await azure.createVM({ name: 'exporter', cpu: 2, memory: 8, disk: 30 }, { idempotencyKey: 'portable-export' });
    const guest = (await env.emu.guestDiskOf(vm.id))!;
    const artifact = await azure.exportVM(vm.id);
    expect(artifact).toMatchObject({ format: 'vhd', sourceVmId: vm.id, sourceProviderKind: 'azure', sizeBytes: guest.sizeBytes + 512 });
    expect(artifact.location.startsWith(`${azurite.blobEndpoint}/exports/exports/`)).toBe(true);
    expect(artifact.location).not.toMatch(/[?&]sig=|\?/);
    const object = (await exportsStore.head(exportsStore.keyOf(artifact.location)!))!;
    expect(object).toMatchObject({ sizeBytes: artifact.sizeBytes, sha256: artifact.checksum.value });
    expect((await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('exports').getBlobClient(object.key).getProperties()).blobType).toBe('PageBlob');

    const file = await download(artifact, 'exported.vhd');
    expect(vpcInfo(file)).toMatchObject({ format: 'vpc', 'virtual-size': guest.sizeBytes });
    expect(await vhdFooter(file)).toMatchObject({ cookie: 'conectix', diskType: 2, currentSize: guest.sizeBytes });
    const bytes = await readFile(file);
    expect(sha256Of(bytes)).toBe(artifact.checksum.value);
    expect(sha256Of(bytes.subarray(0, guest.sizeBytes))).toBe(guest.sha256);
    expect(exportSnapshotsOf(resourceNamesFor('portable-export').vm)).toEqual([]);
    await azure.deleteVM(vm.id);
  });

  it('imports a qemu-img image uploaded as a fixed VHD page blob, boots it, and exports the same guest bytes again', async () => {
    const azure = portable();
    const artifact = await uploadedArtifact(fixedVhd(image.path, join(dir, 'custom.vhd')), 'custom.vhd');
    const vm = await azure.importVM(artifact, { name: 'imported', cpu: 2, memory: 8, disk: 30 }, { idempotencyKey: 'portable-import' });
    expect(vm.state).toBe('running');
    const names = resourceNamesFor('portable-import');
    expect(env.emu.state.disk(names.osDisk)!.properties.creationData).toEqual({ createOption: 'Import', sourceUri: artifact.location, storageAccountId: imagesAccountId });
    expect(env.emu.state.virtualMachine(names.vm)!.properties.storageProfile.osDisk).toMatchObject({ createOption: 'Attach' });
    expect(await env.emu.guestDiskOf(vm.id)).toMatchObject({ sizeBytes: image.sizeBytes, sha256: image.sha256 });

    const again = await azure.exportVM(vm.id);
    const file = await download(again, 'again.vhd');
    const bytes = await readFile(file);
    expect(bytes.length).toBe(image.sizeBytes + 512);
    expect(sha256Of(bytes.subarray(0, image.sizeBytes))).toBe(image.sha256);
    expect(exportSnapshotsOf(names.vm)).toEqual([]);
    await azure.deleteVM(vm.id);
  });

  it('refuses a dynamic VHD and a virtual size that is not whole MiB as Azure does, leaving no disk, NIC or VM', async () => {
    const azure = portable();
    const dynamic = join(dir, 'dynamic.vhd');
    qemuConvert(image.path, 'raw', dynamic, 'vhd', ['subformat=dynamic']);
    const odd = join(dir, 'odd.raw');
    await writeFile(odd, await readFile(image.path));
    const handle = await open(odd, 'r+');
    await handle.truncate(4 * MiB + 4096);
    await handle.close();
    const cases = [
      { key: 'dynamic.vhd', path: dynamic, idempotencyKey: 'portable-dynamic', says: 'Only blobs formatted as VHDs can be imported.' },
      { key: 'odd.vhd', path: fixedVhd(odd, join(dir, 'odd.vhd')), idempotencyKey: 'portable-odd', says: `unsupported virtual size of ${4 * MiB + 4096} bytes` },
    ];
    for (const c of cases) {
      const error = await rejectionOf(azure.importVM(await uploadedArtifact(c.path, c.key), { name: 'refused', cpu: 2, memory: 8 }, { idempotencyKey: c.idempotencyKey }));
      expect(InvalidSpecError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(c.says);
      const names = resourceNamesFor(c.idempotencyKey);
      expect([env.emu.state.disk(names.osDisk), env.emu.state.networkInterface(names.nic), env.emu.state.virtualMachine(names.vm)]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('needs the storage account id of a blob of another subscription (import.storageAccounts)', async () => {
    const artifact = await uploadedArtifact(join(dir, 'custom.vhd'), 'custom-2.vhd');
    const error = await rejectionOf(env.provider({ events }).importVM(artifact, { name: 'no-account', cpu: 2, memory: 8 }, { idempotencyKey: 'portable-no-account' }));
    expect(InvalidSpecError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("Required parameter 'storageAccountId' is missing");
    expect(env.emu.state.disk(resourceNamesFor('portable-no-account').osDisk)).toBeUndefined();
  });
});

describe('Azure exports keep the SAS secret and leave nothing behind on failure', () => {
  it('a download that fails removes the snapshot and the partial blob, and names no SAS', async () => {
    const azure = portable();
    const vm = await azure.createVM({ name: 'failing-export', cpu: 2, memory: 8 }, { idempotencyKey: 'portable-failing' });
    const before = await rawBlobNames('exports');
    env.emu.faults.failNext('blob.get', { kind: 'unavailable' });
    const error = await rejectionOf(azure.exportVM(vm.id));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(shown(error)).not.toMatch(/sig=|\/_blob\//);
    expect(exportSnapshotsOf(resourceNamesFor('portable-failing').vm)).toEqual([]);
    expect(await rawBlobNames('exports')).toEqual(before);
    await azure.deleteVM(vm.id);
  });

  it('a download cut off mid-stream removes the partial page blob (its uploaded pages too) and the snapshot', async () => {
    let sessions = 0;
    // The exports store, but the VHD's stream breaks after 1 MiB, once a first part of 512 KiB is stored.
    const cutting: ArtifactStore = Object.assign(Object.create(exportsStore) as ArtifactStore, {
      write: (key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}) =>
        exportsStore.write(key, cutAfter(body, MiB), { ...options, partSizeBytes: 512 * 1024, onSession: async (s) => { sessions++; await options.onSession?.(s); } }),
    });
    const azure = portable({ export: { store: cutting } });
    const vm = await azure.createVM({ name: 'cut-export', cpu: 2, memory: 8 }, { idempotencyKey: 'portable-cut' });
    const before = await rawBlobNames('exports');
    const error = await rejectionOf(azure.exportVM(vm.id));
    expect((error as Error).message).toContain('stream cut');
    expect(sessions).toBeGreaterThan(0); // a part was stored before the cut
    expect(await rawBlobNames('exports')).toEqual(before);
    expect(exportSnapshotsOf(resourceNamesFor('portable-cut').vm)).toEqual([]);
    await azure.deleteVM(vm.id);
  });

  it('a store that refuses the upload removes the snapshot, and names no SAS', async () => {
    const refusing = createAzureBlobArtifactStore({ name: 'refusing', connectionString: azurite.connectionString.replace(azurite.accountKey, Buffer.from('not the key of devstoreaccount1').toString('base64')), container: 'exports', blobType: 'page', maxRetries: 0 });
    const azure = portable({ export: { store: refusing } });
    const vm = await azure.createVM({ name: 'refused-export', cpu: 2, memory: 8 }, { idempotencyKey: 'portable-refused' });
    const before = await rawBlobNames('exports');
    const error = await rejectionOf(azure.exportVM(vm.id));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(shown(error)).not.toMatch(/sig=|\/_blob\//);
    expect(exportSnapshotsOf(resourceNamesFor('portable-refused').vm)).toEqual([]);
    expect(await rawBlobNames('exports')).toEqual(before);
    await azure.deleteVM(vm.id);
  });

  it('without a store the artifact is the SAS URL, and no event carried it', async () => {
    const azure = portable({ export: {} });
    const vm = await azure.createVM({ name: 'sas-export', cpu: 2, memory: 8 }, { idempotencyKey: 'portable-sas' });
    const artifact = await azure.exportVM(vm.id);
    const sig = new URL(artifact.location).searchParams.get('sig')!;
    expect(sig.length).toBeGreaterThan(10);
    expect(exportSnapshotsOf(resourceNamesFor('portable-sas').vm)).toHaveLength(1); // kept while the URL is in use
    const forged = { ...artifact, location: artifact.location.replace(/sig=[^&]+/, 'sig=Forged0Signature0Value%3D') };
    const error = await rejectionOf(azure.importVM(forged, { name: 'forged', cpu: 2, memory: 8 }, { idempotencyKey: 'portable-forged' }));
    expect(shown(error)).not.toContain('Forged0Signature0Value');
    expect(JSON.stringify(seen)).not.toContain(sig);
    expect(JSON.stringify(seen)).not.toMatch(/sig=/);
    await azure.deleteVM(vm.id);
  });
});
