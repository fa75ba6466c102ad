/**
 * One write into Glance: `POST /v2/images` (a `queued` record marked `novacron-writing`, its
 * `disk_format`, `container_format: bare`, visibility, media type and metadata), the session
 * handed to `onSession` (its `uploadId` is the image id, so that `abortUpload` can remove it),
 * then one streamed `PUT /v2/images/{id}/file`. Glance has no multipart upload, so no part is
 * ever confirmed before the end: the body is cut into parts only to bound memory (two parts at
 * most, `part-reader.ts`), and an interrupted write cannot continue — the store says so
 * (`capabilities.resumableUpload: false`). The size need not be known: the PUT is chunked.
 *
 * After the PUT the image is read until `active` and its `size` and MD5 `checksum` (and
 * `os_hash_value`, when Glance hashes with SHA-256 or SHA-512) are compared with the bytes sent;
 * then one JSON patch sets `novacron-sha256` and removes the marker, which makes the object
 * visible. Older images of the same name are deleted last (a write replaces). Any failure deletes
 * the new image (best effort), so a failed write leaves nothing; a body that fails is reported as
 * itself, not as the network error it causes.
 */
import { createHash } from 'node:crypto';
import { abortReason } from '../../provider/abort.js';
import type { ArtifactWriteOptions, UploadSession } from '../../provider/artifact-store.js';
import { InvalidSpecError, ProviderUnavailableError } from '../../provider/errors.js';
import type { GlanceImages } from '../../providers/openstack/glance-images.js';
import type { GlanceImage } from '../../providers/openstack/wire-types.js';
import { readParts } from '../part-reader.js';
import { normalizeMetadata } from '../write-rules.js';
import { createdAtMs, isFinished, SHA256_PROPERTY, WRITING_PROPERTY, writeProperties } from './glance-object.js';

/** Limit of the clean-up calls after a failed write, ms. */
const CLEANUP_TIMEOUT_MS = 30_000;

/** What one write needs. */
export interface GlanceWriteContext {
  /** Store name, for sessions and errors. */
  readonly store: string;
  /** The Glance client. */
  readonly images: GlanceImages;
  /** `disk_format` when the write's metadata names none (`novacron-format`). */
  readonly diskFormat: string;
  /** Visibility of new images. */
  readonly visibility: string;
  /** Limit of the PUT (the whole body), ms. */
  readonly transferTimeoutMs: number;
  /** Limit of the wait for `active` after the PUT, ms. */
  readonly activeTimeoutMs: number;
  /** The images already named `key` (every status), newest first. */
  readonly sameName: (key: string, signal?: AbortSignal) => Promise<readonly GlanceImage[]>;
}

/** What a finished write made. */
export interface GlanceWritten {
  /** The image, as patched. */
  readonly image: GlanceImage;
  /** SHA-256 of the bytes sent, hex. */
  readonly sha256: string;
}

/** Writes `body` as the image named `key`; see the file comment. */
export async function writeGlanceImage(ctx: GlanceWriteContext, key: string, body: AsyncIterable<Uint8Array>, partSizeBytes: number, options: ArtifactWriteOptions): Promise<GlanceWritten> {
  const { signal } = options;
  const metadata = normalizeMetadata(options.metadata);
  const created = await ctx.images.create(
    {
      name: key,
      disk_format: metadata['novacron-format'] ?? ctx.diskFormat,
      container_format: 'bare',
      visibility: ctx.visibility,
      [WRITING_PROPERTY]: new Date().toISOString(),
      ...writeProperties(options.contentType ?? 'application/octet-stream', metadata),
    },
    { operation: 'write', resourceId: key },
    signal,
  );
  let bodyError: unknown;
  try {
    const session: UploadSession = { store: ctx.store, key, uploadId: created.id, partSizeBytes, parts: [], committedBytes: 0 };
    await options.onSession?.(session);
    const sent = { bytes: 0, md5: createHash('md5'), sha256: createHash('sha256'), sha512: createHash('sha512') };
    const parts = readParts(body, { partSizeBytes, signal });
    const stream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const next = await parts.next();
            if (next.done === true) return controller.close();
            for (const h of [sent.md5, sent.sha256, sent.sha512]) h.update(next.value.bytes);
            sent.bytes += next.value.bytes.length;
            controller.enqueue(next.value.bytes);
          } catch (error) {
            bodyError = error;
            controller.error(error);
          }
        },
        async cancel() {
          await parts.return();
        },
      },
      { highWaterMark: 0 },
    );
    await ctx.images.uploadData(created.id, stream, { operation: 'write', timeoutMs: ctx.transferTimeoutMs, signal });
    if (options.sizeBytes !== undefined && options.sizeBytes !== sent.bytes) {
      throw new InvalidSpecError({ provider: ctx.store, issues: [{ field: 'sizeBytes', message: `is ${options.sizeBytes}, but the body held ${sent.bytes} bytes` }] });
    }
    const digest = { md5: sent.md5.digest('hex'), sha256: sent.sha256.digest('hex'), sha512: sent.sha512.digest('hex') };
    const stored = await ctx.images.waitActive(created.id, { operation: 'write', timeoutMs: ctx.activeTimeoutMs, signal });
    checkStored(ctx.store, key, stored, sent.bytes, digest);
    const image = await ctx.images.patch(
      created.id,
      [
        { op: 'add', path: `/${SHA256_PROPERTY}`, value: digest.sha256 },
        { op: 'remove', path: `/${WRITING_PROPERTY}` },
      ],
      'write',
      signal,
    );
    options.onProgress?.(sent.bytes);
    await replaceOlder(ctx, key, image, signal);
    return { image, sha256: digest.sha256 };
  } catch (error) {
    await ctx.images.remove(created.id, 'write', AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch(() => undefined);
    if (bodyError !== undefined) throw bodyError;
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  }
}

/** Glance's size and digests of what it stored must be those of the bytes sent. */
function checkStored(store: string, key: string, image: GlanceImage, bytes: number, digest: { readonly md5: string; readonly sha256: string; readonly sha512: string }): void {
  const said: string[] = [];
  if (Number(image.size ?? -1) !== bytes) said.push(`size ${String(image.size)} (sent ${bytes})`);
  if (image.checksum && image.checksum !== digest.md5) said.push(`MD5 ${image.checksum} (sent ${digest.md5})`);
  const algo = image.os_hash_algo;
  if ((algo === 'sha256' || algo === 'sha512') && image.os_hash_value && image.os_hash_value !== digest[algo]) said.push(`${algo} ${image.os_hash_value.slice(0, 16)}… (sent ${digest[algo].slice(0, 16)}…)`);
  if (said.length === 0) return;
  throw new ProviderUnavailableError({ provider: store, retryable: true, message: `write of ${key}: Glance stored image ${image.id} with ${said.join(', ')}; it is not what was written and is removed` });
}

/**
 * Deletes the other images named `key`: every finished one, and unfinished ones created before
 * this one (a later write still under way replaces this one when it finishes).
 */
async function replaceOlder(ctx: GlanceWriteContext, key: string, mine: GlanceImage, signal: AbortSignal | undefined): Promise<void> {
  const since = createdAtMs(mine);
  for (const other of await ctx.sameName(key, signal)) {
    if (other.id === mine.id) continue;
    if (isFinished(other) || createdAtMs(other) < since) await ctx.images.remove(other.id, 'write', signal);
  }
}
