/**
 * A page blob written in parts. `Create` sizes the blob up front (rounded up to 512 bytes, the
 * page size) and marks it unfinished; each part is one `Put Page` of at most 4 MiB at a
 * 512-aligned offset, a part of zeros is skipped (a new page blob reads as zeros); the last
 * part is zero-padded to its page. The commit sets Content-Type and Content-MD5
 * (`Set Blob Properties`) and then the metadata (`Set Blob Metadata`: the SHA-256, the true size
 * when it is not page-aligned, and no marker), after which the blob reads as an object. A
 * resumed write checks the unfinished blob is still there at its size and continues at the
 * session's committed offset (the pages before it are written or zero).
 */
import { InvalidSpecError } from '../../provider/errors.js';
import { readParts } from '../part-reader.js';
import { encodeMetadata, encodeMetadataName, SHA256_KEY, UPLOAD_MARKER } from './blob-metadata.js';
import { sessionGone, sizeMismatch, UploadProgress, type BlobUpload } from './blob-upload.js';

/** Metadata key of a page blob's true size when it is not a multiple of 512 (decoded form). */
export const PAGE_SIZE_KEY = 'novacron-size';
const PAGE = 512;

/** Writes the page blob and commits it. */
export async function writePageBlob(upload: BlobUpload): Promise<void> {
  const { options } = upload;
  const size = options.sizeBytes;
  if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
    throw new InvalidSpecError({ provider: upload.store, issues: [{ field: 'sizeBytes', message: `a page blob's size is a whole number of bytes; got ${size}` }] });
  }
  // Unknown size: the blob starts empty and grows before each part (Azure resizes page blobs in place).
  let blobSize = size === undefined ? 0 : pagesFor(size);
  const blob = upload.container.getPageBlobClient(upload.blobName);
  const metadata = encodeMetadata(upload.store, options.metadata ?? {});
  const contentType = options.contentType ?? 'application/octet-stream';
  const resume = options.resume;
  if (resume) {
    const props = await upload.run('write', options.signal, (signal) => blob.getProperties({ abortSignal: signal })).catch((error: unknown) => {
      throw (error as { code?: unknown }).code === 'NOT_FOUND' ? sessionGone(upload, 'the page blob is gone') : error;
    });
    if (props.metadata?.[encodeMetadataName(UPLOAD_MARKER)] === undefined || (size !== undefined && props.contentLength !== blobSize)) throw sessionGone(upload, 'the page blob was finished or replaced');
    if (size === undefined) blobSize = props.contentLength ?? 0;
  } else {
    await upload.run('write', options.signal, (signal) =>
      blob.create(blobSize, { abortSignal: signal, blobHTTPHeaders: { blobContentType: contentType }, metadata: { ...metadata, [encodeMetadataName(UPLOAD_MARKER)]: 'incomplete' } }),
    );
  }
  const progress = await UploadProgress.begin(upload, upload.blobName);
  for await (const { bytes: part } of readParts(upload.body, { partSizeBytes: upload.partSizeBytes, signal: options.signal })) {
    const offset = progress.committedBytes;
    if (size !== undefined && offset + part.byteLength > size) throw sizeMismatch(upload, size, `more than ${size}`);
    const pages = part.byteLength % PAGE === 0 ? part : Buffer.concat([part, new Uint8Array(PAGE - (part.byteLength % PAGE))]);
    if (offset + pages.byteLength > blobSize) {
      const grown = offset + pages.byteLength;
      await upload.run('write', options.signal, (signal) => blob.resize(grown, { abortSignal: signal }));
      blobSize = grown;
    }
    if (!isZero(pages)) await upload.run('write', options.signal, (signal) => blob.uploadPages(pages, offset, pages.byteLength, { abortSignal: signal }));
    progress.digest?.update(part);
    await progress.confirmed(part.byteLength, String(offset + part.byteLength));
  }
  if (size !== undefined && progress.committedBytes !== size) throw sizeMismatch(upload, size, String(progress.committedBytes));
  const total = progress.committedBytes;
  if (blobSize !== pagesFor(total)) await upload.run('write', options.signal, (signal) => blob.resize(pagesFor(total), { abortSignal: signal }));
  const digest = progress.digest?.finish();
  await upload.run('write', options.signal, (signal) =>
    blob.setHTTPHeaders({ blobContentType: contentType, ...(digest ? { blobContentMD5: Buffer.from(digest.md5, 'hex') } : {}) }, { abortSignal: signal }),
  );
  const recorded: Record<string, string> = { ...metadata };
  if (digest) recorded[encodeMetadataName(SHA256_KEY)] = digest.sha256;
  if (pagesFor(total) !== total) recorded[encodeMetadataName(PAGE_SIZE_KEY)] = String(total);
  await upload.run('write', options.signal, (signal) => blob.setMetadata(recorded, { abortSignal: signal }));
}

function pagesFor(bytes: number): number {
  return Math.ceil(bytes / PAGE) * PAGE;
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.byteLength; i++) if (bytes[i] !== 0) return false;
  return true;
}
