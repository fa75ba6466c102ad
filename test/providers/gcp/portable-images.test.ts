/**
 * Portable images with real bytes, through the GCE adapter and the real SDKs: the Compute Engine
 * emulator linked to the Cloud Storage emulator, objects read and written with the GCS artifact
 * store. A VM's export is a `disk.raw` tar.gz in Cloud Storage whose disk is the VM's guest disk,
 * and the artifact carries the object's size and MD5 as Cloud Storage reports them; a
 * qemu-img-made raw disk packed and uploaded imports into a VM that boots exactly its bytes, and
 * exports them back; an archive GCE refuses (not a tar, no `disk.raw`, not a whole GiB, missing)
 * is an `InvalidSpecError` naming `artifact.location` in GCE's words, one whose checksum differs
 * a `ConflictError` before anything is sent — and none of them leaves an image or an instance.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcsArtifactStore, type GcsArtifactStore } from '../../../src/artifacts/gcs/index.js';
import { CapacityError, ConflictError, InvalidSpecError } from '../../../src/provider/errors.js';
import type { ImageArtifact } from '../../../src/provider/types.js';
import { createGcpProvider, instanceNameFor, type GcpProvider } from '../../../src/providers/gcp/index.js';
import { startGcsEmulator, type GcsEmulator } from '../../../src/testing/emulators/gcs/index.js';
import { startGceEmulator, type GceEmulator } from '../../../src/testing/emulators/index.js';
import { makeRawDisk, type TestDisk } from '../../artifacts/disk-images.js';
import { rejectionOf } from '../../helpers.js';
import { diskRawOf, GIB, packDisk, refusedArchives } from '../../testing/gce-images-archives.js';
import { fastOptions } from './emulated-gcp.js';

// Each test passes 1 GiB disks (GCE's smallest) through gzip, tar and SHA-256 a few times: the
// time limits are generous for loaded machines, and nothing asserts a duration.
let dir: string;
let gcs: GcsEmulator;
let emu: GceEmulator;
let gcp: GcpProvider;
let exports: GcsArtifactStore;
let uploads: GcsArtifactStore;
let disk: TestDisk;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-portable-gcp-'));
  gcs = await startGcsEmulator({ buckets: ['images'] });
  emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20, storage: gcs });
  gcp = createGcpProvider({ ...emu.providerOptions, ...fastOptions });
  exports = createGcsArtifactStore({ ...gcs.storeOptions(emu.providerOptions.exportBucket), name: 'gcs-exports' });
  uploads = createGcsArtifactStore({ ...gcs.storeOptions('images'), name: 'gcs-images' });
  disk = await makeRawDisk(dir, 'portable.raw', { mib: 1024, randomBytes: 512 * 1024, seed: 'portable gcp' });
}, 60_000);

afterAll(async () => {
  await emu?.close();
  await gcs?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What an export or an import left behind: workers, their disks, intermediate images. */
const leftovers = () => ({
  instances: emu.state.instances().filter((i) => i.labels?.['novacron-role'] === 'export-worker'),
  images: emu.state.images().filter((i) => i.labels?.['novacron-role'] === 'export-worker'),
  disks: emu.state.disks().filter((d) => d.name?.includes('-worker')),
});

/** The `disk.raw` inside an artifact's object, read with the GCS artifact store. */
async function diskInside(artifact: ImageArtifact): Promise<{ sha256: string; sizeBytes: number }> {
  const key = exports.keyOf(artifact.location) ?? uploads.keyOf(artifact.location);
  const store = exports.keyOf(artifact.location) !== undefined ? exports : uploads;
  return diskRawOf(await store.openRead(key!));
}

let packed: Promise<Buffer> | undefined;
/** The test disk as GCE's archive (packed once). */
const archiveOfDisk = (): Promise<Buffer> => (packed ??= packDisk(disk));

/** Uploads an archive with the GCS store and describes it as an artifact. */
async function uploaded(key: string, body: Buffer): Promise<ImageArtifact> {
  const object = await uploads.write(key, (async function* one() { yield body; })(), { contentType: 'application/gzip' });
  return {
    format: 'raw',
    location: object.location,
    sizeBytes: object.sizeBytes,
    checksum: { algorithm: 'sha256', value: object.sha256! },
    sourceProvider: 'test',
    sourceProviderKind: 'gcp',
    sourceVmId: 'none',
    baseImage: undefined,
    createdAt: new Date().toISOString(),
  };
}

describe('exportVM with real bytes', { timeout: 180_000 }, () => {
  it("writes the VM's guest disk as disk.raw in a tar.gz; the artifact is the object as Cloud Storage reports it", async () => {
    const vm = await gcp.createVM({ name: 'export-bytes', cpu: 1, memory: 1, disk: 20 }, { idempotencyKey: 'export-bytes' });
    const artifact = await gcp.exportVM(vm.id);
    expect(artifact).toMatchObject({ format: 'raw', sourceVmId: vm.id, checksum: { algorithm: 'md5' } });
    const key = exports.keyOf(artifact.location)!;
    expect(key).toMatch(/\.tar\.gz$/);
    const head = (await exports.head(key))!;
    expect(artifact.sizeBytes).toBe(head.sizeBytes);
    expect(artifact.checksum).toEqual(head.checksum); // GCS's own MD5 of the object, hex
    const guest = await emu.guestDiskOf(vm.id);
    expect(await diskInside(artifact)).toEqual({ sha256: guest.sha256, sizeBytes: guest.sizeBytes });
    expect(guest.sizeBytes).toBe(GIB);
    expect(leftovers()).toEqual({ instances: [], images: [], disks: [] });
  });
});

