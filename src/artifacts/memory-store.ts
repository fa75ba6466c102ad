/**
 * The reference artifact store: objects and unfinished multipart uploads held in a
 * {@link MemoryArtifactBackend}, with the same rules every other store keeps (shared in
 * `write-rules.ts` and `part-reader.ts`). Several store objects may share one backend, which is
 * how a test stands for "a new process resumes the upload": the session JSON goes from one store
 * object to a fresh one on the same backend.
 *
 * Presigned reads are `memory://<name>/<key>?expires=…&signature=…` URLs, an HMAC of the store,
 * key and expiry under the backend's secret; plain `fetch` cannot read them, so the store reads
 * them itself ({@link MemoryArtifactStore.readPresigned}) and checks signature and expiry.
 *
 * The backend may require a credential (`new MemoryArtifactBackend({ secret })`): a store made
 * with another `secret` is refused with `AuthError` on every call, which is how the conformance
 * suite checks that a store's errors never carry its credential.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type {
  ArtifactObject,
  ArtifactPresignOptions,
  ArtifactReadOptions,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactWriteOptions,
  UploadSession,
} from '../provider/artifact-store.js';
import { throwIfAborted } from '../provider/abort.js';
import { AuthError, InvalidSpecError, NotFoundError } from '../provider/errors.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { readParts } from './part-reader.js';
import { normalizeMetadata, assertArtifactKey, assertResumable, resolvePartSize, resolveRange, withPart } from './write-rules.js';

/** Default part size of a memory store: 8 MiB. */
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
/** Size of the chunks `openRead` yields. */
const READ_CHUNK_BYTES = 64 * 1024;
/** Longest validity of a presigned URL, in seconds (S3's: seven days). */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** An object held by a {@link MemoryArtifactBackend}. */
interface StoredObject {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly sha256: string;
  readonly md5: string;
}

/** An unfinished upload held by a {@link MemoryArtifactBackend}. */
interface StoredUpload {
  readonly store: string;
  readonly key: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly parts: Map<number, Uint8Array>;
}

/** Options of {@link MemoryArtifactBackend}. */
export interface MemoryArtifactBackendOptions {
  /** A credential every store on this backend must be made with; none is checked when absent. Also keys presigned URLs. */
  readonly secret?: string | undefined;
}

/**
 * Where memory stores keep their objects and unfinished uploads. Share one between store objects
 * to model several processes on one bucket.
 */
export class MemoryArtifactBackend {
  /** @internal Objects by store name and key. */
  readonly objects = new Map<string, Map<string, StoredObject>>();
  /** @internal Unfinished uploads by upload id. */
  readonly uploads = new Map<string, StoredUpload>();
  /** @internal The credential stores must present, when set. */
  readonly secret: string | undefined;
  /** @internal Keys presigned URLs. */
  readonly signingKey: Buffer;

  /** Creates an empty backend. */
  constructor(options: MemoryArtifactBackendOptions = {}) {
    this.secret = options.secret;
    this.signingKey = options.secret !== undefined ? createHash('sha256').update(`presign:${options.secret}`).digest() : randomBytes(32);
  }

  /** Ids of the unfinished uploads of a store (every store when absent). */
  uploadIds(store?: string): string[] {
    return [...this.uploads].filter(([, u]) => store === undefined || u.store === store).map(([id]) => id);
  }

  /** @internal The objects of one store. */
  bucket(store: string): Map<string, StoredObject> {
    let bucket = this.objects.get(store);
    if (!bucket) this.objects.set(store, (bucket = new Map()));
    return bucket;
  }
}

/** Options of {@link createMemoryArtifactStore}. */
export interface MemoryArtifactStoreOptions {
  /** Store name (default `memory`); locations are `memory://<name>/<key>`. */
  readonly name?: string | undefined;
  /** The backend to keep objects in (default: a new one). Share it to open the same objects from another store object. */
  readonly backend?: MemoryArtifactBackend | undefined;
  /** The credential presented to the backend (checked only when the backend has one). */
  readonly secret?: string | undefined;
  /** Default part size in bytes (default 8 MiB). */
  readonly partSizeBytes?: number | undefined;
  /** Smallest part but the last (default 1 byte). */
  readonly minPartBytes?: number | undefined;
  /** Objects per `list` page (default 1000). */
  readonly listPageSize?: number | undefined;
  /** Clock in milliseconds, for presigned URL expiry (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function md5Of(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** An artifact store in memory: the reference implementation of {@link ArtifactStore}. */
export class MemoryArtifactStore implements ArtifactStore {
  /** Specification version implemented. */
  readonly specVersion = 1 as const;
  /** Always `memory`. */
  readonly kind = 'memory';
  /** Store name. */
  readonly name: string;
  /** What the store can do: presigned reads (through {@link readPresigned}), resumable uploads of any part size. */
  readonly capabilities: ArtifactStoreCapabilities;
  /** Where the objects are kept. */
  readonly backend: MemoryArtifactBackend;
  private readonly partSizeBytes: number;
  private readonly listPageSize: number;
  private readonly clock: () => number;
  private readonly secret: string | undefined;

