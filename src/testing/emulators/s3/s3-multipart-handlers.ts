/**
 * Multipart upload: CreateMultipartUpload, UploadPart (part numbers 1–10,000, ETag the part's
 * MD5), ListParts (max-parts, part-number-marker), AbortMultipartUpload (204; `NoSuchUpload` when
 * the upload is gone) and CompleteMultipartUpload, which checks what S3 checks: parts listed in
 * ascending order (`InvalidPartOrder`), each uploaded with the ETag given (`InvalidPart`), each but
 * the last at least the minimum part size (`EntityTooSmall`; 5 MiB unless the emulator was started
 * with a smaller `minPartBytes`). The object's ETag is the MD5 of the parts' MD5s, `-N`.
 * A completed or aborted upload is gone: a retried CompleteMultipartUpload answers `NoSuchUpload`
 * (S3 may answer a quick retry with success; the stricter answer keeps clients honest about a
 * lost response). Amazon S3 API Reference, pages of each operation (read 2026-12).
 */
import { bucketOf, checkKey, payloadOf, s3Response, taggingHeaderOf, userMetadataOf, type S3Call, type S3Handler } from './s3-call.js';
import { S3Error } from './s3-errors.js';
import { md5ETag, multipartETag, type S3StoredUpload } from './s3-state.js';
import { parseCompleteMultipartUpload, s3Document } from './s3-xml.js';

function uploadOf(call: S3Call): S3StoredUpload {
  bucketOf(call);
  const id = call.request.query.get('uploadId') ?? '';
  const upload = call.ctx.state.uploads.get(id);
  if (!upload || upload.bucket !== call.bucket || upload.key !== call.key) {
    throw new S3Error('NoSuchUpload', 404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id });
  }
  return upload;
}

const createMultipartUpload: S3Handler = (call) => {
  bucketOf(call);
  checkKey(call.key);
  const upload = call.ctx.state.createUpload({
    bucket: call.bucket,
    key: call.key,
    contentType: call.request.header('content-type') ?? 'binary/octet-stream',
    metadata: userMetadataOf(call.request),
    tags: taggingHeaderOf(call.request),
  });
  return s3Response(call, 200, {}, s3Document('InitiateMultipartUploadResult', { Bucket: call.bucket, Key: call.key, UploadId: upload.uploadId }));
};

const uploadPart: S3Handler = async (call) => {
  if (call.request.header('x-amz-copy-source') !== undefined) throw new S3Error('NotImplemented', 501, 'UploadPartCopy is not implemented by this emulator.');
  const text = call.request.query.get('partNumber') ?? '';
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < 1 || number > 10_000) {
    throw new S3Error('InvalidArgument', 400, 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: text });
  }
  const upload = uploadOf(call);
  const payload = await payloadOf(call);
  const etag = md5ETag(payload.bytes);
  upload.parts.set(number, { number, bytes: payload.bytes, etag, lastModified: call.ctx.state.now() });
  const checksumHeaders = Object.fromEntries(Object.entries(payload.checksums).map(([a, v]) => [`x-amz-checksum-${a}`, v]));
  return s3Response(call, 200, { etag, ...checksumHeaders });
};

const listParts: S3Handler = (call) => {
  const upload = uploadOf(call);
  const q = call.request.query;
  const marker = Number(q.get('part-number-marker') ?? '0') || 0;
  const maxParts = Math.min(1000, Number(q.get('max-parts') ?? '1000') || 1000);
  const parts = [...upload.parts.values()].filter((p) => p.number > marker).sort((a, b) => a.number - b.number);
  const page = parts.slice(0, maxParts);
  const truncated = parts.length > page.length;
  return s3Response(
    call,
    200,
    {},
    s3Document('ListPartsResult', {
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1)?.number ?? marker,
      MaxParts: maxParts,
      IsTruncated: truncated,
      StorageClass: 'STANDARD',
      Part: page.map((p) => ({ PartNumber: p.number, LastModified: p.lastModified, ETag: p.etag, Size: p.bytes.length })),
    }),
  );
};

const abortMultipartUpload: S3Handler = (call) => {
  const upload = uploadOf(call);
  call.ctx.state.uploads.delete(upload.uploadId);
  return s3Response(call, 204);
};

const completeMultipartUpload: S3Handler = async (call) => {
  const upload = uploadOf(call);
  const listed = parseCompleteMultipartUpload((await payloadOf(call)).bytes.toString('utf8'));
  for (let i = 1; i < listed.length; i++) {
    if (listed[i]!.number <= listed[i - 1]!.number) throw new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', { UploadId: upload.uploadId });
  }
  const parts = listed.map((given) => {
    const part = upload.parts.get(given.number);
    if (!part || part.etag.replace(/"/g, '') !== given.etag) {
      throw new S3Error('InvalidPart', 400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", {
        UploadId: upload.uploadId,
        PartNumber: String(given.number),
        ETag: given.etag,
      });
    }
    return part;
  });
  parts.slice(0, -1).forEach((part) => {
    if (part.bytes.length < call.ctx.minPartBytes) {
      throw new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: String(part.bytes.length),
        MinSizeAllowed: String(call.ctx.minPartBytes),
        PartNumber: String(part.number),
        ETag: part.etag.replace(/"/g, ''),
      });
    }
  });
  const etag = multipartETag(parts.map((p) => p.etag));
  bucketOf(call).objects.set(upload.key, {
    key: upload.key,
    bytes: Buffer.concat(parts.map((p) => p.bytes)),
    etag,
    contentType: upload.contentType,
    metadata: upload.metadata,
    tags: upload.tags,
    lastModified: call.ctx.state.now(),
    partsCount: parts.length,
    checksums: {},
  });
  call.ctx.state.uploads.delete(upload.uploadId);
  const location = `${call.request.url.origin}/${encodeURIComponent(upload.bucket)}/${upload.key.split('/').map(encodeURIComponent).join('/')}`;
  return s3Response(call, 200, {}, s3Document('CompleteMultipartUploadResult', { Location: location, Bucket: upload.bucket, Key: upload.key, ETag: etag }));
};

/** The multipart handlers by operation name. */
export const MULTIPART_HANDLERS = {
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  ListParts: listParts,
  AbortMultipartUpload: abortMultipartUpload,
  CompleteMultipartUpload: completeMultipartUpload,
} as const;
