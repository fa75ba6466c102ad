/**
 * An {@link ArtifactStore} over Amazon S3 (or an S3-compatible store) through `@aws-sdk/client-s3`.
 *
 * Writes drive multipart upload themselves (CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload), because a resumed write must continue a known UploadId with the
 * parts already done, which `@aws-sdk/lib-storage` cannot. A body that fits in one part is one
 * PutObject. A resumed write first checks with ListParts that the session's parts are there, then
 * uploads from the next part on.
 *
 * The SHA-256 of the content is kept as the object tag `novacron-sha256`. Metadata would be the
 * natural place, but S3 fixes an object's metadata at CreateMultipartUpload, before the hash is
 * known, and changing it afterwards means a CopyObject of the whole object; a tag can be set after
 * completion at no cost, and goes with the object when it is deleted. A single PutObject sets the
 * tag in the same call (`x-amz-tagging`); a multipart write sets it with PutObjectTagging after
 * completion; `head` reads it with GetObjectTagging. A write that resumed hashes the object by
 * reading it back once, since the hash of the bytes sent before the crash is lost with the process.
 *
 * A CompleteMultipartUpload whose answer is lost (reset, timeout, or a retry answered
 * `NoSuchUpload` because the first attempt completed it) is resolved by HeadObject: the object is
 * there with the ETag S3 gives exactly these parts (MD5 of the parts' MD5s, `-N`), or the error stands.
 *
 * `list` yields what ListObjectsV2 says (key, size, the MD5 of single-part objects); `head` an
 * object for its SHA-256, type and metadata.
 */
import { createHash } from 'node:crypto';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type {
  ArtifactObject,
  ArtifactPresignOptions,
  ArtifactReadOptions,
  ArtifactStore,
  ArtifactStoreCapabilities,
  ArtifactWriteOptions,
  UploadSession,
} from '../../provider/artifact-store.js';
import { abortReason, throwIfAborted } from '../../provider/abort.js';
import { InvalidSpecError, NotFoundError, ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import { readParts } from '../part-reader.js';
import { normalizeMetadata, assertArtifactKey, assertResumable, resolvePartSize, withPart } from '../write-rules.js';
import { S3Api } from './s3-api.js';

/** The tag that holds an object's SHA-256 (hex). */
export const SHA256_TAG = 'novacron-sha256';
/** S3's smallest part but the last: 5 MiB. */
const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3's largest part: 5 GiB. */
const S3_MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
/** Default part size: 16 MiB (a 2 GiB image in 128 parts, well under S3's 10,000). */
const DEFAULT_PART_BYTES = 16 * 1024 * 1024;
/** Longest presigned validity S3 accepts: seven days. */
const MAX_PRESIGN_SECONDS = 604_800;

/** Options of {@link createS3ArtifactStore}. */
export interface S3ArtifactStoreOptions {
  /** Store name (default `s3:<bucket>`). */
  readonly name?: string | undefined;
  /** Bucket. */
  readonly bucket: string;
  /** Prefix put before every key (e.g. `images/`); locations include it, keys do not. */
  readonly prefix?: string | undefined;
  /** Region of the bucket. */
  readonly region: string;
  /** Endpoint override (an S3-compatible store, an emulator, a VPC endpoint). */
  readonly endpoint?: string | undefined;
  /** Path-style addressing (`https://host/bucket/key`), for endpoints without bucket subdomains. */
  readonly forcePathStyle?: boolean | undefined;
  /** Credentials or a credential provider; the SDK's default chain when absent. */
  readonly credentials?: S3ClientConfig['credentials'] | undefined;
  /** Default part size in bytes (default 16 MiB). */
  readonly partSizeBytes?: number | undefined;
  /** Smallest part but the last that the store accepts (default S3's 5 MiB; an emulator or S3-compatible store may take less). */
  readonly minPartSizeBytes?: number | undefined;
  /** Objects per ListObjectsV2 page (default 1000, S3's most). */
  readonly listPageSize?: number | undefined;
  /** A ready `S3Client` (the client package is still imported for its commands). */
  readonly client?: S3Client | undefined;
  /** Further `S3Client` options, merged over the store's. */
  readonly clientOptions?: Partial<S3ClientConfig> | undefined;
  /** SDK attempts per call, the first included (default 4). */
  readonly maxAttempts?: number | undefined;
  /** SDK retry backoff base in milliseconds (default 100). */
  readonly retryBaseDelayMs?: number | undefined;
  /** Longest time one HTTP attempt may sit idle, in milliseconds (default 60,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Longest time to connect, in milliseconds (default 5,000). */
  readonly connectionTimeoutMs?: number | undefined;
}

/** A stream body the SDK hands back (a Node `Readable` in Node). */
type SdkBody = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };

