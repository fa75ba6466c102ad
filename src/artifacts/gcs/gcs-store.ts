/**
 * An {@link ArtifactStore} over Google Cloud Storage (`@google-cloud/storage`, loaded on first
 * use). Writes are resumable uploads (`resumable-write.ts`): chunks in multiples of 256 KiB,
 * confirmed by the 308's `Range`, resumed in a new process from the session URI and the committed
 * offset, finalized with the last chunk; the SHA-256 is recorded by a metadata patch after
 * finalize. Reads, heads, lists and deletes go through the library (its retries on 429 and 5xx,
 * CRC32C checked on whole reads). `presignRead` makes a V4 signed URL with the service account's
 * key. Every call has a deadline besides the caller's signal; no URL, token or key reaches an error.
 * Locations are `gs://bucket/key`.
 */
import type { Storage } from '@google-cloud/storage';
import { throwIfAborted, withSignal } from '../../provider/abort.js';
import type {
  ArtifactObject,
  ArtifactPresignOptions,
  ArtifactReadOptions,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactWriteOptions,
  UploadSession,
} from '../../provider/artifact-store.js';
import { InvalidSpecError, NotFoundError, ProviderUnavailableError, UnsupportedError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import { CallDeadline, runWithDeadline } from '../call-deadline.js';
import { emptyStream } from '../read-streams.js';
import { assertArtifactKey, assertResumable, resolveRange } from '../write-rules.js';
import { GcsApi, type GcsAuthClient, type GcsClients, type GcsServiceAccountKey } from './gcs-api.js';
import { toGcsStoreError, type GcsErrorContext } from './gcs-error-mapping.js';
import { SessionSeal } from './session-seal.js';
import { ResumableProtocol, type GcsObjectResource, type ResumableTransport } from './resumable-protocol.js';
import { writeResumable } from './resumable-write.js';

/** Options of {@link createGcsArtifactStore}. */
export interface GcsArtifactStoreOptions {
  /** Store name (default `gcs`). */
  readonly name?: string | undefined;
  /** Bucket the objects live in. */
  readonly bucket: string;
  /** Prefix of every object name (keys are relative to it), e.g. `images/`. */
  readonly prefix?: string | undefined;
  /** Project id. */
  readonly projectId?: string | undefined;
  /** API endpoint (default `https://storage.googleapis.com`; an emulator's URL in tests). */
  readonly apiEndpoint?: string | undefined;
  /** A service account key: authenticates (without `authClient`) and signs URLs (V4). */
  readonly credentials?: GcsServiceAccountKey | undefined;
  /** An auth client for the requests (google-auth-library's, or an emulator's). */
  readonly authClient?: GcsAuthClient | undefined;
  /** A ready `Storage` client for the requests. */
  readonly storage?: Storage | undefined;
  /** Default part (chunk) size: a multiple of 256 KiB (default 8 MiB). */
  readonly partSizeBytes?: number | undefined;
  /** Deadline of one call (one chunk, one head...), ms (default 60,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Retries of one call on 429, 5xx and lost answers (default 3). */
  readonly maxRetries?: number | undefined;
  /** Objects per listing page (default 1000, Cloud Storage's largest). */
  readonly listPageSize?: number | undefined;
  /**
   * Secret the resumable session URIs in upload sessions are sealed under (they are credentials
   * of their upload). Default: derived from `credentials.private_key`; without either, a random
   * key of this instance, so an upload resumes within this process only.
   */
  readonly sessionKey?: string | Uint8Array | undefined;
}

const KiB = 1024;
/** Cloud Storage persists non-final chunks in multiples of 256 KiB. */
const CHUNK_QUANTUM = 256 * KiB;
const DEFAULT_TIMEOUT_MS = 60_000;
/** The metadata key of the content's SHA-256. */
const SHA256_KEY = 'novacron-sha256';

/** A Cloud Storage artifact store. Create one with {@link createGcsArtifactStore}. */
export class GcsArtifactStore implements ArtifactStore {
  /** Specification version implemented. */
  readonly specVersion = 1 as const;
  /** `gcs`. */
  readonly kind = 'gcs';
  /** Store name. */
  readonly name: string;
  /** What it can do. */
  readonly capabilities: ArtifactStoreCapabilities;
  private readonly api: GcsApi;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly defaultPartBytes: number;
  private readonly seal: SessionSeal;

  /** Builds the store; nothing is loaded or sent yet. */
  constructor(private readonly options: GcsArtifactStoreOptions) {
    this.name = options.name ?? 'gcs';
    this.prefix = options.prefix ?? '';
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.capabilities = {
      presignedRead: options.credentials !== undefined || (options.authClient === undefined && options.storage === undefined),
      minPartBytes: CHUNK_QUANTUM,
      maxPartBytes: 4096 * CHUNK_QUANTUM,
      resumableUpload: true,
      needsSize: false,
    };
    this.defaultPartBytes = options.partSizeBytes ?? 32 * CHUNK_QUANTUM;
    this.checkPartSize(this.defaultPartBytes);
    this.api = new GcsApi({ store: this.name, ...options, totalTimeoutMs: this.timeoutMs });
    this.seal = new SessionSeal(this.name, options.sessionKey ?? options.credentials?.private_key);
  }

  /** `gs://bucket/<prefix><key>`. */
  locationOf(key: string): string {
    return `gs://${this.options.bucket}/${this.prefix}${key}`;
  }

  /** The key of a `gs://` location in this bucket under this store's prefix, else `undefined`. */
  keyOf(location: string): string | undefined {
    const base = `gs://${this.options.bucket}/${this.prefix}`;
    return location.startsWith(base) && location.length > base.length ? location.slice(base.length) : undefined;
  }

  /** The object, or `undefined`. */
  async head(key: string, options: CallOptions = {}): Promise<ArtifactObject | undefined> {
    assertArtifactKey(this, key);
    try {
      return await this.run({ operation: 'head', key }, options.signal, async ({ storage }) => {
        const [metadata] = await storage.bucket(this.options.bucket).file(this.prefix + key).getMetadata();
        return this.toObject(key, metadata as GcsObjectResource);
      });
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Streams the object (or `start..end`, inclusive); whole reads are checked against Cloud Storage's CRC32C by the library. */
  async openRead(key: string, options: ArtifactReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    const object = await this.head(key, options);
    if (!object) throw new NotFoundError({ provider: this.name, message: `openRead of ${key}: no such object in bucket ${this.options.bucket}`, resourceType: 'object', resourceId: key });
    const size = object.sizeBytes;
    const range = resolveRange(this, size, options);
    if (size === 0) return emptyStream();
    const { storage } = await this.api.clients();
    const whole = range === undefined || (range.start === 0 && range.end === size - 1);
    const stream = storage
      .bucket(this.options.bucket)
      .file(this.prefix + key)
      .createReadStream(whole || !range ? {} : { start: range.start, end: range.end, validation: false });
    return this.guardStream(stream, key, options.signal);
  }

  /** Writes `body` as a resumable upload (see `resumable-write.ts`). */
  async write(key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}): Promise<ArtifactObject> {
    assertArtifactKey(this, key);
    const resume = options.resume;
    if (resume) assertResumable(this, key, resume);
    const partSizeBytes = resume?.partSizeBytes ?? options.partSizeBytes ?? this.defaultPartBytes;
    this.checkPartSize(partSizeBytes);
    const clients = await this.api.clients();
    const protocol = new ResumableProtocol(this.name, clients.storage.authClient as unknown as ResumableTransport, clients.storage.apiEndpoint.replace(/\/$/, ''), this.options.bucket, this.seal);
    const result = await writeResumable({
      store: this.name,
      key,
      objectName: this.prefix + key,
      protocol,
      partSizeBytes,
      body,
      options,
      maxAttempts: (this.options.maxRetries ?? 3) + 1,
      run: (operation, fn) => this.run({ operation, key, mutating: true, resourceType: 'upload' }, options.signal, (_c, signal) => fn(signal)),
    });
    const object = result.object;
    const md5 = object.md5Hash === undefined ? undefined : Buffer.from(object.md5Hash, 'base64').toString('hex');
    if (result.digest && md5 !== undefined && md5 !== result.digest.md5) {
      throw new ProviderUnavailableError({ provider: this.name, message: `write of ${key}: Cloud Storage holds MD5 ${md5}, the content sent has ${result.digest.md5}; the object is not what was written`, retryable: true });
    }
    if (!result.digest) return this.toObject(key, object);
    const sha256 = result.digest.sha256;
    const patched = await this.run({ operation: 'write', key, mutating: true }, options.signal, async ({ storage }) => {
      const file = storage.bucket(this.options.bucket).file(this.prefix + key, object.generation !== undefined ? { generation: Number(object.generation) } : {});
      const [metadata] = await file.setMetadata({ metadata: { [SHA256_KEY]: sha256 } }, object.metageneration !== undefined ? { ifMetagenerationMatch: Number(object.metageneration) } : {});
      return metadata as GcsObjectResource;
    });
    return this.toObject(key, patched);
  }

  /** Cancels an unfinished upload; no-op when it is gone or finished. */
  async abortUpload(session: UploadSession, options: CallOptions = {}): Promise<void> {
    assertArtifactKey(this, session.key);
    await this.run({ operation: 'abortUpload', key: session.key, mutating: true, resourceType: 'upload' }, options.signal, async ({ storage }, signal) => {
      const protocol = new ResumableProtocol(this.name, storage.authClient as unknown as ResumableTransport, storage.apiEndpoint.replace(/\/$/, ''), this.options.bucket, this.seal);
      await protocol.cancel(session.uploadId, signal);
    });
  }

  /** Deletes the object; no-op when it is gone. */
  async delete(key: string, options: CallOptions = {}): Promise<void> {
    assertArtifactKey(this, key);
    await this.run({ operation: 'delete', key, mutating: true }, options.signal, async ({ storage }) => {
      await storage.bucket(this.options.bucket).file(this.prefix + key).delete({ ignoreNotFound: true });
    });
  }

  /** Objects under `prefix`, a page of `listPageSize` (1000) at a time. */
  async *list(prefix = '', options: CallOptions = {}): AsyncIterable<ArtifactObject> {
    let pageToken: string | undefined;
    do {
      const [files, next] = await this.run({ operation: 'list' }, options.signal, async ({ storage }) => {
        const [found, query] = await storage
          .bucket(this.options.bucket)
          .getFiles({ prefix: this.prefix + prefix, maxResults: this.options.listPageSize ?? 1000, autoPaginate: false, ...(pageToken ? { pageToken } : {}) });
        return [found, (query as { pageToken?: string } | null | undefined)?.pageToken] as const;
      });
      for (const file of files) yield this.toObject(file.name.slice(this.prefix.length), file.metadata as GcsObjectResource);
      pageToken = next;
    } while (pageToken);
  }

  /** A V4 signed read URL, valid `expiresInSeconds` (default 3600, at most 7 days). */
  async presignRead(key: string, options: ArtifactPresignOptions = {}): Promise<string> {
    assertArtifactKey(this, key);
    const seconds = options.expiresInSeconds ?? 3600;
    if (!(seconds > 0 && seconds <= 604_800)) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'expiresInSeconds', message: `a V4 signed URL lasts 1 s to 7 days; got ${seconds}` }] });
    return this.run({ operation: 'presignRead', key }, options.signal, async ({ signer }) => {
      if (!signer) throw new UnsupportedError({ provider: this.name, capability: 'presignRead', message: 'presignRead needs a service account key (credentials) to sign with' });
      const [url] = await signer.bucket(this.options.bucket).file(this.prefix + key).getSignedUrl({ version: 'v4', action: 'read', expires: Date.now() + seconds * 1000 });
      return url;
    });
  }

  private toObject(key: string, m: GcsObjectResource): ArtifactObject {
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.metadata ?? {})) if (v !== null && v !== undefined) metadata[k.toLowerCase()] = String(v);
    return {
      key,
      location: this.locationOf(key),
      sizeBytes: Number(m.size ?? 0),
      checksum: m.md5Hash ? { algorithm: 'md5', value: Buffer.from(m.md5Hash, 'base64').toString('hex') } : undefined,
      sha256: metadata[SHA256_KEY],
      contentType: m.contentType,
      metadata,
    };
  }

  private checkPartSize(bytes: number): void {
    const { minPartBytes, maxPartBytes } = this.capabilities;
    if (!Number.isInteger(bytes) || bytes < minPartBytes || bytes > maxPartBytes || bytes % CHUNK_QUANTUM !== 0) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'partSizeBytes', message: `a Cloud Storage chunk is a multiple of 256 KiB from ${minPartBytes} to ${maxPartBytes} bytes; got ${bytes}` }] });
    }
  }

  private guardStream(stream: NodeJS.ReadableStream & { destroy(error?: Error): void }, key: string, signal: AbortSignal | undefined): AsyncIterable<Uint8Array> {
    const deadline = new CallDeadline(signal, this.timeoutMs);
    const context = { store: this.name, operation: 'openRead', key };
    const onAbort = (): void => stream.destroy(deadline.cutShort(undefined, context) as Error);
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    const map = (error: unknown): unknown => deadline.cutShort(error, context) ?? toGcsStoreError(error, this.errorContext('openRead', key));
    return (async function* guarded(): AsyncIterable<Uint8Array> {
      try {
        let first = true;
        for await (const chunk of stream as AsyncIterable<Uint8Array>) {
          if (first) deadline.release();
          first = false;
          throwIfAborted(signal);
          yield chunk;
        }
      } catch (error) {
        throw map(error);
      } finally {
        deadline.signal.removeEventListener('abort', onAbort);
        deadline.dispose();
        stream.destroy();
      }
    })();
  }

  private errorContext(operation: string, key?: string, mutating?: boolean, resourceType?: 'object' | 'upload'): GcsErrorContext {
    return { store: this.name, operation, key, bucket: this.options.bucket, mutating, resourceType };
  }

  private async run<T>(
    ctx: { operation: string; key?: string | undefined; mutating?: boolean | undefined; resourceType?: 'object' | 'upload' | undefined },
    signal: AbortSignal | undefined,
    fn: (clients: GcsClients, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const clients = await this.api.clients();
    const context = this.errorContext(ctx.operation, ctx.key, ctx.mutating, ctx.resourceType);
    // The library's calls take no signal: the deadline stops the wait (the call may go on).
    return runWithDeadline({ store: this.name, ...ctx }, signal, this.timeoutMs, (error) => (UnsupportedError.isInstance(error) ? error : toGcsStoreError(error, context)), (s) => withSignal(fn(clients, s), s));
  }
}

/** Creates a Cloud Storage artifact store (see {@link GcsArtifactStore}). */
export function createGcsArtifactStore(options: GcsArtifactStoreOptions): GcsArtifactStore {
  return new GcsArtifactStore(options);
}


