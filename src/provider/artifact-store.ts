/**
 * The artifact-store specification, version 1: where portable disk images live between a
 * cloud's export and another's import (S3, Azure Blob Storage, Cloud Storage, Glance, memory).
 * Small on purpose, like {@link ProviderV1}: read a stream, write one with a multipart upload that
 * survives a crash, head, delete, list, and a time-limited read URL where the store has one.
 */
import type { CallOptions } from './provider-v1.js';
import type { Checksum } from './types.js';

/** Version of this specification that a store implements. */
export type ArtifactStoreSpecVersion = 1;

/** An object in a store: where it is and what it holds. */
export interface ArtifactObject {
  /** Key inside the store (object name, blob name, Glance image name or id). */
  readonly key: string;
  /** Location a provider's import reads (`s3://bucket/key`, `https://account.blob.core.windows.net/c/key`, `gs://bucket/key`, `glance://<image name or id>`, `memory://store/key`). */
  readonly location: string;
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** The checksum the store keeps of the whole object, when it keeps one (MD5 for GCS, Azure, Glance and single-part S3). */
  readonly checksum: Checksum | undefined;
  /** The SHA-256 of the content that the writer recorded in the object's metadata (`novacron-sha256`), when known. */
  readonly sha256: string | undefined;
  /** Media type. */
  readonly contentType: string | undefined;
  /** User metadata (keys lower case). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** What a store can do beyond the common calls. */
export interface ArtifactStoreCapabilities {
  /** `presignRead` gives a time-limited URL. */
  readonly presignedRead: boolean;
  /** Smallest part of a multipart upload, except the last (S3: 5 MiB). */
  readonly minPartBytes: number;
  /** Largest part. */
  readonly maxPartBytes: number;
  /** Whether an interrupted upload can continue from its last completed part (`ArtifactWriteOptions.resume`). */
  readonly resumableUpload: boolean;
  /** Whether `write` needs the size up front (`ArtifactWriteOptions.sizeBytes`): Azure page blobs (not Glance, which takes a chunked upload). */
  readonly needsSize: boolean;
}

/** One completed part of a multipart upload. */
export interface UploadedPart {
  /** Part number, from 1. */
  readonly number: number;
  /** Bytes in the part. */
  readonly sizeBytes: number;
  /** The store's token for the part (S3 ETag, Azure block id, GCS committed offset), opaque. */
  readonly token: string;
}

/**
 * Where an unfinished upload stands: plain JSON, so that the caller can record it in a durable
 * operation after each part and hand it back to `write` in a new process. Holds no secret.
 */
export interface UploadSession {
  /** Store name. */
  readonly store: string;
  /** Key being written. */
  readonly key: string;
  /** The store's id of the upload (S3 UploadId, GCS session URI sealed under the store's credentials, Azure blob name, Glance image id). */
  readonly uploadId: string;
  /** Part size in bytes (every part but the last). */
  readonly partSizeBytes: number;
  /** Parts the store has confirmed, in order. */
  readonly parts: readonly UploadedPart[];
  /** Bytes the store has confirmed: the offset the body of a resumed write starts at. */
  readonly committedBytes: number;
}

/** Options of {@link ArtifactStore.write}. */
export interface ArtifactWriteOptions extends CallOptions {
  /** Total size in bytes; required where `capabilities.needsSize`. */
  readonly sizeBytes?: number | undefined;
  /** Media type (default `application/octet-stream`). */
  readonly contentType?: string | undefined;
  /** User metadata to store with the object. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Part size (default: the store's, at least `minPartBytes`). */
  readonly partSizeBytes?: number | undefined;
  /**
   * Continues this upload: the body then yields the content from `resume.committedBytes` on.
   * A session the store no longer knows is a `NotFoundError`, and the caller starts afresh.
   */
  readonly resume?: UploadSession | undefined;
  /** Called after each part the store confirms, before the next is sent; the write waits for it (record it durably here). */
  readonly onSession?: ((session: UploadSession) => void | Promise<void>) | undefined;
  /** Called as bytes are confirmed. */
  readonly onProgress?: ((committedBytes: number) => void) | undefined;
}

/** Options of {@link ArtifactStore.openRead}. */
export interface ArtifactReadOptions extends CallOptions {
  /** First byte to read (default 0). */
  readonly start?: number | undefined;
  /** Last byte to read, inclusive (default: the end). */
  readonly end?: number | undefined;
}

/** Options of {@link ArtifactStore.presignRead}. */
export interface ArtifactPresignOptions extends CallOptions {
  /** Seconds the URL stays valid (default 3600). */
  readonly expiresInSeconds?: number | undefined;
}

/**
 * A store of portable images. Every call that does I/O takes an `AbortSignal` and has a bounded
 * default timeout; `delete` and `abortUpload` are idempotent; errors are novacron errors
 * (`NotFoundError`, `AuthError`, `ThrottledError`, `ProviderUnavailableError`, …) whose messages
 * carry no credential or signed URL.
 */
export interface ArtifactStore {
  /** Specification version implemented. */
  readonly specVersion: ArtifactStoreSpecVersion;
  /** Name of this store (unique among a host's stores). */
  readonly name: string;
  /** Kind of store: `s3`, `azure-blob`, `gcs`, `glance`, `memory`, or a host's own. */
  readonly kind: string;
  /** What it can do. */
  readonly capabilities: ArtifactStoreCapabilities;
  /** The location of `key` in this store, as {@link ArtifactObject.location} writes it. */
  locationOf(key: string): string;
  /** The key of a location in this store, or `undefined` when the location is elsewhere. */
  keyOf(location: string): string | undefined;
  /**
   * Like {@link ArtifactStore.keyOf}, for locations the store can recognise only after I/O (a
   * cloud's own endpoint URLs, known once its service catalog is read). Optional: stores whose
   * locations are recognisable offline leave it out, and callers then use `keyOf` alone.
   */
  locate?(location: string, options?: CallOptions): Promise<string | undefined>;
  /** The object, or `undefined` when there is none. */
  head(key: string, options?: CallOptions): Promise<ArtifactObject | undefined>;
  /** Streams the object's bytes (or a range of them); a missing object is a `NotFoundError`. */
  openRead(key: string, options?: ArtifactReadOptions): Promise<AsyncIterable<Uint8Array>>;
  /**
   * Writes `body` to `key` in parts, never holding more than a part or two in memory, and returns
   * the object once the store has it whole. On failure the upload is left resumable when the
   * store can resume it (the last session given to `onSession` says where); `abortUpload` removes it.
   */
  write(key: string, body: AsyncIterable<Uint8Array>, options?: ArtifactWriteOptions): Promise<ArtifactObject>;
  /** Removes an unfinished upload and every part of it; no-op when it is gone. */
  abortUpload(session: UploadSession, options?: CallOptions): Promise<void>;
  /** Deletes the object; no-op when it is gone. */
  delete(key: string, options?: CallOptions): Promise<void>;
  /** Objects whose key starts with `prefix`, paged as the store pages. */
  list(prefix?: string, options?: CallOptions): AsyncIterable<ArtifactObject>;
  /** A URL that reads the object without credentials until it expires; only where `capabilities.presignedRead`, else `UnsupportedError`. */
  presignRead(key: string, options?: ArtifactPresignOptions): Promise<string>;
}
