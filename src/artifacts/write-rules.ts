/**
 * The rules every artifact store applies before it touches its backend, so that each store
 * refuses the same inputs with the same typed errors: object keys, part sizes, byte ranges, and
 * whether a session handed back to `write` belongs to this store and key.
 */
import type { ArtifactReadOptions, ArtifactStoreCapabilities, ArtifactWriteOptions, UploadedPart, UploadSession } from '../provider/artifact-store.js';
import { InvalidSpecError } from '../provider/errors.js';

/** Longest key, in UTF-8 bytes (S3's limit, the smallest of the stores'). */
export const MAX_ARTIFACT_KEY_BYTES = 1024;

/** What the rules need to know of a store. */
export interface StoreIdentity {
  /** Store name, for errors and sessions. */
  readonly name: string;
  /** What it can do. */
  readonly capabilities: ArtifactStoreCapabilities;
}

function invalid(store: StoreIdentity, field: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ provider: store.name, issues: [{ field, message }] });
}

/** Throws `InvalidSpecError` unless `key` is a usable object key: not empty, no leading `/`, at most 1,024 bytes, no control characters. */
export function assertArtifactKey(store: StoreIdentity, key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw invalid(store, 'key', 'must be a non-empty string');
  if (key.startsWith('/')) throw invalid(store, 'key', 'must not start with "/"');
  if (Buffer.byteLength(key, 'utf8') > MAX_ARTIFACT_KEY_BYTES) throw invalid(store, 'key', `must be at most ${MAX_ARTIFACT_KEY_BYTES} bytes of UTF-8`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw invalid(store, 'key', 'must not contain control characters');
}

/** The part size of a write: the option, else the store's default, within the store's bounds. */
export function resolvePartSize(store: StoreIdentity, options: Pick<ArtifactWriteOptions, 'partSizeBytes' | 'resume'>, defaultBytes: number): number {
  const size = options.resume?.partSizeBytes ?? options.partSizeBytes ?? Math.max(defaultBytes, store.capabilities.minPartBytes);
  const { minPartBytes, maxPartBytes } = store.capabilities;
  if (!Number.isSafeInteger(size) || size < minPartBytes || size > maxPartBytes) {
    throw invalid(store, options.resume ? 'resume.partSizeBytes' : 'partSizeBytes', `must be an integer from ${minPartBytes} to ${maxPartBytes} bytes (got ${String(size)})`);
  }
  return size;
}

/** Throws `InvalidSpecError` unless `session` is an unfinished upload of `key` in this store, parts numbered from 1 and adding up. */
export function assertResumable(store: StoreIdentity, key: string, session: UploadSession): void {
  if (session.store !== store.name) throw invalid(store, 'resume.store', `the session belongs to store "${session.store}", not "${store.name}"`);
  if (session.key !== key) throw invalid(store, 'resume.key', `the session uploads "${session.key}", not "${key}"`);
  if (typeof session.uploadId !== 'string' || session.uploadId.length === 0) throw invalid(store, 'resume.uploadId', 'must be a non-empty string');
  let bytes = 0;
  session.parts.forEach((part, i) => {
    if (part.number !== i + 1) throw invalid(store, `resume.parts[${i}].number`, `must be ${i + 1}: parts are consecutive from 1`);
    // Only the last part may be short (it may be the body's end, confirmed just before a crash).
    if (i < session.parts.length - 1 && part.sizeBytes !== session.partSizeBytes) throw invalid(store, `resume.parts[${i}].sizeBytes`, `must be the part size ${session.partSizeBytes}`);
    bytes += part.sizeBytes;
  });
  if (bytes !== session.committedBytes) throw invalid(store, 'resume.committedBytes', `must be the sum of the parts' sizes (${bytes})`);
}

/** The session after one more confirmed part. */
export function withPart(session: UploadSession, part: UploadedPart): UploadSession {
  return { ...session, parts: [...session.parts, part], committedBytes: session.committedBytes + part.sizeBytes };
}

/** A byte range of an object of `sizeBytes`: `end` is clamped to the last byte; a start past the end is an `InvalidSpecError`. */
export function resolveRange(store: StoreIdentity, sizeBytes: number, options: Pick<ArtifactReadOptions, 'start' | 'end'>): { start: number; end: number } | undefined {
  if (options.start === undefined && options.end === undefined) return undefined;
  const start = options.start ?? 0;
  const end = Math.min(options.end ?? sizeBytes - 1, sizeBytes - 1);
  if (!Number.isSafeInteger(start) || start < 0) throw invalid(store, 'start', 'must be a non-negative integer');
  if (options.end !== undefined && (!Number.isSafeInteger(options.end) || options.end < start)) throw invalid(store, 'end', 'must be an integer no smaller than start');
  if (start >= sizeBytes) throw invalid(store, 'start', `is past the end of the object (${sizeBytes} bytes)`);
  return { start, end };
}

/** User metadata as stores keep it: keys in lower case (S3, GCS and Azure fold them). */
export function normalizeMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
