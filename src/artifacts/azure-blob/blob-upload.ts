/**
 * What the block and page writers share: one upload's context, and the steps every part takes
 * after the store confirmed it (the session handed to `onSession`, progress reported).
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { ArtifactWriteOptions, UploadedPart, UploadSession } from '../../provider/artifact-store.js';
import { InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import { digestOfSession, ResumableDigest, tokenWithDigest, splitPartToken } from '../resumable-digest.js';
import type { BlobModule } from './azure-blob-api.js';

/** One write in progress. */
export interface BlobUpload {
  /** Store name. */
  readonly store: string;
  /** Key written. */
  readonly key: string;
  /** Blob name (prefix and key). */
  readonly blobName: string;
  /** The container. */
  readonly container: ContainerClient;
  /** The SDK module. */
  readonly sdk: BlobModule;
  /** Part size. */
  readonly partSizeBytes: number;
  /** The content (from `resume.committedBytes` on, when resuming). */
  readonly body: AsyncIterable<Uint8Array>;
  /** The caller's options. */
  readonly options: ArtifactWriteOptions;
  /** Runs one state-changing call with the store's deadline and error mapping. */
  run<T>(operation: string, signal: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** The parts confirmed so far and the running digest; reports each new part. */
export class UploadProgress {
  private parts: UploadedPart[];
  private committed: number;

  private constructor(
    private readonly upload: BlobUpload,
    private readonly uploadId: string,
    /** The digest of the content confirmed so far (`undefined` when a resumed session carried none). */
    readonly digest: ResumableDigest | undefined,
    start: UploadSession | undefined,
  ) {
    this.parts = start ? start.parts.map((p) => ({ ...p, token: splitPartToken(p.token).token })) : [];
    this.committed = start?.committedBytes ?? 0;
  }

  /** Progress of a new write, or of the resumed session. */
  static async begin(upload: BlobUpload, uploadId: string): Promise<UploadProgress> {
    const resume = upload.options.resume;
    const digest = resume ? await digestOfSession(resume) : await ResumableDigest.start();
    return new UploadProgress(upload, uploadId, digest, resume);
  }

  /** Bytes confirmed. */
  get committedBytes(): number {
    return this.committed;
  }

  /** Parts confirmed. */
  get partCount(): number {
    return this.parts.length;
  }

  /** Adds a confirmed part and tells the caller (the write waits for `onSession`). */
  async confirmed(sizeBytes: number, token: string): Promise<void> {
    this.committed += sizeBytes;
    this.parts.push({ number: this.parts.length + 1, sizeBytes, token });
    const last = this.parts.length - 1;
    const parts = this.digest ? this.parts.map((p, i) => (i === last ? { ...p, token: tokenWithDigest(p.token, this.digest!) } : p)) : [...this.parts];
    const session: UploadSession = { store: this.upload.store, key: this.upload.key, uploadId: this.uploadId, partSizeBytes: this.upload.partSizeBytes, parts, committedBytes: this.committed };
    await this.upload.options.onSession?.(session);
    this.upload.options.onProgress?.(this.committed);
  }
}

/** The error of a session whose upload the store no longer has. */
export function sessionGone(upload: BlobUpload, why: string): NotFoundError {
  return new NotFoundError({ provider: upload.store, message: `write of ${upload.key}: the upload session is gone (${why}); start the write afresh`, resourceType: 'upload', resourceId: upload.key });
}

/** The error of a body whose length is not the `sizeBytes` given. */
export function sizeMismatch(upload: BlobUpload, expected: number, got: string): InvalidSpecError {
  return new InvalidSpecError({ provider: upload.store, issues: [{ field: 'sizeBytes', message: `the body holds ${got} bytes, not the ${expected} given` }] });
}
