/**
 * A block blob written in parts: `Put Block` per part with an id derived from the part number
 * (ids of one blob must all have the same length: `novacron-000001`, base64), then one
 * `Put Block List` that commits them with Content-Type, Content-MD5 and the metadata (the
 * SHA-256 included), so the object appears whole and described in one step. A resumed write
 * checks the session's blocks are still staged (Azure drops uncommitted blocks after a week, and
 * all of them when another write commits) and continues with the next part number.
 */
import { readParts } from '../part-reader.js';
import { encodeMetadata, encodeMetadataName, SHA256_KEY } from './blob-metadata.js';
import { sessionGone, sizeMismatch, UploadProgress, type BlobUpload } from './blob-upload.js';

/** The block id of part `number`. */
export function blockIdOf(number: number): string {
  return Buffer.from(`novacron-${String(number).padStart(6, '0')}`).toString('base64');
}

/** Writes the block blob and commits it. */
export async function writeBlockBlob(upload: BlobUpload): Promise<void> {
  const { options } = upload;
  const blob = upload.container.getBlockBlobClient(upload.blobName);
  const metadata = encodeMetadata(upload.store, options.metadata ?? {});
  const progress = await UploadProgress.begin(upload, upload.blobName);
  const resume = options.resume;
  if (resume && resume.parts.length > 0) {
    const staged = await upload.run('write', options.signal, (signal) => blob.getBlockList('uncommitted', { abortSignal: signal }));
    const sizes = new Map((staged.uncommittedBlocks ?? []).map((b) => [b.name, b.size]));
    const missing = resume.parts.find((p) => sizes.get(blockIdOf(p.number)) !== p.sizeBytes);
    if (missing) throw sessionGone(upload, `block ${missing.number} is no longer staged`);
  }
  for await (const { bytes: part } of readParts(upload.body, { partSizeBytes: upload.partSizeBytes, signal: options.signal })) {
    const number = progress.partCount + 1;
    const id = blockIdOf(number);
    await upload.run('write', options.signal, (signal) => blob.stageBlock(id, part, part.byteLength, { abortSignal: signal }));
    progress.digest?.update(part);
    await progress.confirmed(part.byteLength, id);
  }
  if (options.sizeBytes !== undefined && options.sizeBytes !== progress.committedBytes) throw sizeMismatch(upload, options.sizeBytes, String(progress.committedBytes));
  const ids = Array.from({ length: progress.partCount }, (_, i) => blockIdOf(i + 1));
  const digest = progress.digest?.finish();
  const recorded = digest ? { ...metadata, [encodeMetadataName(SHA256_KEY)]: digest.sha256 } : metadata;
  await upload.run('write', options.signal, (signal) =>
    blob.commitBlockList(ids, {
      abortSignal: signal,
      metadata: recorded,
      blobHTTPHeaders: { blobContentType: options.contentType ?? 'application/octet-stream', ...(digest ? { blobContentMD5: Buffer.from(digest.md5, 'hex') } : {}) },
    }),
  );
}
