/**
 * importVM: a `raw` artifact in Cloud Storage (`gs://…/disk.tar.gz`, a `disk.raw` in a tar.gz)
 * becomes an image (`images.insert` with `rawDisk.source`) and a VM that boots from it, read back
 * from the emulator's stored image, instance and boot disk. Other formats and locations are
 * refused naming the field, before anything is sent. exportVM (with `exportBucket`) goes through an
 * image of the boot disk and a worker VM that writes the tar.gz, read back from the emulator's
 * state while it runs and after it is cleaned up; the artifact imports.
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
  /** Watches the emulator while `run` goes on, keeping the insert body of every export worker seen. */
  async function watchingWorkers<T>(run: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; workers: Map<string, GceJsonObjectView> }> {
    const workers = new Map<string, GceJsonObjectView>();
    const timer = setInterval(() => {
      for (const instance of env.emu.state.instances()) {
        if (instance.labels?.['novacron-role'] === 'export-worker' && !workers.has(instance.name!)) workers.set(instance.name!, env.emu.state.instanceInsert(instance.name!) as unknown as GceJsonObjectView);
      }
    }, 1);
    try {
      return { result: await run(), error: undefined, workers };
    } catch (error) {
      return { result: undefined, error, workers };
    } finally {
      clearInterval(timer);
    }
  }

  const leftovers = () => ({
    instances: env.emu.state.instances().filter((i) => i.labels?.['novacron-role'] === 'export-worker' || i.name?.endsWith('-worker')),
    images: env.emu.state.images().filter((i) => i.labels?.['novacron-role'] === 'export-worker'),
    disks: env.emu.state.disks().filter((d) => d.name?.includes('-worker')),
  });

  it('declares raw export with exportBucket (the emulator names one) and none without it', () => {
    expect(env.emu.providerOptions.exportBucket).toBe('novacron-exports');
    expect(env.gcp.capabilities).toMatchObject({ exportFormats: ['raw'], importFormats: ['raw'] });
    expect(env.provider({ exportBucket: undefined }).capabilities.exportFormats).toEqual([]);
  });

  it('exports a running VM through a worker into gs://…tar.gz, cleans up, and the artifact imports', async () => {
    const vm = await env.gcp.createVM({ name: 'export-src', cpu: 2, memory: 4, disk: 30 }, { idempotencyKey: 'export-src' });
    expect(vm.state).toBe('running');
    const { result: artifact, error, workers } = await watchingWorkers(() => env.gcp.exportVM(vm.id));
    expect(error).toBeUndefined();
    expect(artifact).toMatchObject({ format: 'raw', sourceVmId: vm.id, sourceProvider: env.gcp.name, sourceProviderKind: 'gcp', checksum: { algorithm: 'md5' } });
    expect(artifact!.location).toMatch(/^gs:\/\/novacron-exports\/novacron-exports\/nc-[0-9a-z-]+\.tar\.gz$/);
    expect(artifact!.sizeBytes).toBeGreaterThan(0);
    expect(artifact!.checksum.value).toMatch(/^[0-9a-f]{32}$/);

    // The intermediate image came from the running VM's boot disk, forced.
    const imageInsert = env.emu.requests('images.insert').at(-1)!;
    expect(imageInsert.path).toMatch(/\/global\/images$/);
    expect(env.emu.stats.count('images.delete')).toBeGreaterThan(0);

    // One worker: e2-small, the image as a second read-only disk, storage write scope, the script and the destination.
    expect(workers.size).toBe(1);
    const [workerName, body] = [...workers][0]!;
    expect(body.machineType).toMatch(/machineTypes\/e2-small$/);
    expect(body.labels).toMatchObject({ 'novacron-managed': 'true', 'novacron-role': 'export-worker' });
    expect(body.disks).toHaveLength(2);
    expect(body.disks[1]).toMatchObject({ mode: 'READ_ONLY', autoDelete: true, initializeParams: { sourceImage: expect.stringMatching(/\/global\/images\/nc-[0-9a-z-]+$/) } });
    expect(body.serviceAccounts[0]!.scopes).toContain('https://www.googleapis.com/auth/devstorage.read_write');
    const metadata = Object.fromEntries(body.metadata.items.map((m) => [m.key, m.value]));
    expect(metadata['novacron-export-destination']).toBe(artifact!.location);
    expect(metadata['startup-script']).toMatch(/disk\.raw/);
    expect(metadata['startup-script']).toMatch(/poweroff/);

    // Nothing of the export is left: no worker, no worker disk, no intermediate image.
    expect(env.emu.state.instance(workerName)).toBeUndefined();
    expect(leftovers()).toEqual({ instances: [], images: [], disks: [] });
    expect(env.emu.state.instance(instanceNameFor('export-src'))?.status).toBe('RUNNING'); // the source VM ran on

    // The artifact is what importVM takes.
    const imported = await env.gcp.importVM(artifact!, { name: 'export-copy', cpu: 1, memory: 1, disk: 30 }, { idempotencyKey: 'export-copy' });
    expect(imported.state).toBe('running');
    expect(imported.id).not.toBe(vm.id);
    const url = artifact!.location.replace(/^gs:\/\//, 'https://storage.googleapis.com/');
    expect(env.emu.state.images().find((i) => i.name === `${instanceNameFor('export-copy')}-image`)?.rawDisk?.source).toBe(url);
  });

  it('without exportBucket is an UnsupportedError naming the option, without a call', async () => {
    const gcp = env.provider({ exportBucket: undefined });
    const calls = env.emu.stats.count();
    const error = await rejectionOf(gcp.exportVM(`projects/${env.emu.providerOptions.project}/zones/us-central1-a/instances/${instanceNameFor('export-src')}`));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as UnsupportedError).capability).toBe('export');
    expect((error as Error).message).toContain('exportBucket');
    expect(env.emu.stats.count()).toBe(calls);
  });

  it('a worker that powers off without writing the object is a typed error, and worker and image are removed', async () => {
    const vm = await env.gcp.createVM({ name: 'export-fails', cpu: 1, memory: 1 }, { idempotencyKey: 'export-fails' });
    env.emu.faults.failNextExportWorker();
    const { error, workers } = await watchingWorkers(() => env.gcp.exportVM(vm.id));
    expect(NovacronError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/without writing gs:\/\/novacron-exports\/.+\.tar\.gz/);
    expect(workers.size).toBe(1);
    expect(leftovers()).toEqual({ instances: [], images: [], disks: [] });
    expect(env.emu.requests('storage.objects.get').at(-1)?.status).toBe(404);
  });

  it('an unknown VM is a NotFoundError', async () => {
    const error = await rejectionOf(env.gcp.exportVM(`projects/${env.emu.providerOptions.project}/zones/us-central1-a/instances/nc-0000000000000000`));
    expect(NotFoundError.isInstance(error), String(error)).toBe(true);
  });
});

/** The parts of a worker's insert body read here. */
interface GceJsonObjectView {
  readonly machineType: string;
  readonly labels: Record<string, string>;
  readonly disks: readonly Record<string, unknown>[];
  readonly serviceAccounts: readonly { readonly scopes: readonly string[] }[];
  readonly metadata: { readonly items: readonly { readonly key: string; readonly value: string }[] };
}
