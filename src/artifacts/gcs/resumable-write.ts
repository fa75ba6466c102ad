/**
 * One write to Cloud Storage as a resumable upload. Parts are sent as chunks of the session, each
 * a multiple of 256 KiB (Cloud Storage persists non-final chunks only in such multiples); the
 * write holds one part back until the next arrives, so that the last part goes with the total and
 * finalizes the upload (two parts in memory at most). After each chunk the 308's `Range` says
 * what Cloud Storage persisted, and only that is confirmed to `onSession`; a chunk whose answer is
 * lost (a reset connection, a 5xx, a 429) is followed by a status query and the missing bytes are
 * sent again, so a finalize whose answer was dropped resolves to the object it made.
 *
 * The SHA-256 cannot go with the session's metadata (that is sent at session start, before the
 * content), so it is written after finalize with `objects.patch` of the metadata
 * (`file.setMetadata`), conditioned on the metageneration the finalize answered; the MD5 Cloud
 * Storage computed is checked against the one computed here while streaming.
 */
import type { ArtifactWriteOptions, UploadedPart, UploadSession } from '../../provider/artifact-store.js';
import { ConflictError, InvalidSpecError, ProviderUnavailableError } from '../../provider/errors.js';
import { withRetry } from '../../provider/retry.js';
import { readParts } from '../part-reader.js';
import { digestOfSession, ResumableDigest, splitPartToken, tokenWithDigest } from '../resumable-digest.js';
import type { GcsObjectResource, ResumableProtocol, UploadState } from './resumable-protocol.js';