  /** Creates a store; see {@link createMemoryArtifactStore}. */
  constructor(options: MemoryArtifactStoreOptions = {}) {
    this.name = options.name ?? 'memory';
    this.backend = options.backend ?? new MemoryArtifactBackend({ secret: options.secret });
    this.secret = options.secret;
    this.partSizeBytes = options.partSizeBytes ?? DEFAULT_PART_BYTES;
    this.listPageSize = Math.max(1, options.listPageSize ?? 1000);
    this.clock = options.clock ?? Date.now;
    this.capabilities = { presignedRead: true, minPartBytes: Math.max(1, options.minPartBytes ?? 1), maxPartBytes: 5 * 1024 * 1024 * 1024, resumableUpload: true, needsSize: false };
  }

  locationOf(key: string): string {
    return `memory://${this.name}/${key}`;
  }

  keyOf(location: string): string | undefined {
    const prefix = `memory://${this.name}/`;
    if (!location.startsWith(prefix)) return undefined;
    const key = location.slice(prefix.length);
    return key.length > 0 ? key : undefined;
  }

  async head(key: string, options: CallOptions = {}): Promise<ArtifactObject | undefined> {
    this.enter(key, options);
    const object = this.objects().get(key);
    return object ? this.view(key, object) : undefined;
  }

  async openRead(key: string, options: ArtifactReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    this.enter(key, options);
    const object = this.objects().get(key);
    if (!object) throw this.notFound(key);
    const range = resolveRange(this, object.bytes.length, options) ?? { start: 0, end: object.bytes.length - 1 };
    return chunksOf(object.bytes, range.start, range.end + 1, options.signal);
  }

  async write(key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}): Promise<ArtifactObject> {
    this.enter(key, options);
    const partSizeBytes = resolvePartSize(this, options, this.partSizeBytes);
    let session = options.resume;
    if (session) {
      assertResumable(this, key, session);
      this.uploadOf(session); // a session the backend no longer knows is a NotFoundError, before any byte is read
    }
    for await (const part of readParts(body, { partSizeBytes, firstNumber: (session?.parts.length ?? 0) + 1, signal: options.signal })) {
      this.authenticate();
      if (session === undefined && part.last) return this.store(key, part.bytes, options);
      session ??= this.createUpload(key, partSizeBytes, options);
      const upload = this.uploadOf(session);
      if (session.parts.at(-1) !== undefined && session.parts.at(-1)!.sizeBytes < partSizeBytes) throw this.shortPartInMiddle(session);
      upload.parts.set(part.number, part.bytes);
      session = withPart(session, { number: part.number, sizeBytes: part.bytes.length, token: md5Of(part.bytes) });
      await options.onSession?.(session);
      options.onProgress?.(session.committedBytes);
    }
    if (session === undefined) return this.store(key, new Uint8Array(0), options);
    return this.complete(session, options);
  }

  async abortUpload(session: UploadSession, options: CallOptions = {}): Promise<void> {
    this.enter(session.key, options);
    const upload = this.backend.uploads.get(session.uploadId);
    if (upload?.store === this.name) this.backend.uploads.delete(session.uploadId);
  }

  async delete(key: string, options: CallOptions = {}): Promise<void> {
    this.enter(key, options);
    this.objects().delete(key);
  }

  async *list(prefix = '', options: CallOptions = {}): AsyncIterable<ArtifactObject> {
    let after: string | undefined;
    for (;;) {
      throwIfAborted(options.signal);
      this.authenticate();
      // One page at a time, as a remote store pages: later writes may show up in later pages.
      const page = [...this.objects().keys()]
        .filter((k) => k.startsWith(prefix) && (after === undefined || k > after))
        .sort()
        .slice(0, this.listPageSize);
      for (const key of page) {
        const object = this.objects().get(key);
        if (object) yield this.view(key, object);
      }
      if (page.length < this.listPageSize) return;
      after = page.at(-1);
    }
  }

