// Clouds and managers for the migration tests: memory providers in process.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryImageStore, createMemoryProvider, type MemoryImageStore, type MemoryProvider, type MetricsSink, type ProviderV1, type VM } from '../../../src/index.js';
import { createMemoryArtifactStore, MemoryArtifactBackend, type MemoryArtifactStore } from '../../../src/artifacts/index.js';
import { FederationManager, type FederationManagerOptions } from '../../../src/federation/index.js';
import type { StateStore } from '../../../src/state/state-store.js';
import { RecordingTrafficSwitcher } from '../../../src/federation/migration/traffic-switcher.js';
import { makeRawDisk } from '../../artifacts/disk-images.js';
import { BucketBackedProvider } from './bucket-backed-provider.js';
import { ImageStoreView } from './image-store-view.js';

/** Fast retries, so that fault tests take milliseconds. */
export const FAST = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } } as const;

/** The VM every test migrates. */
export const SPEC = { name: 'svc', cpu: 2, memory: 4 } as const;

/** VMs that are not terminated (or terminating) on the providers. */
export async function liveVMs(providers: readonly ProviderV1[]): Promise<VM[]> {
  const out: VM[] = [];
  for (const p of providers) for await (const vm of p.listVMs()) if (vm.state !== 'terminated' && vm.state !== 'terminating') out.push(vm);
  return out;
}

/** Keys under a prefix of a state store. */
export async function keysUnder(store: StateStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of store.list(prefix)) out.push(r.key);
  return out;
}

/** Two memory clouds (`mem-a`, `mem-b`, regions local-1 and local-2) sharing one image store, and a manager over them. */
export class SharedClouds {
  readonly images: MemoryImageStore = createMemoryImageStore();
  readonly a: MemoryProvider;
  readonly b: MemoryProvider;
  readonly view: ImageStoreView;
  readonly switcher = new RecordingTrafficSwitcher();

  constructor(delayMs = 5) {
    const common = { regions: ['local-1', 'local-2'], provisioningDelayMs: delayMs, imageStore: this.images };
    this.a = createMemoryProvider({ name: 'mem-a', ...common });
    this.b = createMemoryProvider({ name: 'mem-b', ...common });
    this.view = new ImageStoreView(this.images, ['mem-a', 'mem-b']);
  }

  get providers(): readonly MemoryProvider[] {
    return [this.a, this.b];
  }

  manager(options: Partial<FederationManagerOptions> = {}): FederationManager {
    return new FederationManager({
      providers: [this.a, this.b],
      failover: FAST,
      artifactStores: { 'mem-a': { from: [this.view] }, 'mem-b': { from: [this.view] } },
      ...options,
      migration: { trafficSwitcher: this.switcher, verifyTimeoutMs: 5_000, ...options.migration },
    });
  }

  /** A running VM on mem-a. */
  source(): Promise<VM> {
    return this.a.createVM(SPEC);
  }
}

/**
 * Two clouds whose images are bytes in buckets: `src` exports raw into bucket `bucket-src`,
 * `dst` imports qcow2 only, from bucket `bucket-dst`, so a migration between them transfers and
 * converts with qemu-img.
 */
export class BucketClouds {
  readonly srcBucket: MemoryArtifactStore;
  readonly dstBucket: MemoryArtifactStore;
  readonly switcher = new RecordingTrafficSwitcher();

  private constructor(
    readonly src: BucketBackedProvider,
    readonly dst: BucketBackedProvider,
    private readonly dir: string,
    buckets: { src: MemoryArtifactStore; dst: MemoryArtifactStore },
    readonly backend: MemoryArtifactBackend,
  ) {
    this.srcBucket = buckets.src;
    this.dstBucket = buckets.dst;
  }

  static async start(): Promise<BucketClouds> {
    const dir = await mkdtemp(join(tmpdir(), 'novacron-migration-'));
    const disk = await readFile((await makeRawDisk(dir, 'disk.raw', { mib: 2 })).path);
    const backend = new MemoryArtifactBackend();
    const src = createMemoryArtifactStore({ name: 'bucket-src', backend, partSizeBytes: 512 * 1024 });
    const dst = createMemoryArtifactStore({ name: 'bucket-dst', backend, partSizeBytes: 512 * 1024 });
    const srcImages = createMemoryImageStore();
    const dstImages = createMemoryImageStore();
    const srcInner = createMemoryProvider({ name: 'src', provisioningDelayMs: 5, imageStore: srcImages });
    const dstInner = createMemoryProvider({ name: 'dst', provisioningDelayMs: 5, imageStore: dstImages });
    const clouds = new BucketClouds(
      new BucketBackedProvider({ inner: srcInner, innerImages: srcImages, bucket: src, disk }),
      new BucketBackedProvider({ inner: dstInner, innerImages: dstImages, bucket: dst, disk, importFormats: ['qcow2'] }),
      dir,
      { src, dst },
      backend,
    );
    return clouds;
  }

  manager(options: Partial<FederationManagerOptions> = {}): FederationManager {
    return new FederationManager({
      providers: [this.src, this.dst],
      failover: FAST,
      artifactStores: { dst: { store: this.dstBucket, from: [this.srcBucket] } },
      ...options,
      migration: { trafficSwitcher: this.switcher, verifyTimeoutMs: 5_000, transfer: { workDir: this.dir }, ...options.migration },
    });
  }

  /** Objects left in both buckets, unfinished uploads, and transfer work folders. */
  async leftovers(): Promise<{ objects: string[]; uploads: string[]; workFiles: string[] }> {
    const objects: string[] = [];
    for (const bucket of [this.srcBucket, this.dstBucket]) for await (const o of bucket.list()) objects.push(o.location);
    const workFiles = (await readdir(this.dir)).filter((f) => f !== 'disk.raw');
    return { objects, uploads: this.backend.uploadIds(), workFiles };
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A metrics sink that keeps counter totals by name and labels. */
export function countingSink(): { sink: MetricsSink; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const noop = (): void => undefined;
  const sink: MetricsSink = {
    counter: (d) => ({ inc: (labels, value = 1) => void counts.set(`${d.name}${JSON.stringify(labels)}`, (counts.get(`${d.name}${JSON.stringify(labels)}`) ?? 0) + value) }),
    gauge: () => ({ set: noop, inc: noop, dec: noop }),
    histogram: () => ({ observe: noop }),
  };
  return { sink, counts };
}
