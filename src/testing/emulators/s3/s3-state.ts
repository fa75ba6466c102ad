/**
 * What the S3 emulator holds: buckets with their objects, and unfinished multipart uploads with
 * their parts. ETags are S3's: the MD5 hex of the content for a single PUT, and for a completed
 * multipart upload the MD5 of the parts' binary MD5s followed by `-<number of parts>` (Amazon S3
 * User Guide, "Checking object integrity", read 2026-12). ETags are kept quoted, as S3 sends them.
 */
import { createHash, randomBytes } from 'node:crypto';

/** An object in a bucket. */
export interface S3StoredObject {
  /** Key. */
  readonly key: string;
  /** Content. */
  readonly bytes: Buffer;
  /** Quoted ETag. */
  readonly etag: string;
  /** Media type. */
  readonly contentType: string;
  /** User metadata (`x-amz-meta-*` without the prefix, lower case). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Object tags. */
  tags: ReadonlyMap<string, string>;
  /** Last write. */
  readonly lastModified: Date;
  /** Parts it was assembled from (multipart), `undefined` for a single PUT. */
  readonly partsCount: number | undefined;
  /** The full-object checksum the writer sent (`crc32` → base64), returned when asked with `x-amz-checksum-mode: ENABLED`. */
  readonly checksums: Readonly<Record<string, string>>;
}

/** One uploaded part. */
export interface S3StoredPart {
  /** Part number. */
  readonly number: number;
  /** Content. */
  readonly bytes: Buffer;
  /** Quoted ETag (MD5 hex). */
  readonly etag: string;
  /** When it was uploaded. */
  readonly lastModified: Date;
}

/** An unfinished multipart upload. */
export interface S3StoredUpload {
  /** Upload id. */
  readonly uploadId: string;
  /** Bucket. */
  readonly bucket: string;
  /** Key. */
  readonly key: string;
  /** When it was created. */
  readonly initiated: Date;
  /** Media type of the object to be. */
  readonly contentType: string;
  /** User metadata of the object to be. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tags of the object to be. */
  readonly tags: ReadonlyMap<string, string>;
  /** Parts by number. */
  readonly parts: Map<number, S3StoredPart>;
}

/** A bucket. */
export interface S3Bucket {
  /** Name. */
  readonly name: string;
  /** When it was created. */
  readonly created: Date;
  /** Objects by key. */
  readonly objects: Map<string, S3StoredObject>;
}

/** Quoted MD5 hex of `bytes`. */
export function md5ETag(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** The ETag of a multipart object: MD5 of the parts' binary MD5s, `-N`. */
export function multipartETag(partETags: readonly string[]): string {
  const hash = createHash('md5');
  for (const etag of partETags) hash.update(Buffer.from(etag.replace(/"/g, ''), 'hex'));
  return `"${hash.digest('hex')}-${partETags.length}"`;
}

/** The account's buckets and uploads. */
export class S3State {
  /** Buckets by name. */
  readonly buckets = new Map<string, S3Bucket>();
  /** Unfinished uploads by id. */
  readonly uploads = new Map<string, S3StoredUpload>();

  /** Creates the state; `clock` in milliseconds. */
  constructor(readonly clock: () => number) {}

  /** Now, as a date. */
  now(): Date {
    return new Date(this.clock());
  }

  /** Adds a bucket (no check of the name; the handler checks). */
  addBucket(name: string): S3Bucket {
    const bucket: S3Bucket = { name, created: this.now(), objects: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  /** Starts an upload. */
  createUpload(init: Omit<S3StoredUpload, 'uploadId' | 'initiated' | 'parts'>): S3StoredUpload {
    // S3's upload ids are long opaque URL-safe strings.
    const uploadId = randomBytes(48).toString('base64url');
    const upload: S3StoredUpload = { ...init, uploadId, initiated: this.now(), parts: new Map() };
    this.uploads.set(uploadId, upload);
    return upload;
  }
}