function stripQuotes(etag: string | undefined): string | undefined {
  return etag?.replace(/"/g, '');
}

/** The MD5 checksum an ETag is, for objects written in one PUT (a multipart ETag ends in `-N`). */
function md5OfETag(etag: string | undefined): ArtifactObject['checksum'] {
  const value = stripQuotes(etag);
  return value !== undefined && /^[0-9a-f]{32}$/.test(value) ? { algorithm: 'md5', value } : undefined;
}

/** The ETag S3 gives a multipart object of these parts. */
function multipartETagOf(session: UploadSession): string {
  const hash = createHash('md5');
  for (const part of session.parts) hash.update(Buffer.from(stripQuotes(part.token) ?? '', 'hex'));
  return `${hash.digest('hex')}-${session.parts.length}`;
}

/** An artifact store on one S3 bucket (and prefix). */
export class S3ArtifactStore implements ArtifactStore {
  /** Specification version implemented. */
  readonly specVersion = 1 as const;
  /** Always `s3`. */
  readonly kind = 's3';
  /** Store name. */
  readonly name: string;
  /** What S3 can do: presigned reads, resumable multipart uploads with parts of 5 MiB to 5 GiB. */
  readonly capabilities: ArtifactStoreCapabilities;
  /** Bucket. */
  readonly bucket: string;
  /** Prefix of every key. */
  readonly prefix: string;
  private readonly api: S3Api;
  private readonly partSizeBytes: number;
  private readonly listPageSize: number;

  /** Creates a store; see {@link createS3ArtifactStore}. */
  constructor(options: S3ArtifactStoreOptions) {
    if (typeof options.bucket !== 'string' || options.bucket.length === 0) throw new InvalidSpecError({ issues: [{ field: 'bucket', message: 'must be a bucket name' }] });
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.name = options.name ?? `s3:${options.bucket}`;
    this.partSizeBytes = options.partSizeBytes ?? DEFAULT_PART_BYTES;
    this.listPageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.capabilities = { presignedRead: true, minPartBytes: options.minPartSizeBytes ?? S3_MIN_PART_BYTES, maxPartBytes: S3_MAX_PART_BYTES, resumableUpload: true, needsSize: false };
    this.api = new S3Api({ ...options, storeName: this.name });
  }

  locationOf(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  keyOf(location: string): string | undefined {
    const start = `s3://${this.bucket}/${this.prefix}`;
    if (!location.startsWith(start)) return undefined;
    const key = location.slice(start.length);
    return key.length > 0 ? key : undefined;
  }

  private objectKey(key: string): string {
    return this.prefix + key;
  }

  async head(key: string, options: CallOptions = {}): Promise<ArtifactObject | undefined> {
    assertArtifactKey(this, key);
    const { signal } = options;
    const ctx = { operation: 'HeadObject', resourceType: 'artifact', resourceId: key };
    try {
      const head = await this.api.run(ctx, signal, (client, sdk) => client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { abortSignal: signal }));
      const tags = await this.api.run({ ...ctx, operation: 'GetObjectTagging' }, signal, (client, sdk) =>
        client.send(new sdk.GetObjectTaggingCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { abortSignal: signal }),
      );
      return {
        key,
        location: this.locationOf(key),
        sizeBytes: head.ContentLength ?? 0,
        checksum: md5OfETag(head.ETag),
        sha256: tags.TagSet?.find((t) => t.Key === SHA256_TAG)?.Value,
        contentType: head.ContentType,
        metadata: normalizeMetadata(head.Metadata),
      };
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  async openRead(key: string, options: ArtifactReadOptions = {}): Promise<AsyncIterable<Uint8Array>> {
    assertArtifactKey(this, key);
    const { signal, start, end } = options;
    if (start !== undefined && (!Number.isSafeInteger(start) || start < 0)) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'start', message: 'must be a non-negative integer' }] });
    if (end !== undefined && (!Number.isSafeInteger(end) || end < (start ?? 0))) throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'end', message: 'must be an integer no smaller than start' }] });
    const range = start === undefined && end === undefined ? undefined : `bytes=${start ?? 0}-${end ?? ''}`;
    const answer = await this.api.run({ operation: 'GetObject', resourceType: 'artifact', resourceId: key }, signal, (client, sdk) =>
      client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Range: range }), { abortSignal: signal }),
    );
    return this.streamOf(answer.Body as SdkBody | undefined, key, signal);
  }

  private async *streamOf(body: SdkBody | undefined, key: string, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, void, undefined> {
    if (!body) return;
    const onAbort = (): void => body.destroy?.(abortReason(signal!) as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of body) {
        throwIfAborted(signal);
        yield chunk;
      }
      throwIfAborted(signal);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw new ProviderUnavailableError({ provider: this.name, message: `GetObject: the body of ${key} broke off`, cause: error });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      body.destroy?.();
    }
  }

  async write(key: string, body: AsyncIterable<Uint8Array>, options: ArtifactWriteOptions = {}): Promise<ArtifactObject> {
    throwIfAborted(options.signal);
    assertArtifactKey(this, key);
    const partSizeBytes = resolvePartSize(this, options, this.partSizeBytes);
    const { signal } = options;
    let session = options.resume;
    if (session) {
      assertResumable(this, key, session);
      await this.checkParts(session, signal);
    }
    const hash = session ? undefined : createHash('sha256');
    let handedOut = session !== undefined;
    try {
      for await (const part of readParts(body, { partSizeBytes, firstNumber: (session?.parts.length ?? 0) + 1, signal })) {
        hash?.update(part.bytes);
        if (session === undefined && part.last) return await this.putWhole(key, part.bytes, hash!.digest('hex'), options);
        const previous = session?.parts.at(-1);
        if (previous !== undefined && previous.sizeBytes < partSizeBytes) {
          throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'body', message: `the body goes on past ${session!.committedBytes} bytes, but the session's last part was the body's end` }] });
        }
        session ??= await this.createUpload(key, partSizeBytes, options);
        const current: UploadSession = session;
        const answer = await this.api.run({ operation: 'UploadPart', resourceType: 'artifact', resourceId: key, mutating: true }, signal, (client, sdk) =>
          client.send(
            new sdk.UploadPartCommand({ Bucket: this.bucket, Key: this.objectKey(key), UploadId: current.uploadId, PartNumber: part.number, Body: part.bytes, ContentLength: part.bytes.length }),
            { abortSignal: signal },
          ),
        );
        session = withPart(current, { number: part.number, sizeBytes: part.bytes.length, token: stripQuotes(answer.ETag) ?? '' });
        handedOut = true;
        await options.onSession?.(session);
        options.onProgress?.(session.committedBytes);
      }
    } catch (error) {
      // An upload nobody was told of cannot be resumed or aborted by anyone else: remove it now.
      if (session !== undefined && !handedOut) await this.abortUpload(session).catch(() => undefined);
      throw error;
    }
    if (session === undefined) return this.putWhole(key, new Uint8Array(0), createHash('sha256').digest('hex'), options);
    await this.complete(session, signal);
    const sha256 = hash ? hash.digest('hex') : await this.hashOf(key, signal);
    await this.api.run({ operation: 'PutObjectTagging', resourceType: 'artifact', resourceId: key, mutating: true }, signal, (client, sdk) =>
      client.send(new sdk.PutObjectTaggingCommand({ Bucket: this.bucket, Key: this.objectKey(key), Tagging: { TagSet: [{ Key: SHA256_TAG, Value: sha256 }] } }), { abortSignal: signal }),
    );
    const written = await this.head(key, { signal });
    if (!written) throw new NotFoundError({ provider: this.name, message: `${key} is gone right after its upload completed`, resourceType: 'artifact', resourceId: key });
    return written;
  }

  private async putWhole(key: string, bytes: Uint8Array, sha256: string, options: ArtifactWriteOptions): Promise<ArtifactObject> {
    const { signal } = options;
    const metadata = normalizeMetadata(options.metadata);
    const contentType = options.contentType ?? 'application/octet-stream';
    const answer = await this.api.run({ operation: 'PutObject', resourceType: 'artifact', resourceId: key, mutating: true }, signal, (client, sdk) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: contentType,
          Metadata: metadata,
          Tagging: new URLSearchParams({ [SHA256_TAG]: sha256 }).toString(),
        }),
        { abortSignal: signal },
      ),
    );
    options.onProgress?.(bytes.length);
    return { key, location: this.locationOf(key), sizeBytes: bytes.length, checksum: md5OfETag(answer.ETag), sha256, contentType, metadata };
  }

  private async createUpload(key: string, partSizeBytes: number, options: ArtifactWriteOptions): Promise<UploadSession> {
    const { signal } = options;
    const answer = await this.api.run({ operation: 'CreateMultipartUpload', resourceType: 'artifact', resourceId: key, mutating: true }, signal, (client, sdk) =>
      client.send(
        new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.objectKey(key), ContentType: options.contentType ?? 'application/octet-stream', Metadata: normalizeMetadata(options.metadata) }),
        { abortSignal: signal },
      ),
    );
    if (!answer.UploadId) throw new ProviderUnavailableError({ provider: this.name, message: 'CreateMultipartUpload answered without an UploadId' });
    return { store: this.name, key, uploadId: answer.UploadId, partSizeBytes, parts: [], committedBytes: 0 };
  }

  /** Checks with ListParts that the session's parts are in the upload, as recorded. */
  private async checkParts(session: UploadSession, signal: AbortSignal | undefined): Promise<void> {
    const found = new Map<number, string>();
    let marker: string | undefined;
    for (;;) {
      const page = await this.api.run({ operation: 'ListParts', resourceType: 'upload', resourceId: session.uploadId }, signal, (client, sdk) =>
        client.send(new sdk.ListPartsCommand({ Bucket: this.bucket, Key: this.objectKey(session.key), UploadId: session.uploadId, PartNumberMarker: marker }), { abortSignal: signal }),
      );
      for (const p of page.Parts ?? []) if (p.PartNumber !== undefined) found.set(p.PartNumber, stripQuotes(p.ETag) ?? '');
      if (page.IsTruncated !== true || page.NextPartNumberMarker === undefined) break;
      marker = page.NextPartNumberMarker;
    }
    for (const part of session.parts) {
      if (found.get(part.number) !== stripQuotes(part.token)) {
        throw new NotFoundError({ provider: this.name, message: `part ${part.number} of upload ${session.uploadId} is not the one the session recorded; start the write afresh`, resourceType: 'upload-part', resourceId: session.uploadId });
      }
    }
  }

  private async complete(session: UploadSession, signal: AbortSignal | undefined): Promise<void> {
    const key = session.key;
    try {
      await this.api.run({ operation: 'CompleteMultipartUpload', resourceType: 'artifact', resourceId: key, mutating: true }, signal, (client, sdk) =>
        client.send(
          new sdk.CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: this.objectKey(key),
            UploadId: session.uploadId,
            MultipartUpload: { Parts: session.parts.map((p) => ({ PartNumber: p.number, ETag: `"${stripQuotes(p.token) ?? ''}"` })) },
          }),
          { abortSignal: signal },
        ),
      );
    } catch (error) {
      // The answer may be lost while the upload did complete: the object then says so.
      const maybeDone = NotFoundError.isInstance(error) || ProviderUnavailableError.isInstance(error) || TimeoutError.isInstance(error);
      if (!maybeDone || !(await this.completedAs(session, signal))) throw error;
    }
  }

  /** True when the object is there with exactly the ETag and size these parts make. */
  private async completedAs(session: UploadSession, signal: AbortSignal | undefined): Promise<boolean> {
    try {
      const head = await this.api.run({ operation: 'HeadObject', resourceType: 'artifact', resourceId: session.key }, signal, (client, sdk) =>
        client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(session.key) }), { abortSignal: signal }),
      );
      return stripQuotes(head.ETag) === multipartETagOf(session) && head.ContentLength === session.committedBytes;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
  }

  /** The SHA-256 of an object, read back whole. */
  private async hashOf(key: string, signal: AbortSignal | undefined): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of await this.openRead(key, { signal })) hash.update(chunk);
    return hash.digest('hex');
  }

  async abortUpload(session: UploadSession, options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    try {
      await this.api.run({ operation: 'AbortMultipartUpload', resourceType: 'upload', resourceId: session.uploadId, mutating: true }, signal, (client, sdk) =>
        client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.objectKey(session.key), UploadId: session.uploadId }), { abortSignal: signal }),
      );
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
  }

  async delete(key: string, options: CallOptions = {}): Promise<void> {
    assertArtifactKey(this, key);
    const { signal } = options;
    await this.api.run({ operation: 'DeleteObject', resourceType: 'artifact', resourceId: key, mutating: true }, signal, (client, sdk) =>
      client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { abortSignal: signal }),
    );
  }

  async *list(prefix = '', options: CallOptions = {}): AsyncIterable<ArtifactObject> {
    const { signal } = options;
    let token: string | undefined;
    for (;;) {
      const page = await this.api.run({ operation: 'ListObjectsV2' }, signal, (client, sdk) =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.objectKey(prefix), MaxKeys: this.listPageSize, ContinuationToken: token }), { abortSignal: signal }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || !o.Key.startsWith(this.prefix)) continue;
        const key = o.Key.slice(this.prefix.length);
        yield { key, location: this.locationOf(key), sizeBytes: o.Size ?? 0, checksum: md5OfETag(o.ETag), sha256: undefined, contentType: undefined, metadata: {} };
      }
      if (page.IsTruncated !== true || !page.NextContinuationToken) return;
      token = page.NextContinuationToken;
    }
  }

  async presignRead(key: string, options: ArtifactPresignOptions = {}): Promise<string> {
    assertArtifactKey(this, key);
    throwIfAborted(options.signal);
    const seconds = options.expiresInSeconds ?? 3600;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
      throw new InvalidSpecError({ provider: this.name, issues: [{ field: 'expiresInSeconds', message: `must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}` }] });
    }
    const [client, sdk, presigner] = await Promise.all([this.api.client(), this.api.module(), this.api.presigner()]);
    try {
      return await presigner.getSignedUrl(client, new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { expiresIn: seconds });
    } catch (error) {
      // Signing is local: only the credentials can fail it. The message never holds the URL.
      throw new ProviderUnavailableError({ provider: this.name, message: `presignRead of ${key}: could not sign the URL`, cause: error, requestSent: false, retryable: false });
    }
  }
}

/** Creates an artifact store over an S3 bucket (see {@link S3ArtifactStore}). */
export function createS3ArtifactStore(options: S3ArtifactStoreOptions): S3ArtifactStore {
  return new S3ArtifactStore(options);
}