/** What one resumable write needs. */
export interface ResumableWrite {
  /** Store name. */
  readonly store: string;
  /** Key written. */
  readonly key: string;
  /** Object name (prefix and key). */
  readonly objectName: string;
  /** The protocol. */
  readonly protocol: ResumableProtocol;
  /** Part size (a multiple of 256 KiB). */
  readonly partSizeBytes: number;
  /** The content (from `resume.committedBytes` on when resuming). */
  readonly body: AsyncIterable<Uint8Array>;
  /** The caller's options. */
  readonly options: ArtifactWriteOptions;
  /** Runs one call with the store's deadline and error mapping. */
  run<T>(operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Retries of a chunk whose answer was lost or refused as retryable. */
  readonly maxAttempts: number;
}

/** What the write ends with: the finished object and the content's digests. */
export interface ResumableResult {
  /** The object resource of the finalize. */
  readonly object: GcsObjectResource;
  /** SHA-256 and MD5 (hex) of the content, when known. */
  readonly digest: { readonly sha256: string; readonly md5: string } | undefined;
}

/** Runs the upload to its finalize. */
export async function writeResumable(w: ResumableWrite): Promise<ResumableResult> {
  const { options } = w;
  const resume = options.resume;
  let uploadId: string;
  let committed: number;
  let digest: ResumableDigest | undefined;
  const parts: UploadedPart[] = resume ? resume.parts.map((p) => ({ ...p, token: splitPartToken(p.token).token })) : [];
  // How far Cloud Storage has persisted, as last heard: bytes below it are not sent again.
  let known = 0;
  if (resume) {
    uploadId = resume.uploadId;
    digest = await digestOfSession(resume);
    const state = await w.run('write', (signal) => w.protocol.query(uploadId, undefined, signal));
    if (state.object) return { object: state.object, digest: await drain(w.body, digest) };
    if (state.persisted < resume.committedBytes) throw new ConflictError({ provider: w.store, message: `write of ${w.key}: the session has ${state.persisted} bytes, less than the ${resume.committedBytes} it confirmed` });
    committed = resume.committedBytes;
    // Bytes that landed after the session was last recorded are still in the body: they are not sent again.
    known = state.persisted;
  } else {
    uploadId = await w.run('write', (signal) =>
      w.protocol.start({ name: w.objectName, contentType: options.contentType ?? 'application/octet-stream', metadata: { ...(options.metadata ?? {}) }, sizeBytes: options.sizeBytes }, signal),
    );
    committed = 0;
    digest = await ResumableDigest.start();
  }
  const confirm = async (sizeBytes: number): Promise<void> => {
    committed += sizeBytes;
    parts.push({ number: parts.length + 1, sizeBytes, token: String(committed) });
    const last = parts.length - 1;
    const recorded = digest ? parts.map((p, i) => (i === last ? { ...p, token: tokenWithDigest(p.token, digest!) } : p)) : [...parts];
    const session: UploadSession = { store: w.store, key: w.key, uploadId, partSizeBytes: w.partSizeBytes, parts: recorded, committedBytes: committed };
    await options.onSession?.(session);
    options.onProgress?.(committed);
  };

  let last: Uint8Array | undefined;
  // readParts looks one part ahead, so the last part is known as it comes and goes with the total.
  for await (const part of readParts(w.body, { partSizeBytes: w.partSizeBytes, signal: options.signal })) {
    if (part.last) {
      last = part.bytes;
      break;
    }
    const state = await sendPart(w, uploadId, committed, part.bytes, undefined, known);
    if (state.persisted !== undefined) known = state.persisted;
    digest?.update(part.bytes);
    await confirm(part.bytes.byteLength);
  }
  const total = committed + (last?.byteLength ?? 0);
  if (options.sizeBytes !== undefined && options.sizeBytes !== total) {
    throw new InvalidSpecError({ provider: w.store, issues: [{ field: 'sizeBytes', message: `the body holds ${total} bytes, not the ${options.sizeBytes} given` }] });
  }
  const final = await sendPart(w, uploadId, committed, last ?? new Uint8Array(0), total, known);
  if (last) digest?.update(last);
  if (!final.object) throw new ProviderUnavailableError({ provider: w.store, message: `write of ${w.key}: Cloud Storage did not finish the upload after its last chunk`, retryable: true });
  options.onProgress?.(total);
  return { object: final.object, digest: digest?.finish() };
}

/**
 * Sends `bytes` (at `offset`) until Cloud Storage has persisted all of them, querying where the
 * upload stands after a lost or retryable answer and after a short 308, and sending what is
 * missing. Bytes below `known` are persisted already and are not sent.
 */
async function sendPart(w: ResumableWrite, uploadId: string, offset: number, bytes: Uint8Array, total: number | undefined, known: number): Promise<UploadState> {
  const end = offset + bytes.byteLength;
  let persisted = Math.min(Math.max(offset, known), end);
  if (persisted === end && total === undefined) return { persisted: known };
  for (let round = 0; round < 8; round++) {
    const state = await withRetry(
      async (attempt) => {
        if (attempt > 1) {
          const now = await w.run('write', (signal) => w.protocol.query(uploadId, undefined, signal));
          if (now.object) return now;
          persisted = Math.max(offset, now.persisted);
          if (persisted < offset) throw new ConflictError({ provider: w.store, message: `write of ${w.key}: the session lost bytes it had confirmed` });
        }
        return w.run('write', (signal) => w.protocol.put(uploadId, persisted, bytes.subarray(persisted - offset), total, signal));
      },
      { operation: 'write', provider: w.store, signal: w.options.signal, maxAttempts: w.maxAttempts, baseDelayMs: 200, maxDelayMs: 5_000 },
    );
    if (state.object) return state;
    if (state.persisted >= end && total === undefined) return state;
    if (state.persisted < persisted) throw new ConflictError({ provider: w.store, message: `write of ${w.key}: the session went back from ${persisted} to ${state.persisted} bytes` });
    // Cloud Storage kept less than was sent (it persists whole 256 KiB quanta): send the rest.
    persisted = state.persisted;
  }
  throw new ProviderUnavailableError({ provider: w.store, message: `write of ${w.key}: Cloud Storage kept refusing part of a chunk`, retryable: true });
}

/** Digests the rest of a body (a resumed upload that turned out finished). */
async function drain(body: AsyncIterable<Uint8Array>, digest: ResumableDigest | undefined): Promise<{ sha256: string; md5: string } | undefined> {
  for await (const chunk of body) digest?.update(chunk);
  return digest?.finish();
}
