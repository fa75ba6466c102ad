/**
 * Image export and import of an in-memory provider: an export writes an artifact to the
 * shared {@link MemoryImageStore}; an import accepts an artifact only when the store holds it
 * unchanged, in a format the provider takes, onto a disk large enough for it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, InvalidSpecError, NotFoundError, UnsupportedError } from '../../provider/errors.js';
import type { ImageArtifact, ImageFormat, ProviderCapabilities, ProviderKind, VMSpec } from '../../provider/types.js';
import type { MemoryImageStore } from './memory-image-store.js';
import { isActive, type VmRecord, type VmRecords } from './memory-vm-records.js';

/** What image handling needs from its provider. */
export interface MemoryImagesContext {
  readonly provider: string;
  readonly kind: ProviderKind;
  readonly capabilities: ProviderCapabilities;
  readonly store: MemoryImageStore;
  readonly records: VmRecords;
  readonly clock: () => number;
}

/** Exports and import checks of one in-memory provider. */
export class MemoryImages {
  constructor(private readonly context: MemoryImagesContext) {}

  /** Exports the disk of VM `id` in the first export format and stores the artifact. */
  export(id: string): ImageArtifact {
    const { provider, kind, capabilities } = this.context;
    const format = capabilities.exportFormats[0];
    if (format === undefined) throw new UnsupportedError({ provider, message: 'image export is not supported', capability: 'export' });
    const rec = this.context.records.find(id);
    if (!isActive(rec)) throw new ConflictError({ provider, message: `cannot export VM ${rec.id} while it is ${rec.state}` });
    const artifact: ImageArtifact = {
      format,
      location: `memory://${provider}/images/${rec.id}-${randomUUID().slice(0, 8)}.${format}`,
      sizeBytes: rec.spec.disk.sizeGiB * 1024 ** 3,
      checksum: { algorithm: 'sha256', value: this.checksumOf(rec) },
      sourceProvider: provider,
      sourceProviderKind: kind,
      sourceVmId: rec.id,
      baseImage: rec.image,
      createdAt: new Date(this.context.clock()).toISOString(),
    };
    this.context.store.put(artifact);
    return artifact;
  }

  /** Throws unless `artifact` can be imported as `spec`: a format taken, stored unchanged, a disk large enough. */
  checkImport(artifact: ImageArtifact, spec: VMSpec): void {
    const { provider, capabilities } = this.context;
    if (!capabilities.importFormats.includes(artifact.format as ImageFormat)) {
      throw new UnsupportedError({
        provider,
        message: `cannot import ${artifact.format} images; accepted formats: ${capabilities.importFormats.join(', ') || 'none'}`,
        capability: 'import',
      });
    }
    const stored = this.context.store.get(artifact.location);
    if (!stored) {
      throw new NotFoundError({ provider, message: `image ${artifact.location} is not in this provider's image store`, resourceType: 'image', resourceId: artifact.location });
    }
    if (stored.checksum.value !== artifact.checksum.value || stored.sizeBytes !== artifact.sizeBytes) {
      throw new ConflictError({ provider, message: `image ${artifact.location} does not match its checksum` });
    }
    if (spec.disk.sizeGiB * 1024 ** 3 < artifact.sizeBytes) {
      throw new InvalidSpecError({
        provider,
        issues: [{ field: 'disk.size', message: `must be at least the image size, ${artifact.sizeBytes / 1024 ** 3} GiB` }],
      });
    }
  }

  private checksumOf(rec: VmRecord): string {
    return createHash('sha256').update(`${this.context.provider}\n${rec.id}\n${rec.image}\n${rec.spec.disk.sizeGiB}`).digest('hex');
  }
}
