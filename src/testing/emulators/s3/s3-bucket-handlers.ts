/**
 * Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, ListObjectsV2 (prefix,
 * delimiter, max-keys up to 1,000, an opaque continuation-token, start-after) and
 * ListMultipartUploads (prefix, max-uploads, key-marker / upload-id-marker). Shapes and limits
 * from the Amazon S3 API Reference pages of each operation (read 2026-12).
 */
import { bucketOf, s3Response, type S3Call, type S3Handler } from './s3-call.js';
import { S3Error } from './s3-errors.js';
import { s3Document, type S3XmlNode } from './s3-xml.js';

/** The canonical user of the emulated account (S3 writes 64 hex digits). */
const OWNER = { ID: '7'.repeat(64), DisplayName: 'novacron-emulator' };

/** S3's bucket naming rules (general purpose buckets). */
export function checkBucketName(name: string): void {
  const ok = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !/\.\./.test(name) && !/^\d+\.\d+\.\d+\.\d+$/.test(name) && !name.startsWith('xn--');
  if (!ok) throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: name });
}

function maxOf(call: S3Call, name: string, limit: number): number {
  const text = call.request.query.get(name);
  if (text === null) return limit;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new S3Error('InvalidArgument', 400, `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: text });
  return Math.min(n, limit);
}

const createBucket: S3Handler = (call) => {
  checkBucketName(call.bucket);
  if (call.ctx.state.buckets.has(call.bucket)) throw new S3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: call.bucket });
  call.ctx.state.addBucket(call.bucket);
  return s3Response(call, 200, { location: `/${call.bucket}` });
};

const headBucket: S3Handler = (call) => {
  bucketOf(call);
  return s3Response(call, 200, { 'x-amz-bucket-region': call.ctx.region });
};

const deleteBucket: S3Handler = (call) => {
  const bucket = bucketOf(call);
  const uploads = [...call.ctx.state.uploads.values()].some((u) => u.bucket === bucket.name);
  if (bucket.objects.size > 0 || uploads) throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: bucket.name });
  call.ctx.state.buckets.delete(bucket.name);
  return s3Response(call, 204);
};

const listBuckets: S3Handler = (call) =>
  s3Response(
    call,
    200,
    {},
    s3Document('ListAllMyBucketsResult', {
      Owner: OWNER,
      Buckets: { Bucket: [...call.ctx.state.buckets.values()].map((b) => ({ Name: b.name, CreationDate: b.created })) },
    }),
  );

const listObjectsV2: S3Handler = (call) => {
  const bucket = bucketOf(call);
  const q = call.request.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = maxOf(call, 'max-keys', 1000);
  const token = q.get('continuation-token');
  let after = q.get('start-after') ?? '';
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!decoded.startsWith('k:')) throw new S3Error('InvalidArgument', 400, 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
    after = decoded.slice(2);
  }
  const urlEncoded = q.get('encoding-type') === 'url';
  const show = (k: string): string => (urlEncoded ? encodeURIComponent(k).replace(/%2F/g, '/') : k);
  const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const contents: S3XmlNode[] = [];
  const prefixes: string[] = [];
  let last = '';
  let truncated = false;
  for (const key of keys) {
    const rolled = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const common = rolled === -1 ? undefined : key.slice(0, rolled + delimiter.length);
    if (common !== undefined && prefixes.at(-1) === common) {
      last = key;
      continue;
    }
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    last = key;
    if (common !== undefined) prefixes.push(common);
    else {
      const o = bucket.objects.get(key)!;
      contents.push({ Key: show(key), LastModified: o.lastModified, ETag: o.etag, Size: o.bytes.length, StorageClass: 'STANDARD' });
    }
  }
  return s3Response(
    call,
    200,
    {},
    s3Document('ListBucketResult', {
      Name: bucket.name,
      Prefix: show(prefix),
      Delimiter: delimiter === '' ? undefined : show(delimiter),
      MaxKeys: maxKeys,
      EncodingType: urlEncoded ? 'url' : undefined,
      KeyCount: contents.length + prefixes.length,
      IsTruncated: truncated,
      ContinuationToken: token ?? undefined,
      NextContinuationToken: truncated ? Buffer.from(`k:${last}`).toString('base64url') : undefined,
      StartAfter: q.get('start-after') ?? undefined,
      Contents: contents,
      CommonPrefixes: prefixes.map((p) => ({ Prefix: show(p) })),
    }),
  );
};

const listMultipartUploads: S3Handler = (call) => {
  const bucket = bucketOf(call);
  const q = call.request.query;
  const prefix = q.get('prefix') ?? '';
  const maxUploads = maxOf(call, 'max-uploads', 1000);
  const keyMarker = q.get('key-marker') ?? '';
  const idMarker = q.get('upload-id-marker') ?? '';
  const uploads = [...call.ctx.state.uploads.values()]
    .filter((u) => u.bucket === bucket.name && u.key.startsWith(prefix))
    .filter((u) => u.key > keyMarker || (u.key === keyMarker && idMarker !== '' && u.uploadId > idMarker))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.uploadId < b.uploadId ? -1 : 1));
  const page = uploads.slice(0, maxUploads);
  const truncated = uploads.length > page.length;
  return s3Response(
    call,
    200,
    {},
    s3Document('ListMultipartUploadsResult', {
      Bucket: bucket.name,
      KeyMarker: keyMarker,
      UploadIdMarker: idMarker,
      NextKeyMarker: truncated ? page.at(-1)!.key : undefined,
      NextUploadIdMarker: truncated ? page.at(-1)!.uploadId : undefined,
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: truncated,
      Upload: page.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiator: OWNER, Owner: OWNER, StorageClass: 'STANDARD', Initiated: u.initiated })),
    }),
  );
};

/** The bucket-level handlers by operation name. */
export const BUCKET_HANDLERS = { CreateBucket: createBucket, HeadBucket: headBucket, DeleteBucket: deleteBucket, ListBuckets: listBuckets, ListObjectsV2: listObjectsV2, ListMultipartUploads: listMultipartUploads } as const;
