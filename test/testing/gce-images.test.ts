/**
 * The Compute Engine emulator linked to the Cloud Storage emulator, through the real
 * `@google-cloud/compute` clients: guest bytes are shared by a disk, its image and the VMs made
 * from it; `images.insert` with `rawDisk.source` reads a real `disk.raw` tar.gz from the Cloud
 * Storage emulator and refuses, in GCE's words, what GCE refuses (no bucket, no object, a name
 * that is no `.tar.gz`, an archive that is no valid image, a disk that is not a whole GiB),
 * leaving no image; an export worker writes a real archive of its disk into the bucket it was
 * told, nothing into a bucket that does not exist; the adapter's token reads Cloud Storage too;
 * closing removes the guest disks.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlobalOperationsClient, ImagesClient, InstancesClient, ZoneOperationsClient, type protos } from '@google-cloud/compute';
import type { ClientOptions } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcsEmulator, type GcsEmulator } from '../../src/testing/emulators/gcs/index.js';
import { startGceEmulator, type GceEmulator } from '../../src/testing/emulators/index.js';
import { makeRawDisk, sha256File, type TestDisk } from '../artifacts/disk-images.js';
import { bytesOf, diskRawOf, GIB, packDisk, refusedArchives } from './gce-images-archives.js';

type Instance = protos.google.cloud.compute.v1.IInstance;
type Operation = protos.google.cloud.compute.v1.IOperation;

const ZONE = 'us-central1-a';
let dir: string;
let gcs: GcsEmulator;
let emu: GceEmulator;
let project: string;
let images: ImagesClient;
let instances: InstancesClient;
let global: GlobalOperationsClient;
let zoneOps: ZoneOperationsClient;
let disk: TestDisk;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-gce-images-'));
  gcs = await startGcsEmulator({ buckets: ['images'] });
  emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20, storage: gcs });
  project = emu.providerOptions.project;
  const options = emu.clientOptions as unknown as ClientOptions;
  [images, instances, global, zoneOps] = [new ImagesClient(options), new InstancesClient(options), new GlobalOperationsClient(options), new ZoneOperationsClient(options)];
  disk = await makeRawDisk(dir, 'guest.raw', { mib: 1024, randomBytes: 300 * 1024, seed: 'gce images' });
}, 60_000);

afterAll(async () => {
  await Promise.all([images?.close(), instances?.close(), global?.close(), zoneOps?.close()]);
  await emu?.close();
  await gcs?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function insertImage(resource: protos.google.cloud.compute.v1.IImage): Promise<Operation> {
  const [op] = await images.insert({ project, imageResource: resource, requestId: randomUUID() });
  const [done] = await global.wait({ project, operation: op.latestResponse.name as string });
  return done;
}

async function insertInstance(name: string, extra: Partial<Instance> = {}): Promise<Operation> {
  const body: Instance = {
    name,
    machineType: `zones/${ZONE}/machineTypes/e2-small`,
    disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' } }],
    networkInterfaces: [{ network: 'global/networks/default' }],
    ...extra,
  };
  const [op] = await instances.insert({ project, zone: ZONE, instanceResource: body });
  const [done] = await zoneOps.wait({ project, zone: ZONE, operation: op.latestResponse.name as string });
  return done;
}

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(test(), what).toBe(true);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: number; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a refusal');
}

const imageNamed = (name: string) => emu.state.images().find((i) => i.name === name);

describe('guest bytes', { timeout: 180_000 }, () => {
  it('a VM from a public image boots its 1 GiB synthetic disk; an image of that disk and a VM from the image share it', async () => {
    await insertInstance('guest-1');
    const first = await emu.guestDiskOf('guest-1');
    expect(first.sizeBytes).toBe(GIB);
    expect(await sha256File(first.path)).toBe(first.sha256);
    // The same disk by the adapter's VM id, by its URL and by GCE's numeric id.
    const id = emu.state.instance('guest-1')!.id!;
    expect((await emu.guestDiskOf(`projects/${project}/zones/${ZONE}/instances/guest-1`)).id).toBe(first.id);
    expect((await emu.guestDiskOf(`https://www.googleapis.com/compute/v1/projects/${project}/zones/${ZONE}/instances/guest-1`)).id).toBe(first.id);
    expect((await emu.guestDiskOf(id)).id).toBe(first.id);

    const [op] = await images.insert({ project, forceCreate: true, imageResource: { name: 'guest-1-image', sourceDisk: `zones/${ZONE}/disks/guest-1` } });
    await global.wait({ project, operation: op.latestResponse.name as string });
    await insertInstance('guest-2', { disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'global/images/guest-1-image', diskSizeGb: 30 } }] });
    const second = await emu.guestDiskOf('guest-2');
    expect(second.id).toBe(first.id); // a 30 GB disk of that image holds the image's bytes: the same file
    // Another public image has other bytes.
    await insertInstance('guest-3', { disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64' } }] });
    expect((await emu.guestDiskOf('guest-3')).sha256).not.toBe(first.sha256);
    await expect(emu.guestDiskOf('no-such-vm')).rejects.toThrow(/no instance no-such-vm/);
  });
});

describe('images.insert from a Cloud Storage archive', { timeout: 180_000 }, () => {
  it('imports a disk.raw tar.gz: READY with its size in GB, and a VM from it boots exactly those bytes', async () => {
    const archive = await packDisk(disk);
    const stored = gcs.putObject('images', 'web/disk.tar.gz', archive, { contentType: 'application/gzip' });
    const done = await insertImage({ name: 'web-import', rawDisk: { source: 'https://storage.googleapis.com/images/web/disk.tar.gz' } });
    expect(done.error).toBeFalsy();
    expect(imageNamed('web-import')).toMatchObject({ status: 'READY', diskSizeGb: '1', archiveSizeBytes: String(stored.sizeBytes), rawDisk: { source: 'https://storage.googleapis.com/images/web/disk.tar.gz', containerType: 'TAR' } });
    await insertInstance('from-archive', { disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'global/images/web-import', diskSizeGb: 20 } }] });
    const guest = await emu.guestDiskOf('from-archive');
    expect(guest.sha256).toBe(disk.sha256);
    expect(guest.sizeBytes).toBe(disk.sizeBytes);
  });

  it('refuses, in GCE words, archives that are no valid image, and leaves no image', async () => {
    for (const [what, body] of Object.entries(await refusedArchives(dir))) {
      const name = `bad-${what.replace(/[^a-z0-9]+/g, '-').replace(/-$/, '')}`;
      gcs.putObject('images', `bad/${name}.tar.gz`, body);
      const done = await insertImage({ name, rawDisk: { source: `https://storage.googleapis.com/images/bad/${name}.tar.gz` } });
      expect(done.error?.errors?.[0], what).toMatchObject({ code: 'INVALID_IMAGE_TAR', message: 'The tar archive is not a valid image.' });
      expect(done.httpErrorStatusCode, what).toBe(400);
      expect(imageNamed(name), what).toBeUndefined();
      expect((await refusal(images.get({ project, image: name }))).code, what).toBe(5);
    }
  });

  it('a missing object fails the operation with RESOURCE_NOT_FOUND; a missing bucket, a name that is no .tar.gz and a gs:// URL are refused at once', async () => {
    const missing = await insertImage({ name: 'no-object', rawDisk: { source: 'https://storage.googleapis.com/images/none/disk.tar.gz' } });
    expect(missing.error?.errors?.[0]).toMatchObject({ code: 'RESOURCE_NOT_FOUND', message: "The resource 'https://www.googleapis.com/storage/v1/b/images/o/none/disk.tar.gz' of type 'Google Cloud Storage object' was not found." });
    expect(missing.httpErrorStatusCode).toBe(404);
    expect(imageNamed('no-object')).toBeUndefined();

    const before = emu.state.images().length;
    const bucket = await refusal(images.insert({ project, imageResource: { name: 'no-bucket', rawDisk: { source: 'https://storage.googleapis.com/nope/disk.tar.gz' } } }));
    expect(bucket).toMatchObject({ code: 3, message: expect.stringContaining("The Cloud Storage bucket 'nope' is not found.") });
    gcs.putObject('images', 'web/disk.vmdk', Buffer.from('vmdk'));
    const vmdk = await refusal(images.insert({ project, imageResource: { name: 'not-tar-gz', rawDisk: { source: 'https://storage.googleapis.com/images/web/disk.vmdk' } } }));
    expect(vmdk.message).toContain("Invalid value for field 'resource.rawDisk.source': 'https://storage.googleapis.com/images/web/disk.vmdk'. The provided source is not a supported file.");
    const gs = await refusal(images.insert({ project, imageResource: { name: 'gs-form', rawDisk: { source: 'gs://images/web/disk.tar.gz' } } }));
    expect(gs.message).toContain('not a valid Google Cloud Storage object reference');
    expect(emu.state.images().length).toBe(before);
  });
});

describe('export worker', { timeout: 180_000 }, () => {
  const worker = (name: string, destination: string): Partial<Instance> => ({
    disks: [
      { boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' } },
      { boot: false, autoDelete: true, mode: 'READ_ONLY', deviceName: 'novacron-export-source', initializeParams: { sourceImage: 'global/images/web-import', diskName: `${name}-source` } },
    ],
    metadata: { items: [{ key: 'novacron-export-destination', value: destination }, { key: 'startup-script', value: '#!/bin/bash\npoweroff' }] },
  });

  it('writes a real disk.raw tar.gz of its disk to the object it was told, then powers off', async () => {
    expect(gcs.objectInfo('novacron-exports', 'runs/web.tar.gz')).toBeUndefined();
    await insertInstance('export-worker-1', worker('export-worker-1', 'gs://novacron-exports/runs/web.tar.gz'));
    await until('the worker powered off', () => emu.state.instance('export-worker-1')?.status === 'TERMINATED');
    const written = gcs.objectInfo('novacron-exports', 'runs/web.tar.gz')!;
    expect(written.sizeBytes).toBeGreaterThan(0);
    expect(await diskRawOf(gcs.readObject('novacron-exports', 'runs/web.tar.gz')!)).toEqual({ sha256: disk.sha256, sizeBytes: disk.sizeBytes });

    // The adapter's token reads the object from the Cloud Storage emulator itself: real digests.
    const url = `${emu.providerOptions.storageEndpoint}/storage/v1/b/novacron-exports/o/${encodeURIComponent('runs/web.tar.gz')}`;
    expect(emu.providerOptions.storageEndpoint).toBe(gcs.endpoint);
    const read = (await emu.providerOptions.authClient.fetch(url, { validateStatus: () => true })) as unknown as { status: number; json(): Promise<Record<string, unknown>> };
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ size: String(written.sizeBytes), md5Hash: written.md5Hash, crc32c: written.crc32c });
  });

  it('writes nothing into a bucket that does not exist, nor when its script fails', async () => {
    await insertInstance('export-worker-2', worker('export-worker-2', 'gs://no-such-bucket/runs/web.tar.gz'));
    await until('the worker powered off', () => emu.state.instance('export-worker-2')?.status === 'TERMINATED');
    expect(gcs.hasBucket('no-such-bucket')).toBe(false);

    emu.faults.failNextExportWorker();
    await insertInstance('export-worker-3', worker('export-worker-3', 'gs://novacron-exports/runs/failed.tar.gz'));
    await until('the worker powered off', () => emu.state.instance('export-worker-3')?.status === 'TERMINATED');
    expect(gcs.objectInfo('novacron-exports', 'runs/failed.tar.gz')).toBeUndefined();
  });
});

describe('linked emulator', { timeout: 180_000 }, () => {
  it('takes no registered objects, and closing it removes its guest disks (the Cloud Storage emulator stays)', async () => {
    expect(() => emu.registerStorageObject('https://storage.googleapis.com/images/x.tar.gz', { sizeBytes: 1 })).toThrow(/linked Cloud Storage/);
    const other = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20, storage: gcs, exportBucket: 'other-exports' });
    expect(gcs.hasBucket('other-exports')).toBe(true);
    const options = other.clientOptions as unknown as ClientOptions;
    const client = new InstancesClient(options);
    const ops = new ZoneOperationsClient(options);
    try {
      const [op] = await client.insert({
        project,
        zone: ZONE,
        instanceResource: { name: 'closing', machineType: `zones/${ZONE}/machineTypes/e2-small`, disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/debian-cloud/global/images/family/debian-12' } }], networkInterfaces: [{}] },
      });
      await ops.wait({ project, zone: ZONE, operation: op.latestResponse.name as string });
    } finally {
      await Promise.all([client.close(), ops.close()]);
    }
    const guest = await other.guestDiskOf('closing');
    expect(existsSync(guest.path)).toBe(true);
    await other.close();
    expect(existsSync(guest.path)).toBe(false);
    expect(gcs.hasBucket('images')).toBe(true);
    expect((await bytesOf(gcs.readObject('images', 'web/disk.tar.gz')!)).length).toBeGreaterThan(0);
  });
});
