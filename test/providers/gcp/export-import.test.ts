/**
 * importVM: a `raw` artifact in Cloud Storage (`gs://…/disk.tar.gz`, a `disk.raw` in a tar.gz)
 * becomes an image (`images.insert` with `rawDisk.source`) and a VM that boots from it, read back
 * from the emulator's stored image, instance and boot disk. Other formats and locations are
 * refused naming the field, before anything is sent. exportVM is a typed UnsupportedError, and
 * `capabilities` says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, NotFoundError, NovacronError, UnsupportedError } from '../../../src/provider/errors.js';
import type { ImageArtifact } from '../../../src/provider/types.js';
import { instanceNameFor } from '../../../src/providers/gcp/index.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp();
});
afterAll(() => env?.close());

const artifactAt = (location: string, format: ImageArtifact['format'] = 'raw'): ImageArtifact => ({
  format,
  location,
  sizeBytes: 3 * 1024 ** 3,
  checksum: { algorithm: 'sha256', value: '0'.repeat(64) },
  sourceProvider: 'aws-us-east-1',
  sourceProviderKind: 'aws',
  sourceVmId: 'i-0123456789abcdef0',
  baseImage: 'ubuntu-22.04',
  createdAt: new Date().toISOString(),
});

describe('GCE import', () => {
  it('imports a raw disk.tar.gz from gs:// as an image with rawDisk.source, and boots a VM from it', async () => {
    const url = 'https://storage.googleapis.com/novacron-images/web/disk.tar.gz';
    env.emu.registerStorageObject(url, { sizeBytes: 3 * 1024 ** 3, diskSizeGb: 40 });
    const artifact = artifactAt('gs://novacron-images/web/disk.tar.gz');
    const spec = { name: 'imported', cpu: 2, memory: 4, disk: 30 };
    const vm = await env.gcp.importVM(artifact, spec, { idempotencyKey: 'import-1' });
    expect(vm.state).toBe('running');
    expect(vm.image).toBe('ubuntu-22.04');

    const name = instanceNameFor('import-1');
    const { project } = env.emu.providerOptions;
    const image = env.emu.state.images().find((i) => i.name === `${name}-image`)!;
    expect(image).toMatchObject({ status: 'READY', rawDisk: { source: url, containerType: 'TAR' }, diskSizeGb: '40' });
    expect(image.labels).toMatchObject({ 'novacron-managed': 'true' });
    expect(env.emu.requests('images.insert').map((r) => r.requestId)).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(env.emu.requests('globalOperations.wait').length).toBeGreaterThan(0); // the image's operation was waited for

    const insert = env.emu.state.instanceInsert(name) as { disks: { boot?: boolean; initializeParams: { sourceImage: string; diskSizeGb?: string | number } }[] };
    expect(insert.disks[0]!.initializeParams.sourceImage).toBe(`projects/${project}/global/images/${name}-image`);
    const bootDisk = env.emu.state.disk(name)!;
    expect(bootDisk.sourceImage).toBe(image.selfLink);
    expect(Number(bootDisk.sizeGb)).toBe(40); // at least the image's disk, though the spec asked for 30
    expect(env.emu.state.instance(name)?.status).toBe('RUNNING');

    // The same key again: the same VM and image. A repeated image insert carries the same
    // requestId (GCE answers it with the first operation), and no second instance is inserted.
    const again = await env.gcp.importVM(artifact, spec, { idempotencyKey: 'import-1' });
    expect(again.id).toBe(vm.id);
    expect(new Set(env.emu.requests('images.insert').map((r) => r.requestId)).size).toBe(1);
    expect(env.emu.state.images().filter((i) => i.name === `${name}-image`)).toHaveLength(1);
    expect(env.emu.stats.count('instances.insert')).toBe(1);
  });

  it('an https://storage.googleapis.com URL is taken as it is', async () => {
    const url = 'https://storage.googleapis.com/novacron-images/db/disk.tar.gz';
    env.emu.registerStorageObject(url, { sizeBytes: 1024 ** 3 });
    const vm = await env.gcp.importVM(artifactAt(url), { name: 'imported-https', cpu: 1, memory: 1 }, { idempotencyKey: 'import-https' });
    expect(vm.state).toBe('running');
    expect(env.emu.state.images().find((i) => i.name === `${instanceNameFor('import-https')}-image`)?.rawDisk?.source).toBe(url);
  });

  it('an archive Cloud Storage does not hold is a typed error naming the location, and no instance is made', async () => {
    const inserts = env.emu.stats.count('instances.insert');
    const error = await rejectionOf(env.gcp.importVM(artifactAt('gs://novacron-images/missing/disk.tar.gz'), { name: 'missing', cpu: 1, memory: 1 }, { idempotencyKey: 'import-missing' }));
    expect(NovacronError.isInstance(error), String(error)).toBe(true);
    expect(NotFoundError.isInstance(error) || (InvalidSpecError.isInstance(error) && error.field === 'artifact.location'), String(error)).toBe(true);
    expect(String(error)).toContain('missing/disk.tar.gz');
    expect(env.emu.stats.count('instances.insert')).toBe(inserts);
    expect(env.emu.state.instance(instanceNameFor('import-missing'))).toBeUndefined();
  });

  it('refuses other formats (naming artifact.format) and locations outside Cloud Storage (naming artifact.location), sending nothing', async () => {
    const before = env.emu.stats.count('images.insert');
    for (const format of ['qcow2', 'vhd', 'vmdk', 'ami'] as const) {
      const error = await rejectionOf(env.gcp.importVM(artifactAt('gs://novacron-images/web/disk.tar.gz', format), { name: 'x', cpu: 1, memory: 1 }));
      expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
      expect((error as UnsupportedError).capability).toBe(`import:${format}`);
      expect((error as Error).message).toContain('artifact.format');
    }
    for (const location of ['s3://bucket/disk.tar.gz', 'https://example.invalid/disk.tar.gz', 'gs://bucket-only', '/tmp/disk.raw']) {
      const error = await rejectionOf(env.gcp.importVM(artifactAt(location), { name: 'x', cpu: 1, memory: 1 }));
      expect(InvalidSpecError.isInstance(error) && error.field === 'artifact.location', `${location}: ${String(error)}`).toBe(true);
    }
    expect(env.emu.stats.count('images.insert')).toBe(before);
  });
});

describe('GCE export', () => {
  it('is a typed UnsupportedError, as capabilities declare', async () => {
    expect(env.gcp.capabilities).toMatchObject({ exportFormats: [], importFormats: ['raw'] });
    const calls = env.emu.stats.count();
    const error = await rejectionOf(env.gcp.exportVM(`projects/${env.emu.providerOptions.project}/zones/us-central1-a/instances/${instanceNameFor('import-1')}`));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as UnsupportedError).capability).toBe('export');
    expect((error as Error).message).toMatch(/Cloud Storage/);
    expect(env.emu.stats.count()).toBe(calls); // refused without a call
  });
});
