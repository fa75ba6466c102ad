/**
 * exportVM / importVM through Glance: a server snapshot becomes a qcow2 artifact at its Glance URL
 * with the image data's checksum; the artifact moves to the memory provider (through a shared image
 * store, as a bucket would carry it) and back, and its checksum survives both ways: this cloud's
 * image boots as it is after its checksum is compared, and bytes from elsewhere are streamed into a
 * new image, hashed on the way, and refused when they do not match.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, UnsupportedError } from '../../../src/provider/errors.js';
import type { ImageArtifact } from '../../../src/provider/types.js';
import { createMemoryImageStore, createMemoryProvider } from '../../../src/index.js';
import { serverNameFor } from '../../../src/providers/openstack/index.js';
import { createGlanceArtifactStore } from '../../../src/artifacts/glance/index.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
});
afterAll(() => env?.close());

const digest = (algorithm: 'md5' | 'sha256', data: Buffer): string => createHash(algorithm).update(data).digest('hex');

describe('OpenStack export', () => {
  it('snapshots a server into Glance and describes the image: format, Glance URL, size and the data’s checksum', async () => {
    const vm = await env.openstack.createVM({ name: 'exported', cpu: 1, memory: 1 }, { idempotencyKey: 'export-src' });
    const artifact = await env.openstack.exportVM(vm.id);
    const imageId = /\/v2\/images\/([0-9a-f-]{36})$/.exec(artifact.location)?.[1];
    expect(imageId, artifact.location).toBeDefined();
    const data = env.emu.state.imageData(imageId!)!;
    expect(artifact).toMatchObject({ format: 'qcow2', sizeBytes: data.length, sourceVmId: vm.id, sourceProvider: env.openstack.name, sourceProviderKind: 'openstack', baseImage: 'ubuntu-22.04' });
    expect(artifact.checksum.value).toBe(digest(artifact.checksum.algorithm, data));
    expect(env.emu.state.image(imageId!)).toMatchObject({ status: 'active' });
  });
});

describe('OpenStack → memory → OpenStack', () => {
  it('round-trips the artifact and its checksum', async () => {
    const source = await env.openstack.createVM({ name: 'traveller', cpu: 1, memory: 1 }, { idempotencyKey: 'traveller' });
    const exported = await env.openstack.exportVM(source.id);
    const bytes = env.emu.state.imageData(/([0-9a-f-]{36})$/.exec(exported.location)![1]!)!;

    // To the memory provider: the artifact is handed over through its image store, as a bucket would carry it.
    const images = createMemoryImageStore();
    images.put(exported);
    const memory = createMemoryProvider({ name: 'mem', imageStore: images });
    const there = await memory.importVM(exported, { name: 'traveller', cpu: 1, memory: 1, disk: 20 }, { idempotencyKey: 'traveller-mem' });
    expect(there.state).toBe('running');
    const carried = images.get(exported.location)!;
    expect(carried.checksum).toEqual(exported.checksum);

    // And back: this cloud's own image, compared with the carried checksum, boots as it is (nothing uploaded).
    const uploads = env.emu.stats.count('images.upload');
    const back = await env.openstack.importVM(carried, { name: 'traveller-back', cpu: 1, memory: 1 }, { idempotencyKey: 'traveller-back' });
    expect(back.state).toBe('running');
    expect(env.emu.stats.count('images.upload')).toBe(uploads);
    expect((await env.openstack.exportVM(back.id)).checksum.algorithm).toBe(exported.checksum.algorithm);

    // Bytes from elsewhere (read by the host's artifactReader) are streamed into a new image with the same checksum.
    const elsewhere: ImageArtifact = { ...carried, location: 'memory://mem/images/traveller.qcow2' };
    const reader = env.provider({ artifactReader: async (a) => (a.location === elsewhere.location ? chunks(bytes) : undefined) });
    const uploaded = await reader.importVM(elsewhere, { name: 'traveller-copy', cpu: 1, memory: 1 }, { idempotencyKey: 'traveller-copy' });
    expect(uploaded.state).toBe('running');
    expect(env.emu.stats.count('images.upload')).toBe(uploads + 1);
    const image = env.emu.state.images().find((i) => i.name === `${serverNameFor('traveller-copy')}-image`)!;
    expect(image).toMatchObject({ status: 'active', disk_format: 'qcow2' });
    expect(digest('md5', env.emu.state.imageData(String(image.id))!)).toBe(digest('md5', bytes));
    // The same key again: the same server, and the image is found, not uploaded again.
    expect((await reader.importVM(elsewhere, { name: 'traveller-copy', cpu: 1, memory: 1 }, { idempotencyKey: 'traveller-copy' })).id).toBe(uploaded.id);
    expect(env.emu.stats.count('images.upload')).toBe(uploads + 1);
  });

  it('refuses bytes that do not match the checksum, and keeps no image of them', async () => {
    const artifact: ImageArtifact = {
      format: 'raw',
      location: 'memory://mem/images/forged.raw',
      sizeBytes: 1024,
      checksum: { algorithm: 'sha256', value: '0'.repeat(64) },
      sourceProvider: 'mem',
      sourceProviderKind: 'memory',
      sourceVmId: 'vm-1',
      baseImage: undefined,
      createdAt: new Date().toISOString(),
    };
    const reader = env.provider({ artifactReader: async () => new Uint8Array(1024) });
    const error = await rejectionOf(reader.importVM(artifact, { name: 'forged', cpu: 1, memory: 1 }, { idempotencyKey: 'forged' }));
    expect(ConflictError.isInstance(error), String(error)).toBe(true);
    expect(env.emu.state.images().filter((i) => i.name === `${serverNameFor('forged')}-image`)).toHaveLength(0);
    expect(env.emu.state.servers().filter((s) => s.name === serverNameFor('forged'))).toHaveLength(0);
  });

  it('refuses formats Glance does not boot (artifact.format) and locations it cannot read (artifact.location), sending nothing', async () => {
    const base: ImageArtifact = { format: 'qcow2', location: 's3://bucket/disk.qcow2', sizeBytes: 1, checksum: { algorithm: 'md5', value: '0'.repeat(32) }, sourceProvider: 'aws', sourceProviderKind: 'aws', sourceVmId: 'i-1', baseImage: undefined, createdAt: new Date().toISOString() };
    const creates = env.emu.stats.count('images.create');
    const ami = await rejectionOf(env.openstack.importVM({ ...base, format: 'ami' }, { name: 'x', cpu: 1, memory: 1 }));
    expect(UnsupportedError.isInstance(ami) && ami.capability).toBe('import:ami');
    const s3 = await rejectionOf(env.openstack.importVM(base, { name: 'x', cpu: 1, memory: 1 }));
    expect(InvalidSpecError.isInstance(s3) && s3.field, String(s3)).toBe('artifact.location');
    expect(env.emu.stats.count('images.create')).toBe(creates);
  });
});

describe('an image the Glance artifact store wrote', () => {
  it('boots from its glance:// location (by name) after comparing the store’s sha256, uploading nothing; a forged checksum or a missing image is refused', async () => {
    const store = createGlanceArtifactStore({ name: 'glance', connection: env.openstack.connection });
    const seeded = env.emu.state.images().find((i) => i.name === 'ubuntu-22.04')!;
    const bytes = env.emu.state.imageData(String(seeded.id))!;
    const written = await store.write('migrations/traveller.qcow2', chunks(bytes), { metadata: { 'novacron-format': 'qcow2' } });
    expect(written.location).toBe('glance://migrations/traveller.qcow2');
    const artifact: ImageArtifact = {
      format: 'qcow2',
      location: written.location,
      sizeBytes: written.sizeBytes,
      checksum: { algorithm: 'sha256', value: written.sha256! },
      sourceProvider: 'aws',
      sourceProviderKind: 'aws',
      sourceVmId: 'i-1',
      baseImage: 'ubuntu-22.04',
      createdAt: new Date().toISOString(),
    };
    expect(artifact.checksum.value).toBe(digest('sha256', bytes));
    const uploads = env.emu.stats.count('images.upload');
    const vm = await env.openstack.importVM(artifact, { name: 'from-store', cpu: 1, memory: 1 }, { idempotencyKey: 'from-store' });
    expect(vm.state).toBe('running');
    expect(env.emu.stats.count('images.upload')).toBe(uploads); // the store's image boots as it is
    const image = env.emu.state.images().find((i) => i.name === 'migrations/traveller.qcow2')!;
    expect(env.emu.state.server(vm.id)?.image).toMatchObject({ id: image.id });

    const forged = await rejectionOf(env.openstack.importVM({ ...artifact, checksum: { algorithm: 'sha256', value: '0'.repeat(64) } }, { name: 'forged-store', cpu: 1, memory: 1 }, { idempotencyKey: 'forged-store' }));
    expect(ConflictError.isInstance(forged), String(forged)).toBe(true);
    const missing = await rejectionOf(env.openstack.importVM({ ...artifact, location: 'glance://migrations/nothing.qcow2' }, { name: 'missing', cpu: 1, memory: 1 }));
    expect(InvalidSpecError.isInstance(missing) && missing.field, String(missing)).toBe('artifact.location');
    expect(env.emu.state.servers().filter((s) => s.name === serverNameFor('forged-store'))).toHaveLength(0);
  });
});

async function* chunks(data: Buffer): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
}
