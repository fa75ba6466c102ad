/**
 * A memory provider whose disk images are real bytes in an artifact store, as a cloud's are in
 * its bucket: `exportVM` writes the VM's disk (a small real raw image) into the provider's
 * bucket, as EC2's ExportImage writes to S3, and `importVM` takes only an image that is in its
 * own bucket, unchanged, in a format it declares. Everything else is the memory provider's.
 * What a cross-provider migration needs to exercise `transferArtifact` (and qemu-img) for real.
 */
import { createHash } from 'node:crypto';
import {
  ConflictError,
  NotFoundError,
  UnsupportedError,
  type CallOptions,
  type CreateVMOptions,
  type ImageArtifact,
  type ImageFormat,
  type ImportVMOptions,
  type ListVMsFilter,
  type MemoryImageStore,
  type MemoryProvider,
  type PowerOptions,
  type ProviderCapabilities,
  type ProviderV1,
  type StopVMOptions,
  type VMSpec,
  type VMSpecInput,
} from '../../../src/index.js';
import type { MemoryArtifactStore } from '../../../src/artifacts/index.js';

export interface BucketBackedOptions {
  /** The memory provider doing the compute. */
  readonly inner: MemoryProvider;
  /** The image store the inner provider was made with (imports are registered there). */
  readonly innerImages: MemoryImageStore;
  /** The provider's bucket. */
  readonly bucket: MemoryArtifactStore;
  /** The bytes an export writes (a raw disk). */
  readonly disk: Uint8Array;
  /** Formats `importVM` takes (default raw). */
  readonly importFormats?: readonly ImageFormat[];
}

export class BucketBackedProvider implements ProviderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name: string;
  readonly kind: string;
  readonly capabilities: ProviderCapabilities;
  private exports = 0;

  constructor(private readonly o: BucketBackedOptions) {
    this.name = o.inner.name;
    this.kind = o.inner.kind;
    this.capabilities = { ...o.inner.capabilities, exportFormats: ['raw'], importFormats: o.importFormats ?? ['raw'] };
  }

  get events() {
    return this.o.inner.events;
  }

  get inner(): MemoryProvider {
    return this.o.inner;
  }

  createVM(spec: VMSpecInput | VMSpec, options?: CreateVMOptions) {
    return this.o.inner.createVM(spec, options);
  }
  getVM(id: string, options?: CallOptions) {
    return this.o.inner.getVM(id, options);
  }
  findByIdempotencyKey(key: string, options?: CallOptions) {
    return this.o.inner.findByIdempotencyKey(key, options);
  }
  listVMs(filter?: ListVMsFilter, options?: CallOptions) {
    return this.o.inner.listVMs(filter, options);
  }
  deleteVM(id: string, options?: PowerOptions) {
    return this.o.inner.deleteVM(id, options);
  }
  startVM(id: string, options?: PowerOptions) {
    return this.o.inner.startVM(id, options);
  }
  stopVM(id: string, options?: StopVMOptions) {
    return this.o.inner.stopVM(id, options);
  }
  rebootVM(id: string, options?: PowerOptions) {
    return this.o.inner.rebootVM(id, options);
  }
  regions(options?: CallOptions) {
    return this.o.inner.regions(options);
  }
  offers(region?: string, options?: CallOptions) {
    return this.o.inner.offers(region, options);
  }
  estimateCost(spec: VMSpecInput | VMSpec, options?: CallOptions) {
    return this.o.inner.estimateCost(spec, options);
  }

  /** The inner export (its checks and faults), then the disk's bytes into the bucket. */
  async exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    const meta = await this.o.inner.exportVM(id, options);
    this.o.innerImages.delete(meta.location);
    const key = `exports/${id}-${++this.exports}.raw`;
    const bytes = this.o.disk;
    await this.o.bucket.write(key, (async function* () {
      yield bytes;
    })(), { signal: options.signal });
    return { ...meta, format: 'raw', location: this.o.bucket.locationOf(key), sizeBytes: bytes.length, checksum: { algorithm: 'sha256', value: createHash('sha256').update(bytes).digest('hex') } };
  }

  /** Takes an image from its own bucket only, unchanged; the inner provider then imports it. */
  async importVM(artifact: ImageArtifact, spec: VMSpecInput | VMSpec, options: ImportVMOptions = {}) {
    if (!this.capabilities.importFormats.includes(artifact.format)) {
      throw new UnsupportedError({ provider: this.name, capability: 'import', message: `cannot import ${artifact.format} images; accepted formats: ${this.capabilities.importFormats.join(', ')}` });
    }
    const key = this.o.bucket.keyOf(artifact.location);
    const head = key === undefined ? undefined : await this.o.bucket.head(key, options);
    if (!head) throw new NotFoundError({ provider: this.name, message: `image ${artifact.location} is not in this provider's bucket`, resourceType: 'image', resourceId: artifact.location });
    if (head.sizeBytes !== artifact.sizeBytes || (artifact.checksum.algorithm === 'sha256' && head.sha256 !== undefined && head.sha256 !== artifact.checksum.value)) {
      throw new ConflictError({ provider: this.name, message: `image ${artifact.location} does not match its checksum` });
    }
    this.o.innerImages.put(artifact);
    try {
      return await this.o.inner.importVM(artifact, spec, options);
    } finally {
      this.o.innerImages.delete(artifact.location);
    }
  }
}