  async presignRead(key: string, options: ArtifactPresignOptions = {}): Promise<string> {
    this.enter(key, options);
    const seconds = options.expiresInSeconds ?? 3600;
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_PRESIGN_SECONDS) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'expiresInSeconds', message: `must be more than 0 and at most ${MAX_PRESIGN_SECONDS}` }] });
    }
    if (!this.objects().has(key)) throw this.notFound(key);
    const expires = this.clock() + Math.round(seconds * 1000);
    return `${this.locationOf(key)}?expires=${expires}&signature=${this.sign(key, expires)}`;
  }

  /**
   * Reads a URL made by {@link presignRead} (of any store on this backend with this name), as a
   * fetch of an S3 presigned URL would: `AuthError` when the signature does not match or the URL
   * has expired, `NotFoundError` when the object is gone. Needs no credential.
   */
  async readPresigned(url: string, options: CallOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    throwIfAborted(options.signal);
    const q = url.indexOf('?');
    const key = this.keyOf(q === -1 ? url : url.slice(0, q));
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const expires = Number(query.get('expires'));
    const signature = query.get('signature') ?? '';
    if (key === undefined || !Number.isSafeInteger(expires) || !/^[0-9a-f]{64}$/.test(signature)) {
      throw new AuthError({ provider: this.name, message: 'presigned read refused: the URL is not one this store signed' });
    }
    const expected = Buffer.from(this.sign(key, expires), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new AuthError({ provider: this.name, message: `presigned read of ${key} refused: the signature does not match` });
    if (this.clock() > expires) throw new AuthError({ provider: this.name, message: `presigned read of ${key} refused: the URL expired at ${new Date(expires).toISOString()}` });
    const object = this.objects().get(key);
    if (!object) throw this.notFound(key);
    return chunksOf(object.bytes, 0, object.bytes.length, options.signal);
  }

  private sign(key: string, expires: number): string {
    return createHmac('sha256', this.backend.signingKey).update(`${this.name}\n${key}\n${expires}`).digest('hex');
  }

  private objects(): Map<string, StoredObject> {
    return this.backend.bucket(this.name);
  }

  /** What every call checks first: not aborted, a valid key, the right credential. */
  private enter(key: string, options: CallOptions): void {
    throwIfAborted(options.signal);
    assertArtifactKey(this, key);
    this.authenticate();
  }

  private authenticate(): void {
    const required = this.backend.secret;
    if (required === undefined) return;
    const given = Buffer.from(this.secret ?? '');
    const expected = Buffer.from(required);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthError({ provider: this.name, message: 'the store refused the credential: it does not match the one the backend holds' });
    }
  }

  private createUpload(key: string, partSizeBytes: number, options: ArtifactWriteOptions): UploadSession {
    const uploadId = randomUUID();
    this.backend.uploads.set(uploadId, { store: this.name, key, contentType: options.contentType ?? 'application/octet-stream', metadata: normalizeMetadata(options.metadata), parts: new Map() });
    return { store: this.name, key, uploadId, partSizeBytes, parts: [], committedBytes: 0 };
  }

  private uploadOf(session: UploadSession): StoredUpload {
    const upload = this.backend.uploads.get(session.uploadId);
    if (!upload || upload.store !== this.name || upload.key !== session.key) {
      throw new NotFoundError({ provider: this.name, message: `upload ${session.uploadId} of ${session.key} is gone (completed or aborted); start the write afresh`, resourceType: 'upload', resourceId: session.uploadId });
    }
    for (const part of session.parts) {
      const bytes = upload.parts.get(part.number);
      if (!bytes || bytes.length !== part.sizeBytes || md5Of(bytes) !== part.token) {
        throw new NotFoundError({ provider: this.name, message: `part ${part.number} of upload ${session.uploadId} is not the one the session recorded`, resourceType: 'upload-part', resourceId: session.uploadId });
      }
    }
    return upload;
  }

  private shortPartInMiddle(session: UploadSession): InvalidSpecError {
    return new InvalidSpecError({ provider: this.name, issues: [{ field: 'body', message: `the body goes on past ${session.committedBytes} bytes, but the session's last part was the body's end` }] });
  }

  private complete(session: UploadSession, options: ArtifactWriteOptions): ArtifactObject {
    const upload = this.uploadOf(session);
    const bytes = new Uint8Array(session.committedBytes);
    let at = 0;
    for (const part of session.parts) {
      bytes.set(upload.parts.get(part.number)!, at);
      at += part.sizeBytes;
    }
    this.backend.uploads.delete(session.uploadId);
    return this.store(session.key, bytes, { contentType: upload.contentType, metadata: { ...upload.metadata, ...normalizeMetadata(options.metadata) } });
  }

  private store(key: string, bytes: Uint8Array, options: Pick<ArtifactWriteOptions, 'contentType' | 'metadata'>): ArtifactObject {
    const sha256 = sha256Of(bytes);
    const object: StoredObject = {
      bytes,
      contentType: options.contentType ?? 'application/octet-stream',
      metadata: { ...normalizeMetadata(options.metadata), 'novacron-sha256': sha256 },
      sha256,
      md5: md5Of(bytes),
    };
    this.objects().set(key, object);
    return this.view(key, object);
  }

  private view(key: string, object: StoredObject): ArtifactObject {
    return {
      key,
      location: this.locationOf(key),
      sizeBytes: object.bytes.length,
      checksum: { algorithm: 'md5', value: object.md5 },
      sha256: object.sha256,
      contentType: object.contentType,
      metadata: { ...object.metadata },
    };
  }

  private notFound(key: string): NotFoundError {
    return new NotFoundError({ provider: this.name, message: `no object ${key}`, resourceType: 'artifact', resourceId: key });
  }
}

async function* chunksOf(bytes: Uint8Array, start: number, end: number, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, void, undefined> {
  for (let at = start; at < end; at += READ_CHUNK_BYTES) {
    throwIfAborted(signal);
    yield bytes.slice(at, Math.min(end, at + READ_CHUNK_BYTES));
    // A stream yields to the event loop between chunks; so does this one, so an abort can land.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throwIfAborted(signal);
}

/** Creates an artifact store in memory (see {@link MemoryArtifactStore}). */
export function createMemoryArtifactStore(options: MemoryArtifactStoreOptions = {}): MemoryArtifactStore {
  return new MemoryArtifactStore(options);
}