describe('importVM with real bytes', { timeout: 180_000 }, () => {
  it('imports a qemu-img-made raw disk packed with packGceTarGz into a VM that boots exactly it, and exports the same bytes back', async () => {
    const artifact = await uploaded('imports/portable.tar.gz', await archiveOfDisk());
    const vm = await gcp.importVM(artifact, { name: 'imported-bytes', cpu: 1, memory: 1, disk: 20 }, { idempotencyKey: 'import-bytes' });
    expect(vm.state).toBe('running');
    const guest = await emu.guestDiskOf(vm.id);
    expect({ sha256: guest.sha256, sizeBytes: guest.sizeBytes }).toEqual({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });
    expect(emu.state.images().find((i) => i.name === `${instanceNameFor('import-bytes')}-image`)).toMatchObject({ status: 'READY', diskSizeGb: '1' });

    const back = await gcp.exportVM(vm.id);
    expect(await diskInside(back)).toEqual({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });
    // And that export imports again, checked against its MD5.
    const again = await gcp.importVM(back, { name: 'imported-again', cpu: 1, memory: 1 }, { idempotencyKey: 'import-again' });
    expect((await emu.guestDiskOf(again.id)).sha256).toBe(disk.sha256);
  });

  it('an archive GCE refuses is an InvalidSpecError naming artifact.location in its words, and leaves no image and no instance', async () => {
    const archives = await refusedArchives(dir);
    const cases: [string, ImageArtifact, RegExp][] = [];
    for (const [index, [what, body]] of Object.entries(archives).entries()) cases.push([what, await uploaded(`refused/${index}.tar.gz`, body), /INVALID_IMAGE_TAR: The tar archive is not a valid image\./]);
    cases.push(['missing object', { ...(await uploaded('refused/present.tar.gz', archives['plain text'])), location: 'gs://images/refused/absent.tar.gz' }, /RESOURCE_NOT_FOUND: The resource 'https:\/\/www\.googleapis\.com\/storage\/v1\/b\/images\/o\/refused\/absent\.tar\.gz' of type 'Google Cloud Storage object' was not found/]);
    for (const [n, [what, artifact, words]] of cases.entries()) {
      const key = `refused-${n}`;
      const inserts = emu.stats.count('instances.insert');
      const error = await rejectionOf(gcp.importVM(artifact, { name: key, cpu: 1, memory: 1 }, { idempotencyKey: key }));
      expect(InvalidSpecError.isInstance(error), `${what}: ${String(error)}`).toBe(true);
      expect((error as InvalidSpecError).field, what).toBe('artifact.location');
      expect((error as Error).message, what).toMatch(words);
      expect(emu.state.images().filter((i) => i.name === `${instanceNameFor(key)}-image`), what).toEqual([]);
      expect(emu.stats.count('instances.insert'), what).toBe(inserts);
      expect(emu.state.instance(instanceNameFor(key)), what).toBeUndefined();
    }
  });

  it('a VM that cannot be made of the imported image (no capacity) is a CapacityError, and the image is removed', async () => {
    const artifact = await uploaded('imports/capacity.tar.gz', await archiveOfDisk());
    emu.faults.failNextOperation(); // the instance insert's operation ends with ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS
    const error = await rejectionOf(gcp.importVM(artifact, { name: 'no-room', cpu: 1, memory: 1 }, { idempotencyKey: 'import-no-room' }));
    expect(CapacityError.isInstance(error), String(error)).toBe(true);
    expect(emu.state.images().filter((i) => i.name === `${instanceNameFor('import-no-room')}-image`)).toEqual([]);
    expect(emu.state.instance(instanceNameFor('import-no-room'))).toBeUndefined();
  });

  it('an object whose checksum differs from the artifact is a ConflictError before any image is inserted', async () => {
    const artifact = await uploaded('imports/other.tar.gz', await archiveOfDisk());
    const before = emu.stats.count('images.insert');
    const error = await rejectionOf(gcp.importVM({ ...artifact, checksum: { algorithm: 'sha256', value: 'f'.repeat(64) } }, { name: 'mismatch', cpu: 1, memory: 1 }, { idempotencyKey: 'mismatch' }));
    expect(ConflictError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toContain('gs://images/imports/other.tar.gz');
    const md5 = await rejectionOf(gcp.importVM({ ...artifact, checksum: { algorithm: 'md5', value: '0'.repeat(32) } }, { name: 'mismatch', cpu: 1, memory: 1 }, { idempotencyKey: 'mismatch-md5' }));
    expect(ConflictError.isInstance(md5), String(md5)).toBe(true);
    expect(emu.stats.count('images.insert')).toBe(before);
  });
});
