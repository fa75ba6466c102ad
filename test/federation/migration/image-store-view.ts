/**
 * The images that memory providers export into a shared {@link MemoryImageStore}, seen as an
 * {@link ArtifactStore}, so that a migration can find and delete them like any store's objects.
 * A memory image holds no bytes: reads, writes and listings are refused; `head` and `delete` work.
 * Keys are the images' locations (`memory://<provider>/images/<file>`).
 */
import {
  UnsupportedError,
  type ArtifactObject,
  type ArtifactStore,
  type CallOptions,
  type MemoryImageStore,
  type UploadSession,
} from '../../../src/index.js';

export class ImageStoreView implements ArtifactStore {
  readonly specVersion = 1 as const;
  readonly kind = 'memory-images';
  readonly capabilities = { presignedRead: false, minPartBytes: 1, maxPartBytes: 1, resumableUpload: false, needsSize: false };
  /** Locations this view claims: the images of these providers. */
  readonly claims: readonly string[];

  constructor(
    private readonly images: MemoryImageStore,
    providers: readonly string[],
    readonly name = 'memory-images',
  ) {
    this.claims = providers.map((p) => `memory://${p}/images/`);
  }

  locationOf(key: string): string {
    return key;
  }

  keyOf(location: string): string | undefined {
    return this.claims.some((c) => location.startsWith(c)) ? location : undefined;
  }

  async head(key: string, _options?: CallOptions): Promise<ArtifactObject | undefined> {
    const a = this.images.get(key);
    if (!a) return undefined;
    return { key, location: key, sizeBytes: a.sizeBytes, checksum: a.checksum, sha256: a.checksum.algorithm === 'sha256' ? a.checksum.value : undefined, contentType: undefined, metadata: {} };
  }

  async delete(key: string, _options?: CallOptions): Promise<void> {
    this.images.delete(key);
  }

  openRead(): Promise<AsyncIterable<Uint8Array>> {
    return Promise.reject(this.unsupported('openRead'));
  }

  write(): Promise<ArtifactObject> {
    return Promise.reject(this.unsupported('write'));
  }

  async abortUpload(_session: UploadSession): Promise<void> {
    // No uploads are ever made here.
  }

  // eslint-disable-next-line require-yield
  async *list(): AsyncIterable<ArtifactObject> {
    throw this.unsupported('list');
  }

  presignRead(): Promise<string> {
    return Promise.reject(this.unsupported('presignRead'));
  }

  private unsupported(what: string): UnsupportedError {
    return new UnsupportedError({ message: `${this.name}: memory images hold no bytes (${what})`, capability: what });
  }
}
